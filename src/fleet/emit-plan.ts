import { InferbenchError } from '../core/errors.js';
import type { FleetPlan } from './fleet-plan.js';
import { SHARD_COUNT_ENV, TARGET_ENV } from './shard.js';

/** The job engines `inferbench sweep plan --emit` writes for. */
export const FLEET_ENGINES = ['aws-batch', 'kubernetes', 'slurm'] as const;
export type FleetEngine = (typeof FLEET_ENGINES)[number];

/** What a plan emits for an engine: files by name, and the command that submits them. */
export interface EmittedPlan {
  readonly files: Readonly<Record<string, string>>;
  /** How to submit, with the engine's own tools, from the folder the files are in. */
  readonly submit: string;
}

/** The command of a shard's job: the sweep, reading its plan, target and shard from the results and the environment. */
export const shardCommand = (results: string): string[] => ['npx', 'inferbench', 'sweep', '--results', results];

/** The command of the collect job, its reports beside the results. */
export const collectCommand = (results: string): string[] => ['npx', 'inferbench', 'sweep', 'collect', results, '-o', `${results.replace(/\/$/, '')}/report`];

/** What a shard's job needs in its environment beside what the engine sets. */
export function shardEnvironment(plan: FleetPlan, target: string): Record<string, string> {
  return { [TARGET_ENV]: target, [SHARD_COUNT_ENV]: String(plan.shards[target]) };
}

/** Names of the engine's objects: `inferbench-<plan id>-<target>`, lower-case, as Kubernetes and AWS Batch accept. */
export const jobName = (plan: FleetPlan, suffix: string): string => `inferbench-${plan.planId}-${suffix}`;

/** The image of a target's jobs, refused in one line when neither the target nor the plan names one. */
export function imageOf(plan: FleetPlan, target: string, engine: FleetEngine): string {
  const image = plan.targets[target]!.image ?? plan.image;
  if (image === undefined) throw new InferbenchError('INVALID_OPTION', `target ${target} has no container image for ${engine}; give the sweep config an "image" (built from docker/), or the target one`);
  return image;
}
