import { InferbenchError } from '../core/errors.js';
import { resolveStabilitySettings } from '../stats/stability.js';
import { LOAD_OPTIONS } from './load-options.js';
import { apiName, checkOptions, optionsSchema, type OptionNamer, type OptionsOf, type SettingsOf } from './option-schema.js';
import { SCENARIOS } from './scenarios.js';

/**
 * How a load generator issues queries and when it stops, as a user gives it; each option is declared
 * once, in the option registry (`LOAD_OPTIONS` in src/options).
 */
export interface LoadOptions extends OptionsOf<typeof LOAD_OPTIONS> {}

/**
 * {@link LoadOptions} with every default applied and every value checked. Given back as options they
 * resolve to themselves: an exact `queryCount` or `durationMs` lives on as the bounds it sets.
 */
export interface LoadSettings
  extends Omit<SettingsOf<typeof LOAD_OPTIONS, 'scenario' | 'requestsPerQuery' | 'minQueryCount' | 'minDurationMs' | 'scenarioPercentile' | 'stabilityJudgesLatency'>, 'queryCount' | 'durationMs'> {}

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

/** Length of a time window unless windows count queries instead. */
export const DEFAULT_WINDOW_MS = 1000;
/** Clients of the closed scenario: the workshop's two threads. */
export const DEFAULT_CLIENTS = 2;

const invalid = (message: string): InferbenchError => new InferbenchError('INVALID_OPTION', message);
const loadSchema = optionsSchema(LOAD_OPTIONS, false);
type CheckedLoadOptions = ReturnType<typeof loadSchema.parse>;

/**
 * Resolves and checks load options; one line names the first bad value and how to fix it, each option as `name` says.
 * Options of other kinds (a benchmark's batch size) are left out, so that a benchmark's settings can be passed whole.
 */
export function resolveLoadSettings(options: LoadOptions, name: (option: string) => string = apiName): LoadSettings {
  const o = checkOptions(loadSchema, options);
  const { scenario } = o;
  const preset = SCENARIOS[scenario];
  if (o.clients !== undefined && preset.loop !== 'closed') {
    throw invalid(`${name('clients')} applies to closed loops; the ${scenario} scenario sets its own load (drop ${name('clients')}, or use ${name('scenario')} closed)`);
  }
  if (o.clients !== undefined && preset.fixedClients !== undefined && o.clients !== preset.fixedClients) {
    throw invalid(`${scenario} issues one query at a time, so ${name('clients')} cannot be ${o.clients}; use ${name('scenario')} closed for concurrent clients`);
  }
  if (o.requestsPerQuery !== undefined && !preset.variableRequestsPerQuery && o.requestsPerQuery !== preset.requestsPerQuery) {
    throw invalid(`${name('requestsPerQuery')} applies to multi-stream only; ${scenario} sends ${preset.requestsPerQuery} a query`);
  }
  if (preset.loop !== 'open') {
    if (o.rateQps !== undefined) throw invalid(`${name('rateQps')} applies to the open and server scenarios, not ${scenario}`);
    if (o.arrival !== undefined) throw invalid(`${name('arrival')} applies to the open and server scenarios, not ${scenario}`);
  } else if (o.rateQps === undefined) {
    throw invalid(`the ${scenario} scenario needs a rate: give ${name('rateQps')}, queries per second`);
  }
  if (o.targetLatencyMs !== undefined && scenario !== 'server') throw invalid(`${name('targetLatencyMs')} applies to the server scenario, not ${scenario}`);
  if (scenario === 'server' && o.targetLatencyMs === undefined) {
    throw invalid(`the server scenario passes or fails on a latency target: give ${name('targetLatencyMs')}, e.g. 50ms`);
  }
  if (o.windowMs !== undefined && o.windowQueries !== undefined) throw invalid(`give ${name('windowMs')} or ${name('windowQueries')}, not both`);
  // Set by the scenario; accepted back with the value it gives, so that resolved settings resolve again.
  if (o.scenarioPercentile !== undefined && o.scenarioPercentile !== preset.percentile) {
    throw invalid(`scenarioPercentile is ${preset.percentile} for the ${scenario} scenario, which sets it; drop ${name('scenarioPercentile')}`);
  }
  if (o.stabilityJudgesLatency !== undefined && o.stabilityJudgesLatency !== preset.judgeLatency) {
    throw invalid(`stabilityJudgesLatency is ${preset.judgeLatency} for the ${scenario} scenario, which sets it; drop ${name('stabilityJudgesLatency')}`);
  }

  const stability = resolveStabilitySettings({ windowCount: o.stabilityWindows, maxRatio: o.stabilityMaxRatio, judgeLatency: preset.judgeLatency });
  const windowMs = o.windowQueries === undefined ? (o.windowMs ?? DEFAULT_WINDOW_MS) : undefined;
  // By default a run lasts long enough for the stability rule to have whole windows to judge.
  const judgedWindows = stability.windowCount + 1;
  const bounds = resolveBounds(
    o,
    {
      minDurationMs: windowMs === undefined ? DEFAULT_MIN_DURATION_MS : Math.max(DEFAULT_MIN_DURATION_MS, judgedWindows * windowMs),
      minQueryCount: Math.max(DEFAULT_MIN_QUERY_COUNT, judgedWindows * (o.windowQueries ?? 0)),
    },
    name,
  );
  return {
    scenario,
    clients: preset.loop === 'closed' ? (preset.fixedClients ?? o.clients ?? DEFAULT_CLIENTS) : undefined,
    requestsPerQuery: o.requestsPerQuery ?? preset.requestsPerQuery,
    rateQps: o.rateQps,
    arrival: preset.loop === 'open' ? (o.arrival ?? preset.arrival) : undefined,
    targetLatencyMs: o.targetLatencyMs,
    scenarioPercentile: preset.percentile,
    ...bounds,
    warmupQueries: o.warmupQueries,
    seed: o.seed,
    windowMs,
    windowQueries: o.windowQueries,
    stabilityWindows: stability.windowCount,
    stabilityMaxRatio: stability.maxRatio,
    stabilityJudgesLatency: stability.judgeLatency,
    untilStable: o.untilStable,
    percentiles: [...o.percentiles],
    confidenceLevel: o.confidenceLevel,
    precision: o.precision,
    requestTimeoutMs: o.requestTimeoutMs,
    lateSendThresholdMs: o.lateSendThresholdMs,
  };
}

