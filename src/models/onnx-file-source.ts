import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { InferbenchError, firstLine } from '../core/errors.js';
import { nonRegularKind } from '../core/fs-utils.js';
import { inferTask } from './infer-task.js';
import type { ImagePreprocessing, ModelResolveOptions, ModelSource, ModelTask, ResolvedModel, TensorSpec } from './model-source.js';

function toSpecs(names: readonly string[], metadata: readonly ort.InferenceSession.ValueMetadata[]): TensorSpec[] {
  return names.map((name, i) => {
    const meta = metadata[i];
    return meta?.isTensor
      ? { name, elementType: meta.type, dims: [...meta.shape] }
      : { name, elementType: 'non-tensor', dims: [] };
  });
}

/** What reading a model file finds: the same for the same file, whatever the source's options. */
type FileFacts = Pick<ResolvedModel, 'sha256' | 'sizeBytes' | 'inputs' | 'outputs'>;

/**
 * Facts of files read in this process, by path, inode, size and modification time: a sweep or a Server search
 * resolves one model many times, and reading it means hashing it and opening an ONNX Runtime session. A file
 * rewritten in place gets a new modification time; one replaced by rename, a new inode.
 */
const readFiles = new Map<string, FileFacts>();

async function readFacts(path: string): Promise<FileFacts> {
  const cannotRead = (error: NodeJS.ErrnoException): never => {
    const reason = error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'it is a directory' : error.message;
    throw new InferbenchError('MODEL_NOT_FOUND', `model file ${path} cannot be read (${reason}); pass the path of an .onnx file, or omit --model for the built-in synthetic BERT`);
  };
  const before = await stat(path).catch(cannotRead);
  // Reading a FIFO or a device would wait for a writer, or read for ever.
  const kind = nonRegularKind(before);
  if (kind !== undefined) throw new InferbenchError('MODEL_INVALID', `model file ${path} is ${kind}; pass the path of an .onnx file`);
  const key = `${path}\0${before.ino}\0${before.size}\0${before.mtimeMs}`;
  const known = readFiles.get(key);
  if (known !== undefined) return known;
  const bytes = await readFile(path).catch(cannotRead);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  } catch (error) {
    throw new InferbenchError('MODEL_INVALID', `${path} is not an ONNX model that onnxruntime can load (${firstLine(error)}); pass an .onnx file`, { cause: error });
  }
  try {
    // Frozen, as every later resolve of the file hands out the same specs.
    const frozen = (specs: TensorSpec[]): TensorSpec[] => Object.freeze(specs.map((spec) => Object.freeze({ ...spec, dims: Object.freeze([...spec.dims]) }))) as TensorSpec[];
    const facts: FileFacts = {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.byteLength,
      inputs: frozen(toSpecs(session.inputNames, session.inputMetadata)),
      outputs: frozen(toSpecs(session.outputNames, session.outputMetadata)),
    };
    readFiles.set(key, facts);
    return facts;
  } finally {
    await session.release();
  }
}

/** Options of {@link OnnxFileSource}. */
export interface OnnxFileSourceOptions {
  /** Name shown in reports; default: the file name. */
  readonly name?: string;
  /** Marks a generated model with random weights. Default false. */
  readonly synthetic?: boolean;
  /** What the model takes; default: inferred from its inputs. */
  readonly task?: ModelTask;
  /** Tokenizer of a text model (see {@link ResolvedModel.tokenizer}). */
  readonly tokenizer?: string;
  /** Preprocessing of an image model. */
  readonly imagePreprocessing?: ImagePreprocessing;
  /** The most tokens a text model takes (see {@link ResolvedModel.maxSequenceLength}). */
  readonly maxSequenceLength?: number;
}

/** A local `.onnx` file; its inputs and outputs are read by ONNX Runtime itself. */
export class OnnxFileSource implements ModelSource {
  readonly id: string;
  readonly #options: OnnxFileSourceOptions;

  constructor(path: string, options: OnnxFileSourceOptions = {}) {
    this.id = path;
    this.#options = options;
  }

  async resolve(_options?: ModelResolveOptions): Promise<ResolvedModel> {
    const path = resolve(this.id);
    const { sha256, sizeBytes, inputs, outputs } = await readFacts(path);
    const { tokenizer, imagePreprocessing, maxSequenceLength } = this.#options;
    return {
      name: this.#options.name ?? basename(path),
      path,
      format: 'onnx',
      sha256,
      sizeBytes,
      inputs,
      outputs,
      synthetic: this.#options.synthetic ?? false,
      task: this.#options.task ?? inferTask(inputs),
      ...(tokenizer === undefined ? {} : { tokenizer }),
      ...(imagePreprocessing === undefined ? {} : { imagePreprocessing }),
      ...(maxSequenceLength === undefined ? {} : { maxSequenceLength }),
    };
  }
}
