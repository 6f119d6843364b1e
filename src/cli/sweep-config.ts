import { z } from 'zod';
import { InferbenchError } from '../core/errors.js';
import { listOfWords } from '../options/option-kinds.js';
import { checkOptionsFile, optionNamed, type RunOptions } from '../options/option-registry.js';
import { DEVICES } from '../options/run-options.js';
import { readJsonFile } from './run-config.js';
import { fleetTargetShape, fleetTargetsShape } from '../fleet/fleet-target.js';

const positiveIntegers = z
  .array(z.int({ error: 'must list integers ≥ 1' }).min(1, { error: 'must list integers ≥ 1' }), { error: 'must be a list such as [2, 4, 8]' })
  .min(1, { error: 'must list at least one value' });
const AXES_KEYS = 'batchSizes, copies, clients, devices, vary';

/** The layout of a sweep's `--config` file. */
const configFileShape = z.strictObject({
  fixed: z.record(z.string(), z.unknown(), { error: 'must be an object of run options, e.g. { "sequenceLength": 128 }' }).optional(),
  axes: z
    .strictObject({
      batchSizes: positiveIntegers,
      copies: positiveIntegers,
      clients: positiveIntegers,
      devices: z.array(z.enum(DEVICES, { error: `must list ${listOfWords(DEVICES.map((d) => `'${d}'`))}` })).min(1, { error: 'must list at least one device' }),
      vary: z.record(z.string(), z.array(z.unknown(), { error: 'must be a list of values' }).min(1, { error: 'must list at least one value' }), { error: 'must map run options to lists, e.g. { "sequenceLength": [64, 128] }' }),
    })
    .partial()
    .optional(),
  slo: z.string({ error: 'must be a latency objective such as "p95<50ms"' }).optional(),
  costPerHour: z.number({ error: 'must be a positive price per hour' }).positive({ error: 'must be a positive price per hour' }).optional(),
  targets: fleetTargetsShape.optional(),
  image: z.string({ error: 'must be a container image' }).min(1, { error: 'must be a container image' }).optional(),
  results: z.string({ error: 'must be a folder or s3://bucket/prefix' }).min(1, { error: 'must be a folder or s3://bucket/prefix' }).optional(),
});

/** A sweep's config file, checked: its fixed options are the run's, its axes' options named as the API names them. */
export interface SweepConfig extends Omit<z.infer<typeof configFileShape>, 'fixed'> {
  /** Run options every configuration shares. */
  readonly fixed?: RunOptions;
}

/** The keys a target (`[]`) or one of its placements (`['awsBatch']`) takes. */
function targetKeys(path: readonly PropertyKey[]): string {
  const placement = path[0];
  const shape = typeof placement === 'string' && placement in fleetTargetShape.shape ? (fleetTargetShape.shape[placement as keyof typeof fleetTargetShape.shape] as z.ZodOptional<z.ZodObject>).unwrap().shape : fleetTargetShape.shape;
  return Object.keys(shape).join(', ');
}

/** An axis of `vary` under its API name, when it was written as a flag (`sequence-length`). */
const apiName = (key: string): string => {
  const named = optionNamed(key);
  return named !== undefined && named.oldFlag === undefined ? named.name : key;
};

/** Reads and checks a sweep's `--config` file; the first problem is named on one line, with the file and the key. */
export async function readSweepConfig(path: string): Promise<SweepConfig> {
  const json = await readJsonFile(path, 'sweep config');
  const parsed = configFileShape.safeParse(json);
  if (parsed.success) {
    const { fixed, axes, ...rest } = parsed.data;
    const vary = axes?.vary && Object.fromEntries(Object.entries(axes.vary).map(([key, values]) => [apiName(key), values]));
    return { ...rest, ...(fixed === undefined ? {} : { fixed: checkOptionsFile(fixed, `${path} fixed`) }), ...(axes === undefined ? {} : { axes: { ...axes, ...(vary ? { vary } : {}) } }) };
  }
  const lines = parsed.error.issues.map((issue) => {
    const key = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    if (issue.code === 'unrecognized_keys') {
      const known = key === 'axes' ? AXES_KEYS : key.startsWith('targets.') ? targetKeys(issue.path.slice(2)) : 'fixed, axes, slo, costPerHour, targets, image, results';
      return `${path}: unknown key ${issue.keys.map((k) => `'${key === '' ? k : `${key}.${k}`}'`).join(', ')}; the keys are ${known}`;
    }
    return `${path}: ${key === '' ? 'the top level' : key} ${issue.message}`;
  });
  // One line, as every user error: the first problem, and how many more there are.
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
  throw new InferbenchError('INVALID_OPTION', `${lines[0]}${more}`);
}
