import { type RequestRecord } from '../../src/load/load-generator.js';

/** A request's latency as the load generator measures it: from when it was due until its completion was seen. */
export const latencyNs = (record: RequestRecord): number => record.endNs - record.scheduledNs;

/**
 * When a run's measurement started, from its records: `elapsedNs` before its last request settled. For runs in which
 * none failed, as a failure settles without a record.
 */
export const measurementStartNs = (records: readonly RequestRecord[], elapsedNs: number): number =>
  records.reduce((ns, r) => Math.max(ns, r.endNs), 0) - elapsedNs;
