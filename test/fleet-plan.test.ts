import { describe, expect, it } from 'vitest';
import { planFleet } from '../src/fleet/fleet-plan.js';
import { parseShard, shardFromEnv, shardOf, shardSlice } from '../src/fleet/shard.js';

describe('shards', () => {
  it('split any count of configurations into even, stable slices that collect finds again', () => {
    for (let length = 1; length <= 13; length++) {
      for (let count = 1; count <= length; count++) {
        const items = Array.from({ length }, (_, i) => i);
        const slices = Array.from({ length: count }, (_, i) => shardSlice(items, { index: i + 1, count }));
        expect(slices.flat()).toEqual(items);
        const sizes = slices.map((slice) => slice.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (const [i, slice] of slices.entries()) for (const position of slice) expect(shardOf(position, length, count)).toEqual({ index: i + 1, count });
      }
    }
  });

  it("find their place from each engine's variables, counted from 1", () => {
    expect(shardFromEnv({})).toBeUndefined();
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '0', AWS_BATCH_JOB_ARRAY_SIZE: '4' })).toEqual({ index: 1, count: 4 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '3', INFERBENCH_SHARD_COUNT: '4' })).toEqual({ index: 4, count: 4 });
    // The plan's script numbers from 0 and sets the count: a resubmitted subset keeps its shards.
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '3', SLURM_ARRAY_TASK_MAX: '7', INFERBENCH_SHARD_COUNT: '8' })).toEqual({ index: 8, count: 8 });
    // A user's own array: from its first id, by its step.
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '8' })).toEqual({ index: 8, count: 8 });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '12', SLURM_ARRAY_TASK_STEP: '4' })).toEqual({ index: 3, count: 4 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  });

  it('refuse what no engine would set, in one line', () => {
    expect(() => shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '5', AWS_BATCH_JOB_ARRAY_SIZE: '2' })).toThrow('AWS_BATCH_JOB_ARRAY_INDEX: shard 6 is out of range; shards are numbered 1 to 2');
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '1' })).toThrow('JOB_COMPLETION_INDEX is set but INFERBENCH_SHARD_COUNT is not');
    expect(() => shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: 'x', AWS_BATCH_JOB_ARRAY_SIZE: '2' })).toThrow("AWS_BATCH_JOB_ARRAY_INDEX is 'x', not a whole number");
    expect(() => parseShard('0/2')).toThrow('--shard: shard 0 is out of range; shards are numbered 1 to 2');
    expect(() => parseShard('2')).toThrow("--shard must be i/N, e.g. 2/4 (the second of four shards), got '2'");
  });
});

describe('a fleet plan', () => {
  const targets = { a: { device: 'cpu', costPerHour: 1 }, b: { device: 'cuda' } } as const;

  it('names each configuration by what runs and where, however the sweep was written', () => {
    const plan = planFleet({ axes: { batchSizes: [1, 2] }, sequenceLength: 64, targets });
    expect(plan.configurations.map((c) => `${c.target} ${c.label}`)).toEqual(['a batchSize=1', 'a batchSize=2', 'b batchSize=1', 'b batchSize=2']);
    expect(new Set(plan.configurations.map((c) => c.id)).size).toBe(4);
    // A fixed value as a one-value axis, and the targets in another order: the same configurations, the same plan.
    const rewritten = planFleet({ axes: { batchSizes: [1, 2], vary: { sequenceLength: [64] } }, targets: { b: targets.b, a: targets.a } });
    expect(new Set(rewritten.configurations.map((c) => c.id))).toEqual(new Set(plan.configurations.map((c) => c.id)));
    expect(rewritten.planId).toBe(plan.planId);
    // Another setting is another configuration.
    expect(planFleet({ axes: { batchSizes: [1, 2] }, sequenceLength: 128, targets }).configurations[0]!.id).not.toBe(plan.configurations[0]!.id);
    expect(plan.shards).toEqual({ a: 2, b: 2 });
    expect(planFleet({ axes: { batchSizes: [1, 2] }, targets, shardsPerTarget: 5 }).shards).toEqual({ a: 5, b: 5 });
  });

  it('refuses a device beside targets, and objects that a job elsewhere could not be given', () => {
    expect(() => planFleet({ axes: { batchSizes: [1] }, device: 'cpu', targets })).toThrow('a sweep with targets takes each target’s device from the target; drop the fixed device (--device)');
    expect(() => planFleet({ axes: { batchSizes: [1], devices: ['cpu'] }, targets })).toThrow('drop the devices axis (--device-list)');
    expect(() => planFleet({ axes: { batchSizes: [1] }, model: { id: 'mine', resolve: async () => Promise.reject(new Error('unused')) } })).toThrow('give model by its name or path, not as an object');
  });
});
