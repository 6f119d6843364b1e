import { describe, expect, it } from 'vitest';
import { evaluateThresholds, formatThresholdValue, parseThreshold, parseThresholds } from '../src/stats/thresholds.js';
import type { ThresholdMetrics } from '../src/stats/thresholds.js';

describe('parseThreshold', () => {
  it.each([
    ['p95<20ms', 'p95', 95, '<', 20e6, 'ns'],
    ['p99.9 <= 1.5 s', 'p99.9', 99.9, '<=', 1.5e9, 'ns'],
    ['p50>250us', 'p50', 50, '>', 250e3, 'ns'],
    ['p99<800µs', 'p99', 99, '<', 800e3, 'ns'],
    ['p99<800μs', 'p99', 99, '<', 800e3, 'ns'],
    ['P90 < 1.1ms', 'p90', 90, '<', 1.1e6, 'ns'],
    ['p99.99<2ms', 'p99.99', 99.99, '<', 2e6, 'ns'],
    ['mean<12.5ms', 'mean', null, '<', 12.5e6, 'ns'],
    ['min>=100ns', 'min', null, '>=', 100, 'ns'],
    ['max<2s', 'max', null, '<', 2e9, 'ns'],
    ['throughput>500', 'throughput', null, '>', 500, 'per_second'],
    ['throughput >= 512.5/s', 'throughput', null, '>=', 512.5, 'per_second'],
    ['qps>100/s', 'qps', null, '>', 100, 'per_second'],
    ['qps>1e3', 'qps', null, '>', 1000, 'per_second'],
    ['errors<1', 'errors', null, '<', 1, 'count'],
    ['errors<=0', 'errors', null, '<=', 0, 'count'],
    ['error_rate<1%', 'error_rate', null, '<', 0.01, 'fraction'],
    ['error_rate<=14.3%', 'error_rate', null, '<=', 0.143, 'fraction'],
    ['error_rate<0.05', 'error_rate', null, '<', 0.05, 'fraction'],
    ['error_rate<0.7%', 'error_rate', null, '<', 0.007, 'fraction'],
    ['p95<=4.1ms', 'p95', 95, '<=', 4.1e6, 'ns'],
  ] as const)('parses %s', (text, metric, percentile, comparator, limit, unit) => {
    expect(parseThreshold(`  ${text} `)).toEqual({ expression: text, metric, percentile, comparator, limit, unit });
  });

  it.each([
    ['p95<20', "threshold 'p95<20' needs a unit: write p95<20ms (units ns, us, ms, s)"],
    ['p95<20sec', "threshold 'p95<20sec' has unknown unit 'sec': write p95<20ms (units ns, us, ms, s)"],
    ['latency<20ms', "threshold 'latency<20ms' has unknown metric 'latency'; the metrics are pNN (p95, p99.9), mean, min, max, throughput, qps, errors, error_rate"],
    ['constructor<1', "threshold 'constructor<1' has unknown metric 'constructor'; the metrics are pNN (p95, p99.9), mean, min, max, throughput, qps, errors, error_rate"],
    ['p100<20ms', "threshold 'p100<20ms' asks for percentile 100, but a percentile must lie strictly between 0 and 100; use min or max, or e.g. p99.9"],
    ['p0<20ms', "threshold 'p0<20ms' asks for percentile 0, but a percentile must lie strictly between 0 and 100; use min or max, or e.g. p99.9"],
    ['p95<2..0ms', "threshold 'p95<2..0ms' has '2..0', which is not a number; write e.g. p95<20ms"],
    ['p95<ms', "threshold 'p95<ms' needs a number after '<'; write e.g. p95<20ms"],
    ['p95<-5ms', "threshold 'p95<-5ms' has a negative limit; p95 is never negative, so give a limit ≥ 0"],
    ['p95==20ms', "threshold 'p95==20ms' has unknown operator '=='; use <, <=, > or >=, e.g. p95<20ms"],
    ['p95=<20ms', "threshold 'p95=<20ms' has unknown operator '=<'; use <, <=, > or >=, e.g. p95<20ms"],
    ['throughput 500', "threshold 'throughput 500' needs an operator after throughput; use <, <=, > or >=, e.g. throughput>500/s"],
    ['throughput>500ms', "threshold 'throughput>500ms' has unit 'ms', but the limit is per second: write throughput>500 or throughput>500/s"],
    ['errors<1%', "threshold 'errors<1%' has unit '%', but errors is a count: write errors<1, or error_rate with %"],
    ['error_rate<5', "threshold 'error_rate<5' is over 100%: write the rate as a percentage up to 100% (error_rate<1%) or a fraction up to 1 (error_rate<0.01)"],
    ['error_rate<1/s', "threshold 'error_rate<1/s' has unit '/s': write the rate as a percentage (error_rate<1%) or a fraction 0–1 (error_rate<0.01)"],
    ['000/s', "threshold '000/s' does not start with a metric (pNN (p95, p99.9), mean, min, max, throughput, qps, errors, error_rate); separate thresholds with commas and write numbers without thousands separators"],
    ['   ', 'empty threshold; write e.g. p95<20ms, throughput>500/s or error_rate<1%'],
  ])('refuses %s with INVALID_OPTION and a fix', (text, message) => {
    expect(() => parseThreshold(text)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message }));
  });
});

