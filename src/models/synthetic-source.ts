import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/fs-utils.js';
import { finishStepsCancellably, type Steps } from '../core/steps.js';
import { cacheWriteError, makeCacheFolder } from './cache-dir.js';
import type { BatchShape, ModelResolveOptions, ModelSource, ModelTask, ResolvedModel } from './model-source.js';
import { OnnxFileSource } from './onnx-file-source.js';

/** Bump when a generated graph changes, so that caches built by older versions are not reused. */
const GENERATOR_VERSION = 2;

/** What a generated architecture needs to become a model file. */
export interface SyntheticModelDefinition<Config extends object> {
  /** Model spec that selects it, e.g. "synthetic:bert". */
  readonly id: string;
  /** File name stem in the cache, e.g. "synthetic-bert". */
  readonly fileStem: string;
  /** The resolved architecture; with the stem and generator version, it keys the cached file. */
  readonly config: Readonly<Config>;
  /** Generates the ONNX bytes for `config`, in steps, so that a Ctrl-C stops generating a large model. */
  readonly steps: (config: Readonly<Config>) => Steps<Uint8Array>;
  /** Display name, which says the weights are random. */
  readonly name: string;
  /** What the model takes. */
  readonly task: ModelTask;
  /** Tokenizer of a text model. */
  readonly tokenizer?: string;
  /** The most tokens a text model takes. */
  readonly maxSequenceLength?: number;
  /** What computing a batch takes (see {@link ResolvedModel.computeBytes}). */
  readonly computeBytes?: (batch: BatchShape) => number;
}

/** `given` without its undefined members, so that they do not override defaults. */
export function definedOnly<T extends object>(given: T): Partial<T> {
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * A real architecture with random weights from a fixed seed, generated once into the cache and
 * read back like any ONNX file.
 */
export class SyntheticModelSource<Config extends object> implements ModelSource {
  readonly id: string;
  /** The architecture generated, every default applied. */
  readonly config: Readonly<Config>;
  readonly #definition: SyntheticModelDefinition<Config>;

  constructor(definition: SyntheticModelDefinition<Config>) {
    this.id = definition.id;
    this.config = definition.config;
    this.#definition = definition;
  }

  async resolve(options: ModelResolveOptions): Promise<ResolvedModel> {
    const { fileStem, config, steps, name, task, tokenizer, maxSequenceLength, computeBytes } = this.#definition;
    const key = createHash('sha256').update(JSON.stringify({ GENERATOR_VERSION, fileStem, config })).digest('hex').slice(0, 16);
    const dir = join(options.cacheDir, 'models');
    const path = join(dir, `${fileStem}-${key}.onnx`);
    const cached = await access(path).then(
      () => true,
      () => false,
    );
    if (!cached) {
      await makeCacheFolder(options.cacheDir, dir);
      const bytes = await finishStepsCancellably(steps(config), options.signal);
      // Written whole or not at all: concurrent runs never read half a file.
      await writeFileAtomic(path, bytes).catch(async (error: unknown) => {
        throw await cacheWriteError(error, options.cacheDir, dir);
      });
      // Reading it back hashes it and opens it in ONNX Runtime: seconds for bert-base that a Ctrl-C need not wait for.
      options.signal?.throwIfAborted();
    }
    const model = await new OnnxFileSource(path, {
      name,
      synthetic: true,
      task,
      ...(tokenizer === undefined ? {} : { tokenizer }),
      ...(maxSequenceLength === undefined ? {} : { maxSequenceLength }),
    }).resolve();
    return computeBytes === undefined ? model : { ...model, computeBytes };
  }
}
