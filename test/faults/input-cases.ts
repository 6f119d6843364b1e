import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OCR_MODEL } from '../helpers/fixtures.js';
import { resultFile, smallBert } from './case-files.js';
import type { FaultCase } from './fault-case.js';

/** Every byte value, as a file that is no text and no JSON. */
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A folder `name` holding `files`. */
const folderOf = (name: string, files: Record<string, string | Uint8Array>) => (dir: string): void => {
  mkdirSync(join(dir, name));
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, name, file), content);
};

/** `inferbench run` of a text model refused over its inputs. */
const text = (name: string, more: readonly string[], setup: (dir: string) => void, line: RegExp, progress = ['resolving model', 'preparing inputs']): FaultCase => ({
  family: 'inputs',
  name,
  args: ['run', '-m', 'small-bert.onnx', ...more, '--cache-dir', 'cache'],
  setup: (dir) => {
    smallBert(dir);
    setup(dir);
  },
  expect: { exitCode: 2, progress, line },
});

/** `inferbench run` of the image model refused over the folder `images`. */
const images = (name: string, setup: (dir: string) => void, line: RegExp): FaultCase => ({
  family: 'inputs',
  name,
  args: ['run', '-m', OCR_MODEL, '--corpus', 'images', '--cache-dir', 'cache'],
  setup,
  expect: { exitCode: 2, progress: ['resolving model', 'preparing inputs'], line },
});

/** `compare` or `merge` refused over the result files it reads. */
const results = (name: string, args: readonly string[], setup: (dir: string) => void, line: RegExp): FaultCase => ({ family: 'inputs', name, args, setup, expect: { exitCode: 2, line } });

const noop = (): void => {};
const firstResult = (dir: string): void => resultFile(dir, 'first.json');
const withCorrupt = (dir: string): void => {
  firstResult(dir);
  writeFileSync(join(dir, 'corrupt.json'), '{"schemaVersion": 2,');
};

/** Corpora, tokenizers, images and result files that are missing, empty or not what they claim. */
export const INPUT_CASES: readonly FaultCase[] = [
  text('an empty corpus', ['--tokenizer', 'bert-base-uncased', '--corpus', 'empty.txt'], (dir) => writeFileSync(join(dir, 'empty.txt'), '\n\n'), /^inferbench: the corpus <dir>\/empty\.txt holds no text; write one sample a line$/),
  text('a binary JSONL corpus', ['--tokenizer', 'bert-base-uncased', '--corpus', 'binary.jsonl'], (dir) => writeFileSync(join(dir, 'binary.jsonl'), BINARY), /^inferbench: <dir>\/binary\.jsonl:1 is not valid JSON \(.+\)$/),
  text('a binary text corpus', ['--tokenizer', 'bert-base-uncased', '--corpus', 'binary.txt'], (dir) => writeFileSync(join(dir, 'binary.txt'), BINARY), /^inferbench: <dir>\/binary\.txt:1 is not text \(.+\); pass a UTF-8 text file, one sample a line$/),
  text('a missing corpus', ['--tokenizer', 'bert-base-uncased', '--corpus', 'nope.txt'], noop, /^inferbench: cannot read the corpus .*nope\.txt \(ENOENT/),
  text('a missing tokenizer', ['--tokenizer', 'nope.json'], noop, /^inferbench: tokenizer .*nope\.json does not exist/),
  text('a binary tokenizer', ['--tokenizer', 'tokenizer.json'], (dir) => writeFileSync(join(dir, 'tokenizer.json'), BINARY), /^inferbench: <dir>\/tokenizer\.json is not valid JSON \(.+\)$/),
  images('a corrupt image', folderOf('images', { 'photo.png': 'not a png' }), /^inferbench: image .*images\/photo\.png cannot be decoded \(.*\); pass a JPEG or PNG file$/),
  images('a zero-byte image', folderOf('images', { 'zero.jpg': '' }), /^inferbench: image <dir>\/images\/zero\.jpg cannot be decoded \(.+\); pass a JPEG or PNG file$/),
  results('compare with a corrupt result', ['compare', 'first.json', 'corrupt.json'], withCorrupt, /^inferbench: <dir>\/corrupt\.json is not valid JSON/),
  results(
    'compare with a result of schema version 1',
    ['compare', 'old.json', 'first.json'],
    (dir) => {
      firstResult(dir);
      resultFile(dir, 'old.json', 1);
    },
    /^inferbench: <dir>\/old\.json has result schema version 1, but this inferbench reads versions 2 and 3/,
  ),
  results('compare with one result', ['compare', 'first.json'], firstResult, /^inferbench: 'inferbench compare' needs a baseline and at least one result to compare with it, got 1 file$/),
  results('compare with a missing result', ['compare', 'first.json', 'missing.json'], firstResult, /^inferbench: cannot read result file <dir>\/missing\.json/),
  results('merge with one result', ['merge', 'first.json'], firstResult, /^inferbench: 'inferbench merge' needs at least two result files, got 1$/),
  results('merge with a corrupt result', ['merge', 'first.json', 'corrupt.json'], withCorrupt, /^inferbench: <dir>\/corrupt\.json is not valid JSON/),
  images('an image folder without images', folderOf('images', { 'notes.txt': 'no pictures here' }), /^inferbench: image directory <dir>\/images has no \.jpg, \.jpeg or \.png files; add some or pass another directory$/),
];
