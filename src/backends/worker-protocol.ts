import type { NamedTensors } from '../tensors/tensor.js';

/** Sent once to a copy's worker before timing: what to load and the whole input set. */
export interface LoadTask {
  /** Discriminant. */
  readonly kind: 'load';
  /** Path of the compiled model. */
  readonly modelPath: string;
  /** Execution providers of this copy's session, its GPU placement included; plain data. */
  readonly executionProviders: readonly (string | { readonly name: string; readonly deviceId: number })[];
  /** Intra-op threads of this copy's session. */
  readonly intraOpThreads: number;
  /** Every input of the input set, kept in the worker for the whole run. */
  readonly feeds: readonly NamedTensors[];
  /** Shared with the copy: set to 1 when it closes, after which the worker starts no more runs. */
  readonly stop: Int32Array;
}

/** Sent per request: only the index of a preloaded input, never a tensor. */
export interface RunTask {
  /** Discriminant. */
  readonly kind: 'run';
  /** Index into the inputs sent with the load task. */
  readonly inputIndex: number;
}

/** Everything a copy's worker thread accepts. */
export type WorkerTask = LoadTask | RunTask;
