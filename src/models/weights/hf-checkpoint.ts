import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferbenchError } from '../../core/errors.js';
import { readFloatTensor, readSafetensorsHeader, type SafetensorsHeader } from './safetensors.js';

const WEIGHTS = 'model.safetensors';
const WEIGHTS_INDEX = 'model.safetensors.index.json';

/** A model folder in Hugging Face's layout: its config.json and its weights, in one or several safetensors files. */
export interface HfCheckpoint {
  readonly dir: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Each tensor's file, by name. */
  readonly files: ReadonlyMap<string, SafetensorsHeader>;
}

/** The files a checkpoint's weights may be in: one `model.safetensors`, or the shards its index names. */
export async function checkpointWeightFiles(dir: string): Promise<string[]> {
  const index = await readFile(join(dir, WEIGHTS_INDEX), 'utf8').catch(() => undefined);
  if (index === undefined) return [WEIGHTS];
  let weightMap: unknown;
  try {
    weightMap = (JSON.parse(index) as { weight_map?: unknown }).weight_map;
  } catch {
    throw new InferbenchError('MODEL_INVALID', `${join(dir, WEIGHTS_INDEX)} is not JSON; download it again`);
  }
  if (typeof weightMap !== 'object' || weightMap === null || !Object.values(weightMap).every((file) => typeof file === 'string' && /^[\w.-]+\.safetensors$/.test(file))) {
    throw new InferbenchError('MODEL_INVALID', `${join(dir, WEIGHTS_INDEX)} has no weight_map of tensor names to .safetensors files in its folder; download it again`);
  }
  return [...new Set(Object.values(weightMap as Record<string, string>))].sort();
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
