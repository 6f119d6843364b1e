import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetPlan } from '../src/fleet/fleet-plan.js';
import { runInProcess, spawnInferbench } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

/** Two kinds of machine (both the CPU here, priced apart), two batch sizes, two shards per target. */
const CONFIG = {
  fixed: { sequenceLength: 16, queryCount: 12, warmupQueries: 2 },
  axes: { batchSizes: [1, 2] },
  slo: 'p95<10s',
  image: 'inferbench:cpu',
  targets: {
    small: {
      device: 'cpu',
      costPerHour: 0.1,
      awsBatch: { jobQueue: 'queue-small', resourceRequirements: [{ type: 'VCPU', value: '2' }] },
      kubernetes: { nodeSelector: { 'node.kubernetes.io/instance-type': 'c7i.large' }, resources: { limits: { cpu: '2' } }, resultsClaim: 'inferbench-results' },
      slurm: { partition: 'cpu', time: '00:30:00' },
    },
    large: {
      device: 'cpu',
      costPerHour: 0.4,
      awsBatch: { jobQueue: 'queue-large' },
      kubernetes: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'bench', effect: 'NoSchedule' }], resultsClaim: 'inferbench-results' },
      slurm: { partition: 'big', gres: 'gpu:1' },
    },
  },
};

/** The fault families' rule: one `inferbench:` line on stderr for a refusal, nothing else. */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('inferbench:'));

describe('a fleet sweep over a shared folder', () => {
  const dir = tempDir();
  const config = join(dir, 'sweep.json');
  // A one-layer BERT: what is proved here is where results go, not what the model costs.
  writeFileSync(config, JSON.stringify({ ...CONFIG, fixed: { ...CONFIG.fixed, model: writeSmallBert(dir), tokenizer: 'bert-base-uncased' } }));
  const results = join(dir, 'results');
  const cache = join(dir, 'cache');

  it("runs each shard as its own process under each engine's variables, and collects them as one sweep on one machine", async () => {
    const plan = await runInProcess(['sweep', 'plan', '--config', config, '--emit', 'slurm', '-o', join(dir, 'plan'), '--results', results, '--shards', '2']);
    expect([plan.exitCode, errorLines(plan.stderr)]).toEqual([0, []]);
    const planned = JSON.parse(readFileSync(join(dir, 'plan', 'plan.json'), 'utf8')) as FleetPlan;
    expect(planned.configurations.map((c) => `${c.target} ${c.label}`)).toEqual(['small batchSize=1', 'small batchSize=2', 'large batchSize=1', 'large batchSize=2']);
    expect(planned.shards).toEqual({ small: 2, large: 2 });
    expect(readFileSync(join(results, 'plan.json'), 'utf8')).toBe(readFileSync(join(dir, 'plan', 'plan.json'), 'utf8'));

    // The job engines' own variables: nothing on the command line says which shard or target.
    const shards: Record<string, string>[] = [
      { INFERBENCH_TARGET: 'small', INFERBENCH_SHARD_COUNT: '2', AWS_BATCH_JOB_ARRAY_INDEX: '0', AWS_BATCH_JOB_ARRAY_SIZE: '2' },
      { INFERBENCH_TARGET: 'small', INFERBENCH_SHARD_COUNT: '2', AWS_BATCH_JOB_ARRAY_INDEX: '1', AWS_BATCH_JOB_ARRAY_SIZE: '2' },
      { INFERBENCH_TARGET: 'large', INFERBENCH_SHARD_COUNT: '2', JOB_COMPLETION_INDEX: '0' },
      { INFERBENCH_TARGET: 'large', SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '7', SLURM_ARRAY_TASK_MAX: '8' },
    ];
    // A process for each engine's variables; the fourth shard, the second of the AWS Batch array, runs in this one.
    const runs = [];
    for (const [i, env] of shards.entries()) {
      const args = ['sweep', '--results', results, '--cache-dir', cache];
      runs.push(i === 1 ? await runInProcess(args, { env }) : await spawnInferbench(args, { env }));
    }
    expect(runs.map((r) => [r.exitCode, errorLines(r.stderr)])).toEqual(shards.map(() => [0, []]));
    expect(runs.map((r) => r.stdout.trim().split('\n').at(-1)!.replace(/ · results .*/, ''))).toEqual([
      'shard 1/2 of small: 1 measured, 0 stored earlier, 0 failed',
      'shard 2/2 of small: 1 measured, 0 stored earlier, 0 failed',
      'shard 1/2 of large: 1 measured, 0 stored earlier, 0 failed',
      'shard 2/2 of large: 1 measured, 0 stored earlier, 0 failed',
    ]);
    const stored = (target: string): string[] => readdirSync(join(results, target)).sort();
    expect([...stored('small'), ...stored('large')].sort()).toEqual(planned.configurations.map((c) => `${c.id}.json`).sort());

    const collect = await runInProcess(['sweep', 'collect', results]);
    expect([collect.exitCode, errorLines(collect.stderr)]).toEqual([0, []]);
    const rows = readFileSync(join(results, 'report', 'fleet.csv'), 'utf8').trim().split('\n').map((line) => line.split(','));
    const header = rows[0]!;
    const column = (name: string) => rows.slice(1).map((row) => row[header.indexOf(name)]);
    expect(column('target')).toEqual(['small', 'small', 'large', 'large']);
    expect(column('configuration')).toEqual(['batchSize=1', 'batchSize=2', 'batchSize=1', 'batchSize=2']);
    // The cost of a million inferences is the price over the throughput; the cheaper machine at equal speed wins.
    const rates = column('samples_per_second').map(Number);
    const costs = column('cost_per_1m_inf').map(Number);
    [0.1, 0.1, 0.4, 0.4].forEach((price, i) => expect(costs[i]).toBeCloseTo((price / (rates[i]! * 3600)) * 1e6, 6));
    const cheapest = column('cheapest').indexOf('true');
    expect(costs[cheapest]).toBe(Math.min(...column('best_of_target').flatMap((best, i) => (best === 'true' ? [costs[i]!] : []))));
    expect(readFileSync(join(results, 'report', 'fleet.md'), 'utf8')).toMatch(/^\| (small|large) \*\*cheapest\*\* \| cpu \|/m);

    // The same grid in one process on one machine: the same configurations, each with the same count of queries.
    const local = await runInProcess(['sweep', '--config', config, '-o', join(dir, 'local'), '--cache-dir', cache, '--report', 'json,csv']);
    expect([local.exitCode, errorLines(local.stderr)]).toEqual([0, []]);
    const sweepRows = readFileSync(join(dir, 'local', 'sweep.csv'), 'utf8').trim().split('\n').slice(1);
    expect(sweepRows).toHaveLength(2);
    const fleetQueries = JSON.parse(readFileSync(join(results, 'small', `${planned.configurations[0]!.id}.json`), 'utf8')).result.measurement.completedQueries;
    expect(fleetQueries).toBe(12);
  }, 120_000);
});

