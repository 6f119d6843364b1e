import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { InferbenchError, firstLine } from '../../core/errors.js';
import { compareOutputs, resolveTolerance, type OutputComparison, type Tolerance, type ToleranceOptions } from '../../tensors/compare-outputs.js';
import { isTensorElementType, readTensorFile, type DecodedTensor } from '../../onnx/tensor-proto.js';
import type { TensorData } from '../../tensors/tensor.js';

/** Options of {@link checkTestDirectory}. */
export interface CheckTestDirectoryOptions extends ToleranceOptions {
  /** Cancels the check between data sets; it then rejects with code ABORTED. */
  readonly signal?: AbortSignal;
}

/**
 * Outcome of a test directory: every output within the tolerance, some output outside it, or a model
 * ONNX Runtime's CPU provider cannot load or run (or whose values inferbench cannot feed or compare).
 */
export type CheckStatus = 'pass' | 'fail' | 'unsupported';

/** The comparisons of one `test_data_set_N` folder. */
export interface DataSetReport {
  /** Folder name, e.g. "test_data_set_0". */
  readonly name: string;
  /** One comparison per `output_K.pb`, in K order. */
  readonly outputs: readonly OutputComparison[];
  /** True when every output passed. */
  readonly passed: boolean;
}

/** What {@link checkTestDirectory} found. */
export interface TestDirectoryReport {
  /** Absolute path of the test directory. */
  readonly dir: string;
  /** Absolute path of its model. */
  readonly modelPath: string;
  /** Overall outcome. */
  readonly status: CheckStatus;
  /** One line: why the model is unsupported, or the first failing output; absent when it passed. */
  readonly reason?: string;
  /** The tolerance applied. */
  readonly tolerance: Tolerance;
  /** Data sets in N order; for an unsupported model, those that ran before it failed. */
  readonly dataSets: readonly DataSetReport[];
}

const DATA_SET = /^test_data_set_(\d+)$/;

/** Files of `dir` named `<prefix>_K.pb`, in K order. */
async function numberedFiles(dir: string, prefix: 'input' | 'output'): Promise<string[]> {
  const pattern = new RegExp(`^${prefix}_(\\d+)\\.pb$`);
  const numbered = (await readdir(dir)).flatMap((file) => {
    const match = pattern.exec(file);
    return match ? [{ file, k: Number(match[1]) }] : [];
  });
  return numbered.sort((a, b) => a.k - b.k).map(({ file }) => join(dir, file));
}

/**
 * The tensors of `files` by the model's value names: a file's own name when the model has it,
 * else the K-th name, since test data often leaves the name empty.
 */
function byModelName(tensors: readonly DecodedTensor[], files: readonly string[], names: readonly string[], role: string): Record<string, DecodedTensor> {
  return Object.fromEntries(
    tensors.map((tensor, k) => {
      const name = names.includes(tensor.name) ? tensor.name : names[k];
      if (name === undefined) {
        throw new InferbenchError('INPUT_MISMATCH', `${files[k]} is ${role} ${k}, but the model has ${names.length} ${role}s (${names.join(', ')}); remove the file or fix its name`);
      }
      return [name, tensor];
    }),
  );
}

/** Why inferbench cannot feed or compare the model's values, if it cannot. */
function unsupportedValue(session: ort.InferenceSession): string | undefined {
  const values = [
    ...session.inputMetadata.map((meta) => ({ meta, role: 'input', verb: 'feed' })),
    ...session.outputMetadata.map((meta) => ({ meta, role: 'output', verb: 'compare' })),
  ];
  for (const { meta, role, verb } of values) {
    if (!meta.isTensor) return `${role} '${meta.name}' is a sequence, map or optional value, which inferbench cannot ${verb}`;
    if (!isTensorElementType(meta.type)) return `${role} '${meta.name}' has element type ${meta.type}, which inferbench cannot ${verb}`;
  }
  return undefined;
}

