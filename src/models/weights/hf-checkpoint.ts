import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InferbenchError } from '../../core/errors.js';
import { pathExists } from '../../core/fs-utils.js';
import { readFloatTensor, readSafetensorsHeader, type SafetensorsHeader } from './safetensors.js';

/** A model folder in Hugging Face's layout: its config.json and its weights, in one or several safetensors files. */
export interface HfCheckpoint {
  readonly dir: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Each tensor's file, by name. */
  readonly files: ReadonlyMap<string, SafetensorsHeader>;
}

/** How a checkpoint's weights are stored: one file, or shards that an index names. */
export interface WeightFormat {
  /** The single file, e.g. `model.safetensors`. */
  readonly file: string;
  /** The index of a sharded checkpoint, e.g. `model.safetensors.index.json`. */
  readonly index: string;
}

export const SAFETENSORS_WEIGHTS: WeightFormat = { file: 'model.safetensors', index: 'model.safetensors.index.json' };
/** PyTorch's pickled weights, which only Python reads. */
export const PYTORCH_WEIGHTS: WeightFormat = { file: 'pytorch_model.bin', index: 'pytorch_model.bin.index.json' };

/** The first of `formats` whose single file or index `dir` holds; undefined when it holds none. */
export async function presentWeightFormat(dir: string, formats: readonly WeightFormat[]): Promise<WeightFormat | undefined> {
  for (const format of formats) if ((await pathExists(join(dir, format.file))) || (await pathExists(join(dir, format.index)))) return format;
  return undefined;
}

/** The files a checkpoint's weights are in: the single file, or the shards its index names (when the index is there). */
export async function checkpointWeightFiles(dir: string, format: WeightFormat = SAFETENSORS_WEIGHTS): Promise<string[]> {
  const indexPath = join(dir, format.index);
  const index = await readFile(indexPath, 'utf8').catch(() => undefined);
  if (index === undefined) return [format.file];
  let weightMap: unknown;
  try {
    weightMap = (JSON.parse(index) as { weight_map?: unknown }).weight_map;
  } catch {
    throw new InferbenchError('MODEL_INVALID', `${indexPath} is not JSON; download it again`);
  }
  const extension = format.file.slice(format.file.lastIndexOf('.'));
  const isShard = (file: unknown): boolean => typeof file === 'string' && /^[\w.-]+$/.test(file) && file.endsWith(extension);
  if (typeof weightMap !== 'object' || weightMap === null || !Object.values(weightMap).every(isShard)) {
    throw new InferbenchError('MODEL_INVALID', `${indexPath} has no weight_map of tensor names to ${extension} files in its folder; download it again`);
  }
  return [...new Set(Object.values(weightMap as Record<string, string>))].sort();
}

/**
 * A hash of a file's content. A Hugging Face cache snapshot links each file to its blob, named by the content's
 * SHA-256 (or git blob hash), which the download verified: that name is used rather than reading gigabytes again.
 */
export async function contentHash(path: string): Promise<string> {
  const target = (await lstat(path)).isSymbolicLink() ? await readlink(path) : undefined;
  if (target !== undefined && basename(dirname(target)) === 'blobs' && /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(basename(target))) return basename(target);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `model_type`s whose positions start past the padding id, as RoBERTa counts them. */
const POSITIONS_PAST_PADDING = new Set(['roberta', 'xlm-roberta', 'camembert']);

/** The most tokens the model of `config` takes: its position table, less the rows RoBERTa skips; undefined when it does not say. */
export function configMaxSequenceLength(config: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const positions = config?.['max_position_embeddings'];
  if (!Number.isInteger(positions) || (positions as number) <= 0) return undefined;
  const padding = config?.['pad_token_id'];
  const skipped = POSITIONS_PAST_PADDING.has(String(config?.['model_type'])) && Number.isInteger(padding) ? (padding as number) + 1 : 0;
  return (positions as number) - skipped > 0 ? (positions as number) - skipped : undefined;
}

/** `dir`'s config.json, refused in one line unless it is a JSON object. */
export async function readConfigJson(dir: string): Promise<Record<string, unknown>> {
  let config: unknown;
  try {
    config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  } catch (error) {
    throw new InferbenchError('MODEL_INVALID', `${join(dir, 'config.json')} cannot be read as JSON (${(error as Error).message}); download it again`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new InferbenchError('MODEL_INVALID', `${join(dir, 'config.json')} is not a JSON object; download it again`);
  return config as Record<string, unknown>;
}

/** Reads `dir`'s config.json and the headers of its safetensors weights (not the weights themselves). */
export async function readHfCheckpoint(dir: string): Promise<HfCheckpoint> {
  const config = await readConfigJson(dir);
  const files = new Map<string, SafetensorsHeader>();
  for (const file of await checkpointWeightFiles(dir)) {
    const header = await readSafetensorsHeader(join(dir, file));
    for (const name of header.tensors.keys()) files.set(name, header);
  }
  return { dir, config, files };
}

/** Tensor `name` of the checkpoint as float32, refused in one line unless its shape is `shape`. */
export async function checkpointTensor(checkpoint: HfCheckpoint, name: string, shape: readonly number[]): Promise<Float32Array> {
  const header = checkpoint.files.get(name);
  if (header === undefined) throw new InferbenchError('MODEL_INVALID', `the weights in ${checkpoint.dir} have no tensor ${name}, which config.json's model needs; download the repository's weights again`);
  const entry = header.tensors.get(name)!;
  if (entry.shape.length !== shape.length || entry.shape.some((size, i) => size !== shape[i])) {
    throw new InferbenchError('MODEL_INVALID', `${header.path}: tensor ${name} is [${entry.shape.join(', ')}], but config.json makes it [${shape.join(', ')}]; the weights and config.json disagree`);
  }
  return readFloatTensor(header, name);
}
