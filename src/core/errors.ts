/** What kind of failure an {@link InferbenchError} reports; stable strings that programs may switch on. */
export type InferbenchErrorCode =
  /** An option has a value that cannot be used (a batch size of 0, an unknown flag). */
  | 'INVALID_OPTION'
  /** The model (or one of its files) does not exist: no such path, a 404 from the hub, not in the cache offline. */
  | 'MODEL_NOT_FOUND'
  /** The hub refused access (401/403): a private or gated repo, or a wrong token. */
  | 'ACCESS_DENIED'
  /** The model file exists but is not a model the backend can load. */
  | 'MODEL_INVALID'
  /** An input name or shape does not match what the model takes. */
  | 'INPUT_MISMATCH'
  /** Compiling a model for a batch size failed. */
  | 'COMPILE_FAILED'
  /** A model copy (worker thread or process) failed while loading or running. */
  | 'WORKER_FAILED'
  /** A download failed for a reason other than the file's absence (network, server, disk). */
  | 'DOWNLOAD_FAILED'
  /** A fleet's results store (a shared folder, an S3 bucket) or job engine failed for a reason other than bad input: network, server. */
  | 'STORAGE_FAILED'
  /** A result or histogram file cannot be read back: corrupt, or of another schema. */
  | 'RESULT_INVALID'
  /** A measured result could not be written where asked (a full disk, a folder gone); it was written elsewhere. */
  | 'RESULT_NOT_WRITTEN'
  /** A generated model or compiled artifact could not be written into the cache for want of room; a cache path that cannot work is INVALID_OPTION. */
  | 'CACHE_NOT_WRITTEN'
  /** The run was cancelled through its AbortSignal. */
  | 'ABORTED';

/**
 * The one error class inferbench throws on purpose. `message` is a single line that says what is wrong,
 * which value, and how to fix it; the CLI prints it without a stack trace.
 */
export class InferbenchError extends Error {
  /** Machine-readable kind of failure. */
  readonly code: InferbenchErrorCode;

  constructor(code: InferbenchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InferbenchError';
    this.code = code;
  }
}

/** The first line of an error's message: runtime errors (ORT's among them) can span pages. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? message;
}

/** True when `error` is an {@link InferbenchError}; narrows its type for `code`. */
export function isInferbenchError(error: unknown): error is InferbenchError {
  return error instanceof InferbenchError;
}
