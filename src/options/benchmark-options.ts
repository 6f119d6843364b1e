import { z } from 'zod';
import { InferbenchError } from '../core/errors.js';
import type { Backend } from '../backends/backend.js';
import type { Compiler } from '../compilers/compiler.js';
import type { ModelSource } from '../models/model-source.js';
import { DEFAULT_MODEL } from '../models/resolve-model-source.js';
import { defaultWarmupQueries, resolveLoadSettings, type LoadOptions, type LoadSettings } from './load-settings.js';
import { parseThresholds } from '../stats/thresholds.js';
import { MAX_SEED } from '../core/validate.js';

const atLeast = (min: number) => z.number().int({ error: `must be an integer ≥ ${min}` }).min(min, { error: `must be an integer ≥ ${min}` });

/** The plain, serialisable settings of a benchmark, with their defaults (the workshop's where it has one). */
const settingsSchema = z
  .object({
    model: z.string().min(1, { error: 'must name a model' }).default(DEFAULT_MODEL),
    batchSize: atLeast(1).default(4),
    sequenceLength: atLeast(1).default(128),
    copies: atLeast(1).default(1),
    // The load generator checks its own settings (resolveLoadSettings); here only their types.
    scenario: z.enum(['closed', 'open', 'SingleStream', 'MultiStream', 'Server', 'Offline'], { error: 'must be closed, open, SingleStream, MultiStream, Server or Offline' }).optional(),
    clients: z.number().optional(),
    requestsPerQuery: z.number().optional(),
    rateQps: z.number().optional(),
    arrival: z.enum(['constant', 'poisson'], { error: "must be 'constant' or 'poisson'" }).optional(),
    targetLatencyMs: z.number().optional(),
    queryCount: z.number().optional(),
    durationMs: z.number().optional(),
    minQueryCount: z.number().optional(),
    maxQueryCount: z.number().optional(),
    minDurationMs: z.number().optional(),
    maxDurationMs: z.number().optional(),
    warmupQueries: z.number().optional(),
    windowMs: z.number().optional(),
    windowQueries: z.number().optional(),
    stabilityWindows: z.number().optional(),
    stabilityMaxRatio: z.number().optional(),
    untilStable: z.boolean().optional(),
    percentiles: z.array(z.number()).optional(),
    confidenceLevel: z.number().optional(),
    precision: z.number().optional(),
    requestTimeoutMs: z.number().optional(),
    lateSendThresholdMs: z.number().optional(),
    thresholds: z.array(z.string()).default([]),
    searchQps: z.boolean().default(false),
    searchTrials: atLeast(1).default(6),
    costPerHour: z.number().positive({ error: 'must be a positive price per hour' }).optional(),
    seed: atLeast(0).max(MAX_SEED, { error: `must be an integer from 0 to ${MAX_SEED}` }).default(1),
    inputCount: atLeast(1).default(10),
    batchMode: z.enum(['repeat', 'distinct'], { error: "must be 'repeat' or 'distinct'" }).default('repeat'),
    inputNames: z
      .object({ inputIds: z.string().min(1), attentionMask: z.string().min(1), tokenTypeIds: z.string().min(1) })
      .partial()
      .strict()
      .default({}),
    dimensions: z.record(z.string(), atLeast(1)).default({}),
    intraOpThreadsPerCopy: atLeast(1).optional(),
    cacheDir: z.string().min(1).optional(),
    device: z.enum(['cpu', 'cuda', 'tensorrt', 'neuron'], { error: "must be 'cpu', 'cuda', 'tensorrt' or 'neuron'" }).default('cpu'),
    artifactFormat: z.enum(['torchscript', 'onnx'], { error: "must be 'torchscript' or 'onnx'" }).default('torchscript'),
    deviceIds: z.array(atLeast(0)).min(1, { error: 'must name at least one GPU' }).optional(),
    tensorrtFp16: z.boolean().default(false),
    tokenizer: z.string().min(1).optional(),
    corpus: z.string().min(1).optional(),
    padding: z.enum(['max_length', 'longest'], { error: "must be 'max_length' or 'longest'" }).default('max_length'),
    imageSize: atLeast(1).optional(),
    imageLayout: z.enum(['NCHW', 'NHWC'], { error: "must be 'NCHW' or 'NHWC'" }).optional(),
    imageMean: z.array(z.number()).length(3, { error: 'must give 3 numbers, one per channel' }).optional(),
    imageStd: z.array(z.number().positive()).length(3, { error: 'must give 3 positive numbers, one per channel' }).optional(),
  })
  .strict();

