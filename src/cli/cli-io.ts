import { lstatSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { BenchmarkOptions } from '../pipeline/run-benchmark-options.js';

/** Where a command writes: enough of a stream for text, and whether it is a terminal. */
export interface CliStream {
  /** Writes text as it is. */
  write(text: string): unknown;
  /** True on a terminal: progress bars, colours and the help's width follow it. */
  readonly isTTY?: boolean;
  /** The terminal's width in columns, when it is one. */
  readonly columns?: number;
}

/**
 * Everything the CLI reads from or writes to its process, so that it can run inside another
 * process (tests, a host program) with its own output, environment and working directory.
 * SIGINT stays the process's: Ctrl-C belongs to the whole program.
 */
export interface CliIo {
  /** Reports and results. */
  readonly stdout: CliStream;
  /** Progress, warnings and the one line of an error. */
  readonly stderr: CliStream;
  /** The variables the CLI reads its settings from (MODEL_NAME, BATCH_SIZE…, NO_COLOR, the tools' PATH). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against, and where `results/` goes. */
  readonly cwd: string;
}

/** The process's own streams, environment and working directory. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** `path` against the CLI's working directory; undefined stays undefined. */
export function resolveFrom(io: CliIo, path: string): string;
export function resolveFrom(io: CliIo, path: string | undefined): string | undefined;
export function resolveFrom(io: CliIo, path: string | undefined): string | undefined {
  return path === undefined || isAbsolute(path) ? path : resolve(io.cwd, path);
}

/**
 * Run options that name files, against the CLI's working directory: the cache and the corpus
 * always; the model and the tokenizer only when something is at that path (a broken link or a loop
 * too, so that its refusal names it) or it is plainly a file (`.onnx`, `.json`), as they may also be
 * names (synthetic:bert, org/name, bert-base-uncased).
 */
export function resolveOptionPaths<T extends Pick<BenchmarkOptions, 'cacheDir' | 'corpus' | 'tokenizer'> & { readonly model?: unknown }>(io: CliIo, options: T): T {
  const existing = (path: string | undefined): string | undefined =>
    path !== undefined && (/\.(onnx|json)$/.test(path) || lstatSync(resolveFrom(io, path), { throwIfNoEntry: false }) !== undefined) ? resolveFrom(io, path) : path;
  return {
    ...options,
    cacheDir: resolveFrom(io, options.cacheDir),
    corpus: resolveFrom(io, options.corpus),
    tokenizer: existing(options.tokenizer),
    model: typeof options.model === 'string' ? existing(options.model) : options.model,
  };
}

/** The io a command's run receives from {@link runCli} through citty's `data`. */
export function ioOf(context: { readonly data?: unknown }): CliIo {
  return (context.data as CliIo | undefined) ?? processIo();
}
