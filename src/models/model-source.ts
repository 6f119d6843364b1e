import type { TensorSpec } from '../tensors/tensor.js';

export type { TensorSpec };

/** The name that selects the built-in bert-base-uncased tokenizer wherever a tokenizer is named. */
export const BUILTIN_BERT_UNCASED = 'bert-base-uncased';

/** What a model takes: token ids from a tokenizer, images, or plain tensors that inferbench generates. */
export type ModelTask = 'text' | 'image' | 'tensor';

/** Image preprocessing a model was trained with, as an export's `preprocessor_config.json` gives it. */
export interface ImagePreprocessing {
  /** Side of the square input, in pixels. */
  readonly imageSize?: number;
  /** Per-channel mean subtracted from pixels scaled to [0, 1]. */
  readonly mean?: readonly number[];
  /** Per-channel standard deviation that pixels are divided by after the mean. */
  readonly std?: readonly number[];
}

/** What one batch of a model's inputs holds, for an estimate of the memory computing it takes. */
export interface BatchShape {
  /** Samples in the batch. */
  readonly batchSize: number;
  /** Tokens of a text sample. */
  readonly sequenceLength: number;
  /** Side of a square image sample, in pixels. */
  readonly imageSide: number;
}

/** A model resolved to a file on this machine, with what a pipeline needs to know about it. */
export interface ResolvedModel {
  /** Name shown in reports, e.g. "synthetic-bert (3 layers, hidden 256, 4 heads, random weights)" or a file name. */
  readonly name: string;
  /** Absolute path of the model file; for a 'torch' model, its source spec (e.g. "torchvision:resnet18"). */
  readonly path: string;
  /** 'onnx': an ONNX file; 'torch': a PyTorch model that only a PyTorch compiler can build. */
  readonly format: 'onnx' | 'torch';
  /** SHA-256 of the file, hex, so a report names exactly what was measured. */
  readonly sha256: string;
  /** File size in bytes. */
  readonly sizeBytes: number;
  /** Graph inputs the caller must feed (initializers excluded). */
  readonly inputs: readonly TensorSpec[];
  /** Graph outputs. */
  readonly outputs: readonly TensorSpec[];
  /** True when the weights are random (a generated architecture), so no one mistakes its outputs for a real model's. */
  readonly synthetic: boolean;
  /** What the model takes, from its export's config or else from its input names and shapes. */
  readonly task: ModelTask;
  /** For a text model, its tokenizer: a `tokenizer.json`, a directory holding one, or `bert-base-uncased` (built in). */
  readonly tokenizer?: string;
  /** For an image model, the preprocessing its export declares. */
  readonly imagePreprocessing?: ImagePreprocessing;
  /** For a text model, the most tokens it takes (its position table), where the model says. */
  readonly maxSequenceLength?: number;
  /**
   * For the models inferbench builds, whose graph it knows: an estimate of the memory ONNX Runtime takes on the CPU to
   * compute one batch, as a copy holds it after a few runs. Undefined for any other model.
   */
  readonly computeBytes?: (batch: BatchShape) => number;
}

/** Options every model source receives. */
export interface ModelResolveOptions {
  /** Directory where sources may cache generated or downloaded files. */
  readonly cacheDir: string;
  /** Cancels a long resolve (a download, a build). */
  readonly signal?: AbortSignal;
}

/** Anything that can produce a model file: a local file, a generator, later a model hub. */
export interface ModelSource {
  /** What the user asked for, e.g. a path or "synthetic:bert". */
  readonly id: string;
  /** Makes the model available locally and reads its metadata. */
  resolve(options: ModelResolveOptions): Promise<ResolvedModel>;
}
