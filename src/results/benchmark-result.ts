import type { ModelTask, TensorSpec } from '../models/model-source.js';
import type { ServerSearch } from '../load/server-qps-search.js';
import type { ThresholdOutcome } from '../stats/thresholds.js';
import type { Verdict } from './verdict.js';
import type { Efficiency } from './efficiency.js';
import type { Measurement } from './measurement.js';
import type { RunEnvironment } from './run-environment.js';
import type { BenchmarkSettings } from '../options/benchmark-options.js';

/**
 * Version of the result layout below; readers refuse versions they do not know. 3: scenarios in
 * kebab-case (`server`), `requestsPerQuery` and `inputCount`; version 2 is still read, migrated.
 */
export const RESULT_SCHEMA_VERSION = 3;

/** Everything one benchmark run measured, in a form that is written to JSON unchanged. Times in nanoseconds. */
export interface BenchmarkResult {
  /** {@link RESULT_SCHEMA_VERSION} at the time of writing. */
  readonly schemaVersion: typeof RESULT_SCHEMA_VERSION;
  /** When the run started, ISO 8601. */
  readonly startedAt: string;
  /** Settings in force, every default applied. */
  readonly settings: BenchmarkSettings;
  /** The model measured. */
  readonly model: {
    /** Display name; says "synthetic" for generated models. */
    readonly name: string;
    /** Path of the model file. */
    readonly path: string;
    /** SHA-256 of the model file. */
    readonly sha256: string;
    /** True for random weights. */
    readonly synthetic: boolean;
    /** What the model takes. */
    readonly task: ModelTask;
    /** Declared inputs. */
    readonly inputs: readonly TensorSpec[];
    /** Declared outputs. */
    readonly outputs: readonly TensorSpec[];
  };
  /** The inputs fed. */
  readonly inputs: {
    /** Where they came from. */
    readonly description: string;
    /** Samples per request. */
    readonly batchSize: number;
    /** Preloaded samples. */
    readonly inputCount: number;
  };
  /** The compile step. */
  readonly compile: {
    /** Compiler name. */
    readonly compiler: string;
    /** Path of the artifact loaded. */
    readonly artifactPath: string;
    /** True when the artifact came from the cache. */
    readonly cacheHit: boolean;
    /** Duration of the (original) compile. */
    readonly compileNs: number;
    /** Value of each symbolic dimension. */
    readonly dimensions: Readonly<Record<string, number>>;
    /** Largest absolute output difference, original vs compiled. */
    readonly maxAbsDifference: number;
  };
  /** The backend and its copies. */
  readonly backend: {
    /** Backend name. */
    readonly name: string;
    /** Model copies loaded. */
    readonly copies: number;
    /** Time to load every copy. */
    readonly loadNs: number;
    /** Settings the backend chose (threads per copy, provider). */
    readonly effectiveSettings: Readonly<Record<string, string | number | boolean>>;
  };
  /** What was measured. */
  readonly measurement: Measurement;
  /** Throughput per copy and per device; cost of a million samples when priced. */
  readonly efficiency: Efficiency;
  /** VALID when the numbers can be trusted, with the reasons when not. */
  readonly verdict: Verdict;
  /** Each threshold and whether it held; empty when none was given. */
  readonly thresholds: readonly ThresholdOutcome[];
  /** Server with `searchQps`: every trial of the search; this result is the best passing trial's. */
  readonly serverSearch: ServerSearch | null;
  /** The machine and software: OS, CPU, GPUs or Neuron devices, Node, ONNX Runtime, Python and torch, inferbench. */
  readonly environment: RunEnvironment;
}
