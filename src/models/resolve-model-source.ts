import { existsSync } from 'node:fs';
import { InferbenchError } from '../errors.js';
import type { ModelSource } from './model-source.js';
import { OnnxFileSource } from './onnx-file-source.js';
import { SyntheticBertSource } from './synthetic-bert-source.js';

/** The model benchmarked when none is named. */
export const DEFAULT_MODEL = 'synthetic:bert';

const SYNTHETIC_PREFIX = 'synthetic:';

/** Turns what a user typed (`--model`, `MODEL_NAME`) into a model source: `synthetic:bert` or a path to an `.onnx` file. */
export function resolveModelSource(spec: string = DEFAULT_MODEL): ModelSource {
  if (spec.startsWith(SYNTHETIC_PREFIX)) {
    if (spec === DEFAULT_MODEL) return new SyntheticBertSource();
    throw new InferbenchError('INVALID_OPTION', `unknown built-in model '${spec}'; the built-in models are: ${DEFAULT_MODEL}`);
  }
  if (!spec.endsWith('.onnx') && !existsSync(spec)) {
    throw new InferbenchError('MODEL_NOT_FOUND', `model '${spec}' is neither a file nor a built-in model; pass the path of an .onnx file or ${DEFAULT_MODEL} (Hugging Face Hub ids are not supported yet)`);
  }
  return new OnnxFileSource(spec);
}
