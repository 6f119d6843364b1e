import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InferbenchError, firstLine } from '../errors.js';
import { BUILTIN_BERT_UNCASED, createBertUncasedTokenizer } from './bert-uncased-tokenizer.js';
import { createTextTokenizer, type TextTokenizer, type TokenizerConfigJson, type TokenizerJson } from './text-tokenizer.js';

async function readJson(path: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new InferbenchError('MODEL_INVALID', `cannot read ${path} (${firstLine(error)}); it must be a Hugging Face tokenizer file`, { cause: error });
  }
}

async function readOptionalJson(path: string): Promise<Record<string, unknown>> {
  return (await stat(path).then(() => true, () => false)) ? readJson(path) : {};
}

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
  const dir = info.isDirectory() ? spec : undefined;
  const jsonPath = dir === undefined ? spec : join(dir, 'tokenizer.json');
  if (dir !== undefined && !(await stat(jsonPath).then(() => true, () => false))) {
    throw new InferbenchError('MODEL_INVALID', `${dir} has no tokenizer.json; export the tokenizer with the model (optimum-cli export onnx does) or pass --tokenizer`);
  }
  const config: TokenizerConfigJson =
    dir === undefined
      ? {}
      : { ...(await readOptionalJson(join(dir, 'special_tokens_map.json'))), ...(await readOptionalJson(join(dir, 'tokenizer_config.json'))) };
  return createTextTokenizer((await readJson(jsonPath)) as TokenizerJson, config);
}

/** How a tokenizer spec is named in reports. */
export function describeTokenizer(spec: string): string {
  return spec === BUILTIN_BERT_UNCASED ? 'bert-base-uncased tokenizer (built in)' : `tokenizer ${basename(spec)}`;
}
