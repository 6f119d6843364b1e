import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { RESULT_TEXT, fifo, resultFile, smallBert, wholeResult } from './case-files.js';
import type { FaultCase } from './fault-case.js';

/** `inferbench run` refused before measuring: its result could not go where asked. */
const unwritable = (name: string, output: readonly string[], line: RegExp, setup?: (dir: string) => void): FaultCase => ({
  family: 'outputs',
  name,
  args: ['run', ...output, '--cache-dir', 'cache'],
  ...(setup ? { setup } : {}),
  expect: { exitCode: 2, line },
});

/** Result paths that cannot be written, and a disk that fills up while measuring. */
export const OUTPUT_CASES: readonly FaultCase[] = [
  unwritable(
    '--output an existing folder',
    ['--output', 'out'],
    /^inferbench: cannot write the result to <dir>\/out: it is a folder; pass -o <dir>\/out to write a new result into it, or name a file$/,
    (dir) => mkdirSync(join(dir, 'out')),
  ),
  unwritable(
    '-o a .json name that is a folder',
    ['-o', 'out.json'],
    /^inferbench: cannot write the result to <dir>\/out\.json: it is a folder; pass -o <dir>\/out\.json to write a new result into it, or name a file$/,
    (dir) => mkdirSync(join(dir, 'out.json')),
  ),
  unwritable('-o under a device', ['-o', '/dev/null/result.json'], /^inferbench: cannot write the result into \/dev\/null: it is a device, not a folder; name a writable folder$/),
  unwritable('--output a FIFO', ['--output', 'pipe'], /^inferbench: cannot write the result to .*pipe: it is a FIFO; name a file$/, (dir) => fifo(dir, 'pipe')),
  unwritable('--output /dev/full', ['--output', '/dev/full'], /^inferbench: cannot write the result to \/dev\/full: it is a device; name a file$/),
  unwritable('-o /dev/full', ['-o', '/dev/full'], /^inferbench: cannot write the result into \/dev\/full: it is a device, not a folder; name a writable folder$/),
  {
    family: 'outputs',
    name: '-o a new folder, for a run refused after the output check',
    args: ['run', '-o', 'new/folder', '--sequence-length', '100000', '--cache-dir', 'cache'],
    // Checked, not made: the folder would be made only to write the result.
    expect: { exitCode: 2, progress: ['resolving model'], line: /^inferbench: synthetic-bert \(.*\) takes at most 512 tokens/ },
  },
  {
    family: 'outputs',
    name: 'sweep --output-dir a file',
    args: ['sweep', '--output-dir', 'notes.txt', '--batch-size-list', '1,2', '--cache-dir', 'cache'],
    setup: (dir) => writeFileSync(join(dir, 'notes.txt'), 'not a folder\n'),
    expect: { exitCode: 2, line: /^inferbench: cannot write the sweep into <dir>\/notes\.txt: it is a file, not a folder; pass another --output-dir$/ },
  },
  {
    family: 'outputs',
    name: '--cache-dir under /proc, where no folder can be made',
    args: ['run', '-m', 'small-bert.onnx', '--tokenizer', 'bert-base-uncased', '--cache-dir', '/proc/self/nonexistent'],
    setup: smallBert,
    expect: {
      exitCode: 2,
      progress: ['resolving model', 'preparing inputs', 'compiling'],
      line: /^inferbench: cannot use \/proc\/self\/nonexistent as the cache folder: \/proc\/self cannot be written \(.+\); make it writable, or point the cache elsewhere with --cache-dir or INFERBENCH_CACHE_DIR$/,
    },
  },
  {
    family: 'outputs',
    name: 'merge a b -o a',
    args: ['merge', 'first.json', 'second.json', '-o', 'first.json'],
    setup: (dir) => {
      resultFile(dir, 'first.json');
      resultFile(dir, 'second.json');
    },
    expect: {
      exitCode: 2,
      line: /^inferbench: the merged result would overwrite its input first\.json; write it to another file$/,
      kept: (dir) => expect(readFileSync(join(dir, 'first.json'), 'utf8')).toBe(RESULT_TEXT),
    },
  },
  {
    family: 'outputs',
    name: 'a disk that is full when the result is written',
    // The sequence length the signals family's runs of the small BERT use too: one compiled artifact serves them all.
    args: ['run', '-m', 'small-bert.onnx', '--tokenizer', 'bert-base-uncased', '-n', '20', '--cache-dir', 'cache', '-o', 'full'],
    setup: smallBert,
    spawn: true,
    fullDisk: 'full',
    expect: {
      exitCode: 1,
      progress: ['resolving model', 'preparing inputs', 'compiling', 'loading model copies', 'warming up', 'measuring'],
      line: /^inferbench: cannot write the result to <dir>\/full\/[^/]+\.json \(ENOSPC: no space left on device, write\); it is kept in \/\S+\.json instead$/,
      stdout: /^errors +none$/m,
      // What was measured is whole in the temporary folder; the case removes it from there.
      kept: (_dir, run) => {
        const fallback = / it is kept in (\S+) instead$/.exec(run.stderr)![1]!;
        expect(wholeResult(fallback).measurement.stopReason).toBe('query-count');
        rmSync(fallback);
      },
    },
  },
];
