import { type RequestRecord } from '../../src/load/load-generator.js';

/** A request's latency as the load generator measures it: from when it was due until its completion was seen. */
export const latencyNs = (record: RequestRecord): number => record.endNs - record.scheduledNs;
