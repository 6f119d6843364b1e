import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InferbenchError } from '../core/errors.js';
import { readJsonIfPresent } from '../core/fs-utils.js';
import { BUILTIN_BERT_UNCASED } from '../models/model-source.js';
import { createBertUncasedTokenizer } from './bert-uncased-tokenizer.js';
import { createTextTokenizer, type TextTokenizer, type TokenizerConfigJson, type TokenizerJson } from './text-tokenizer.js';

/**
 * A tokenizer from `spec`: the built-in `bert-base-uncased`, a `tokenizer.json` file, or a directory
 * as Hugging Face writes it (`tokenizer.json`, and `tokenizer_config.json` and
 * `special_tokens_map.json` for the special tokens such as the pad token).
 */
export async function loadTokenizer(spec: string): Promise<TextTokenizer> {
  if (spec === BUILTIN_BERT_UNCASED) return createBertUncasedTokenizer();
  const info = await stat(spec).catch(() => undefined);
  if (!info) {
    throw new InferbenchError('INVALID_OPTION', `tokenizer ${spec} does not exist; pass a tokenizer.json, a directory holding one, or ${BUILTIN_BERT_UNCASED}`);
  }
  // The special tokens (the pad token among them) live in the files beside tokenizer.json.
  const dir = info.isDirectory() ? spec : dirname(spec);
  const jsonPath = info.isDirectory() ? join(dir, 'tokenizer.json') : spec;
  const json = await readJsonIfPresent(jsonPath);
  if (!json) {
    throw new InferbenchError('MODEL_INVALID', `${dir} has no tokenizer.json; export the tokenizer with the model (optimum-cli export onnx does) or pass --tokenizer`);
  }
  const config: TokenizerConfigJson = {
    ...(await readJsonIfPresent(join(dir, 'special_tokens_map.json'))),
    ...(await readJsonIfPresent(join(dir, 'tokenizer_config.json'))),
  };
  return createTextTokenizer(json as TokenizerJson, config);
}

/** How a tokenizer spec is named in reports. */
export function describeTokenizer(spec: string): string {
  return spec === BUILTIN_BERT_UNCASED ? 'bert-base-uncased tokenizer (built in)' : `tokenizer ${basename(spec)}`;
}
