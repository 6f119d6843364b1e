import { createHash, randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { findPython } from './find-python.js';
import type { NeuronRuntime } from './python-backend.js';
import type { PythonDevice } from './python-protocol.js';
import { toOrtFeeds } from '../onnxruntime/ort-tensors.js';
import { compareOutputs } from '../../tensors/compare-outputs.js';
import type { NamedTensors, TensorData } from '../../tensors/tensor.js';
import { readRawTensors, writeRawTensors, type RawTensorEntry } from './raw-tensors.js';
import { InferbenchError, firstLine } from '../../core/errors.js';
import { runChild } from '../../core/child-process.js';
import { DEFAULT_TORCH_IMAGE_SIZE } from '../../models/torch-model-source.js';
import { requireInteger } from '../../core/validate.js';
import { matchInputsToModel } from '../../inputs/match-inputs.js';
import type { CompileRequest, CompiledArtifact, Compiler } from '../../compilers/compiler.js';
import { readCompileRecord, writeCompileRecord, type CompileRecordBase } from '../../compilers/compile-cache.js';
import { requireCompileBatchSize } from '../../compilers/batch-size.js';
import { cacheWriteError, makeCacheFolder } from '../../models/cache-dir.js';

/** The compile script, run with the interpreter that {@link findPython} picks. */
export const TORCH_COMPILE_SCRIPT_PATH = fileURLToPath(new URL('../../../python/inferbench_compile.py', import.meta.url));

/** Options of {@link TorchCompiler}; all optional. */
export interface TorchCompilerOptions {
  /** Device to trace for: cpu, cuda (torch.jit.trace on the GPU) or neuron; default 'cpu'. */
  readonly device?: PythonDevice;
  /** 'torchscript' (default) for PythonBackend, or 'onnx' (torch.onnx.export, fixed shapes) for OrtBackend. */
  readonly format?: 'torchscript' | 'onnx';
  /** Side of a torchvision model's square input, in pixels; default 224. */
  readonly imageSize?: number;
  /** Neuron package that traces for device neuron; default 'torch-neuronx' (Inf2, Trn1). */
  readonly neuronRuntime?: NeuronRuntime;
  /** Interpreter to use instead of INFERBENCH_PYTHON, `python3` or `/usr/bin/python3`. */
  readonly pythonPath?: string;
  /** A compile that takes longer fails; default 30 minutes, as a Neuron trace of a large model can take many. */
  readonly timeoutMs?: number;
}

/** What python/inferbench_compile.py prints on stdout. */
interface ScriptResult {
  /** torch.__version__ of the interpreter. */
  readonly torchVersion: string;
  /** Seconds the trace or export took, without building the model. */
  readonly compileSeconds: number;
  /** Compared in Python for TorchScript; null for ONNX, which is compared here. */
  readonly maxAbsDifference: number | null;
  /** First values of the original model's first output, as the workshop prints them. */
  readonly firstOutputValues: readonly number[];
  /** The example inputs, in forward()'s parameter order. */
  readonly inputs: readonly RawTensorEntry[];
  /** The original model's outputs on them. */
  readonly outputs: readonly RawTensorEntry[];
}

/** What the cache keeps beside each artifact, so that a cache hit reports the original compile. */
interface TorchCompileRecord extends CompileRecordBase {
  /** Wall time of the trace or export. */
  readonly compileNs: number;
  /** Each symbolic dimension's value: { batch_size }, and a text model's sequence_length. */
  readonly dimensions: Record<string, number>;
  /** Largest absolute difference between the original and the compiled outputs. */
  readonly maxAbsDifference: number;
  /** First values of the original output. */
  readonly firstOutputValues: readonly number[];
  /** Entries of the example inputs in {@link INPUTS_FILE}. */
  readonly inputs: readonly RawTensorEntry[];
}

/** A TorchScript or ONNX artifact made from a PyTorch model, with the input it was traced on. */
export interface TorchCompiledArtifact extends CompiledArtifact {
  /** The example input of the trace, by name, in forward()'s parameter order: a feed of the right names and shapes. */
  readonly exampleInputs: NamedTensors;
  /** First values of the original model's output on the example input. */
  readonly firstOutputValues: readonly number[];
}

const INPUTS_FILE = 'inputs.bin';
const DEFAULT_TIMEOUT_MS = 30 * 60_000;
/** The script's exit code for a bad spec or source, as opposed to a failed compile. */
const BAD_SPEC_EXIT_CODE = 2;

/** Python packages the compile of a source needs beside torch: transformers for an `hf:` model. */
export const compileModules = (source: string): string[] => (source.startsWith('hf:') ? ['transformers'] : []);

/** Each input's name and shape: an artifact traces one shape, so each is another artifact (a text model's sequence length). */
const inputShapes = (input: NamedTensors): [string, readonly number[]][] => Object.entries(input).map(([name, tensor]) => [name, tensor.dims]);

/**
 * Compiles a PyTorch model (a `TorchModelSource`) for one batch size in Python, as the workshop
 * does: torch.jit.trace for cpu and cuda, torch_neuronx.trace or torch.neuron.trace for neuron, or
 * torch.onnx.export with fixed shapes, for the request's batch size. Artifacts
 * are cached under a hash of the source (its digest included: a module's code), shapes, device, format and torch version.
 */
export class TorchCompiler implements Compiler {
  readonly name = 'torch';
  readonly #device: PythonDevice;
  readonly #format: 'torchscript' | 'onnx';
  readonly #imageSize: number;
  readonly #options: TorchCompilerOptions;

  constructor(options: TorchCompilerOptions = {}) {
    this.#device = options.device ?? 'cpu';
    this.#format = options.format ?? 'torchscript';
    this.#imageSize = requireInteger('imageSize', options.imageSize ?? DEFAULT_TORCH_IMAGE_SIZE, 1);
    if (options.timeoutMs !== undefined) requireInteger('timeoutMs', options.timeoutMs, 1);
    if (this.#format === 'onnx' && this.#device === 'neuron') {
      throw new InferbenchError('INVALID_OPTION', 'format onnx runs on cpu or cuda; for device neuron use format torchscript');
    }
    this.#options = options;
  }

  async compile(request: CompileRequest): Promise<TorchCompiledArtifact> {
    const { model, input, cacheDir, signal } = request;
    if (model.format !== 'torch') {
      throw new InferbenchError('INVALID_OPTION', `${this.name} compiles PyTorch sources such as torchvision:resnet50, not the ${model.format} file ${model.path}`);
    }
    const batchSize = requireCompileBatchSize(request);
    const python = await findPython({ requireTorch: true, requireModules: compileModules(model.path), pythonPath: this.#options.pythonPath, signal });
    const neuronRuntime = this.#device === 'neuron' ? (this.#options.neuronRuntime ?? 'torch-neuronx') : undefined;
    const cacheKey = createHash('sha256')
      .update(JSON.stringify({ compiler: this.name, source: model.path, sourceSha256: model.sha256, batchSize, imageSize: this.#imageSize, inputShapes: inputShapes(input), device: this.#device, format: this.#format, neuronRuntime, torchVersion: python.torchVersion, moduleVersions: python.moduleVersions }))
      .digest('hex');
    const dir = join(cacheDir, 'compiled', cacheKey);
    const path = join(dir, this.#format === 'onnx' ? 'model.onnx' : 'model.pt');
    const artifact = {
      path,
      model,
      compiler: this.name,
      cacheKey,
      format: this.#format,
      // An ONNX export runs on any device; a trace only on the one it was made for.
      ...(this.#format === 'torchscript' ? { device: this.#device } : {}),
      batchSize,
    };
    const finish = async (record: TorchCompileRecord, cacheHit: boolean): Promise<TorchCompiledArtifact> => {
      const exampleInputs = readRawTensors(await readFile(join(dir, INPUTS_FILE)), record.inputs);
      const { compileNs, dimensions, maxAbsDifference, firstOutputValues } = record;
      return { ...artifact, compileNs, dimensions, maxAbsDifference, firstOutputValues, exampleInputs, cacheHit };
    };

    const cached = await readCompileRecord<TorchCompileRecord>(
      dir,
      [path, join(dir, INPUTS_FILE)],
      batchSize,
      (r) => typeof r.compileNs === 'number' && typeof r.maxAbsDifference === 'number' && Array.isArray(r.inputs),
    );
    if (cached) return finish(cached, true);

    signal?.throwIfAborted();
    await makeCacheFolder(cacheDir, dir);
    // The script writes under unique names, renamed here when whole; the record goes last, so an
    // entry with a record is complete.
    const tmp = join(dir, `${randomUUID()}.tmp`);
    const files = { output: `${tmp}.model`, inputsOutput: `${tmp}.inputs.bin`, outputsOutput: `${tmp}.outputs.bin`, exampleInput: `${tmp}.example.bin` };
    try {
      // A text model is traced on the request's input, the real tokenized batch at the run's sequence length (a
      // torchvision model on random pixels of the compiler's image size, which the feed is then checked against).
      const example = model.task === 'text' ? writeRawTensors(input) : undefined;
      if (example !== undefined) await writeFile(files.exampleInput, example.bytes);
      const exampleInputs = example === undefined ? undefined : { path: files.exampleInput, entries: example.entries };
      const result = await this.#run(python.path, { source: model.path, batchSize, imageSize: this.#imageSize, device: this.#device, format: this.#format, neuronRuntime, ...files, exampleInputs }, signal);
      // A source that declares no inputs (module:function) makes them itself; nothing to check them against.
      for (const entry of Object.keys(input).length === 0 ? [] : result.inputs) {
        const given = input[entry.name]?.dims;
        if (given === undefined || given.join() !== entry.dims.join()) {
          throw new InferbenchError(
            'INPUT_MISMATCH',
            `${model.path} takes input '${entry.name}' of shape [${entry.dims.join(', ')}], but the input feed has ${given ? `[${given.join(', ')}]` : 'no such input'}; give the compiler and the model source the same imageSize`,
          );
        }
      }
      const maxAbsDifference = result.maxAbsDifference ?? (await this.#compareOnnx(files, result, signal));
      const record: TorchCompileRecord = {
        batchSize,
        compileNs: Math.round(result.compileSeconds * 1e9),
        dimensions: Object.keys(input).length === 0 ? { batch_size: batchSize } : matchInputsToModel(model.inputs, input),
        maxAbsDifference,
        firstOutputValues: result.firstOutputValues,
        inputs: result.inputs,
      };
      await rename(files.inputsOutput, join(dir, INPUTS_FILE));
      await rename(files.output, path);
      await writeCompileRecord(dir, record);
      return finish(record, false);
    } catch (error) {
      // Before the half-written files are removed: what they took is what says the disk is full.
      throw await cacheWriteError(error, cacheDir, dir);
    } finally {
      // The script writes each file as `<name>.tmp` first, renamed when whole: both names go, whatever happened.
      await Promise.all(Object.values(files).flatMap((file) => [file, `${file}.tmp`]).map((file) => rm(file, { force: true })));
    }
  }

  /** Runs the compile script; its last stderr line becomes the error message. */
  async #run(pythonPath: string, spec: Record<string, unknown>, signal: AbortSignal | undefined): Promise<ScriptResult> {
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const result = await runChild(pythonPath, [TORCH_COMPILE_SCRIPT_PATH], { what: `compiling ${String(spec.source)}`, input: JSON.stringify(spec), timeoutMs, signal });
    if (result.timedOut) throw new InferbenchError('COMPILE_FAILED', `compiling ${String(spec.source)} took over ${timeoutMs} ms; raise the timeout`);
    if (result.exitCode !== 0) {
      const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
      const last = (lines.at(-1) ?? `exit code ${result.exitCode}`).replace(/^inferbench compile: /, '');
      throw new InferbenchError(result.exitCode === BAD_SPEC_EXIT_CODE ? 'INVALID_OPTION' : 'COMPILE_FAILED', `cannot compile ${String(spec.source)}: ${last}`);
    }
    try {
      return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as ScriptResult;
    } catch (error) {
      throw new InferbenchError('COMPILE_FAILED', `the compile script printed no result for ${String(spec.source)}: ${firstLine(error)}`, { cause: error });
    }
  }

  /** Runs the exported ONNX file on the example inputs and compares it with the original outputs. */
  async #compareOnnx(files: { readonly output: string; readonly inputsOutput: string; readonly outputsOutput: string }, result: ScriptResult, signal: AbortSignal | undefined): Promise<number> {
    const inputs = readRawTensors(await readFile(files.inputsOutput), result.inputs);
    const expected = readRawTensors(await readFile(files.outputsOutput), result.outputs);
    const session = await ort.InferenceSession.create(files.output).catch((error: unknown) => {
      throw new InferbenchError('COMPILE_FAILED', `onnxruntime cannot load the ONNX export: ${firstLine(error)}`, { cause: error });
    });
    try {
      signal?.throwIfAborted();
      const actual = await session.run(toOrtFeeds(inputs));
      const comparisons = compareOutputs(expected as Record<string, TensorData>, actual as unknown as Record<string, TensorData>);
      return Math.max(0, ...comparisons.map((c) => c.maxAbsError));
    } finally {
      await session.release();
    }
  }
}
