import { createHash, randomUUID } from 'node:crypto';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { monotonicNowNs } from '../../core/clock.js';
import { InferbenchError, firstLine } from '../../core/errors.js';
import { compareModels } from './compare-models.js';
import { matchInputsToModel } from '../../inputs/match-inputs.js';
import type { CompileRequest, CompiledArtifact, Compiler } from '../../compilers/compiler.js';
import { fixOnnxDimensionSteps } from '../../onnx/fix-onnx-dimensions.js';
import { abortPoint, finishStepsCancellably } from '../../core/steps.js';
import { ortProvidersFor, type OrtDevice, type OrtProviderList } from './ort-device.js';
import { readCompileRecord, writeCompileRecord, type CompileRecordBase } from '../../compilers/compile-cache.js';
import { requireCompileBatchSize } from '../../compilers/batch-size.js';
import { cacheWriteError, makeCacheFolder } from '../../models/cache-dir.js';

/** ONNX Runtime's graph optimisation levels. */
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Options of {@link OrtCompiler}. */
export interface OrtCompilerOptions {
  /** How far ONNX Runtime rewrites the graph before saving it; default "all". */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Device the artifact is optimised for: an "all"-level graph only runs on the provider that made it. Default "cpu". */
  readonly device?: OrtDevice;
  /** GPU that compiles, for a GPU device; default 0. Copies on other GPUs load the same graph. */
  readonly deviceId?: number;
}

/** What the cache keeps beside each artifact, so that a cache hit reports the original compile. */
interface CompileRecord extends CompileRecordBase {
  readonly compileNs: number;
  readonly dimensions: Record<string, number>;
  readonly maxAbsDifference: number;
}

const ARTIFACT_FILE = 'model.onnx';

/**
 * Specialises an ONNX model for one set of input shapes with ONNX Runtime: symbolic dimensions are
 * fixed in the graph, which ORT then optimises for those shapes and saves (`optimizedModelFilePath`).
 * Artifacts are cached under a hash of the model bytes, shapes, options, ORT version and platform,
 * because an optimised graph is only valid for the runtime and machine that made it.
 */
export class OrtCompiler implements Compiler {
  readonly name = 'onnxruntime';
  readonly #level: GraphOptimizationLevel;

  readonly #providers: OrtProviderList;

  constructor(options: OrtCompilerOptions = {}) {
    this.#level = options.graphOptimizationLevel ?? 'all';
    this.#providers = ortProvidersFor(options.device ?? 'cpu', options.deviceId ?? 0);
  }

  async compile(request: CompileRequest): Promise<CompiledArtifact> {
    const { model, input, cacheDir } = request;
    const batchSize = requireCompileBatchSize(request);
    const dimensions = matchInputsToModel(model.inputs, input);
    const cacheKey = createHash('sha256')
      .update(
        JSON.stringify({
          compiler: this.name,
          modelSha256: model.sha256,
          dimensions: Object.entries(dimensions).sort(),
          graphOptimizationLevel: this.#level,
          executionProviders: this.#providers,
          ortVersion: ort.env.versions.node,
          platform: `${process.platform}-${process.arch}`,
        }),
      )
      .digest('hex');
    const dir = join(cacheDir, 'compiled', cacheKey);
    const path = join(dir, ARTIFACT_FILE);
    const artifact = { path, model, compiler: this.name, cacheKey, format: 'onnx' as const };

    const cached = await readCompileRecord<CompileRecord>(
      dir,
      [path],
      batchSize,
      (r) => typeof r.compileNs === 'number' && typeof r.maxAbsDifference === 'number' && typeof r.dimensions === 'object',
    );
    if (cached) return { ...artifact, ...cached, cacheHit: true };

    request.signal?.throwIfAborted();
    await makeCacheFolder(cacheDir, dir);
    // Files are written under unique names and renamed when whole, so a crash never leaves half an
    // entry; the record goes last, so an entry with a record is complete.
    const tmpPath = join(dir, `${randomUUID()}.tmp.onnx`);
    try {
      const startNs = monotonicNowNs();
      const fixed = await finishStepsCancellably(fixOnnxDimensionSteps(await readFile(model.path), dimensions), request.signal);
      // ONNX Runtime cannot be stopped once it optimises, seconds for bert-base: it starts only if no Ctrl-C came before,
      // and the comparison's sessions open only if none came meanwhile.
      await abortPoint(request.signal);
      const optimizing = await ort.InferenceSession.create(fixed, {
        graphOptimizationLevel: this.#level,
        executionProviders: this.#providers as ort.InferenceSession.ExecutionProviderConfig[],
        optimizedModelFilePath: tmpPath,
        // ORT warns that an "all"-level graph is machine-specific (the cache key includes the platform)
        // and logs errors that reach the caller anyway.
        logSeverityLevel: 4,
      }).catch((error: unknown) => {
        throw new InferbenchError('COMPILE_FAILED', `onnxruntime could not optimise ${model.path}: ${firstLine(error)}`, { cause: error });
      });
      await optimizing.release();
      const compileNs = monotonicNowNs() - startNs;
      await abortPoint(request.signal);

      // Both graphs run the same feed, as the workshop prints the original output beside the compiled.
      const comparison = await compareModels(model.path, tmpPath, input, { signal: request.signal, artifactProviders: this.#providers }).catch((error: unknown) => {
        if (error instanceof InferbenchError || request.signal?.aborted) throw error;
        throw new InferbenchError('COMPILE_FAILED', `the model fails on the input feed: ${firstLine(error)}`, { cause: error });
      });
      const lost = comparison.missingOutputs[0];
      if (lost !== undefined) throw new InferbenchError('COMPILE_FAILED', `the compiled model lost output '${lost}'`);
      const record: CompileRecord = { batchSize, compileNs, dimensions, maxAbsDifference: comparison.maxAbsError };
      await rename(tmpPath, path);
      await writeCompileRecord(dir, record);
      return { ...artifact, ...record, cacheHit: false };
    } catch (error) {
      // Before the half-written file is removed: what it took is what says the disk is full.
      throw await cacheWriteError(error, cacheDir, dir);
    } finally {
      await rm(tmpPath, { force: true });
    }
  }
}
