import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { bannerPython, smallBert, torchModule, wholeResult } from './case-files.js';
import type { FaultCase } from './fault-case.js';

const RUN_PHASES = ['resolving model', 'preparing inputs', 'compiling', 'loading model copies', 'warming up', 'measuring'];
// A PyTorch model is compiled before its inputs are made: they come from the compile.
const TORCH_PHASES = ['resolving model', 'compiling', 'preparing inputs', 'loading model copies', 'warming up', 'measuring'];

/** Python model copies that print garbage or crash, and Ctrl-C at the phases where it is handled today. */
export const PROCESS_CASES: readonly FaultCase[] = [
  {
    family: 'workers',
    name: 'a Python interpreter that prints a banner',
    args: ['run', '-m', 'tinymodel:build', '-b', '2', '-n', '10', '--cache-dir', 'cache'],
    env: { INFERBENCH_PYTHON: '<dir>/python-with-banner' },
    setup: (dir) => {
      torchModule(dir);
      bannerPython(dir);
    },
    spawn: true,
    needsTorch: true,
    expect: {
      exitCode: 1,
      progress: TORCH_PHASES.slice(0, 4),
      line: /^inferbench: model copy 0 wrote what is not the worker protocol on its stdout \(not a frame: "Welcome to Python!\\n.*\): something in its Python prints there \(a banner, a sitecustomize\); remove it, or set INFERBENCH_PYTHON to an interpreter that does not$/,
    },
  },
  {
    family: 'workers',
    name: 'a Python copy killed while measuring',
    args: ['run', '-m', 'tinymodel:build', '-b', '2', '--duration', '30s', '--cache-dir', 'cache', '-o', 'crashed.json'],
    setup: torchModule,
    spawn: true,
    needsTorch: true,
    signal: { atLine: 'measuring', afterMs: 500, signal: 'SIGKILL', to: 'python-copies' },
    expect: {
      exitCode: 1,
      progress: TORCH_PHASES,
      line: /^inferbench: \d+ of \d+ requests failed; first WORKER_FAILED: model copy 0 \(python pid \d+\) was killed by SIGKILL; its stderr ends: .+$/,
      stdout: /stop: copies-failed/,
      // Every copy gone, the run stops issuing at once and keeps what it measured.
      kept: (dir) => {
        const { measurement } = wholeResult(join(dir, 'crashed.json'));
        expect(measurement.stopReason).toBe('copies-failed');
        expect(measurement.errors.byKind.WORKER_FAILED?.count).toBeGreaterThan(0);
      },
    },
  },
  {
    family: 'signals',
    name: 'SIGINT while measuring',
    args: ['run', '-m', 'small-bert.onnx', '--tokenizer', 'bert-base-uncased', '--duration', '60s', '--copies', '2', '--cache-dir', 'cache', '-o', 'interrupted.json'],
    setup: smallBert,
    spawn: true,
    // A second into measuring, so that queries have completed.
    signal: { atLine: 'measuring', afterMs: 1000, signal: 'SIGINT' },
    expect: {
      exitCode: 130,
      progress: RUN_PHASES,
      line: /^inferbench: interrupted while measuring; the \d+ queries completed until then are kept in the result$/,
      stdout: /stop: interrupted/,
      kept: (dir, run) => {
        const output = join(dir, 'interrupted.json');
        const result = wholeResult(output);
        const { completedQueries, stopReason, latency, errors } = result.measurement;
        expect(stopReason).toBe('interrupted');
        expect(latency.count).toBe(completedQueries);
        // Requests cut short by the interruption did not fail.
        expect(errors.total).toBe(0);
        expect(result.verdict.reasons[0]).toMatchObject({ code: 'INTERRUPTED' });
        expect(run.stdout).toContain(`result   ${output}`);
        expect(run.stderr).toContain(`the ${completedQueries} queries completed until then`);
      },
    },
  },
  {
    family: 'signals',
    name: 'SIGINT while warming up',
    args: ['run', '-m', 'small-bert.onnx', '--tokenizer', 'bert-base-uncased', '--warmup-queries', '1000000', '--cache-dir', 'cache', '-o', 'none.json'],
    setup: smallBert,
    spawn: true,
    signal: { atLine: 'warming up', signal: 'SIGINT' },
    expect: {
      exitCode: 130,
      progress: RUN_PHASES.slice(0, 5),
      line: /^inferbench: the run was cancelled before it finished$/,
      kept: (dir) => expect(existsSync(join(dir, 'none.json'))).toBe(false),
    },
  },
  {
    family: 'signals',
    name: 'SIGINT while Python copies measure',
    args: ['run', '-m', 'tinymodel:build', '-b', '2', '--copies', '2', '--duration', '60s', '--cache-dir', 'cache', '-o', 'interrupted.json'],
    setup: torchModule,
    spawn: true,
    needsTorch: true,
    signal: { atLine: 'measuring', afterMs: 500, signal: 'SIGINT' },
    expect: {
      exitCode: 130,
      progress: TORCH_PHASES,
      line: /^inferbench: interrupted while measuring; the \d+ queries completed until then are kept in the result$/,
      stdout: /stop: interrupted/,
      // Both copies were Python processes that served requests; the runner saw none left after the exit.
      kept: (dir) => {
        const { backend, measurement } = wholeResult(join(dir, 'interrupted.json'));
        expect(backend).toMatchObject({ name: 'pytorch-cpu', copies: 2 });
        expect(measurement.requestsPerCopy.every((count) => count > 0)).toBe(true);
      },
    },
  },
];
