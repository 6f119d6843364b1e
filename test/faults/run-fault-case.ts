import { execaSync } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { findPython } from '../../src/runtimes/torch/find-python.js';
import { runInProcess, spawnInferbench } from '../helpers/cli.js';
import { escapeRegExp, type FaultCase, type FaultSignal } from './fault-case.js';

/** What the cases of one suite share. */
export interface FaultSuite {
  /** Folder the cases' own folders are made in. */
  readonly root: string;
  /** The model cache every case finds as `cache` in its folder, so that a built-in model is generated once. */
  readonly cacheDir: string;
  /** Origin of the fake hub that spawned cases reach as HF_ENDPOINT. */
  readonly hubUrl: string;
}

/** A printed character that could move the cursor, clear the screen or set the window title. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** How long processes a case started may take to go once the CLI has exited. */
const ORPHAN_GRACE_MS = 5000;

/** What a refused command may leave in its folder: the shared caches, where writing is their purpose. */
const MAY_LEAVE = /^(cache|hf)(\/|$)/;

// The probes cost a torch import and a namespace each: once per process.
const torchPython = await findPython({ requireTorch: true }).catch(() => undefined);
const hasTorch = torchPython !== undefined;
const canMountTmpfs = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'inferbench-tmpfs-probe-'));
  try {
    return execaSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=4k tmpfs "$0"', probe], { reject: false }).exitCode === 0;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

/** Why this machine cannot run `fault`, if it cannot. */
export function unmetNeed(fault: FaultCase): string | undefined {
  if (fault.needsTorch && !hasTorch && !process.env.CI) return 'no Python with torch';
  if (fault.fullDisk !== undefined && !canMountTmpfs) return 'no tmpfs in a user namespace';
  return undefined;
}

/** `text` with `<dir>` standing for `dir`, as a pattern or as text. */
const withDir = (text: string, dir: string, escape: boolean): string => text.replaceAll('<dir>', escape ? escapeRegExp(dir) : dir);
const patternIn = (pattern: RegExp, dir: string): RegExp => new RegExp(withDir(pattern.source, dir, true), pattern.flags);

/** What lies under `dir` but what a refused command may leave, by relative path. */
const entriesUnder = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((path) => !MAY_LEAVE.test(path)).sort();

/** Live processes whose environment holds `mark` (`NAME=value`); a zombie's reads empty. */
function processesMarked(mark: string): number[] {
  const environOf = (pid: string): string[] => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
    } catch {
      return []; // gone since listed, or not ours
    }
  };
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && environOf(entry).includes(mark)).map(Number);
}

/** Whether process `pid` is a Python model copy (python/inferbench_worker.py). */
function isPythonCopy(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('inferbench_worker.py');
  } catch {
    return false;
  }
}

/** Sends `signal` to `pid`; one that has just ended is no error. */
function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone since listed
  }
}

/** The processes `mark` still names after `graceMs`; each is killed, so that no case leaves one running. */
async function survivors(mark: string, graceMs: number): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  let alive = processesMarked(mark);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = processesMarked(mark);
  }
  for (const pid of alive) signalProcess(pid, 'SIGKILL');
  return alive;
}

/** Runs the CLI as a process, sending `signal` when its stderr shows the line; `signalled` counts who got it. */
async function runSpawned(fault: FaultCase, args: readonly string[], dir: string, env: Record<string, string>, mark: string) {
  const wrapper = fault.fullDisk === undefined ? undefined : ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=4k tmpfs "$0" && exec "$@"', join(dir, fault.fullDisk)];
  const child = spawnInferbench(args, { env, cwd: dir, ...(wrapper ? { wrapper } : {}) });
  let signalled = 0;
  const send = ({ signal, to = 'cli' }: FaultSignal): void => {
    const pids = to === 'cli' ? [child.pid!] : processesMarked(mark).filter(isPythonCopy);
    for (const pid of pids) signalProcess(pid, signal);
    signalled = pids.length;
  };
  if (fault.signal !== undefined) {
    const signal = fault.signal;
    let seen = '';
    // Whole lines only: the line that reports an interruption while measuring holds 'measuring' too.
    child.stderr.on('data', function watch(chunk: Buffer) {
      seen += chunk.toString();
      if (!seen.split('\n').slice(0, -1).includes(signal.atLine)) return;
      child.stderr.off('data', watch);
      setTimeout(() => send(signal), signal.afterMs ?? 0);
    });
  }
  const run = await child;
  return { ...run, signalled };
}