/** Runs one data set and compares its outputs; a string is why ONNX Runtime could not run it. */
async function checkDataSet(session: ort.InferenceSession, dir: string, tolerance: Tolerance): Promise<OutputComparison[] | string> {
  const [inputFiles, outputFiles] = await Promise.all([numberedFiles(dir, 'input'), numberedFiles(dir, 'output')]);
  const inputs = await Promise.all(inputFiles.map((file) => readTensorFile(file)));
  const expected = await Promise.all(outputFiles.map((file) => readTensorFile(file)));
  const feeds = byModelName(inputs, inputFiles, session.inputNames, 'input');
  for (const [k, name] of session.inputNames.entries()) {
    const meta = session.inputMetadata[k]!;
    const feed = feeds[name];
    if (!feed) throw new InferbenchError('INPUT_MISMATCH', `${dir} has no input_${k}.pb for model input '${name}'; add it`);
    if (meta.isTensor && feed.type !== meta.type) {
      throw new InferbenchError('INPUT_MISMATCH', `${dir}: model input '${name}' takes ${meta.type}, but its .pb file holds ${feed.type}; regenerate the file`);
    }
  }
  let actual: ort.InferenceSession.ReturnType;
  try {
    actual = await session.run(Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)])));
  } catch (error) {
    return firstLine(error);
  }
  // unsupportedValue has already refused any output whose type is not a TensorElementType.
  return compareOutputs(byModelName(expected, outputFiles, session.outputNames, 'output'), actual as Record<string, TensorData>, tolerance);
}

/** The first line of a failed check: how many outputs failed, and the first one's reason. */
function failureReason(dataSets: readonly DataSetReport[]): string {
  const all = dataSets.flatMap((set) => set.outputs.map((output) => ({ set: set.name, output })));
  const failed = all.filter(({ output }) => !output.passed);
  const first = failed[0]!;
  return `${failed.length} of ${all.length} outputs differ; ${first.set} '${first.output.name}': ${first.output.reason}`;
}

/**
 * Checks a directory in the ONNX backend test layout (`model.onnx`, `test_data_set_N/input_K.pb`,
 * `output_K.pb`) with ONNX Runtime's CPU provider: every data set runs in N order and each output
 * is compared with its expected value. A model ORT cannot load or run is `unsupported`, not an error;
 * a missing model or data set, or a data file that does not fit the model, is an InferbenchError.
 */
export async function checkTestDirectory(dir: string, options: CheckTestDirectoryOptions = {}): Promise<TestDirectoryReport> {
  const tolerance = resolveTolerance(options);
  const absoluteDir = resolve(dir);
  const modelPath = join(absoluteDir, 'model.onnx');
  const isFile = await stat(modelPath).then((s) => s.isFile(), () => false);
  if (!isFile) {
    throw new InferbenchError('MODEL_NOT_FOUND', `${modelPath} not found; pass a directory that holds model.onnx and test_data_set_N folders`);
  }
  const dataSetNames = (await readdir(absoluteDir, { withFileTypes: true }))
    .flatMap((entry) => {
      const match = entry.isDirectory() ? DATA_SET.exec(entry.name) : null;
      return match ? [{ name: entry.name, n: Number(match[1]) }] : [];
    })
    .sort((a, b) => a.n - b.n)
    .map(({ name }) => name);
  if (dataSetNames.length === 0) {
    throw new InferbenchError('INVALID_OPTION', `${absoluteDir} has no test_data_set_N folders; add one with input_K.pb and output_K.pb files`);
  }

  const report = { dir: absoluteDir, modelPath, tolerance };
  let session: ort.InferenceSession;
  try {
    // Severity 4 (fatal only): ORT's warnings about old opsets would bury the report, and its errors reach us anyway.
    session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'], logSeverityLevel: 4 });
  } catch (error) {
    return { ...report, status: 'unsupported', reason: `onnxruntime cannot load the model: ${firstLine(error)}`, dataSets: [] };
  }
  try {
    const unsupported = unsupportedValue(session);
    if (unsupported) return { ...report, status: 'unsupported', reason: unsupported, dataSets: [] };
    const dataSets: DataSetReport[] = [];
    for (const name of dataSetNames) {
      if (options.signal?.aborted) throw new InferbenchError('ABORTED', `checking ${absoluteDir} was cancelled`);
      const outputs = await checkDataSet(session, join(absoluteDir, name), tolerance);
      if (typeof outputs === 'string') {
        return { ...report, status: 'unsupported', reason: `onnxruntime cannot run ${name}: ${outputs}`, dataSets };
      }
      dataSets.push({ name, outputs, passed: outputs.every((o) => o.passed) });
    }
    return dataSets.every((set) => set.passed)
      ? { ...report, status: 'pass', dataSets }
      : { ...report, status: 'fail', reason: failureReason(dataSets), dataSets };
  } finally {
    await session.release();
  }
}
