import { runChild } from '../core/child-process.js';

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
  const result = await runChild(file, args, {
    what: `detecting hardware with ${file}`,
    env: options.env ?? process.env,
    extendEnv: false,
    timeoutMs: options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
    signal: options.signal,
  });
  return result.failed ? undefined : result.stdout;
}
