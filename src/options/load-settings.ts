import { InferbenchError } from '../core/errors.js';
import { DEFAULT_PERCENTILES } from '../stats/latency-histogram.js';
import { DEFAULT_CONFIDENCE_LEVEL } from '../stats/percentile-confidence.js';
import { resolveStabilitySettings } from '../stats/stability.js';
import { MAX_SEED, requireInteger, requirePositive } from '../core/validate.js';
import type { ArrivalProcess } from './scenarios.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

/**
 * How a load generator issues queries and when it stops, as a user gives it. A run stops issuing
 * once it has lasted `minDurationMs` AND issued `minQueryCount` queries (and, when asked, is stable
 * and precise enough), or as soon as it reaches either maximum.
 */
export interface LoadOptions {
  /** How queries are issued; default `closed`. */
  readonly scenario?: Scenario;
  /** Concurrent clients of the `closed` scenario; default 2, the workshop's. */
  readonly clients?: number;
  /** Requests per query in MultiStream; default 8. */
  readonly requestsPerQuery?: number;
  /** Queries per second of `open` and `Server`. */
  readonly rateQps?: number;
  /** Arrival process of `open` (default constant) and `Server` (default Poisson). */
  readonly arrival?: ArrivalProcess;
  /** Server: the latency its percentile must meet to pass. */
  readonly targetLatencyMs?: number;
  /** Exactly this many measured queries (sets both query bounds). */
  readonly queryCount?: number;
  /** Exactly this long (sets both duration bounds). */
  readonly durationMs?: number;
  /** Fewest measured queries; default 500. */
  readonly minQueryCount?: number;
  /** Most measured queries; default none. */
  readonly maxQueryCount?: number;
  /** Shortest measurement; default enough whole windows for the stability rule (4 s with 1 s windows), at least 1 s. In an open loop, a span of the schedule: every query due within it is sent. */
  readonly minDurationMs?: number;
  /** Longest measurement; default none, or 60 s when running until stable or precise. */
  readonly maxDurationMs?: number;
  /** Unrecorded warm-up queries, at the run's own concurrency; default enough to reach every copy twice, and at least 10. */
  readonly warmupQueries?: number;
  /** Seed of the sample choice and of Poisson arrivals; default 1. */
  readonly seed?: number;
  /** Length of a measurement window; default 1000 ms. */
  readonly windowMs?: number;
  /** Count windows instead: this many completed queries each. */
  readonly windowQueries?: number;
  /** Windows the stability rule compares; default 3. */
  readonly stabilityWindows?: number;
  /** Largest ratio of largest to smallest window figure that counts as stable; default 1.1. */
  readonly stabilityMaxRatio?: number;
  /** Keep measuring past the minimums until stable, up to the maximums. */
  readonly untilStable?: boolean;
  /** Latency percentiles to report; default 50, 90, 95, 99, 99.9. */
  readonly percentiles?: readonly number[];
  /** Confidence level of percentile intervals and early stopping; default 0.99. */
  readonly confidenceLevel?: number;
  /** Keep measuring past the minimums until every reported percentile's interval is within this fraction of it (0.01 = 1%), up to the maximums. */
  readonly precision?: number;
  /** A request still running after this long counts as a timeout. */
  readonly requestTimeoutMs?: number;
  /** An open-loop query sent later than this after its scheduled time counts as late; default 1 ms. */
  readonly lateSendThresholdMs?: number;
}

