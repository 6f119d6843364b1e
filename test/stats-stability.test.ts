import { describe, expect, it } from 'vitest';
import { checkStability, resolveStabilitySettings } from '../src/stats/stability.js';
import type { WindowFigures } from '../src/stats/stability.js';

const defaults = resolveStabilitySettings({});
const windows = (...pairs: [number, number?][]): WindowFigures[] =>
  pairs.map(([throughputPerSecond, latencyNs]) => (latencyNs === undefined ? { throughputPerSecond } : { throughputPerSecond, latencyNs }));

describe('resolveStabilitySettings', () => {
  it("applies perf_analyzer's defaults: 3 windows within 10%, latency judged", () => {
    expect(defaults).toEqual({ windowCount: 3, maxRatio: 1.1, judgeLatency: true });
    expect(resolveStabilitySettings({ windowCount: 5, maxRatio: 1.05, judgeLatency: false })).toEqual({ windowCount: 5, maxRatio: 1.05, judgeLatency: false });
  });

  it.each([
    [{ windowCount: 1 }, 'windowCount must be an integer ≥ 2, got 1'],
    [{ windowCount: 2.5 }, 'windowCount must be an integer ≥ 2, got 2.5'],
    [{ maxRatio: 1 }, 'maxRatio must be a finite number > 1 (1.1 allows 10% variation), got 1'],
    [{ maxRatio: 0.9 }, 'maxRatio must be a finite number > 1 (1.1 allows 10% variation), got 0.9'],
    [{ maxRatio: Number.POSITIVE_INFINITY }, 'maxRatio must be a finite number > 1 (1.1 allows 10% variation), got Infinity'],
  ])('refuses %o with INVALID_OPTION', (options, message) => {
    expect(() => resolveStabilitySettings(options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message }));
  });
});

describe('checkStability', () => {
  it('calls steady windows stable and reports both ratios', () => {
    const check = checkStability(windows([1000, 5e6], [1040, 5.2e6], [980, 4.9e6]), defaults);
    expect(check.stable).toBe(true);
    expect(check.reason).toBeNull();
    expect(check.windowsJudged).toBe(3);
    expect(check.throughputRatio).toBeCloseTo(1040 / 980, 12);
    expect(check.latencyRatio).toBeCloseTo(5.2e6 / 4.9e6, 12);
  });

  it('judges only the last windowCount windows', () => {
    const check = checkStability(windows([100, 1e6], [500, 9e6], [1000, 5e6], [1000, 5e6], [1050, 5.1e6]), defaults);
    expect(check).toEqual({ stable: true, windowsJudged: 3, throughputRatio: 1.05, latencyRatio: 1.02, reason: null });
  });

  it('calls varying throughput unstable and says by how much', () => {
    const check = checkStability(windows([1000, 5e6], [1230, 5e6], [1100, 5e6]), defaults);
    expect(check.stable).toBe(false);
    expect(check.throughputRatio).toBeCloseTo(1.23, 12);
    expect(check.latencyRatio).toBe(1);
    expect(check.reason).toBe('throughput varied 23% over the last 3 windows (limit 10%)');
  });

  it('calls varying latency unstable when latency is judged', () => {
    const check = checkStability(windows([1000, 5e6], [1000, 6e6], [1000, 5.5e6]), defaults);
    expect(check.stable).toBe(false);
    expect(check.throughputRatio).toBe(1);
    expect(check.latencyRatio).toBeCloseTo(1.2, 12);
    expect(check.reason).toBe('latency varied 20% over the last 3 windows (limit 10%)');
  });

  it('ignores latency, present or not, when it is not judged', () => {
    const settings = resolveStabilitySettings({ judgeLatency: false });
    expect(checkStability(windows([1000, 5e6], [1000, 9e6], [1000, 5e6]), settings)).toEqual({
      stable: true,
      windowsJudged: 3,
      throughputRatio: 1,
      latencyRatio: null,
      reason: null,
    });
    expect(checkStability(windows([1000], [1050], [1000]), settings).stable).toBe(true);
  });

  it('calls a run with a window lacking latency unstable when latency is judged', () => {
    const check = checkStability(windows([1000, 5e6], [1000], [1000, 5e6]), defaults);
    expect(check.stable).toBe(false);
    expect(check.latencyRatio).toBeNull();
    expect(check.reason).toBe('a window among the last 3 windows has no latency to judge; give latencyNs for each window or set judgeLatency to false');
  });

  it('needs windowCount windows before it can call a run stable', () => {
    expect(checkStability(windows([1000, 5e6], [1000, 5e6]), defaults)).toEqual({
      stable: false,
      windowsJudged: 2,
      throughputRatio: null,
      latencyRatio: null,
      reason: 'only 2 of the 3 windows needed to judge stability have completed',
    });
    expect(checkStability([], resolveStabilitySettings({ windowCount: 4 })).reason).toBe('only 0 of the 4 windows needed to judge stability have completed');
  });

  it('calls a window that completed nothing unstable, with a JSON-safe null ratio', () => {
    const check = checkStability(windows([1000, 5e6], [0], [1000, 5e6]), defaults);
    expect(check.stable).toBe(false);
    expect(check.throughputRatio).toBeNull();
    expect(check.reason).toBe('a window among the last 3 windows completed nothing, so throughput is not steady');
    expect(JSON.parse(JSON.stringify(check))).toEqual(check);
  });

  it('counts a ratio exactly at the limit as stable, and one just past it as not', () => {
    expect(checkStability(windows([100, 1e6], [110, 1.1e6], [105, 1e6]), defaults)).toEqual({
      stable: true,
      windowsJudged: 3,
      throughputRatio: 1.1,
      latencyRatio: 1.1,
      reason: null,
    });
    const past = checkStability(windows([100, 1e6], [111, 1e6], [105, 1e6]), defaults);
    expect(past.stable).toBe(false);
    expect(past.reason).toBe('throughput varied 11% over the last 3 windows (limit 10%)');
  });

  it('honours a custom window count and ratio', () => {
    const settings = resolveStabilitySettings({ windowCount: 2, maxRatio: 1.5 });
    const check = checkStability(windows([10, 1e6], [1000, 1e6], [1400, 1.4e6]), settings);
    expect(check).toEqual({ stable: true, windowsJudged: 2, throughputRatio: 1.4, latencyRatio: 1.4, reason: null });
  });
});
