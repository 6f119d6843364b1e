import * as ort from 'onnxruntime-node';
import { toOrtFeeds } from './ort-tensors.js';
import { abortPoint } from '../../core/steps.js';
import { InferbenchError } from '../../core/errors.js';
import type { NamedTensors } from '../../tensors/tensor.js';
import { compareOutputs, resolveTolerance, type OutputComparison, type Tolerance, type ToleranceOptions } from '../../tensors/compare-outputs.js';
import { isTensorElementType } from '../../onnx/tensor-proto.js';
import type { TensorData } from '../../tensors/tensor.js';
import type { OrtProviderList } from './ort-device.js';

/** Options of {@link compareModels}. */
export interface CompareModelsOptions extends ToleranceOptions {
  /** Cancels the comparison between loading and running: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Execution providers of the artifact's session, for an artifact optimised for a GPU; default the CPU. */
  readonly artifactProviders?: OrtProviderList;
}

/** How a compiled artifact's outputs compare with its source model's on one feed. */
export interface ModelComparison {
  /** One comparison per source output the artifact also has, in the source's output order. */
  readonly outputs: readonly OutputComparison[];
  /** Source outputs the artifact does not produce at all. */
  readonly missingOutputs: readonly string[];
  /** Largest {@link OutputComparison.maxAbsError} over the outputs; 0 when there are none. */
  readonly maxAbsError: number;
  /** True when no output is missing and every output is within the tolerance. */
  readonly passed: boolean;
  /** The tolerance applied. */
  readonly tolerance: Tolerance;
}

/** The outputs of one run, as tensors the comparison understands. */
function checkTensors(outputs: ort.InferenceSession.ReturnType, path: string): Record<string, TensorData> {
  return Object.fromEntries(
    Object.entries(outputs).map(([name, tensor]) => {
      if (!isTensorElementType(tensor.type)) {
        throw new InferbenchError('INPUT_MISMATCH', `output '${name}' of ${path} has element type ${tensor.type}, which inferbench cannot compare`);
      }
      return [name, tensor as TensorData];
    }),
  );
}

/**
 * Runs a source model and an artifact compiled from it on the same feed and compares their outputs,
 * the source's being the expected values. Both run unoptimised, so the comparison measures the
 * compiled graph rather than what ONNX Runtime would do to either at load time.
 */
export async function compareModels(
  sourcePath: string,
  artifactPath: string,
  feeds: NamedTensors,
  options: CompareModelsOptions = {},
): Promise<ModelComparison> {
  const tolerance = resolveTolerance(options);
  const sessions: ort.InferenceSession[] = [];
  try {
    const ortFeeds = toOrtFeeds(feeds);
    const run = async (path: string, providers: OrtProviderList = ['cpu']): Promise<Record<string, TensorData>> => {
      const session = await ort.InferenceSession.create(path, {
        graphOptimizationLevel: 'disabled',
        logSeverityLevel: 4,
        executionProviders: providers as ort.InferenceSession.ExecutionProviderConfig[],
      });
      sessions.push(session);
      // Its reason, unworded: the entry point that took the signal says what the user asked for, not this step's files.
      await abortPoint(options.signal);
      return checkTensors(await session.run(ortFeeds), path);
    };
    // Both settle before the finally releases the sessions, so a failure in one leaves no session of the other open.
    const [source, artifact] = await Promise.allSettled([run(sourcePath), run(artifactPath, options.artifactProviders)]);
    if (source.status === 'rejected') throw source.reason;
    if (artifact.status === 'rejected') throw artifact.reason;
    const expected = source.value;
    const actual = artifact.value;
    const missingOutputs = Object.keys(expected).filter((name) => !(name in actual));
    const present = Object.fromEntries(Object.entries(expected).filter(([name]) => name in actual));
    const outputs = compareOutputs(present, actual, tolerance);
    return {
      outputs,
      missingOutputs,
      maxAbsError: Math.max(0, ...outputs.map((o) => o.maxAbsError)),
      passed: missingOutputs.length === 0 && outputs.every((o) => o.passed),
      tolerance,
    };
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}