/** {@link LoadOptions} with every default applied and every value checked. */
export interface LoadSettings {
  /** How queries are issued. */
  readonly scenario: Scenario;
  /** Concurrent clients of a closed loop; undefined for open and offline loops. */
  readonly clients: number | undefined;
  /** Requests per query. */
  readonly requestsPerQuery: number;
  /** Target queries per second of an open loop. */
  readonly rateQps: number | undefined;
  /** Arrival process of an open loop. */
  readonly arrival: ArrivalProcess | undefined;
  /** Server's latency target. */
  readonly targetLatencyMs: number | undefined;
  /** The percentile the scenario reports and judges. */
  readonly scenarioPercentile: number;
  /** Fewest measured queries. */
  readonly minQueryCount: number;
  /** Most measured queries, if bounded. */
  readonly maxQueryCount: number | undefined;
  /** Shortest measurement. */
  readonly minDurationMs: number;
  /** Longest measurement, if bounded. */
  readonly maxDurationMs: number | undefined;
  /** Warm-up queries; undefined means {@link defaultWarmupQueries} of the copies. */
  readonly warmupQueries: number | undefined;
  /** Seed of sample choice and arrivals. */
  readonly seed: number;
  /** Window length, for time windows. */
  readonly windowMs: number | undefined;
  /** Queries per window, for count windows. */
  readonly windowQueries: number | undefined;
  /** Windows the stability rule compares. */
  readonly stabilityWindows: number;
  /** Largest stable ratio. */
  readonly stabilityMaxRatio: number;
  /** Whether window latency counts toward stability. */
  readonly stabilityJudgesLatency: boolean;
  /** Measure until stable. */
  readonly untilStable: boolean;
  /** Reported percentiles. */
  readonly percentiles: readonly number[];
  /** Confidence level of intervals and early stopping. */
  readonly confidenceLevel: number;
  /** Relative precision target, if any. */
  readonly precision: number | undefined;
  /** Per-request timeout, if any. */
  readonly requestTimeoutMs: number | undefined;
  /** Late-send threshold of an open loop. */
  readonly lateSendThresholdMs: number;
}

/** Measured queries when no bound is given. */
export const DEFAULT_MIN_QUERY_COUNT = 500;
/** Floor of the default minimum duration, which is otherwise as long as the stability rule's windows need (4 s with 1 s windows). */
export const DEFAULT_MIN_DURATION_MS = 1000;
/** Cap on runs that continue until stable or precise, when no maximum is given. */
export const DEFAULT_EXTENDED_MAX_DURATION_MS = 60_000;

/** Largest share of an open loop's queries that may be sent late before the schedule counts as not kept. */
export const MAX_LATE_FRACTION = 0.01;

/** Warm-up that reaches every copy at least twice, and at least 10 queries. */
export function defaultWarmupQueries(copies: number, requestsPerQuery = 1): number {
  return Math.max(10, Math.ceil((2 * copies) / requestsPerQuery));
}

const invalid = (message: string): InferbenchError => new InferbenchError('INVALID_OPTION', message);
const optional = <T>(value: T | undefined, check: (v: T) => T): T | undefined => (value === undefined ? undefined : check(value));
const positive = (name: string) => (v: number) => requirePositive(name, v);
const integer = (name: string, min: number) => (v: number) => requireInteger(name, v, min);

function requireFraction(name: string, value: number): number {
  if (!(value > 0 && value < 1)) throw invalid(`${name} must be a fraction between 0 and 1 (e.g. 0.99), got ${value}`);
  return value;
}

