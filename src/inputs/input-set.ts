import type { NamedTensors } from '../tensors/tensor.js';

/**
 * The preloaded inputs of a benchmark, owned by the model copies, never by the load generator:
 * each copy receives the whole set once before timing, and a request names an input by its index.
 */
export interface InputSet {
  /** Batches ready to feed, each already shaped `[batchSize, ...]`. */
  readonly feeds: readonly NamedTensors[];
  /** Rows in each sample's batch dimension; samples/s = requests/s × batchSize. */
  readonly batchSize: number;
  /** Where the inputs came from, for reports (e.g. "synthetic sentences, seed 1"). */
  readonly description: string;
}
