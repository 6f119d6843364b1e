/** The families of the fault catalogue, in the order the suite and `npm run bench` list them. */
export const FAULT_FAMILIES = ['flags', 'models', 'inputs', 'outputs', 'terminal', 'hub', 'workers', 'signals'] as const;

/** What kind of fault a case is. */
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

/** A signal sent to a running CLI once its stderr shows a progress line. */
export interface FaultSignal {
  /** The progress line that starts the wait, e.g. `measuring`. */
  readonly atLine: string;
  /** How long after that line, so that the phase has done some work; default at once. */
  readonly afterMs?: number;
  /** The signal, e.g. SIGINT for Ctrl-C. */
  readonly signal: NodeJS.Signals;
  /** Who gets it: the CLI, as from a terminal, or its Python model copies, as in a crash. Default the CLI. */
  readonly to?: 'cli' | 'python-copies';
}

/** How a case must end. `<dir>` in a pattern stands for the case's folder. */
export interface FaultExpectation {
  /** The exit status the README's table gives the fault. */
  readonly exitCode: number;
  /** The one `inferbench:` line, the last on stderr; none for a run that succeeds, whose stderr is its progress alone. */
  readonly line?: RegExp;
  /** The progress lines before it, in order; default none. */
  readonly progress?: readonly string[];
  /** What stdout holds; default nothing. */
  readonly stdout?: RegExp;
  /**
   * Nothing lost: checks what the case's folder holds afterwards, given what the CLI printed. Default: a
   * refused command (exit 2) left the folder as it was.
   */
  readonly kept?: (dir: string, run: { readonly stdout: string; readonly stderr: string }) => void;
}

/** One hostile case: how to provoke the fault, and how inferbench must answer it. */
export interface FaultCase {
  /** Its family. */
  readonly family: FaultFamily;
  /** What is wrong, e.g. "a batch size of 0". */
  readonly name: string;
  /**
   * `inferbench` arguments. Relative paths are in the case's own folder, its working directory, where `cache` is the
   * catalogue's shared model cache; `<dir>` stands for that folder. In the flags family the flag right after the
   * command is the one whose value is tried.
   */
  readonly args: readonly string[];
  /** Environment of the CLI; `<dir>` stands for the case's folder. Spawned cases also get the fake hub as HF_ENDPOINT. */
  readonly env?: Readonly<Record<string, string>>;
  /** Writes the files the case needs into its folder. */
  readonly setup?: (dir: string) => void;
  /** Runs the CLI as a process, for what only a process shows: signals, processes left behind, the Hugging Face variables. */
  readonly spawn?: boolean;
  /** A signal sent while it runs; only with `spawn`. */
  readonly signal?: FaultSignal;
  /** A folder of the case's that is a full disk (a 4 KiB tmpfs in the CLI's own mount namespace); only with `spawn`. */
  readonly fullDisk?: string;
  /**
   * Needs a Python that imports torch: skipped where there is none, except in CI. The CLI gets the interpreter found as
   * INFERBENCH_PYTHON, unless `env` names another.
   */
  readonly needsTorch?: boolean;
  /** How it must end. */
  readonly expect: FaultExpectation;
}

/** `text` as a pattern that matches it literally, for building a case's expected line. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