describe('a fleet shard and collect, in process', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  const grid = ['-m', model, '--tokenizer', 'bert-base-uncased', '--query-count', '12', '--warmup-queries', '2', '--cache-dir', join(dir, 'cache')];

  it("exits 1 for its own failed configuration, naming it, and stores the others; collect says which shard should have made it", async () => {
    const results = join(dir, 'failing');
    // The small BERT's position table holds 512 positions: sequence length 600 fails when ONNX Runtime compiles it, not before.
    const run = await runInProcess(['sweep', ...grid, '--vary', 'sequence-length=16,600', '--results', results]);
    expect(run.exitCode).toBe(1);
    expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^inferbench: shard 1\/1 of local: 1 configuration of 2 failed: sequenceLength=600 \(onnxruntime could not optimise .*Incompatible dimensions\)$/)]);
    expect(readdirSync(join(results, 'local'))).toHaveLength(1);
    const collect = await runInProcess(['sweep', 'collect', results]);
    expect([collect.exitCode, errorLines(collect.stderr)]).toEqual([1, ['inferbench: 1 of 2 configurations are missing, e.g. local sequenceLength=600 (shard 1/1); rerun those shards, then collect again']]);
  });

  it('merges the runs of one configuration from two locations exactly, and exits 99 when no configuration meets the SLO', async () => {
    const [first, second] = [join(dir, 'first'), join(dir, 'second')];
    for (const results of [first, second]) {
      const run = await runInProcess(['sweep', ...grid, '--batch-size-list', '2', '--slo', 'p95<1us', '--results', results]);
      expect([run.exitCode, errorLines(run.stderr)]).toEqual([0, []]);
    }
    const collect = await runInProcess(['sweep', 'collect', first, second, '-o', join(dir, 'merged')]);
    expect([collect.exitCode, errorLines(collect.stderr)]).toEqual([99, ['inferbench: no configuration of any target meets p95<1us; relax the SLO or sweep other settings']]);
    const csv = readFileSync(join(dir, 'merged', 'fleet.csv'), 'utf8').trim().split('\n').map((line) => line.split(','));
    expect(csv[1]![csv[0]!.indexOf('runs')]).toBe('2');
    const stored = (results: string) => JSON.parse(readFileSync(join(results, 'local', readdirSync(join(results, 'local'))[0]!), 'utf8')).result.measurement.completedQueries as number;
    expect([stored(first), stored(second)]).toEqual([12, 12]);
    expect(readFileSync(join(dir, 'merged', 'fleet.md'), 'utf8')).toMatch(/^\| batchSize=2 \(2 runs merged\) \|/m);
  });
});
