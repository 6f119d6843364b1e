import { InferbenchError } from '../core/errors.js';

/** A pass/fail condition on a run's figures, as k6 thresholds state them for CI (e.g. `p95<20ms`). */
export interface Threshold {
  /** The expression as the user wrote it, trimmed. */
  readonly expression: string;
  /** Metric judged, normalised: 'p95', 'p99.9', 'mean', 'min', 'max', 'throughput', 'qps', 'errors' or 'error_rate'. */
  readonly metric: string;
  /** Latency percentile (0–100, exclusive) for pNN metrics; null for the others. */
  readonly percentile: number | null;
  /** How the actual value must compare with the limit to pass. */
  readonly comparator: '<' | '<=' | '>' | '>=';
  /** The limit, in `unit`. */
  readonly limit: number;
  /** Base unit of `limit` and of the actual value: nanoseconds, per second, a count, or a fraction 0–1. */
  readonly unit: 'ns' | 'per_second' | 'count' | 'fraction';
}

/** A run's figures that thresholds are judged against. */
export interface ThresholdMetrics {
  /** End-to-end latency at `percentile` (0–100), in nanoseconds. */
  latencyPercentileNs(percentile: number): number;
  /** Mean end-to-end latency. */
  readonly meanNs: number;
  /** Smallest end-to-end latency. */
  readonly minNs: number;
  /** Largest end-to-end latency. */
  readonly maxNs: number;
  /** Samples completed per second (requests/s × batch size); the `throughput` metric. */
  readonly samplesPerSecond: number;
  /** Requests (queries) completed per second; the `qps` metric. */
  readonly queriesPerSecond: number;
  /** Requests that failed; the `errors` metric. */
  readonly errorCount: number;
  /** Failed requests over all requests issued, 0–1; the `error_rate` metric. */
  readonly errorRate: number;
}

/** How a run fared against one {@link Threshold}. */
export interface ThresholdOutcome {
  /** The threshold's expression as written. */
  readonly expression: string;
  /** The threshold's normalised metric. */
  readonly metric: string;
  /** The run's value of the metric, in `unit`. */
  readonly actual: number;
  /** The threshold's limit, in `unit`. */
  readonly limit: number;
  /** Base unit of `actual` and `limit`. */
  readonly unit: Threshold['unit'];
  /** Whether `actual` compares with `limit` as the threshold requires. */
  readonly passed: boolean;
}

type Comparator = Threshold['comparator'];
type MetricKind = 'latency' | 'throughput' | 'errors' | 'error_rate';

/** Nanoseconds per latency unit; both micro signs are accepted, as they look alike. */
const LATENCY_UNITS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9 };
const LATENCY_UNIT_LIST = 'units ns, us, ms, s';
const METRIC_LIST = 'pNN (p95, p99.9), mean, min, max, throughput, qps, errors, error_rate';
const NAMED_METRICS: ReadonlyMap<string, MetricKind> = new Map([
  ['mean', 'latency'],
  ['min', 'latency'],
  ['max', 'latency'],
  ['throughput', 'throughput'],
  ['qps', 'throughput'],
  ['errors', 'errors'],
  ['error_rate', 'error_rate'],
]);

const invalid = (message: string): InferbenchError => new InferbenchError('INVALID_OPTION', message);

/**
 * Parses one threshold: `<metric><op><number><unit?>`, whitespace allowed around the parts.
 * @throws InferbenchError `INVALID_OPTION` naming the expression and showing a valid form.
 */
