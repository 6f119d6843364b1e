/** Completed work per second over a measured interval. */
export interface Throughput {
  /** Requests (batches) completed per second. */
  readonly requestsPerSecond: number;
  /** Samples per second: requests/s × batch size, as the workshop reports sentences or images per second. */
  readonly samplesPerSecond: number;
}

/** Throughput of `requests` batches of `batchSize` samples over `elapsedNs`. */
export function computeThroughput(requests: number, batchSize: number, elapsedNs: number): Throughput {
  const requestsPerSecond = elapsedNs > 0 ? (requests * 1e9) / elapsedNs : 0;
  return { requestsPerSecond, samplesPerSecond: requestsPerSecond * batchSize };
}
