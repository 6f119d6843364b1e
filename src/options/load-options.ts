import { z } from 'zod';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../backends/backend.js';
import { MAX_SEED } from '../core/validate.js';
import { DEFAULT_PERCENTILES } from '../stats/latency-histogram.js';
import { DEFAULT_CONFIDENCE_LEVEL } from '../stats/percentile-confidence.js';
import { DEFAULT_STABILITY_MAX_RATIO, DEFAULT_STABILITY_WINDOWS } from '../stats/stability.js';
import { choice, duration, durationText, finite, fraction, integer, listOfWords, number, numbers, onOff, option, positive, ratioAboveOne, type OldFlag, type OptionKind } from './option-kinds.js';
import { parseScenario, SCENARIOS, type Scenario, type ScenarioName } from './scenarios.js';

/** A scenario in any accepted spelling, resolved to its kebab-case name. */
function scenarioKind(): OptionKind<z.ZodType<Scenario, ScenarioName>> {
  const form = listOfWords(Object.keys(SCENARIOS));
  const error = `must be ${form}`;
  const schema = z.string({ error }).transform((name, context) => {
    const scenario = parseScenario(name);
    if (scenario === undefined) context.addIssue({ code: 'custom', message: error, input: name });
    return scenario ?? z.NEVER;
  });
  return { schema: schema as unknown as z.ZodType<Scenario, ScenarioName>, parse: (text) => text.trim(), form, valueHint: 'name' };
}

/** The old duration flags (`--duration 30`) took a bare number as seconds. */
const oldDuration = (name: string): OldFlag => ({ name, parse: durationText('s'), form: 'a positive duration up to about 24 days, such as 30s, 1500ms or 2m (a bare number is seconds)' });

/** Options that make a run last past an exact count or duration: given in a higher layer, they replace it. */
const BOUNDS = ['minQueryCount', 'maxQueryCount', 'minDurationMs', 'maxDurationMs', 'untilStable', 'precision'];

const PERCENTILE = 'must lie between 0 and 100 (exclusive)';

/** The workshop's NUM_THREADS counts the clients of its closed loop; other scenarios set their own load. */
const closedScenario = (options: Readonly<Record<string, unknown>>): boolean => parseScenario(String(options.scenario ?? 'closed')) === 'closed';

/**
 * How a load generator issues queries, when it stops and how it is reported. A run stops issuing once
 * it has lasted `minDurationMs` AND issued `minQueryCount` queries (and, when asked, is stable and
 * precise enough), or as soon as it reaches either maximum.
 */