type Bounds = Pick<LoadSettings, 'minQueryCount' | 'maxQueryCount' | 'minDurationMs' | 'maxDurationMs'>;

/**
 * The stop bounds: an exact count or duration, or minimums and maximums. A maximum given alone
 * lowers the default minimum to match it.
 */
function resolveBounds(options: CheckedLoadOptions, defaults: { readonly minDurationMs: number; readonly minQueryCount: number }, name: OptionNamer): Bounds {
  const { queryCount, durationMs, untilStable, precision } = options;
  const explicit = (['minQueryCount', 'maxQueryCount', 'minDurationMs', 'maxDurationMs'] as const).filter((k) => options[k] !== undefined);
  if (queryCount !== undefined && durationMs !== undefined) throw invalid(`give either ${name('queryCount')} or ${name('durationMs')}, not both`);
  const exact = queryCount !== undefined ? 'queryCount' : durationMs !== undefined ? 'durationMs' : undefined;
  if (exact !== undefined && explicit.length > 0) throw invalid(`give ${name(exact)} or ${explicit.map(name).join(' and ')}, not both`);
  const extended = untilStable || precision !== undefined;
  if (exact !== undefined && extended) {
    throw invalid(`${name(untilStable ? 'untilStable' : 'precision')} extends a run past its minimums, which ${name(exact)} fixes; give ${name('minQueryCount')} or ${name('minDurationMs')} instead`);
  }
  if (queryCount !== undefined) return { minQueryCount: queryCount, maxQueryCount: queryCount, minDurationMs: 0, maxDurationMs: undefined };
  if (durationMs !== undefined) return { minQueryCount: 1, maxQueryCount: undefined, minDurationMs: durationMs, maxDurationMs: durationMs };
  const { maxQueryCount, maxDurationMs: givenMaxDurationMs } = options;
  const minQueryCount = options.minQueryCount ?? Math.min(defaults.minQueryCount, maxQueryCount ?? Infinity);
  const minDurationMs = options.minDurationMs ?? Math.min(defaults.minDurationMs, givenMaxDurationMs ?? Infinity);
  const maxDurationMs = givenMaxDurationMs ?? (extended ? Math.max(minDurationMs, DEFAULT_EXTENDED_MAX_DURATION_MS) : undefined);
  if (maxQueryCount !== undefined && maxQueryCount < minQueryCount) {
    throw invalid(`${name('maxQueryCount')} (${maxQueryCount}) is below ${name('minQueryCount')} (${minQueryCount}); raise the maximum or lower the minimum`);
  }
  if (maxDurationMs !== undefined && maxDurationMs < minDurationMs) {
    throw invalid(`${name('maxDurationMs')} (${maxDurationMs} ms) is below ${name('minDurationMs')} (${minDurationMs} ms); raise the maximum or lower the minimum`);
  }
  return { minQueryCount, maxQueryCount, minDurationMs, maxDurationMs };
}
