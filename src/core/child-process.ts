import { execa, type Options, type ResultPromise } from 'execa';
import { abortedError } from './abort.js';

/** How long a helper's process group has to end after SIGTERM before it is killed. */
const END_GRACE_MS = 2_000;

/** How long to wait for a killed helper's exit to be seen; past that it is left, rather than its caller waiting for ever. */
const KILLED_WAIT_MS = 2_000;

/**
 * Every helper runs in its own process group (session), so that ending it ends what it started too: an interpreter
 * wrapper's `python3`, a compile's own workers. It is then also out of the terminal's reach: Ctrl-C comes to
 * inferbench alone, which ends its helpers itself. Windows has no process groups, and `detached` there opens a console.
 */
const OWN_GROUP = { detached: process.platform !== 'win32', cleanup: false } as const;

/** What ending a helper takes of its execa subprocess, whatever its options. */
type Helper = Pick<ResultPromise, 'pid' | 'kill'> & Promise<unknown>;

/** Helpers not yet seen to end: killed, whole groups, if this process exits or is ended by a signal first. */
const running = new Set<Helper>();
let watchingProcess = false;

/** Sends `signal` to a helper's whole process group; to the helper alone where there is none. A group gone is no error. */
function signalGroup(child: Helper, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

/** Kills every helper still running, and all they started, at once: at exit, or when the process must end now. */
export function killAllChildren(): void {
  for (const child of running) signalGroup(child, 'SIGKILL');
}

/** Signals whose default action ends this process, and with it, before, its helpers: no terminal reaches them. */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Kills the helpers when `signal` is about to end this process, then raises it again for its default action. Another
 * listener (the CLI's Ctrl-C, which cancels the run and ends the helpers gracefully) decides what the signal does.
 */
function onEndingSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  killAllChildren();
  process.off(signal, onEndingSignal);
  process.kill(process.pid, signal);
}

/**
 * Starts `file` as a helper in its own process group (see {@link OWN_GROUP}), killed with its group if this process
 * exits, or is ended by a signal, first. Not through execa's `cleanup`: its handler re-raises a SIGINT that another
 * listener handles, which killed inferbench before a Ctrl-C could cancel the run. End a helper with {@link killChild}
 * or {@link endChild}, never `child.kill`, which reaches the helper alone.
 */
export function startChild<const O extends Options>(file: string, args: readonly string[], options: O): ResultPromise<O & typeof OWN_GROUP> {
  const child = execa(file, args, { ...options, ...OWN_GROUP });
  if (!watchingProcess) {
    process.once('exit', killAllChildren);
    for (const signal of ENDING_SIGNALS) process.on(signal, onEndingSignal);
    watchingProcess = true;
  }
  running.add(child);
  const forget = (): void => void running.delete(child);
  child.then(forget, forget);
  return child;
}

/** Kills a helper and everything in its group at once (SIGKILL). */
export function killChild(child: Helper): void {
  signalGroup(child, 'SIGKILL');
}

/** How {@link endChild} ends a helper. */
export interface EndChildOptions {
  /** Sent to the group first; null when the helper was already asked to end another way (a shutdown message). Default SIGTERM. */
  readonly signal?: NodeJS.Signals | null;
  /** How long the helper has to exit before its group is killed; default 2 s. */
  readonly graceMs?: number;
}

/** Resolves true once `promise` settles, false after `ms` if it has not. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}

/**
 * Ends a helper and everything it started: SIGTERM to its group, SIGKILL to the group when it has not exited within the
 * grace period. Resolves once it has exited, or a bounded time after the SIGKILL: a process that cannot die (held in
 * uninterruptible I/O) is left rather than waited on. Resolves true when it was seen to exit.
 */
export async function endChild(child: Helper, options: EndChildOptions = {}): Promise<boolean> {
  const { signal = 'SIGTERM', graceMs = END_GRACE_MS } = options;
  if (signal !== null) signalGroup(child, signal);
  if (await settlesWithin(child, graceMs)) return true;
  killChild(child);
  return settlesWithin(child, KILLED_WAIT_MS);
}

/** How to run a helper to its end with {@link runChild}. */
export interface RunChildOptions {
  /** What the helper does, for the error of a cancelled run: "compiling torchvision:resnet50". */
  readonly what: string;
  /** The helper and its group are ended after this long: no wait on a helper is unbounded. */
  readonly timeoutMs: number;
  /** Ends the helper and its group, and rejects with ABORTED. */
  readonly signal?: AbortSignal;
  /** Written to its stdin; stdin is closed otherwise. */
  readonly input?: string;
  /** Its environment: added to this process's, or the whole of it with `extendEnv` false. */
  readonly env?: NodeJS.ProcessEnv;
  /** Whether `env` adds to this process's environment (default true). */
  readonly extendEnv?: boolean;
}

/** How a helper run by {@link runChild} ended. */
export interface ChildRun {
  /** Its exit code; undefined when it did not start, was killed, or could not be seen to end. */
  readonly exitCode: number | undefined;
  /** True unless it exited 0 within its time. */
  readonly failed: boolean;
  /** True when it outlived `timeoutMs` and was ended. */
  readonly timedOut: boolean;
  /** What it printed on stdout, the final newline removed. */
  readonly stdout: string;
  /** What it printed on stderr, the final newline removed. */
  readonly stderr: string;
}

/**
 * Runs `file` with `args` (never through a shell) as a helper in its own process group, to its end or to `timeoutMs`,
 * whichever comes first. Cancelled through `signal`, its whole group is ended (SIGTERM, then SIGKILL) before this
 * rejects with ABORTED, so that neither the helper nor what it started outlives the cancelled work.
 */
export async function runChild(file: string, args: readonly string[], options: RunChildOptions): Promise<ChildRun> {
  const { what, timeoutMs, signal, input } = options;
  if (signal?.aborted) throw abortedError(what, signal.reason);
  const child = startChild(file, args, { ...(input === undefined ? { stdin: 'ignore' } : { input }), env: options.env, extendEnv: options.extendEnv ?? true, reject: false });
  // Ended, a helper may still not settle (something outside its group holds its output open): it is then left.
  let givenUp = (): void => {};
  const left = new Promise<undefined>((resolve) => (givenUp = () => resolve(undefined)));
  let ending = false;
  const end = (): void => {
    if (!ending) void endChild(child).then(givenUp);
    ending = true;
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    end();
  }, timeoutMs);
  signal?.addEventListener('abort', end, { once: true });
  try {
    const result = await Promise.race([child, left]);
    if (signal?.aborted) throw abortedError(what, signal.reason);
    return {
      exitCode: result?.exitCode,
      failed: result === undefined || result.failed || timedOut,
      timedOut,
      stdout: result?.stdout ?? '',
      stderr: result?.stderr ?? '',
    };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', end);
  }
}