export const LOAD_OPTIONS = {
  /** How queries are issued: `closed` (default: N clients, the workshop's), `open` (a fixed rate), or MLPerf's `single-stream`, `multi-stream`, `server`, `offline` (MLPerf's spelling, e.g. `Server`, is accepted too). */
  scenario: option(scenarioKind(), { default: 'closed', help: 'closed, open, single-stream, multi-stream, server or offline', defaultText: 'closed', topic: 'load', short: 's', compared: 'configuration' }),
  /** Concurrent clients of the `closed` scenario; default 2, the workshop's. */
  clients: option(integer(1), { help: 'Concurrent clients of the closed scenario', defaultText: '2', topic: 'load', short: 'c', env: 'NUM_THREADS', envApplies: closedScenario, compared: 'configuration' }),
  /** Requests per query of `multi-stream`; default 8. */
  requestsPerQuery: option(integer(1), { help: 'Requests per query of multi-stream', defaultText: '8', topic: 'load', compared: 'configuration' }),
  /** Queries per second of `open` and `server`. */
  rateQps: option(positive('qps'), { help: 'Queries per second of open and server', topic: 'load', oldFlags: [{ name: 'rate' }], compared: 'configuration' }),
  /** Arrival process of `open` (default constant) and `server` (default Poisson). */
  arrival: option(choice(['constant', 'poisson']), { help: 'Arrivals of open and server', defaultText: 'constant for open, poisson for server', topic: 'load', compared: 'configuration' }),
  /** `server`: the latency its percentile must meet to pass. */
  targetLatencyMs: option(duration(), {
    help: 'server: the p99 latency to meet, e.g. 50ms',
    topic: 'load',
    oldFlags: [{ name: 'target-latency', parse: durationText(undefined), form: 'a positive duration with a unit, such as 50ms, 2s or 500us' }],
  }),
  /** Unrecorded warm-up queries, at the run's own concurrency; default enough to reach every copy twice, and at least 10. */
  warmupQueries: option(integer(0), { help: "Unrecorded warm-up queries at the run's own load", defaultText: 'max(10, 2 × copies)', topic: 'load', oldFlags: [{ name: 'warmup' }] }),
  /**
   * A request its copy has not answered this long after it could start on it (every earlier request to that copy
   * settled) counts as a timeout, so that no run waits for ever on a frozen worker; default 60 s, as k6.
   */
  requestTimeoutMs: option(duration(), { default: DEFAULT_REQUEST_TIMEOUT_MS, help: 'Count a request running this long as a timeout', defaultText: '60s', topic: 'load', oldFlags: [oldDuration('timeout')] }),
  /** An open-loop query sent later than this after its scheduled time counts as late; default 1 ms. */
  lateSendThresholdMs: option(duration(), { default: 1, help: 'An open-loop query sent this late counts as late', defaultText: '1ms', topic: 'load' }),
  /** Seed of the generated inputs, of the input each request takes and of Poisson arrivals; default 1. */
  seed: option(integer(0, MAX_SEED), { default: 1, help: 'Seed of inputs, input choice and arrivals', defaultText: '1', topic: 'inputs', compared: 'context' }),

  /** Exactly this many measured queries (sets both query bounds). */
  queryCount: option(integer(1), {
    help: 'Exactly this many measured queries',
    defaultText: 'at least 500 and 4s',
    topic: 'stop',
    short: 'n',
    env: 'NUM_REQUESTS',
    oldFlags: [{ name: 'requests' }],
    excludes: ['durationMs', ...BOUNDS],
  }),
  /** Exactly this long (sets both duration bounds). */
  durationMs: option(duration(), { help: 'Measure for exactly this long, e.g. 30s', topic: 'stop', oldFlags: [{ ...oldDuration('duration'), short: 'd' }], excludes: BOUNDS }),
  /** Fewest measured queries; default 500. */
  minQueryCount: option(integer(1), { help: 'Fewest measured queries', defaultText: '500', topic: 'stop', oldFlags: [{ name: 'min-queries' }] }),
  /** Most measured queries; default none. */
  maxQueryCount: option(integer(1), { help: 'Most measured queries', defaultText: 'none', topic: 'stop', oldFlags: [{ name: 'max-queries' }] }),
  /** Shortest measurement; default enough whole windows for the stability rule (4 s with 1 s windows), at least 1 s. In an open loop, a span of the schedule: every query due within it is sent. */
  minDurationMs: option(duration({ allowZero: true }), { help: 'Shortest measurement', defaultText: "4s, the stability rule's windows", topic: 'stop', oldFlags: [oldDuration('min-duration')] }),
  /** Longest measurement; default none, or 60 s when running until stable or precise. */
  maxDurationMs: option(duration(), { help: 'Longest measurement', defaultText: 'none; 60s until stable or precise', topic: 'stop', oldFlags: [oldDuration('max-duration')] }),
  /** Keep measuring past the minimums until stable, up to the maximums. */
  untilStable: option(onOff(), { default: false, help: 'Measure past the minimums until stable', defaultText: 'off', topic: 'stop' }),
  /** Keep measuring past the minimums until every reported percentile's interval is within this fraction of it (0.01 = 1%), up to the maximums. */
  precision: option(fraction(), { help: 'Measure until each percentile is known to within this, e.g. 1%', topic: 'stop' }),

  /** Latency percentiles to report; default 50, 90, 95, 99, 99.9. */
  percentiles: option(numbers(z.number({ error: PERCENTILE }).gt(0, { error: PERCENTILE }).lt(100, { error: PERCENTILE }), { what: 'percentiles between 0 and 100', example: [50, 90, 99], valueHint: 'p,…' }), {
    default: DEFAULT_PERCENTILES,
    help: 'Latency percentiles to report',
    defaultText: '50,90,95,99,99.9',
    topic: 'statistics',
  }),
  /** Confidence level of percentile intervals and early stopping; default 0.99. */
  confidenceLevel: option(fraction(), { default: DEFAULT_CONFIDENCE_LEVEL, help: 'Confidence of percentile intervals and early stopping', defaultText: '99%', topic: 'statistics', oldFlags: [{ name: 'confidence' }] }),
  /** Length of a measurement window; default 1000 ms. */
  // A window holds a time series point: shorter than a millisecond, their count outgrows memory.
  windowMs: option(duration({ minMs: 1 }), { help: 'Measurement window (time series, stability)', defaultText: '1s', topic: 'statistics', oldFlags: [oldDuration('window')] }),
  /** Count windows instead: this many completed queries each. */
  windowQueries: option(integer(1), { help: 'Windows of this many completed queries instead', topic: 'statistics', excludes: ['windowMs'] }),
  /** Windows the stability rule compares; default 3. */
  stabilityWindows: option(integer(2), { default: DEFAULT_STABILITY_WINDOWS, help: 'Windows the stability rule compares', defaultText: '3', topic: 'statistics' }),
  /** Largest ratio of largest to smallest window figure that counts as stable; default 1.1. */
  stabilityMaxRatio: option(ratioAboveOne(), {
    default: DEFAULT_STABILITY_MAX_RATIO,
    help: 'Stable when the last windows vary by at most this ratio',
    defaultText: '1.1',
    topic: 'statistics',
    oldFlags: [{ name: 'stability-percentage', parse: (text) => (finite(text) ?? 0) > 0 ? 1 + finite(text)! / 100 : undefined, form: 'a positive percentage, such as 10' }],
  }),

  /** The percentile the scenario reports and judges, set by the scenario. */
  scenarioPercentile: option(number('p'), { derived: true, help: 'Set by the scenario', topic: 'statistics', excludes: ['scenario'] }),
  /** Whether window latency counts toward stability (not for `offline`), set by the scenario. */
  stabilityJudgesLatency: option(onOff(), { derived: true, help: 'Set by the scenario', topic: 'statistics', excludes: ['scenario'] }),
};
