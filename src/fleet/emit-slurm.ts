import { shellQuote } from '../core/shell-quote.js';
import { collectCommand, jobName, shardCommand, shardEnvironment, type EmittedPlan } from './emit-plan.js';
import type { FleetPlan } from './fleet-plan.js';

/** A batch script: `#SBATCH` options, then the environment and the command. */
function batchScript(options: readonly string[], env: Readonly<Record<string, string>>, command: readonly string[]): string {
  return [
    '#!/bin/bash',
    ...options.map((option) => `#SBATCH ${option}`),
    'set -eu',
    ...Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    `exec ${command.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

/**
 * The files `sweep plan --emit slurm` writes: per target an `sbatch` script of a job array numbered from 0, one task
 * per shard; a collect script; and a script that submits them, the collect job `--dependency=afterok` on the arrays
 * (after a failed shard, run `inferbench sweep collect` by hand: it names what is missing). Run from a directory every node shares, where inferbench is
 * installed (`npx inferbench`).
 */
export function emitSlurm(plan: FleetPlan, results: string): EmittedPlan {
  const files: Record<string, string> = {};
  for (const [target, { slurm = {} }] of Object.entries(plan.targets)) {
    const options = [
      `--job-name=${jobName(plan, target)}`,
      `--array=0-${plan.shards[target]! - 1}`,
      `--output=${jobName(plan, target)}-%A_%a.out`,
      ...(slurm.partition ? [`--partition=${slurm.partition}`] : []),
      ...(slurm.gres ? [`--gres=${slurm.gres}`] : []),
      ...(slurm.time ? [`--time=${slurm.time}`] : []),
    ];
    files[`slurm-${target}.sbatch`] = batchScript(options, shardEnvironment(plan, target), shardCommand(results));
  }
  files['slurm-collect.sbatch'] = batchScript([`--job-name=${jobName(plan, 'collect')}`, `--output=${jobName(plan, 'collect')}-%j.out`], {}, collectCommand(results));
  const targets = Object.keys(plan.targets);
  files['slurm-submit.sh'] = [
    '#!/bin/sh',
    "# Submits each target's job array, then the collect job once they have all succeeded.",
    'set -eu',
    'cd "$(dirname "$0")"',
    // --parsable prints "id" or "id;cluster": the id alone goes into the dependency.
    ...targets.flatMap((target, i) => [`job${i}=$(sbatch --parsable slurm-${target}.sbatch)`, `job${i}=\${job${i}%%;*}`]),
    `sbatch --parsable --dependency=afterok:${targets.map((_, i) => `"$job${i}"`).join(':')} slurm-collect.sbatch`,
    '',
  ].join('\n');
  return { files, submit: 'sh slurm-submit.sh' };
}
