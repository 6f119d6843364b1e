import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import type { BenchmarkResult } from '../../src/results/benchmark-result.js';
import { DIST_CURRENT, ROOT, TSX_LOADER } from './dist-build.js';

/**
 * Node's arguments that start the CLI: its build in dist/ when that is current (as `npm ci` leaves a clean clone),
 * else its TypeScript source through tsx's loader, which compiles it at every start: about a second of CPU per process.
 */
export const CLI_NODE_ARGS: readonly string[] = DIST_CURRENT ? [join(ROOT, 'dist/cli/main.js')] : ['--import', TSX_LOADER, join(ROOT, 'src/cli/main.ts')];

/**
 * Working directory of runs that name none: a temporary folder, so that no `results/` lands in the working tree.
 * Removed when the test process exits, not after one file: test files that share a process share this module.
 */
const defaultCwd = mkdtempSync(join(tmpdir(), 'inferbench-cwd-'));
process.once('exit', () => rmSync(defaultCwd, { recursive: true, force: true }));

/** What a CLI run left behind. */
export interface CliRun {
  /** Exit status; undefined when the process was killed. */
  readonly exitCode: number | undefined;
  /** Everything printed on stdout. */
  readonly stdout: string;
  /** Everything printed on stderr. */
  readonly stderr: string;
  /** True when the process outlived the timeout and was killed. */
  readonly timedOut: boolean;
}

/** How {@link spawnInferbench} starts the CLI. */
export interface SpawnOptions {
  /** The environment beside PATH and HOME. */
  readonly env?: Record<string, string>;
  /** Working directory; default a temporary folder. */
  readonly cwd?: string;
  /** A command that runs the CLI's `node …` command line given after it, e.g. `unshare` for a mount namespace. */
  readonly wrapper?: readonly string[];
}

/**
 * Starts the CLI as a user would, with only the environment given (plus PATH and HOME); the process can be signalled
 * and its output watched while it runs. Rejects nothing: the result says how it ended.
 */
export function spawnInferbench(args: readonly string[], options: SpawnOptions = {}) {
  const [command = 'node', ...commandArgs] = [...(options.wrapper ?? []), 'node', ...CLI_NODE_ARGS, ...args];
  return execa(command, commandArgs, {
    reject: false,
    // No test may reach a real hub: unless a test serves one, the endpoint is a closed local port.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HF_ENDPOINT: 'http://127.0.0.1:9', ...options.env },
    extendEnv: false,
    cwd: options.cwd ?? defaultCwd,
    // A leftover worker thread would keep the process alive: a hang fails the test instead of passing.
    timeout: 60_000,
  });
}

/** Runs the CLI as a user would, with only the environment given (plus PATH and HOME), in `cwd` (default a temporary folder). */
export async function inferbench(args: readonly string[], env: Record<string, string> = {}, cwd: string = defaultCwd): Promise<CliRun> {
  const { exitCode, stdout, stderr, timedOut } = await spawnInferbench(args, { env, cwd });
  return { exitCode, stdout, stderr, timedOut };
}

/** What an in-process CLI run left behind. */
export interface InProcessRun {
  /** The exit status runCli returned. */
  readonly exitCode: number;
  /** Everything written to stdout, without the final newline (as for a spawned run). */
  readonly stdout: string;
  /** Everything written to stderr, without the final newline. */
  readonly stderr: string;
}

/**
 * Runs the CLI inside this process through its entry function, as `inferbench args…` with only
 * `env` for its environment and `cwd` (default a temporary folder, so that nothing lands in the
 * working tree) as its directory. Neither stream is a terminal. The run reads `env` for the Hugging
 * Face variables and the default cache too; only the Python lookup and hardware detection still
 * read the process's own environment.
 */
export async function runInProcess(args: readonly string[], options: { readonly env?: Record<string, string>; readonly cwd?: string } = {}): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    // As for a spawned run, no test may reach a real hub: unless a test serves one, the endpoint is a closed local port.
    env: { HF_ENDPOINT: 'http://127.0.0.1:9', ...options.env },
    cwd: options.cwd ?? defaultCwd,
  });
  const trim = (text: string): string => text.replace(/\r?\n$/, '');
  return { exitCode, stdout: trim(stdout), stderr: trim(stderr) };
}

/** What {@link runForResult} gives back. */
export interface ResultRun {
  readonly exitCode: number;
  /** The `inferbench:` lines on stderr: refusals and failures, none for a clean run. */
  readonly errorLines: readonly string[];
  /** The result written, when the run wrote one. */
  readonly result: BenchmarkResult | undefined;
}

/** Runs `inferbench run args…` in this process with `env`, its result written into a folder of its own, and reads it. */
export async function runForResult(args: readonly string[], env: Record<string, string> = {}): Promise<ResultRun> {
  const output = join(mkdtempSync(join(tmpdir(), 'inferbench-result-')), 'run.json');
  const run = await runInProcess(['run', ...args, '-o', output], { env });
  const result = existsSync(output) ? (JSON.parse(readFileSync(output, 'utf8')) as BenchmarkResult) : undefined;
  return { exitCode: run.exitCode, errorLines: run.stderr.split('\n').filter((line) => line.startsWith('inferbench:')), result };
}
