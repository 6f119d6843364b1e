import type { ComparedAs } from '../options/option-kinds.js';
import { namesOf, RUN_OPTIONS, type RunOptionName } from '../options/option-registry.js';
import type { BenchmarkResult } from './benchmark-result.js';

/**
 * How much a difference matters: `configuration` changes what is measured (two such results measure different
 * things and cannot be merged); `context` is where and with what it was measured (machine, software, input files),
 * worth knowing when comparing but no bar to merging runs of several machines. Each run option declares its kind.
 */
export type SettingKind = ComparedAs;

/** A setting whose value differs between two results. */
export interface SettingDifference {
  /** Where the setting lives in a result, dotted: `settings.batchSize`, `model.sha256`. */
  readonly setting: string;
  /** Whether it changes what is measured. */
  readonly kind: SettingKind;
  /** Its value in the first result, as text ("unset" when absent). */
  readonly first: string;
  /** Its value in the second result, as text. */
  readonly second: string;
}

/** A compared setting: its dotted path and kind; the value is read along the path. */
interface ComparedSetting {
  /** Dotted path into the result. */
  readonly path: string;
  /** Whether it changes what is measured. */
  readonly kind: SettingKind;
}

/** Where a compared option is read when not from `settings`. */
const READ_AT: Partial<Record<RunOptionName, string>> = { rateQps: 'measurement.offeredLoad.targetQps' };

/** The run options whose declaration says they are compared, of one kind, in registry order. */
const declared = (kind: SettingKind): ComparedSetting[] =>
  namesOf(RUN_OPTIONS).flatMap((name) => (RUN_OPTIONS[name].compared === kind ? [{ path: READ_AT[name] ?? `settings.${name}`, kind }] : []));

/**
 * The settings compared, in report order: the run options declared as compared, and the model, backend
 * and machine. An open loop's rate is read from the measurement's offered load, not from
 * `settings.rateQps`: a server search leaves that unset and offers the rate it chose; a merged result's
 * offered load is that of all its runs together (see mergeResults, which checks each run's own rate).
 * The model's name and path are not compared: its SHA-256 stands for them.
 */
const COMPARED: readonly ComparedSetting[] = [
  { path: 'model.sha256', kind: 'configuration' },
  ...declared('configuration'),
  { path: 'backend.name', kind: 'configuration' },
  { path: 'compile.compiler', kind: 'configuration' },
  ...declared('context'),
  ...['cpuModel', 'cpuCores', 'instanceType', 'onnxruntime', 'node', 'inferbench'].map((key): ComparedSetting => ({ path: `environment.${key}`, kind: 'context' })),
];

function valueAt(result: BenchmarkResult, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), result);
}

/** A setting's value as text: strings bare, the rest as JSON, null and absent as "unset". */
function text(value: unknown): string {
  if (value === undefined || value === null) return 'unset';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Every compared setting whose value differs between `first` and `second`, configuration first. */
export function settingDifferences(first: BenchmarkResult, second: BenchmarkResult): SettingDifference[] {
  return COMPARED.flatMap(({ path, kind }) => {
    const [a, b] = [text(valueAt(first, path)), text(valueAt(second, path))];
    return a === b ? [] : [{ setting: path, kind, first: a, second: b }];
  });
}

/** The differences in one clause each, naming both values and where they come from: "settings.batchSize is 2 in a.json but 4 in b.json". */
export function describeSettingDifferences(differences: readonly SettingDifference[], firstLabel: string, secondLabel: string): string {
  return differences.map((d) => `${d.setting} is ${d.first} in ${firstLabel} but ${d.second} in ${secondLabel}`).join('; ');
}
