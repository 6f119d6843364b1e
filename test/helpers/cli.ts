import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

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

/** Runs the built CLI as a user would, with only the environment given (plus PATH and HOME). */
export async function inferbench(args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<CliRun> {
  const { exitCode, stdout, stderr, timedOut } = await execa('node', [CLI, ...args], {
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
