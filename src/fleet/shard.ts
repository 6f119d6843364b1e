import { InferbenchError } from '../core/errors.js';

/** One shard of a target's configurations: the `index`-th of `count`, counted from 1 as `node --test-shard` counts. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The environment variable a plan's jobs carry to name their target. */
export const TARGET_ENV = 'INFERBENCH_TARGET';
/** The environment variable a plan's jobs carry with their target's shard count, where the engine gives none (Kubernetes). */
export const SHARD_COUNT_ENV = 'INFERBENCH_SHARD_COUNT';

const invalid = (message: string): InferbenchError => new InferbenchError('INVALID_OPTION', message);

/** `i/N` as `--shard` takes it, checked: 1 ≤ i ≤ N. */
export function parseShard(text: string, source = '--shard'): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw invalid(`${source} must be i/N, e.g. 2/4 (the second of four shards), got '${text}'`);
  return checkedShard(Number(match[1]), Number(match[2]), source);
}

function checkedShard(index: number, count: number, source: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1) throw invalid(`${source}: the shard count must be at least 1, got ${count}`);
  if (!Number.isSafeInteger(index) || index < 1 || index > count) throw invalid(`${source}: shard ${index} is out of range; shards are numbered 1 to ${count}`);
  return { index, count };
}

/** An integer the engine put in the environment, refused in one line naming the variable when it is not one. */
function integerEnv(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value.trim())) throw invalid(`${name} is '${value}', not a whole number; it is set by the job engine, so run the shard inside its job or pass --shard i/N`);
  return Number(value);
}

/**
 * The shard a job engine assigned through the environment, undefined outside such a job:
 * - AWS Batch array jobs: `AWS_BATCH_JOB_ARRAY_INDEX` (from 0) of `AWS_BATCH_JOB_ARRAY_SIZE`;
 * - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` (from 0) of the count the plan sets in {@link SHARD_COUNT_ENV};
 * - Slurm job arrays: `SLURM_ARRAY_TASK_ID`. The plan's script numbers its tasks from 0 and sets the count, so a
 *   resubmitted subset (`--array=3,7`) runs shards 4 and 8. Without the count, the array runs from
 *   `SLURM_ARRAY_TASK_MIN` to `SLURM_ARRAY_TASK_MAX` by `SLURM_ARRAY_TASK_STEP`, whatever its first id (`--array=1-8` is
 *   shards 1 to 8).
 */
export function shardFromEnv(env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  const batchIndex = integerEnv(env, 'AWS_BATCH_JOB_ARRAY_INDEX');
  if (batchIndex !== undefined) {
    const size = integerEnv(env, 'AWS_BATCH_JOB_ARRAY_SIZE') ?? integerEnv(env, SHARD_COUNT_ENV);
    if (size === undefined) throw invalid(`AWS_BATCH_JOB_ARRAY_INDEX is set but neither AWS_BATCH_JOB_ARRAY_SIZE nor ${SHARD_COUNT_ENV} is; submit the plan's array job as written`);
    return checkedShard(batchIndex + 1, size, 'AWS_BATCH_JOB_ARRAY_INDEX');
  }
  const completionIndex = integerEnv(env, 'JOB_COMPLETION_INDEX');
  if (completionIndex !== undefined) {
    const count = integerEnv(env, SHARD_COUNT_ENV);
    if (count === undefined) throw invalid(`JOB_COMPLETION_INDEX is set but ${SHARD_COUNT_ENV} is not; apply the plan's Indexed Job as written`);
    return checkedShard(completionIndex + 1, count, 'JOB_COMPLETION_INDEX');
  }
  const taskId = integerEnv(env, 'SLURM_ARRAY_TASK_ID');
  if (taskId !== undefined) {
    const planned = integerEnv(env, SHARD_COUNT_ENV);
    if (planned !== undefined) return checkedShard(taskId + 1, planned, 'SLURM_ARRAY_TASK_ID');
    const min = integerEnv(env, 'SLURM_ARRAY_TASK_MIN');
    const max = integerEnv(env, 'SLURM_ARRAY_TASK_MAX');
    if (min === undefined || max === undefined) throw invalid(`SLURM_ARRAY_TASK_ID is set but neither ${SHARD_COUNT_ENV} nor SLURM_ARRAY_TASK_MIN and _MAX are; submit the plan's sbatch script as written`);
    // `--array=0-12:4` runs ids 0, 4, 8, 12: four shards.
    const step = integerEnv(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
    return checkedShard((taskId - min) / step + 1, Math.floor((max - min) / step) + 1, 'SLURM_ARRAY_TASK_ID');
  }
  return undefined;
}

/** The `index`-th of `count` even slices of `items`, in order: slices differ by one item at most, the larger last. */
export function shardSlice<T>(items: readonly T[], shard: Shard): T[] {
  const start = Math.floor(((shard.index - 1) * items.length) / shard.count);
  const end = Math.floor((shard.index * items.length) / shard.count);
  return items.slice(start, end);
}

/** The shard (1-based, of `count`) whose {@link shardSlice} of `length` items holds the `position`-th (from 0). */
export function shardOf(position: number, length: number, count: number): Shard {
  return { index: Math.floor(((position + 1) * count - 1) / length) + 1, count };
}
