import { describe, expect, it } from 'vitest';
import type { StopReason } from '../src/load/load-generator.js';
import { decideStop, type StopDecision, type StopRuleSettings } from '../src/load/stop-rule.js';

/** At least 100 queries and 1 s, no maximum, neither stability nor precision asked. */
const MINIMUMS: StopRuleSettings = { minQueryCount: 100, maxQueryCount: undefined, minDurationMs: 1000, maxDurationMs: undefined, untilStable: false, precision: undefined };

/** The state of a run, in plain values; `precise` is what the precision judgement would answer. */
interface State {
  readonly elapsedMs: number;
  readonly issuedQueries: number;
  readonly stable?: boolean;
  readonly precise?: boolean;
  readonly listenerFailed?: boolean;
}

const CONTINUE: StopDecision = { stop: false };
const stop = (reason: StopReason): StopDecision => ({ stop: true, reason });

const decide = (settings: Partial<StopRuleSettings>, state: State): StopDecision =>
  decideStop(
    { ...MINIMUMS, ...settings },
    {
      elapsedNs: state.elapsedMs * 1e6,
      issuedQueries: state.issuedQueries,
      stable: state.stable ?? false,
      precisionMet: () => state.precise ?? false,
      listenerFailed: state.listenerFailed ?? false,
    },
  );

const rows: Array<[name: string, settings: Partial<StopRuleSettings>, state: State, expected: StopDecision]> = [
  // Minimums: both must be reached.
  ['below both minimums', {}, { elapsedMs: 10, issuedQueries: 5 }, CONTINUE],
  ['the duration reached, the count not', {}, { elapsedMs: 5000, issuedQueries: 99 }, CONTINUE],
  ['the count reached, the duration not', {}, { elapsedMs: 999, issuedQueries: 10_000 }, CONTINUE],
  ['both minimums reached exactly', {}, { elapsedMs: 1000, issuedQueries: 100 }, stop('minimums-met')],
  ['both minimums passed', {}, { elapsedMs: 3000, issuedQueries: 500 }, stop('minimums-met')],
  // Maximum query count: a stop at once, before the minimum duration; an exact count when it equals the minimum.
  ['the maximum count not yet reached', { maxQueryCount: 200, minDurationMs: 5000 }, { elapsedMs: 100, issuedQueries: 199 }, CONTINUE],
  ['the maximum count reached before the minimum duration', { maxQueryCount: 200, minDurationMs: 5000 }, { elapsedMs: 100, issuedQueries: 200 }, stop('max-queries')],
  ['an exact count one short', { minQueryCount: 500, maxQueryCount: 500, minDurationMs: 0 }, { elapsedMs: 60_000, issuedQueries: 499 }, CONTINUE],
  ['an exact count reached', { minQueryCount: 500, maxQueryCount: 500, minDurationMs: 0 }, { elapsedMs: 1, issuedQueries: 500 }, stop('query-count')],
  // Maximum duration: the run's time limit, before any minimum count; an exact duration when it equals the minimum.
  ['the time limit not yet reached', { maxDurationMs: 10_000 }, { elapsedMs: 9999, issuedQueries: 50 }, CONTINUE],
  ['the time limit reached before the minimum count', { maxDurationMs: 10_000 }, { elapsedMs: 10_000, issuedQueries: 50 }, stop('max-duration')],
  ['an exact duration a millisecond short', { minQueryCount: 1, minDurationMs: 2000, maxDurationMs: 2000 }, { elapsedMs: 1999, issuedQueries: 1e6 }, CONTINUE],
  ['an exact duration reached', { minQueryCount: 1, minDurationMs: 2000, maxDurationMs: 2000 }, { elapsedMs: 2000, issuedQueries: 3 }, stop('duration')],
  ['both maximums reached: the count is named', { maxQueryCount: 200, maxDurationMs: 10_000 }, { elapsedMs: 10_000, issuedQueries: 200 }, stop('max-queries')],
  // untilStable: past the minimums, until stable, within the time limit.
  ['until stable: past the minimums, not stable', { untilStable: true }, { elapsedMs: 5000, issuedQueries: 500, stable: false }, CONTINUE],
  ['until stable: stable before the minimums', { untilStable: true }, { elapsedMs: 500, issuedQueries: 500, stable: true }, CONTINUE],
  ['until stable: stable past the minimums', { untilStable: true }, { elapsedMs: 5000, issuedQueries: 500, stable: true }, stop('stable')],
  ['until stable: never stable, the time limit reached', { untilStable: true, maxDurationMs: 30_000 }, { elapsedMs: 30_000, issuedQueries: 500, stable: false }, stop('max-duration')],
  ['stability not asked: an unstable run stops at its minimums', {}, { elapsedMs: 5000, issuedQueries: 500, stable: false }, stop('minimums-met')],
  // precision: past the minimums, until every percentile is precise, within the time limit.
  ['precision: past the minimums, not precise', { precision: 0.05 }, { elapsedMs: 5000, issuedQueries: 500, precise: false }, CONTINUE],
  ['precision: precise before the minimums', { precision: 0.05 }, { elapsedMs: 5000, issuedQueries: 99, precise: true }, CONTINUE],
  ['precision: precise past the minimums', { precision: 0.05 }, { elapsedMs: 5000, issuedQueries: 500, precise: true }, stop('precision-met')],
  ['precision: never precise, the maximum count reached', { precision: 0.05, maxQueryCount: 1000 }, { elapsedMs: 5000, issuedQueries: 1000, precise: false }, stop('max-queries')],
  // Both asked: both must hold, and the stop is named for stability.
  ['both asked: stable, not precise', { untilStable: true, precision: 0.05 }, { elapsedMs: 5000, issuedQueries: 500, stable: true, precise: false }, CONTINUE],
  ['both asked: precise, not stable', { untilStable: true, precision: 0.05 }, { elapsedMs: 5000, issuedQueries: 500, stable: false, precise: true }, CONTINUE],
  ['both asked: stable and precise', { untilStable: true, precision: 0.05 }, { elapsedMs: 5000, issuedQueries: 500, stable: true, precise: true }, stop('stable')],
  // A listener that threw ends issuing at once; the run then rejects with its error.
  ['a listener threw, below the minimums', { untilStable: true }, { elapsedMs: 1, issuedQueries: 1, listenerFailed: true }, stop('minimums-met')],
];

describe('the stop rule', () => {
  it.each(rows)('%s', (_, settings, state, expected) => {
    expect(decide(settings, state)).toEqual(expected);
  });

  it('asks for the costly precision judgement only when everything else would stop', () => {
    const asked: string[] = [];
    const judge = (label: string, settings: Partial<StopRuleSettings>, elapsedMs: number, issuedQueries: number, stable: boolean): StopDecision =>
      decideStop({ ...MINIMUMS, precision: 0.05, ...settings }, { elapsedNs: elapsedMs * 1e6, issuedQueries, stable, listenerFailed: false, precisionMet: () => (asked.push(label), true) });

    expect(judge('short', {}, 10, 10, true)).toEqual(CONTINUE);
    expect(judge('unstable', { untilStable: true }, 5000, 500, false)).toEqual(CONTINUE);
    expect(judge('at the limit', { maxDurationMs: 2000 }, 2000, 500, true)).toEqual(stop('max-duration'));
    expect(asked).toEqual([]);
    expect(judge('ready', {}, 5000, 500, true)).toEqual(stop('precision-met'));
    expect(asked).toEqual(['ready']);
  });
});