/** Model input names by role, for text models whose inputs are not called input_ids, attention_mask, token_type_ids. */
export interface InputNames {
  /** Name of the token ids input. */
  readonly inputIds?: string;
  /** Name of the attention mask input. */
  readonly attentionMask?: string;
  /** Name of the segment ids input. */
  readonly tokenTypeIds?: string;
}

/** Settings as a user gives them; every field is optional and has a default. */
export interface BenchmarkSettingsInput extends Omit<LoadOptions, 'seed'> {
  /** Model name or path: `synthetic:bert` (default) or an `.onnx` file. */
  readonly model?: string;
  /** Samples per request; default 4, as the workshop. */
  readonly batchSize?: number;
  /** Tokens per text sample (max_length); default 128, as the workshop. */
  readonly sequenceLength?: number;
  /** Model copies, one worker each; default 1. */
  readonly copies?: number;
  /** Seed of the generated inputs, the sample choice and Poisson arrivals; default 1. */
  readonly seed?: number;
  /** Pass/fail thresholds such as `p95<20ms` or `throughput>500/s`, for CI. */
  readonly thresholds?: readonly string[];
  /** Server: search for the highest rate whose latency meets the target, instead of running at `rateQps`. */
  readonly searchQps?: boolean;
  /** Server search: measured trials; default 6. */
  readonly searchTrials?: number;
  /** Price of the machine per hour (any currency), for the cost of a million inferences. */
  readonly costPerHour?: number;
  /** Preloaded input samples; default 10, as the workshop. */
  readonly inputCount?: number;
  /** `repeat` one input across the batch (the workshop's way, default) or use `distinct` inputs. */
  readonly batchMode?: 'repeat' | 'distinct';
  /** Input names by role, when a text model's differ from BERT's. */
  readonly inputNames?: InputNames;
  /** Sizes of free dimensions other than the batch, for random inputs (e.g. `{ height: 224 }`). */
  readonly dimensions?: Readonly<Record<string, number>>;
  /** Intra-op threads per copy; default the cores divided by the copies. */
  readonly intraOpThreadsPerCopy?: number;
  /** Cache of generated and compiled models; default {@link defaultCacheDir}. */
  readonly cacheDir?: string;
  /** Where the model runs: `cpu` (default); NVIDIA GPUs through `cuda` (ONNX Runtime or the Python worker) or ONNX Runtime's `tensorrt`; `neuron` for PyTorch models traced for AWS Inferentia/Trainium. */
  readonly device?: 'cpu' | 'cuda' | 'tensorrt' | 'neuron';
  /** For PyTorch sources: trace to `torchscript` (default; runs in the Python worker) or export to `onnx` (runs on ONNX Runtime). */
  readonly artifactFormat?: 'torchscript' | 'onnx';
  /** GPUs to spread the copies over (copy i on the (i mod n)-th); default every GPU nvidia-smi lists. */
  readonly deviceIds?: readonly number[];
  /** With `device: 'tensorrt'`, build FP16 engines; default false. */
  readonly tensorrtFp16?: boolean;
  /** Tokenizer of a text model: a tokenizer.json, its directory, or `bert-base-uncased`; default the model's own. */
  readonly tokenizer?: string;
  /** Inputs: a text file (a sample a line) or .jsonl for text models, a folder of JPEG/PNG images for image models; default generated sentences or the bundled sample images. */
  readonly corpus?: string;
  /** Text padding: to `sequenceLength` (default) or to the longest text of the corpus. */
  readonly padding?: 'max_length' | 'longest';
  /** Side of the square an image is resized and centre-cropped to (IMAGE_SIZE); default the model's fixed size, its export's, or 256 as the workshop. */
  readonly imageSize?: number;
  /** Image tensor layout; default what the model's input shape shows, else NCHW. */
  readonly imageLayout?: 'NCHW' | 'NHWC';
  /** Per-channel mean on [0, 1] pixels; default the export's, else ImageNet's. */
  readonly imageMean?: readonly number[];
  /** Per-channel standard deviation; default the export's, else ImageNet's. */
  readonly imageStd?: readonly number[];
}

