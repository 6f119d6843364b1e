import { basename, join, resolve } from 'node:path';
import { InferbenchError } from '../core/errors.js';
import { pathExists, readJsonIfPresent } from '../core/fs-utils.js';
import type { ImagePreprocessing, ModelResolveOptions, ModelSource, ModelTask, ResolvedModel } from './model-source.js';
import { OnnxFileSource } from './onnx-file-source.js';
import { buildCheckpointOnnx, hasCheckpoint } from './weights/checkpoint-onnx.js';
import { configMaxSequenceLength } from './weights/hf-checkpoint.js';

/** Where an ONNX export keeps its model, in the order tried: optimum-cli's place, then the hub's common `onnx/`. */
export const EXPORT_MODEL_FILES: readonly string[] = ['model.onnx', 'onnx/model.onnx'];

/** `model_type`s of Hugging Face vision models whose ONNX export takes `pixel_values`. */
const IMAGE_MODEL_TYPES = new Set(['resnet', 'vit', 'deit', 'beit', 'convnext', 'convnextv2', 'swin', 'regnet', 'mobilenet_v1', 'mobilenet_v2', 'mobilevit', 'efficientnet', 'levit', 'poolformer', 'dinov2']);


/** The task a Hugging Face `config.json` describes, when it says. */
function taskFromConfig(config: Record<string, unknown> | undefined): ModelTask | undefined {
  if (!config) return undefined;
  if (typeof config['model_type'] === 'string' && IMAGE_MODEL_TYPES.has(config['model_type'])) return 'image';
  const architectures = Array.isArray(config['architectures']) ? config['architectures'].map(String) : [];
  if (architectures.some((a) => a.endsWith('ForImageClassification'))) return 'image';
  if (architectures.some((a) => /For(SequenceClassification|MaskedLM|TokenClassification|QuestionAnswering|MultipleChoice)$|Model$/.test(a))) return 'text';
  return undefined;
}

/** Size, mean and std from a `preprocessor_config.json`. */
function preprocessingFrom(config: Record<string, unknown> | undefined): ImagePreprocessing | undefined {
  if (!config) return undefined;
  const size = config['size'];
  const imageSize =
    typeof size === 'number'
      ? size
      : typeof size === 'object' && size !== null
        ? ((size as Record<string, unknown>)['shortest_edge'] ?? (size as Record<string, unknown>)['height'])
        : undefined;
  const numbers = (value: unknown): number[] | undefined =>
    Array.isArray(value) && value.every((v) => typeof v === 'number') ? (value as number[]) : undefined;
  const mean = numbers(config['image_mean']);
  const std = numbers(config['image_std']);
  return {
    ...(typeof imageSize === 'number' ? { imageSize } : {}),
    ...(mean ? { mean } : {}),
    ...(std ? { std } : {}),
  };
}

/**
 * A Hugging Face ONNX export directory as `optimum-cli export onnx` writes it: `model.onnx` (or
 * `onnx/model.onnx`) with `config.json`, and for text models `tokenizer.json`,
 * `tokenizer_config.json` and `special_tokens_map.json`; image models may add
 * `preprocessor_config.json`. The task and tokenizer are taken from those files. A folder with no export but
 * `config.json` and safetensors weights of an architecture inferbench builds gets its graph built from those weights.
 */
export class HfExportDirSource implements ModelSource {
  readonly id: string;
  readonly #name: string | undefined;

  /** `name` overrides the display name (a hub id, say); by default config.json's `_name_or_path` or the directory name. */
  constructor(dir: string, name?: string) {
    this.id = dir;
    this.#name = name;
  }

  async resolve(options: ModelResolveOptions): Promise<ResolvedModel> {
    const dir = resolve(this.id);
    let modelPath: string | undefined;
    for (const file of EXPORT_MODEL_FILES) {
      if (await pathExists(join(dir, file))) {
        modelPath = join(dir, file);
        break;
      }
    }
    // No export: a checkpoint whose graph inferbench builds from its weights.
    const built = modelPath === undefined && (await hasCheckpoint(dir)) ? await buildCheckpointOnnx(dir, options.cacheDir, options.signal) : undefined;
    modelPath ??= built?.path;
    if (!modelPath) {
      throw new InferbenchError('MODEL_NOT_FOUND', `${dir} holds neither model.onnx, onnx/model.onnx nor config.json with model.safetensors; export the model with optimum-cli export onnx, or pass the .onnx file itself`);
    }
    const config = await readJsonIfPresent(join(dir, 'config.json'));
    const nameOrPath = config?.['_name_or_path'];
    const name = this.#name ?? (typeof nameOrPath === 'string' && nameOrPath !== '' ? nameOrPath : basename(dir));
    const builtFrom = built === undefined ? '' : ` (graph built from its safetensors weights${built.randomHead ? '; no classifier in them, so a random one' : ''})`;
    const imagePreprocessing = preprocessingFrom(await readJsonIfPresent(join(dir, 'preprocessor_config.json')));
    const task = taskFromConfig(config);
    const hasTokenizer = await pathExists(join(dir, 'tokenizer.json'));
    const maxSequenceLength = configMaxSequenceLength(config);
    return new OnnxFileSource(modelPath, {
      name: `${name}${builtFrom}`,
      ...(task === undefined ? {} : { task }),
      ...(hasTokenizer ? { tokenizer: dir } : {}),
      ...(imagePreprocessing === undefined ? {} : { imagePreprocessing }),
      ...(maxSequenceLength === undefined ? {} : { maxSequenceLength }),
    }).resolve(options);
  }
}
