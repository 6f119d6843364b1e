import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { bannerPython, smallBert, torchModule, wholeResult } from './case-files.js';
import type { FaultCase } from './fault-case.js';

const RUN_PHASES = ['resolving model', 'preparing inputs', 'compiling', 'loading model copies', 'warming up', 'measuring'];
// A PyTorch model is compiled before its inputs are made: they come from the compile.
const TORCH_PHASES = ['resolving model', 'compiling', 'preparing inputs', 'loading model copies', 'warming up', 'measuring'];

/** Files, not folders, under `dir`, by relative path; none where it does not exist. */
const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((path) => statSync(join(dir, path)).isFile()) : [];

/**
 * `inferbench run args…` (writing `-o none.json`) interrupted by Ctrl-C once it prints `phase`, a phase before
 * measuring: one ABORTED line, exit 130, and no result; `kept` checks what else must not be left.
 */
function cancelledWhile(name: string, phase: string, args: readonly string[], extra: { readonly setup?: FaultCase['setup']; readonly kept?: (dir: string) => void } = {}): FaultCase {
  return {
    family: 'signals',
    name: `SIGINT while ${name}`,
    args: ['run', ...args, '-o', 'none.json'],
    ...(extra.setup === undefined ? {} : { setup: extra.setup }),
    spawn: true,
    signal: { atLine: phase, signal: 'SIGINT' },
    expect: {
      exitCode: 130,
      progress: RUN_PHASES.slice(0, RUN_PHASES.indexOf(phase) + 1),
      // The run the user asked for, not the temporary files of a step inside it.
      line: /^inferbench: the run was cancelled before it finished$/,
      kept: (dir) => {
        expect(existsSync(join(dir, 'none.json'))).toBe(false);
        extra.kept?.(dir);
      },
    },
  };
}

/** Model copies that print garbage, crash or cannot keep up, and Ctrl-C at every phase. */
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
    // A quarter of a second into measuring: hundreds of requests have completed by then, at a fraction of a millisecond each.
    signal: { atLine: 'measuring', afterMs: 250, signal: 'SIGKILL', to: 'python-copies' },
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
    family: 'workers',
    name: 'an open loop far beyond what the copy serves',
    // The built-in BERT's copy, on one thread, serves a few dozen queries a second here (its arithmetic holds it to a few
    // hundred on any core): the 1,500 queries sent in a quarter of a second are many times what it serves in that time
    // and the 2-s grace after it, at a fraction of the scheduling work of a tiny model driven past its own, far higher,
    // capacity. The copy computes flat out for the whole duration and grace: a longer duration would prove nothing more.
    args: ['run', '--scenario', 'open', '--rate-qps', '6000', '-d', '250ms', '--intra-op-threads-per-copy', '1', '--cache-dir', 'cache', '-o', 'overloaded.json'],
    expect: {
      exitCode: 0,
      progress: RUN_PHASES,
      stdout: /verdict {2}INVALID/,
      // Its duration over, the run waited a grace for the backlog, not until the copy's queue emptied: what was still
      // waiting then is counted unfinished, and the verdict says the offered load was beyond capacity.
      kept: (dir) => {
        const { measurement, verdict } = wholeResult(join(dir, 'overloaded.json'));
        expect(measurement.stopReason).toBe('duration');
        expect(measurement.offeredLoad?.unfinishedQueries).toBeGreaterThan(0);
        expect(verdict.reasons.map((reason) => reason.code)).toContain('OVERLOADED');
      },
    },
  },
  // A cache of its own, where bert-base's 110 M weights take seconds to draw: the signal comes amid them, and no model,
  // whole or half, lands in the cache.
  cancelledWhile('generating the model', 'resolving model', ['-m', 'synthetic:bert-base', '--cache-dir', 'own-cache'], {
    kept: (dir) => expect(filesUnder(join(dir, 'own-cache'))).toEqual([]),
  }),
  // Tokenizing 100,000 texts takes many seconds: the signal comes amid them.
  cancelledWhile('preparing inputs', 'preparing inputs', ['-m', 'small-bert.onnx', '--tokenizer', 'bert-base-uncased', '-b', '1', '--input-count', '100000', '--cache-dir', 'cache'], { setup: smallBert }),
  // The built-in BERT takes a second or more to optimise and check; no other case compiles it for batch 3. ONNX Runtime's
  // half-made artifact is removed with the compile.
  cancelledWhile('compiling', 'compiling', ['-m', 'synthetic:bert', '-b', '3', '--cache-dir', 'cache'], {
    kept: (dir) => expect(filesUnder(join(dir, 'cache', 'compiled')).filter((path) => path.includes('.tmp'))).toEqual([]),
  }),
  {
    family: 'signals',
    name: 'SIGINT while measuring',
    args: ['run', '-m', 'small-bert.onnx', '--tokenizer', 'bert-base-uncased', '--duration', '60s', '--copies', '2', '--cache-dir', 'cache', '-o', 'interrupted.json'],
    setup: smallBert,
    spawn: true,
    // A quarter of a second into measuring, so that queries have completed (hundreds, at a millisecond each): both copies
    // compute flat out until the signal, so a longer wait proves nothing more.
    signal: { atLine: 'measuring', afterMs: 250, signal: 'SIGINT' },
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
    name: 'SIGINT while a fleet shard measures',
    args: ['sweep', '-m', 'small-bert.onnx', '--tokenizer', 'bert-base-uncased', '--batch-size-list', '1,2', '--duration', '60s', '--results', 'fleet', '--cache-dir', 'cache'],
    setup: smallBert,
    spawn: true,
    // Two seconds after the first configuration starts: measuring, on any host that compiles the small BERT in less.
    signal: { atLine: 'local batchSize=1', afterMs: 2000, signal: 'SIGINT' },
    expect: {
      exitCode: 130,
      progress: ['local batchSize=1'],
      line: /^inferbench: (the shard was interrupted during batchSize=1; run it again to resume|.* was cancelled before it finished)$/,
      // The plan is stored; the configuration cut short is not: the shard's next run measures it.
      kept: (dir) => expect(readdirSync(join(dir, 'fleet'))).toEqual(['plan.json']),
    },
  },
  cancelledWhile('warming up', 'warming up', ['-m', 'small-bert.onnx', '--tokenizer', 'bert-base-uncased', '--warmup-queries', '1000000', '--cache-dir', 'cache'], { setup: smallBert }),
  {
    family: 'signals',
    name: 'SIGINT while Python copies measure',
    args: ['run', '-m', 'tinymodel:build', '-b', '2', '--copies', '2', '--duration', '60s', '--cache-dir', 'cache', '-o', 'interrupted.json'],
    setup: torchModule,
    spawn: true,
    needsTorch: true,
    // A quarter of a second into measuring: both copies have served hundreds of requests by then.
    signal: { atLine: 'measuring', afterMs: 250, signal: 'SIGINT' },
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
