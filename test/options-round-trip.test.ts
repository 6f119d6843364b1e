import { describe, expect, it } from 'vitest';
import { createLoadGenerator } from '../src/load/create-load-generator.js';
import { resolveBenchmarkSettings, type BenchmarkSettingsInput } from '../src/options/benchmark-options.js';
import { SCENARIOS, type Scenario } from '../src/options/scenarios.js';

/** Options of every scenario, with the bounds, windows and extensions each can take. */
const OPTIONS_OF: Readonly<Record<Scenario, readonly BenchmarkSettingsInput[]>> = {
  closed: [{}, { clients: 3, queryCount: 40, copies: 2, batchSize: 2 }, { durationMs: 1500, windowQueries: 20, thresholds: ['p95<1s'] }],
  open: [{ scenario: 'open', rateQps: 20, arrival: 'poisson', untilStable: true, requestTimeoutMs: 500 }],
  'single-stream': [{ scenario: 'single-stream', queryCount: 30 }, { scenario: 'SingleStream', precision: 0.05, minDurationMs: 0 }],
  'multi-stream': [{ scenario: 'multi-stream', requestsPerQuery: 2, minQueryCount: 10, maxDurationMs: 3000 }],
  server: [
    { scenario: 'server', rateQps: 20, targetLatencyMs: 50, maxQueryCount: 100 },
    { scenario: 'Server', searchQps: true, targetLatencyMs: 50, searchTrials: 3 },
  ],
  offline: [{ scenario: 'offline', windowMs: 250, percentiles: [50, 99], seed: 7, deviceIds: [0, 1], device: 'cuda' }],
};

describe('resolved settings given back as options', () => {
  it('cover every scenario', () => {
    expect(Object.keys(OPTIONS_OF).sort()).toEqual(Object.keys(SCENARIOS).sort());
  });

  const cases = Object.entries(OPTIONS_OF).flatMap(([scenario, list]) => list.map((options) => [scenario, JSON.stringify(options), options] as const));

  it.each(cases)('%s %s: resolve to the same settings, also through JSON', (scenario, _, options) => {
    const settings = resolveBenchmarkSettings(options);
    expect(settings.scenario).toBe(scenario);
    expect(resolveBenchmarkSettings(settings)).toEqual(settings);
    expect(resolveBenchmarkSettings({ ...settings })).toEqual(settings);
    // A result file holds them as JSON, which drops what is unset.
    expect(resolveBenchmarkSettings(JSON.parse(JSON.stringify(settings)) as BenchmarkSettingsInput)).toEqual(settings);
  });

  it.each(cases.filter(([, , options]) => options.searchQps !== true))('%s %s: are taken by the load generator as they are', (_, __, options) => {
    const settings = resolveBenchmarkSettings(options);
    expect(settings).toMatchObject(createLoadGenerator(settings).settings);
  });

  it("refuses what the scenario sets when it does not match the scenario's own", () => {
    const settings = resolveBenchmarkSettings({ scenario: 'single-stream' });
    expect(() => resolveBenchmarkSettings({ ...settings, scenario: 'closed' })).toThrow('scenarioPercentile is 95 for the closed scenario, which sets it; drop scenarioPercentile');
    expect(() => resolveBenchmarkSettings({ ...resolveBenchmarkSettings({ scenario: 'offline' }), scenario: 'closed', scenarioPercentile: 95 })).toThrow(
      'stabilityJudgesLatency is true for the closed scenario, which sets it; drop stabilityJudgesLatency',
    );
    expect(() => resolveBenchmarkSettings({ scenario: 'closed', requestsPerQuery: 4 })).toThrow('requestsPerQuery applies to multi-stream only; closed sends 1 a query');
  });
});