/** Resolves and checks load options; one line names the first bad value and how to fix it. */
export function resolveLoadSettings(options: LoadOptions): LoadSettings {
  const scenario = options.scenario ?? 'closed';
  const preset = SCENARIOS[scenario];
  if (!preset) throw invalid(`unknown scenario '${scenario}'; use one of ${Object.keys(SCENARIOS).join(', ')}`);

  if (options.clients !== undefined && preset.loop !== 'closed') {
    throw invalid(`clients apply to closed loops; the ${scenario} scenario sets its own load (drop clients, or use scenario closed)`);
  }
  if (options.clients !== undefined && preset.fixedClients !== undefined && options.clients !== preset.fixedClients) {
    throw invalid(`${scenario} issues one query at a time, so clients cannot be ${options.clients}; use scenario closed for concurrent clients`);
  }
  if (options.requestsPerQuery !== undefined && !preset.variableSamplesPerQuery) {
    throw invalid(`requestsPerQuery applies to MultiStream only, not ${scenario}`);
  }
  if (preset.loop !== 'open') {
    if (options.rateQps !== undefined) throw invalid(`rateQps applies to the open and Server scenarios, not ${scenario}`);
    if (options.arrival !== undefined) throw invalid(`arrival applies to the open and Server scenarios, not ${scenario}`);
  } else if (options.rateQps === undefined) {
    throw invalid(`the ${scenario} scenario needs a rate: give rateQps (--rate), queries per second`);
  }
  if (options.targetLatencyMs !== undefined && scenario !== 'Server') throw invalid(`targetLatencyMs applies to the Server scenario, not ${scenario}`);
  if (scenario === 'Server' && options.targetLatencyMs === undefined) {
    throw invalid('the Server scenario passes or fails on a latency target: give targetLatencyMs (--target-latency), e.g. 50ms');
  }
  if (options.arrival !== undefined && options.arrival !== 'constant' && options.arrival !== 'poisson') {
    throw invalid(`arrival must be 'constant' or 'poisson', got '${String(options.arrival)}'`);
  }
  if (options.windowMs !== undefined && options.windowQueries !== undefined) throw invalid('give windowMs or windowQueries, not both');

  const stability = resolveStabilitySettings({
    windowCount: options.stabilityWindows,
    maxRatio: options.stabilityMaxRatio,
    judgeLatency: preset.judgeLatency,
  });
  const windowMs = options.windowQueries === undefined ? requirePositive('windowMs', options.windowMs ?? 1000) : undefined;
  const windowQueries = optional(options.windowQueries, integer('windowQueries', 1));
  // By default a run lasts long enough for the stability rule to have whole windows to judge.
  const judgedWindows = stability.windowCount + 1;
  const bounds = resolveBounds(options, {
    minDurationMs: windowMs === undefined ? DEFAULT_MIN_DURATION_MS : Math.max(DEFAULT_MIN_DURATION_MS, judgedWindows * windowMs),
    minQueryCount: Math.max(DEFAULT_MIN_QUERY_COUNT, judgedWindows * (windowQueries ?? 0)),
  });
  const percentiles = options.percentiles ?? DEFAULT_PERCENTILES;
  if (percentiles.length === 0) throw invalid('percentiles must name at least one percentile, e.g. 50,90,99');
  for (const p of percentiles) {
    if (!(p > 0 && p < 100)) throw invalid(`percentiles must lie between 0 and 100 (exclusive), got ${p}`);
  }
  return {
    scenario,
    clients: preset.loop === 'closed' ? (preset.fixedClients ?? requireInteger('clients', options.clients ?? 2, 1)) : undefined,
    requestsPerQuery: requireInteger('requestsPerQuery', options.requestsPerQuery ?? preset.requestsPerQuery, 1),
    rateQps: optional(options.rateQps, positive('rateQps')),
    arrival: preset.loop === 'open' ? (options.arrival ?? preset.arrival) : undefined,
    targetLatencyMs: optional(options.targetLatencyMs, positive('targetLatencyMs')),
    scenarioPercentile: preset.percentile,
    ...bounds,
    warmupQueries: optional(options.warmupQueries, integer('warmupQueries', 0)),
    seed: requireInteger('seed', options.seed ?? 1, 0, MAX_SEED),
    windowMs,
    windowQueries,
    stabilityWindows: stability.windowCount,
    stabilityMaxRatio: stability.maxRatio,
    stabilityJudgesLatency: stability.judgeLatency,
    untilStable: options.untilStable ?? false,
    percentiles: [...percentiles],
    confidenceLevel: requireFraction('confidenceLevel', options.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL),
    precision: optional(options.precision, (v) => requireFraction('precision', v)),
    requestTimeoutMs: optional(options.requestTimeoutMs, positive('requestTimeoutMs')),
    lateSendThresholdMs: requirePositive('lateSendThresholdMs', options.lateSendThresholdMs ?? 1),
  };
}

type Bounds = Pick<LoadSettings, 'minQueryCount' | 'maxQueryCount' | 'minDurationMs' | 'maxDurationMs'>;

/**
 * The stop bounds: an exact count or duration, or minimums and maximums. A maximum given alone
 * lowers the default minimum to match it.
 */
