import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { InferbenchError } from '../../core/errors.js';
import { pathExists, writeFileAtomic } from '../../core/fs-utils.js';
import { finishStepsCancellably } from '../../core/steps.js';
import { cacheWriteError, makeCacheFolder } from '../cache-dir.js';
import { BERT_FAMILY_TYPES, bertFromCheckpoint, hasClassifier } from './bert-checkpoint.js';
import { SAFETENSORS_WEIGHTS, checkpointWeightFiles, contentHash, presentWeightFormat, readHfCheckpoint } from './hf-checkpoint.js';
import { resnetFromCheckpoint } from './resnet-checkpoint.js';

/** Bump when a graph built from weights changes, so that graphs built by older versions are not reused. */
const BUILDER_VERSION = 1;

/** `model_type`s whose graph inferbench builds from the weights. */
const BUILT_MODEL_TYPES = [...Object.keys(BERT_FAMILY_TYPES), 'resnet'];

/**
 * Refuses, in one line naming what would work, a config.json (of `where`) whose `model_type` inferbench does not
 * build a graph for. `torchSpec` is how the PyTorch path would name the model.
 */
export function requireBuiltModelType(config: Readonly<Record<string, unknown>>, where: string, torchSpec: string): void {
  const modelType = config['model_type'];
  if (typeof modelType === 'string' && BUILT_MODEL_TYPES.includes(modelType)) return;
  throw new InferbenchError(
    'MODEL_NOT_FOUND',
    `${where} holds ${typeof modelType === 'string' ? `a ${modelType} model` : 'a model of no model_type'}, whose graph inferbench does not build from weights (it builds ${BUILT_MODEL_TYPES.join(', ')}); use ${torchSpec} with Python and transformers, or an ONNX export of it (an onnx-community/ or Xenova/ copy)`,
  );
}

/** A graph built from a checkpoint's weights, in the cache. */
export interface CheckpointOnnx {
  readonly path: string;
  /** Said in the model's name: a classifier the checkpoint does not hold was initialised at random. */
  readonly randomHead: boolean;
}

/** Whether `dir` holds weights inferbench can build a graph from: config.json and safetensors weights. */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  return (await pathExists(join(dir, 'config.json'))) && (await presentWeightFormat(dir, [SAFETENSORS_WEIGHTS])) !== undefined;
}

/**
 * Builds the ONNX graph of the checkpoint in `dir` from its real weights into `<cacheDir>/models/`, once: the file is
 * keyed by the hashes of config.json and every weights file, so other weights are another graph.
 */
export async function buildCheckpointOnnx(dir: string, cacheDir: string, signal?: AbortSignal): Promise<CheckpointOnnx> {
  const checkpoint = await readHfCheckpoint(dir);
  requireBuiltModelType(checkpoint.config, dir, 'hf:ID');
  const modelType = checkpoint.config['model_type'] as string;
  const hashes = [await contentHash(join(dir, 'config.json'))];
  for (const file of await checkpointWeightFiles(dir)) {
    signal?.throwIfAborted();
    hashes.push(await contentHash(join(dir, file)));
  }
  const key = createHash('sha256').update(JSON.stringify({ BUILDER_VERSION, hashes })).digest('hex').slice(0, 16);
  const folder = join(cacheDir, 'models');
  const path = join(folder, `${modelType}-weights-${key}.onnx`);
  const cached = await access(path).then(
    () => true,
    () => false,
  );
  if (!cached) {
    const built = modelType === 'resnet' ? await resnetFromCheckpoint(checkpoint, signal) : await bertFromCheckpoint(checkpoint, signal);
    await makeCacheFolder(cacheDir, folder);
    const bytes = await finishStepsCancellably(built.steps, signal);
    // Written whole or not at all: nothing half-built stays in the cache.
    await writeFileAtomic(path, bytes).catch(async (error: unknown) => {
      throw await cacheWriteError(error, cacheDir, folder);
    });
  }
  // A ResNet's classifier is required: it is read like every other weight.
  return { path, randomHead: modelType !== 'resnet' && !hasClassifier(checkpoint) };
}
