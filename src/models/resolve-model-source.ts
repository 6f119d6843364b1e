import { statSync } from 'node:fs';
import { InferbenchError } from '../errors.js';
import { HfExportDirSource } from './hf-export-dir-source.js';
import type { ModelSource } from './model-source.js';
import { OnnxFileSource } from './onnx-file-source.js';
import { BERT_BASE_CONFIG, SyntheticBertSource } from './synthetic-bert-source.js';

/** The model benchmarked when none is named. */
export const DEFAULT_MODEL = 'synthetic:bert';

/** Built-in generated models by name. */
const SYNTHETIC_MODELS: Readonly<Record<string, () => ModelSource>> = {
  'synthetic:bert': () => new SyntheticBertSource(),
  'synthetic:bert-base': () => new SyntheticBertSource(BERT_BASE_CONFIG, 'synthetic:bert-base'),
};

/**
 * Turns what a user typed (`--model`, `MODEL_NAME`) into a model source: a built-in `synthetic:…`
 * model, a Hugging Face export directory, or an `.onnx` file.
 */
export function resolveModelSource(spec: string = DEFAULT_MODEL): ModelSource {
  if (spec.startsWith('synthetic:')) {
    const make = SYNTHETIC_MODELS[spec];
    if (make) return make();
    throw new InferbenchError('INVALID_OPTION', `unknown built-in model '${spec}'; the built-in models are: ${Object.keys(SYNTHETIC_MODELS).join(', ')}`);
  }
  const info = statSync(spec, { throwIfNoEntry: false });
  if (info?.isDirectory()) return new HfExportDirSource(spec);
  if (info || spec.endsWith('.onnx')) return new OnnxFileSource(spec);
  throw new InferbenchError('MODEL_NOT_FOUND', `model '${spec}' is neither a file nor a built-in model; pass the path of an .onnx file or ${DEFAULT_MODEL} (Hugging Face Hub ids are not supported yet)`);
}