/** Runs one case and checks the catalogue's promises: bounded, the documented status, one clear line, no orphan, nothing lost. */
export async function runFaultCase(fault: FaultCase, suite: FaultSuite): Promise<void> {
  const dir = mkdtempSync(join(suite.root, 'case-'));
  symlinkSync(suite.cacheDir, join(dir, 'cache'));
  if (fault.fullDisk !== undefined) mkdirSync(join(dir, fault.fullDisk));
  fault.setup?.(dir);
  const before = entriesUnder(dir);
  const args = fault.args.map((arg) => withDir(arg, dir, false));
  // Every case reaches the fake hub, and keeps its Hugging Face cache in its own folder. A case that needs torch runs
  // the interpreter the probe above found to import it, unless it names its own: the one its skipping was decided by,
  // which the CLI then need not find past the candidates before it (a `python3` shim without torch takes half a second
  // of CPU to refuse).
  const python: Record<string, string> = fault.needsTorch && torchPython !== undefined ? { INFERBENCH_PYTHON: torchPython.path } : {};
  const env = {
    HF_ENDPOINT: suite.hubUrl,
    HF_HUB_CACHE: join(dir, 'hf'),
    ...python,
    ...Object.fromEntries(Object.entries(fault.env ?? {}).map(([name, value]) => [name, withDir(value, dir, false)])),
  };
  let run: { readonly exitCode: number | undefined; readonly stdout: string; readonly stderr: string };
  if (fault.spawn) {
    // Marks the processes of this case: its Python copies inherit the CLI's environment.
    const runId = `fault-${process.pid}-${Date.now()}-${Math.random()}`;
    const mark = `INFERBENCH_TEST_RUN=${runId}`;
    const spawned = await runSpawned(fault, args, dir, { INFERBENCH_TEST_RUN: runId, ...env }, mark);
    expect(await survivors(mark, ORPHAN_GRACE_MS), 'processes left running').toEqual([]);
    // The generous hang guard of the spawn, never a tight bound a busy machine could break.
    expect(spawned.timedOut, spawned.stderr).toBe(false);
    if (fault.signal !== undefined) expect(spawned.signalled, 'processes the signal reached').toBeGreaterThan(0);
    run = { exitCode: spawned.exitCode, stdout: spawned.stdout, stderr: spawned.stderr };
  } else {
    // What Node would print on the CLI's stderr (a listener-leak warning) goes to this process's: caught here.
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      run = await runInProcess(args, { env, cwd: dir });
      await new Promise(setImmediate);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings, 'warnings Node printed').toEqual([]);
  }
  const { exitCode, line, progress = [], stdout, kept } = fault.expect;
  expect(run.exitCode, run.stderr).toBe(exitCode);
  // One clear line: the progress lines expected, then the error line (none when it succeeds), and nothing else (no
  // stack, no warning).
  const lines = run.stderr.split('\n');
  expect(line === undefined ? lines : lines.slice(0, -1), run.stderr).toEqual(progress);
  if (line !== undefined) expect(lines.at(-1)).toMatch(patternIn(line, dir));
  expect(`${run.stdout}${run.stderr}`).not.toMatch(CONTROL_CHARACTER);
  if (stdout === undefined) expect(run.stdout).toBe('');
  else expect(run.stdout).toMatch(patternIn(stdout, dir));
  if (kept !== undefined) kept(dir, run);
  else if (exitCode === 2) expect(entriesUnder(dir), 'what a refused command wrote').toEqual(before);
}
