/**
 * How an open-loop load spaces its arrivals: `constant` at exactly 1/rate apart (k6's
 * constant-arrival-rate), `poisson` with exponential gaps of mean 1/rate (MLPerf's Server scenario).
 */
export type ArrivalProcess = 'constant' | 'poisson';

/**
 * How queries are issued. `closed` (the workshop's N clients) and `open` (a fixed arrival rate) are
 * the two load models; the others are MLPerf Inference's scenarios, in kebab-case like every name
 * of the CLI and the API.
 */
export type Scenario = 'closed' | 'open' | 'single-stream' | 'multi-stream' | 'server' | 'offline';

/** A scenario as a user may write it: kebab-case, or MLPerf's spelling (`SingleStream`, `Server`), in any case. */
export type ScenarioName = Scenario | 'SingleStream' | 'MultiStream' | 'Server' | 'Offline';

/** Which loop issues a scenario's queries. */
export type LoopKind = 'closed' | 'open' | 'offline';

/** What a scenario fixes. */
export interface ScenarioPreset {
  /** The loop that issues its queries. */
  readonly loop: LoopKind;
  /** Latency percentile the scenario reports and judges (early stopping, stability). */
  readonly percentile: number;
  /** Clients of a closed loop, when the scenario fixes them. */
  readonly fixedClients: number | undefined;
  /** Requests per query, unless the user gives another (multi-stream only). */
  readonly requestsPerQuery: number;
  /** Whether the user may choose the requests per query. */
  readonly variableRequestsPerQuery: boolean;
  /** Arrival process of an open loop. */
  readonly arrival: 'constant' | 'poisson' | undefined;
  /** Whether window latency counts toward stability (not for Offline, whose latencies grow by design). */
  readonly judgeLatency: boolean;
  /** One line for help and reports. */
  readonly description: string;
}

/** Every scenario's preset. */
export const SCENARIOS: Readonly<Record<Scenario, ScenarioPreset>> = {
  closed: {
    loop: 'closed',
    percentile: 95,
    fixedClients: undefined,
    requestsPerQuery: 1,
    variableRequestsPerQuery: false,
    arrival: undefined,
    judgeLatency: true,
    description: 'N clients, each sending its next query when the last completes (the workshop benchmark)',
  },
  open: {
    loop: 'open',
    percentile: 99,
    fixedClients: undefined,
    requestsPerQuery: 1,
    variableRequestsPerQuery: false,
    arrival: 'constant',
    judgeLatency: true,
    description: 'queries at a fixed rate, constant or Poisson, timed from when each was due',
  },
  'single-stream': {
    loop: 'closed',
    percentile: 90,
    fixedClients: 1,
    requestsPerQuery: 1,
    variableRequestsPerQuery: false,
    arrival: undefined,
    judgeLatency: true,
    description: 'one query at a time, the next when the last completes; reports p90',
  },
  'multi-stream': {
    loop: 'closed',
    percentile: 99,
    fixedClients: 1,
    requestsPerQuery: 8,
    variableRequestsPerQuery: true,
    arrival: undefined,
    judgeLatency: true,
    description: 'N requests a query, one query at a time; a query takes as long as its slowest request; reports p99',
  },
  server: {
    loop: 'open',
    percentile: 99,
    fixedClients: undefined,
    requestsPerQuery: 1,
    variableRequestsPerQuery: false,
    arrival: 'poisson',
    judgeLatency: true,
    description: 'Poisson arrivals at a target rate; passes when p99 meets a target latency',
  },
  offline: {
    loop: 'offline',
    percentile: 99,
    fixedClients: undefined,
    requestsPerQuery: 1,
    variableRequestsPerQuery: false,
    arrival: undefined,
    judgeLatency: false,
    description: 'every query issued at once; reports samples per second',
  },
};

/** The scenario `name` stands for, in kebab-case or MLPerf's spelling, any case; undefined for none. */
export function parseScenario(name: string): Scenario | undefined {
  const key = name.replace(/[-_\s]/g, '').toLowerCase();
  return (Object.keys(SCENARIOS) as Scenario[]).find((s) => s.replace(/-/g, '') === key);
}