export function parseThreshold(text: string): Threshold {
  const expression = text.trim();
  const quoted = `threshold '${expression}'`;
  if (expression === '') throw invalid('empty threshold; write e.g. p95<20ms, throughput>500/s or error_rate<1%');

  const metricMatch = /^([A-Za-z_][\w.]*)\s*/.exec(expression);
  if (!metricMatch) {
    throw invalid(`${quoted} does not start with a metric (${METRIC_LIST}); separate thresholds with commas and write numbers without thousands separators`);
  }
  const { metric, percentile, kind } = parseMetric(metricMatch[1]!, quoted);
  let rest = expression.slice(metricMatch[0].length);

  const operator = /^[<>=!≤≥~]*/.exec(rest)![0];
  if (!isComparator(operator)) {
    const found = operator === '' ? `needs an operator after ${metric}` : `has unknown operator '${operator}'`;
    throw invalid(`${quoted} ${found}; use <, <=, > or >=, e.g. ${example(metric, kind)}`);
  }
  rest = rest.slice(operator.length).trimStart();

  const numberText = /^[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?/.exec(rest)?.[0] ?? '';
  const value = Number(numberText);
  if (numberText === '' || !Number.isFinite(value)) {
    const found = numberText === '' ? `needs a number after '${operator}'` : `has '${numberText}', which is not a number`;
    throw invalid(`${quoted} ${found}; write e.g. ${example(metric, kind, operator)}`);
  }
  if (value < 0) throw invalid(`${quoted} has a negative limit; ${metric} is never negative, so give a limit ≥ 0`);
  const unitText = rest.slice(numberText.length).trim();

  const { limit, unit } = parseLimit(kind, value, unitText, `${metric}${operator}${numberText}`, quoted);
  return { expression, metric, percentile, comparator: operator, limit, unit };
}

/**
 * Parses thresholds given one per string, or several in a string separated by commas; empty pieces between
 * conditions are skipped, but a text without any condition is refused rather than silently judging nothing.
 */
export function parseThresholds(texts: readonly string[]): Threshold[] {
  return texts.flatMap((text) => {
    const pieces = text.split(',').filter((piece) => piece.trim() !== '');
    if (pieces.length === 0) throw invalid(`threshold '${text}' holds no condition; write e.g. p95<20ms or throughput>500/s`);
    return pieces.map(parseThreshold);
  });
}

/** Judges each threshold against the run's figures, in the order given. */
export function evaluateThresholds(thresholds: readonly Threshold[], metrics: ThresholdMetrics): ThresholdOutcome[] {
  return thresholds.map((threshold) => {
    const actual = actualValue(threshold, metrics);
    const { expression, metric, limit, unit } = threshold;
    return { expression, metric, actual, limit, unit, passed: compare(actual, threshold.comparator, limit) };
  });
}

/** A value in a threshold's base unit, for reports: "12.3 ms", "512.0/s", "3", "0.5%". */
export function formatThresholdValue(value: number, unit: Threshold['unit']): string {
  switch (unit) {
    case 'ns':
      return formatNs(value);
    case 'per_second':
      return `${value.toFixed(1)}/s`;
    case 'count':
      return String(value);
    case 'fraction':
      return `${Number((value * 100).toFixed(2))}%`;
  }
}

/** The normalised metric of a threshold's metric token, refusing unknown ones and percentiles outside (0, 100). */
function parseMetric(name: string, quoted: string): { metric: string; percentile: number | null; kind: MetricKind } {
  const lower = name.toLowerCase();
  const percentileMatch = /^p(\d+(?:\.\d+)?)$/.exec(lower);
  if (percentileMatch) {
    const percentile = Number(percentileMatch[1]);
    if (!(percentile > 0 && percentile < 100)) {
      throw invalid(`${quoted} asks for percentile ${percentile}, but a percentile must lie strictly between 0 and 100; use min or max, or e.g. p99.9`);
    }
    return { metric: `p${percentile}`, percentile, kind: 'latency' };
  }
  const kind = NAMED_METRICS.get(lower);
  if (kind === undefined) throw invalid(`${quoted} has unknown metric '${name}'; the metrics are ${METRIC_LIST}`);
  return { metric: lower, percentile: null, kind };
}

/** The limit in its base unit, refusing a unit the metric does not take. `written` is metric, operator and number. */
function parseLimit(kind: MetricKind, value: number, unitText: string, written: string, quoted: string): Pick<Threshold, 'limit' | 'unit'> {
  switch (kind) {
    case 'latency': {
      const factor = LATENCY_UNITS[unitText];
      if (factor !== undefined) return { limit: inBaseUnit(value, factor), unit: 'ns' };
      const found = unitText === '' ? 'needs a unit' : `has unknown unit '${unitText}'`;
      throw invalid(`${quoted} ${found}: write ${written}ms (${LATENCY_UNIT_LIST})`);
    }
    case 'throughput':
      if (unitText === '' || unitText === '/s') return { limit: value, unit: 'per_second' };
      throw invalid(`${quoted} has unit '${unitText}', but the limit is per second: write ${written} or ${written}/s`);
    case 'errors':
      if (unitText === '') return { limit: value, unit: 'count' };
      throw invalid(`${quoted} has unit '${unitText}', but errors is a count: write ${written}, or error_rate with %`);
    case 'error_rate':
      if (unitText === '%' && value <= 100) return { limit: inBaseUnit(value, 0.01), unit: 'fraction' };
      if (unitText === '' && value <= 1) return { limit: value, unit: 'fraction' };
      if (unitText === '' || unitText === '%') {
        throw invalid(`${quoted} is over 100%: write the rate as a percentage up to 100% (error_rate<1%) or a fraction up to 1 (error_rate<0.01)`);
      }
      throw invalid(`${quoted} has unit '${unitText}': write the rate as a percentage (error_rate<1%) or a fraction 0–1 (error_rate<0.01)`);
  }
}

/** A valid threshold on `metric`, for error messages: throughput is bounded from below, the rest from above. */
function example(metric: string, kind: MetricKind, operator?: Comparator): string {
  const limit = { latency: '20ms', throughput: '500/s', errors: '1', error_rate: '1%' }[kind];
  return `${metric}${operator ?? (kind === 'throughput' ? '>' : '<')}${limit}`;
}

/**
 * `value × factor` without its binary rounding noise: 4.1 × 1e6 is 4099999.9999999995, which would
 * make `p95<=4.1ms` fail at exactly 4.1 ms.
 */
function inBaseUnit(value: number, factor: number): number {
  return Number((value * factor).toPrecision(15));
}

function isComparator(text: string): text is Comparator {
  return text === '<' || text === '<=' || text === '>' || text === '>=';
}

function compare(actual: number, comparator: Comparator, limit: number): boolean {
  switch (comparator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
  }
}

/** The run's value of the threshold's metric, in the threshold's base unit. */
function actualValue(threshold: Threshold, metrics: ThresholdMetrics): number {
  if (threshold.percentile !== null) return metrics.latencyPercentileNs(threshold.percentile);
  switch (threshold.metric) {
    case 'mean':
      return metrics.meanNs;
    case 'min':
      return metrics.minNs;
    case 'max':
      return metrics.maxNs;
    case 'throughput':
      return metrics.samplesPerSecond;
    case 'qps':
      return metrics.queriesPerSecond;
    case 'errors':
      return metrics.errorCount;
    case 'error_rate':
      return metrics.errorRate;
    default:
      throw invalid(`threshold '${threshold.expression}' has unknown metric '${threshold.metric}'; build thresholds with parseThreshold`);
  }
}

/** Nanoseconds in the largest unit that keeps at least 1.0 after rounding to one decimal. */
function formatNs(valueNs: number): string {
  for (const [unit, scale] of [['s', 1e9], ['ms', 1e6], ['µs', 1e3]] as const) {
    const scaled = (valueNs / scale).toFixed(1);
    if (Math.abs(Number(scaled)) >= 1) return `${scaled} ${unit}`;
  }
  return `${Math.round(valueNs)} ns`;
}
