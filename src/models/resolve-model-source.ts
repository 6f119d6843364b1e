import { statSync, type Stats } from 'node:fs';
import { InferbenchError, firstLine } from '../core/errors.js';
import { HfExportDirSource } from './hf-export-dir-source.js';
import type { HubDownloadProgress } from './hub/hub-blob-download.js';
import { HfTorchModelSource } from './hf-torch-source.js';
import { HubModelSource } from './hub-model-source.js';
import { resolveHubSettings } from './hub/hub-settings.js';
import { TorchModelSource, isTorchModelSpec } from './torch-model-source.js';
import type { ModelSource } from './model-source.js';
import { OnnxFileSource } from './onnx-file-source.js';
import { BERT_BASE_CONFIG, SyntheticBertSource } from './synthetic-bert-source.js';
import { SyntheticResnetSource } from './synthetic-resnet-source.js';

/** The model benchmarked when none is named. */
export const DEFAULT_MODEL = 'synthetic:bert';

/** Built-in generated models by name. */
const SYNTHETIC_MODELS: Readonly<Record<string, () => ModelSource>> = {
  'synthetic:bert': () => new SyntheticBertSource(),
  'synthetic:bert-base': () => new SyntheticBertSource(BERT_BASE_CONFIG, 'synthetic:bert-base'),
  'synthetic:resnet50': () => new SyntheticResnetSource(),
};

/** A Hugging Face Hub repo id, `org/name` or `name`, optionally `@revision`. */
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?(@[^\s]+)?$/;

/** Options of {@link resolveModelSource}. */
export interface ModelSourceOptions {
  /** Receives progress of Hugging Face Hub downloads. */
  readonly onDownloadProgress?: (progress: HubDownloadProgress) => void;
  /** Input side of a torchvision model, in pixels. */
  readonly imageSize?: number;
  /** The tokenizer the run names, if any: an `hf:` model's own is then not fetched. */
  readonly tokenizer?: string;
  /** Where a Hub model's endpoint, token, offline mode and cache come from; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What `spec` is on disk, undefined when nothing is there; a path that cannot be looked at (a symlink loop) is refused. */
function statOf(spec: string): Stats | undefined {
  try {
    return statSync(spec, { throwIfNoEntry: false });
  } catch (error) {
    throw new InferbenchError('MODEL_NOT_FOUND', `model '${spec}' cannot be read (${firstLine(error)}); pass an .onnx file, an export directory, ${DEFAULT_MODEL} or org/name`, { cause: error });
  }
}

/**
 * Turns what a user typed (`--model`, `MODEL_NAME`) into a model source: a built-in `synthetic:…`
 * model, a Hugging Face export directory, an `.onnx` file, or a Hugging Face Hub id.
 */
export function resolveModelSource(spec: string = DEFAULT_MODEL, options: ModelSourceOptions = {}): ModelSource {
  if (spec.startsWith('hf:')) {
    return new HfTorchModelSource(spec, {
      settings: resolveHubSettings({}, options.env),
      fetchTokenizer: options.tokenizer === undefined,
      ...(options.onDownloadProgress ? { onProgress: options.onDownloadProgress } : {}),
    });
  }
  if (isTorchModelSpec(spec)) return new TorchModelSource(spec, options.imageSize ? { imageSize: options.imageSize } : {});
  if (spec.startsWith('synthetic:')) {
    const make = SYNTHETIC_MODELS[spec];
    if (make) return make();
    throw new InferbenchError('INVALID_OPTION', `unknown built-in model '${spec}'; the built-in models are: ${Object.keys(SYNTHETIC_MODELS).join(', ')}`);
  }
  const info = statOf(spec);
  if (info?.isDirectory()) return new HfExportDirSource(spec);
  if (info || spec.endsWith('.onnx')) return new OnnxFileSource(spec);
  if (HUB_ID.test(spec)) {
    const settings = resolveHubSettings({}, options.env);
    return new HubModelSource(spec, { settings, ...(options.onDownloadProgress ? { onProgress: options.onDownloadProgress } : {}) });
  }
  throw new InferbenchError('MODEL_NOT_FOUND', `model '${spec}' is neither a file, a directory, a built-in model nor a Hugging Face repo id; pass an .onnx file, an export directory, ${DEFAULT_MODEL} or org/name`);
}