function resolveBounds(options: LoadOptions, defaults: { readonly minDurationMs: number; readonly minQueryCount: number }): Bounds {
  const { queryCount, durationMs } = options;
  const explicit = ['minQueryCount', 'maxQueryCount', 'minDurationMs', 'maxDurationMs'].filter((k) => options[k as keyof Bounds] !== undefined);
  if (queryCount !== undefined && durationMs !== undefined) throw invalid('give either queryCount or durationMs, not both');
  const exact = queryCount !== undefined ? 'queryCount' : durationMs !== undefined ? 'durationMs' : undefined;
  if (exact !== undefined && explicit.length > 0) throw invalid(`give ${exact} or ${explicit.join(' and ')}, not both`);
  if (exact !== undefined && (options.untilStable === true || options.precision !== undefined)) {
    throw invalid(`${options.untilStable === true ? 'untilStable' : 'precision'} extends a run past its minimums, which ${exact} fixes; give minQueryCount or minDurationMs instead`);
  }
  if (queryCount !== undefined) {
    const n = requireInteger('queryCount', queryCount, 1);
    return { minQueryCount: n, maxQueryCount: n, minDurationMs: 0, maxDurationMs: undefined };
  }
  if (durationMs !== undefined) {
    const ms = requirePositive('durationMs', durationMs);
    return { minQueryCount: 1, maxQueryCount: undefined, minDurationMs: ms, maxDurationMs: ms };
  }
  const extended = options.untilStable === true || options.precision !== undefined;
  const maxQueryCount = optional(options.maxQueryCount, integer('maxQueryCount', 1));
  const givenMaxDurationMs = optional(options.maxDurationMs, (v) => requirePositive('maxDurationMs', v));
  const minQueryCount = requireInteger('minQueryCount', options.minQueryCount ?? Math.min(defaults.minQueryCount, maxQueryCount ?? Infinity), 1);
  const minDurationMs =
    options.minDurationMs === undefined ? Math.min(defaults.minDurationMs, givenMaxDurationMs ?? Infinity) : requireNonNegative('minDurationMs', options.minDurationMs);
  const maxDurationMs =
    givenMaxDurationMs !== undefined
      ? givenMaxDurationMs
      : extended
        ? Math.max(minDurationMs, DEFAULT_EXTENDED_MAX_DURATION_MS)
        : undefined;
  if (maxQueryCount !== undefined && maxQueryCount < minQueryCount) {
    throw invalid(`maxQueryCount (${maxQueryCount}) is below minQueryCount (${minQueryCount}); raise the maximum or lower the minimum`);
  }
  if (maxDurationMs !== undefined && maxDurationMs < minDurationMs) {
    throw invalid(`maxDurationMs (${maxDurationMs}) is below minDurationMs (${minDurationMs}); raise the maximum or lower the minimum`);
  }
  return { minQueryCount, maxQueryCount, minDurationMs, maxDurationMs };
}

function requireNonNegative(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw invalid(`${name} must be a number ≥ 0, got ${value}`);
  return value;
}

/** The options that resolve to `settings` again, for running the same load at another rate or on other copies. */
export function loadOptionsOf(settings: LoadSettings): LoadOptions {
  const preset = SCENARIOS[settings.scenario];
  return {
    scenario: settings.scenario,
    ...(preset.loop === 'closed' && preset.fixedClients === undefined ? { clients: settings.clients } : {}),
    ...(preset.variableSamplesPerQuery ? { requestsPerQuery: settings.requestsPerQuery } : {}),
    rateQps: settings.rateQps,
    arrival: settings.arrival,
    targetLatencyMs: settings.targetLatencyMs,
    minQueryCount: settings.minQueryCount,
    maxQueryCount: settings.maxQueryCount,
    minDurationMs: settings.minDurationMs,
    maxDurationMs: settings.maxDurationMs,
    warmupQueries: settings.warmupQueries,
    seed: settings.seed,
    ...(settings.windowQueries === undefined ? { windowMs: settings.windowMs } : { windowQueries: settings.windowQueries }),
    stabilityWindows: settings.stabilityWindows,
    stabilityMaxRatio: settings.stabilityMaxRatio,
    untilStable: settings.untilStable,
    percentiles: settings.percentiles,
    confidenceLevel: settings.confidenceLevel,
    precision: settings.precision,
    requestTimeoutMs: settings.requestTimeoutMs,
    lateSendThresholdMs: settings.lateSendThresholdMs,
  };
}
