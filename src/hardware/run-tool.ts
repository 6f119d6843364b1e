import { execa } from 'execa';
import { InferbenchError } from '../core/errors.js';

/** Default limit on one external tool: a wedged driver can make nvidia-smi or neuron-ls hang. */
export const DEFAULT_TOOL_TIMEOUT_MS = 5000;

/** How to run one external tool. */
export interface RunToolOptions {
  /** Kill the tool after this long and treat it as absent (default {@link DEFAULT_TOOL_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** The tool's whole environment, PATH included, which is also where the tool is looked up (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Cancels the run; an abort is an ABORTED error, unlike a failing tool. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `file` with `args` (never through a shell) and returns its stdout, or undefined when the tool
 * is missing, exits non-zero or outlives the timeout: detection treats all of those as "not present".
 */
export async function runTool(file: string, args: readonly string[], options: RunToolOptions = {}): Promise<string | undefined> {
  options.signal?.throwIfAborted();
  const result = await execa(file, args, {
    env: options.env ?? process.env,
    extendEnv: false,
    timeout: options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
    cancelSignal: options.signal,
    stdin: 'ignore',
    reject: false,
  });
  if (result.isCanceled) throw new InferbenchError('ABORTED', `hardware detection was cancelled while running ${file}`);
  return result.failed ? undefined : result.stdout;
}