/** Settings with every default applied and every value checked; reports carry them. */
export interface BenchmarkSettings extends Omit<LoadSettings, 'warmupQueries'> {
  /** Model name or path. */
  readonly model: string;
  /** Samples per request. */
  readonly batchSize: number;
  /** Tokens per text sample. */
  readonly sequenceLength: number;
  /** Model copies. */
  readonly copies: number;
  /** Unrecorded warm-up queries. */
  readonly warmupQueries: number;
  /** Thresholds as given. */
  readonly thresholds: readonly string[];
  /** Whether a Server run searches for its highest passing rate. */
  readonly searchQps: boolean;
  /** Trials of that search. */
  readonly searchTrials: number;
  /** Price per hour, when given. */
  readonly costPerHour: number | undefined;
  /** Preloaded input samples. */
  readonly inputCount: number;
  /** How batches are filled. */
  readonly batchMode: 'repeat' | 'distinct';
  /** Input names given by the user. */
  readonly inputNames: InputNames;
  /** Free dimension sizes given by the user. */
  readonly dimensions: Readonly<Record<string, number>>;
  /** Intra-op threads per copy, when given. */
  readonly intraOpThreadsPerCopy: number | undefined;
  /** Cache directory, when given. */
  readonly cacheDir: string | undefined;
  /** Where the model runs. */
  readonly device: 'cpu' | 'cuda' | 'tensorrt' | 'neuron';
  /** What a PyTorch source is compiled to. */
  readonly artifactFormat: 'torchscript' | 'onnx';
  /** GPUs pinned by the user, when given. */
  readonly deviceIds: readonly number[] | undefined;
  /** TensorRT FP16 engines. */
  readonly tensorrtFp16: boolean;
  /** Tokenizer, when given. */
  readonly tokenizer: string | undefined;
  /** Corpus file or folder, when given. */
  readonly corpus: string | undefined;
  /** Text padding. */
  readonly padding: 'max_length' | 'longest';
  /** Image side, when given. */
  readonly imageSize: number | undefined;
  /** Image layout, when given. */
  readonly imageLayout: 'NCHW' | 'NHWC' | undefined;
  /** Image mean, when given. */
  readonly imageMean: readonly number[] | undefined;
  /** Image standard deviation, when given. */
  readonly imageStd: readonly number[] | undefined;
}

/** Everything `runBenchmark` takes: settings plus the pieces of the pipeline, each replaceable. */
export interface BenchmarkOptions extends Omit<BenchmarkSettingsInput, 'model'> {
  /** A model name or path (`synthetic:bert`, `model.onnx`) or any {@link ModelSource}. */
  model?: string | ModelSource;
  /** Compiler; default ONNX Runtime's. */
  compiler?: Compiler;
  /** Backend; default ONNX Runtime on the CPU. */
  backend?: Backend;
  /** Cancels the run; copies are closed and the run rejects with code ABORTED. */
  signal?: AbortSignal;
}

/** Phases of a benchmark, in order. */
export type BenchmarkPhase = 'model' | 'inputs' | 'compile' | 'load' | 'warmup' | 'measure';

/** Validates settings once, at the API boundary; a bad value throws one line naming it. */
export function resolveBenchmarkSettings(input: BenchmarkSettingsInput): BenchmarkSettings {
  const parsed = settingsSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.');
    const detail =
      issue.code === 'unrecognized_keys'
        ? `unknown setting ${issue.keys.map((k) => `'${[...issue.path, k].join('.')}'`).join(', ')}`
        : `${where} ${issue.message}, got ${JSON.stringify(issue.input)}`;
    throw new InferbenchError('INVALID_OPTION', detail);
  }
  const s = parsed.data;
  // The load generator owns the rules for its own settings (scenarios, bounds, their defaults).
  const { thresholds, searchQps, searchTrials, ...rest } = s;
  if (searchQps && s.rateQps !== undefined) throw new InferbenchError('INVALID_OPTION', 'give rateQps (--rate) or searchQps (--search), not both: the search chooses the rate');
  // The search sets each trial's rate; a placeholder lets the Server preset resolve without one.
  const load = resolveLoadSettings(searchQps ? { ...rest, rateQps: 1 } : rest);
  if (searchQps && load.scenario !== 'Server') throw new InferbenchError('INVALID_OPTION', `searchQps applies to the Server scenario, not ${load.scenario}; add --scenario server`);
  // Parsed now so that a bad threshold fails before anything is measured.
  parseThresholds(thresholds);
  // queryCount and durationMs live on as the bounds they set.
  const { queryCount: _count, durationMs: _duration, ...given } = s;
  return {
    ...given,
    ...load,
    rateQps: searchQps ? undefined : load.rateQps,
    intraOpThreadsPerCopy: s.intraOpThreadsPerCopy,
    cacheDir: s.cacheDir,
    deviceIds: s.deviceIds,
    tokenizer: s.tokenizer,
    corpus: s.corpus,
    imageSize: s.imageSize,
    imageLayout: s.imageLayout,
    imageMean: s.imageMean,
    imageStd: s.imageStd,
    costPerHour: s.costPerHour,
    warmupQueries: load.warmupQueries ?? defaultWarmupQueries(s.copies, load.requestsPerQuery),
  };
}
