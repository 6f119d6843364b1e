import { readFile } from 'node:fs/promises';
import { InferbenchError, firstLine } from '../core/errors.js';
import type { TextInput } from './text-tokenizer.js';

/** One JSONL record: a string, or an object with `text` and an optional `text_pair`. */
function recordToInput(value: unknown, where: string): TextInput {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const { text, text_pair: pair } = value as { text?: unknown; text_pair?: unknown };
    if (typeof text === 'string') return typeof pair === 'string' ? [text, pair] : text;
  }
  throw new InferbenchError('INVALID_OPTION', `${where} is neither a string nor an object with a "text" string; write {"text": "…"} or {"text": "…", "text_pair": "…"}`);
}

/**
 * The texts of a corpus file: JSONL (`.jsonl`: a string or `{"text", "text_pair"}` a line, pairs
 * giving sentence-pair inputs) or plain text (one sample a line). Blank lines are skipped.
 */
export async function loadTextCorpus(path: string): Promise<TextInput[]> {
  const content = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new InferbenchError('INVALID_OPTION', `cannot read the corpus ${path} (${firstLine(error)}); pass a text or .jsonl file`, { cause: error });
  });
  const lines = content.split(/\r?\n/).map((line, i) => ({ line: line.trim(), number: i + 1 })).filter(({ line }) => line !== '');
  const texts = path.endsWith('.jsonl')
    ? lines.map(({ line, number }) => {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          throw new InferbenchError('INVALID_OPTION', `${path}:${number} is not valid JSON (${firstLine(error)})`, { cause: error });
        }
        return recordToInput(value, `${path}:${number}`);
      })
    : lines.map(({ line }) => line);
  if (texts.length === 0) throw new InferbenchError('INVALID_OPTION', `the corpus ${path} holds no text; write one sample a line`);
  return texts;
}
