import { execa } from 'execa';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Node's arguments that start the CLI from its TypeScript source, wherever the process runs: tsx's
 * loader by absolute path, since a bare `--import tsx` resolves from the working directory.
 */
export const CLI_NODE_ARGS = [
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
  fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url)),
] as const;

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

/** Runs the CLI as a user would, with only the environment given (plus PATH and HOME). */
export async function inferbench(args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<CliRun> {
  const { exitCode, stdout, stderr, timedOut } = await execa('node', [...CLI_NODE_ARGS, ...args], {
    reject: false,
    // No test may reach a real hub: unless a test serves one, the endpoint is a closed local port.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HF_ENDPOINT: 'http://127.0.0.1:9', ...env },
    extendEnv: false,
    cwd,
    // A leftover worker thread would keep the process alive: a hang fails the test instead of passing.
    timeout: 60_000,
  });
  return { exitCode, stdout, stderr, timedOut };
}
