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

/** Strict: bytes that are not UTF-8 are refused, not read as replacement characters (a text may hold U+FFFD itself). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** C0 control characters but whitespace, and DEL: found in binary files, never in text. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000e-\u001f\u007f]/;

const notText = (where: string, what: string): InferbenchError =>
  new InferbenchError('INVALID_OPTION', `${where} is not text (${what}); pass a UTF-8 text file, one sample a line`);

/** The samples `read` makes of the lines of `bytes` that are not blank; each line is decoded on its own, so that a refusal names it. */
function readLines(bytes: Buffer, path: string, read: (line: string, where: string) => TextInput): TextInput[] {
  const texts: TextInput[] = [];
  for (let start = 0, number = 1; start < bytes.length; number += 1) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline;
    const where = `${path}:${number}`;
    let line: string;
    try {
      line = UTF8.decode(bytes.subarray(start, end)).trim();
    } catch {
      throw notText(where, 'bytes that are not UTF-8');
    }
    if (line !== '') texts.push(read(line, where));
    start = end + 1;
  }
  return texts;
}

/**
 * The texts of a corpus file: JSONL (`.jsonl`: a string or `{"text", "text_pair"}` a line, pairs
 * giving sentence-pair inputs) or plain text (one sample a line). Blank lines are skipped. A line
 * that is not what its format says (binary bytes included) is refused, naming the file and line.
 */
export async function loadTextCorpus(path: string): Promise<TextInput[]> {
  const bytes = await readFile(path).catch((error: unknown) => {
    throw new InferbenchError('INVALID_OPTION', `cannot read the corpus ${path} (${firstLine(error)}); pass a text or .jsonl file`, { cause: error });
  });
  const texts = readLines(bytes, path, path.endsWith('.jsonl') ? jsonlRecord : textLine);
  if (texts.length === 0) throw new InferbenchError('INVALID_OPTION', `the corpus ${path} holds no text; write one sample a line`);
  return texts;
}

/** A JSONL line's record; JSON itself refuses raw control characters, so a binary line fails here. */
function jsonlRecord(line: string, where: string): TextInput {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new InferbenchError('INVALID_OPTION', `${where} is not valid JSON (${firstLine(error)})`, { cause: error });
  }
  return recordToInput(value, where);
}

/** A plain-text line, unless it holds a control character, as only a binary file does. */
function textLine(line: string, where: string): TextInput {
  const control = CONTROL_CHARACTER.exec(line)?.[0];
  if (control !== undefined) throw notText(where, `control character U+${control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
  return line;
}