describe('parseThresholds', () => {
  it('takes one per string and several per string split on commas', () => {
    const parsed = parseThresholds(['p95<20ms, p99<50ms', 'throughput>500/s', 'error_rate<1%,']);
    expect(parsed.map((t) => t.expression)).toEqual(['p95<20ms', 'p99<50ms', 'throughput>500/s', 'error_rate<1%']);
    expect(parsed.map((t) => t.limit)).toEqual([20e6, 50e6, 500, 0.01]);
  });

  it('names the bad piece of a list', () => {
    expect(() => parseThresholds(['p95<20ms,p99<50'])).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/^threshold 'p99<50' needs a unit/) }));
  });
});

describe('evaluateThresholds', () => {
  const metrics: ThresholdMetrics = {
    latencyPercentileNs: (p) => ({ 50: 8e6, 95: 20e6, 99: 31e6, 99.9: 4.1e6 })[p] ?? Number.NaN,
    meanNs: 9.5e6,
    minNs: 2e6,
    maxNs: 60e6,
    samplesPerSecond: 512,
    queriesPerSecond: 64,
    errorCount: 0,
    errorRate: 0.005,
  };
  const outcomes = (...texts: string[]): boolean[] => evaluateThresholds(parseThresholds(texts), metrics).map((o) => o.passed);

  it('compares at the boundary as the operator says', () => {
    expect(outcomes('p95<=20ms', 'p95<20ms', 'p95>=20ms', 'p95>20ms')).toEqual([true, false, true, false]);
    expect(outcomes('throughput>=512', 'throughput>512/s', 'errors<=0', 'errors<0', 'error_rate<=0.5%', 'error_rate<0.5%')).toEqual([true, false, true, false, true, false]);
  });

  it('matches a limit with no exact binary form at exactly that value', () => {
    // 4.1 × 1e6 is 4099999.9999999995 in floating point; the limit is parsed without that noise.
    expect(outcomes('p99.9<=4.1ms', 'p99.9<4.1ms', 'p99.9>=4.1ms')).toEqual([true, false, true]);
    expect(outcomes('error_rate>=0.5%', 'error_rate<=0.5%')).toEqual([true, true]);
    expect(outcomes('max<=60ms', 'min>=2ms', 'mean<9.5ms')).toEqual([true, true, false]);
  });

  it('reports actual and limit of each threshold in its base unit', () => {
    expect(evaluateThresholds(parseThresholds(['p99<30ms', 'qps>50', 'errors<1', 'error_rate<1%', 'p50<10ms']), metrics)).toEqual([
      { expression: 'p99<30ms', metric: 'p99', actual: 31e6, limit: 30e6, unit: 'ns', passed: false },
      { expression: 'qps>50', metric: 'qps', actual: 64, limit: 50, unit: 'per_second', passed: true },
      { expression: 'errors<1', metric: 'errors', actual: 0, limit: 1, unit: 'count', passed: true },
      { expression: 'error_rate<1%', metric: 'error_rate', actual: 0.005, limit: 0.01, unit: 'fraction', passed: true },
      { expression: 'p50<10ms', metric: 'p50', actual: 8e6, limit: 10e6, unit: 'ns', passed: true },
    ]);
  });
});

describe('formatThresholdValue', () => {
  it.each([
    [12.3e6, 'ns', '12.3 ms'],
    [1.5e9, 'ns', '1.5 s'],
    [250e3, 'ns', '250.0 µs'],
    [999_960, 'ns', '1.0 ms'],
    [850, 'ns', '850 ns'],
    [0, 'ns', '0 ns'],
    [512, 'per_second', '512.0/s'],
    [3, 'count', '3'],
    [0.005, 'fraction', '0.5%'],
    [0.0001, 'fraction', '0.01%'],
    [0.25, 'fraction', '25%'],
  ] as const)('writes %s %s as %s', (value, unit, text) => {
    expect(formatThresholdValue(value, unit)).toBe(text);
  });
});
