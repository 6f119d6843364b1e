import type { BenchmarkResult } from './benchmark-result.js';

/**
 * How much a difference matters: `configuration` changes what is measured (two such results measure different
 * things and cannot be merged); `context` is where and with what it was measured (machine, software, input files),
 * worth knowing when comparing but no bar to merging runs of several machines.
 */
export type SettingKind = 'configuration' | 'context';

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

const configuration = (path: string): ComparedSetting => ({ path, kind: 'configuration' });
const context = (path: string): ComparedSetting => ({ path, kind: 'context' });

/**
 * The settings compared, in report order. An open loop's rate is read from the measurement's offered load, not from
 * `settings.rateQps`: a Server search leaves that unset and offers the rate it chose; a merged result's offered load
 * is that of all its runs together (see mergeResults, which checks each run's own rate). Left out on purpose, as they
 * do not change what is measured: the model's name and path (its SHA-256 stands for it), cacheDir and output paths,
 * thresholds and the run's bounds (they change how long, not what), percentiles, confidence, windows and the
 * stability rule (how it is reported), warm-up, timeouts, the Server search itself and the price per hour.
 */
const COMPARED: readonly ComparedSetting[] = [
  configuration('model.sha256'),
  configuration('settings.batchSize'),
  configuration('settings.sequenceLength'),
  configuration('settings.scenario'),
  configuration('settings.clients'),
  configuration('settings.requestsPerQuery'),
  configuration('measurement.offeredLoad.targetQps'),
  configuration('settings.arrival'),
  configuration('settings.copies'),
  configuration('settings.device'),
  configuration('settings.artifactFormat'),
  configuration('settings.tensorrtFp16'),
  configuration('settings.intraOpThreadsPerCopy'),
  configuration('settings.batchMode'),
  configuration('settings.inputCount'),
  configuration('settings.padding'),
  configuration('settings.dimensions'),
  configuration('settings.imageSize'),
  configuration('settings.imageLayout'),
  configuration('settings.imageMean'),
  configuration('settings.imageStd'),
  configuration('backend.name'),
  configuration('compile.compiler'),
  // Paths and seeds: the same data can sit at different paths on different machines.
  context('settings.tokenizer'),
  context('settings.corpus'),
  context('settings.seed'),
  context('environment.cpuModel'),
  context('environment.cpuCores'),
  context('environment.instanceType'),
  context('environment.onnxruntime'),
  context('environment.node'),
  context('environment.inferbench'),
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
