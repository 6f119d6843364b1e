import { fileURLToPath } from 'node:url';
import type { ResultPromise } from 'execa';
import { endChild, killChild, startChild } from '../../core/child-process.js';
import { monotonicNowNs } from '../../core/clock.js';
import { InferbenchError, firstLine } from '../../core/errors.js';
import type { NamedTensors } from '../../tensors/tensor.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, type InferenceTiming, type ModelCopy } from '../../backends/backend.js';
import {
  FrameReader,
  PythonMessage,
  decodeDone,
  encodeFrame,
  encodeInputsFrame,
  encodeJsonFrame,
  encodeRunFrame,
  type PythonFrame,
  type PythonLoadHeader,
  type PythonMessageType,
} from './python-protocol.js';

/** The worker script: python/ sits beside src/ and dist/, three levels above this module. */
export const PYTHON_WORKER_PATH = fileURLToPath(new URL('../../../python/inferbench_worker.py', import.meta.url));

/** Options of {@link PythonModelCopy.start}. */
export interface PythonModelCopyOptions {
  /** Position of the copy. */
  readonly index: number;
  /** Interpreter that runs the worker. */
  readonly pythonPath: string;
  /** What the worker loads. */
  readonly load: PythonLoadHeader;
  /** The input set, sent once. */
  readonly feeds: readonly NamedTensors[];
  /** Variables added to the worker's environment (NeuronCore placement). */
  readonly env?: Readonly<Record<string, string>>;
  /** An inference that takes longer fails the copy, and its process is killed; default {@link DEFAULT_REQUEST_TIMEOUT_MS}. Loading has its own limit. */
  readonly requestTimeoutMs?: number;
  /** Starting, loading the model and taking the inputs fail the copy past this long, and its process is killed; default 10 minutes. */
  readonly loadTimeoutMs?: number;
  /** Cancels loading; the process is killed. */
  readonly signal?: AbortSignal;
}

/** Every wait on a worker is bounded, its start too: a Neuron copy can take minutes to load a large model onto its cores. */
const DEFAULT_LOAD_TIMEOUT_MS = 10 * 60_000;

/** How long close() waits for the worker to exit after SHUTDOWN before killing it. */
const CLOSE_GRACE_MS = 2_000;

/** The largest answer a worker sends (LOADED's versions, an ERROR's message); anything longer is not a frame. */
const MAX_ANSWER_FRAME_BYTES = 1 << 20;

/** Bytes of stderr kept for error messages. */
const STDERR_TAIL_BYTES = 4096;

/** A request waiting for, or awaiting, its answer. */
interface PendingRequest {
  /** Bytes of the request frame. */
  readonly chunks: readonly Buffer[];
  /** Answer that completes it. */
  readonly answer: PythonMessageType;
  /** What failed, for messages: "failed on sample 3". */
  readonly what: string;
  /** How long the answer may take once the request is written; undefined for no limit. */
  readonly timeoutMs: number | undefined;
  /** Called with the answer's payload and the monotonic time the request was written. */
  readonly resolve: (payload: Buffer, sentNs: number) => void;
  /** Called with the failure. */
  readonly reject: (error: InferbenchError) => void;
}

/**
 * A model copy in its own Python process (python/inferbench_worker.py), talking frames over
 * stdin/stdout. Requests wait here and enter the process one at a time, so the moment a RUN is
 * written is when its compute starts, give or take the pipe's latency: that send time is the
 * reported `computeStartNs`, since the worker's clock is not readable from here.
 */
export class PythonModelCopy implements ModelCopy {
  /** Position of this copy, 0-based. */
  readonly index: number;
  readonly #process: ResultPromise<{ stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; buffer: false; reject: false }>;
  readonly #queue: PendingRequest[] = [];
  readonly #requestTimeoutMs: number;
  #inFlight: { request: PendingRequest; sentNs: number; timer: NodeJS.Timeout | undefined } | undefined;
  #stderrTail = '';
  #failure: InferbenchError | undefined;
  #closing: Promise<void> | undefined;
  #exited = false;

  private constructor(options: PythonModelCopyOptions) {
    this.index = options.index;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    // In its own process group, killed with it at exit (startChild).
    this.#process = startChild(options.pythonPath, ['-u', PYTHON_WORKER_PATH], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, env: options.env });
    const reader = new FrameReader(MAX_ANSWER_FRAME_BYTES);
    this.#process.stdout.on('data', (chunk: Buffer) => {
      let frames: PythonFrame[];
      try {
        frames = reader.push(chunk);
      } catch (error) {
        this.#fail(
          new InferbenchError(
            'WORKER_FAILED',
            `model copy ${this.index} wrote what is not the worker protocol on its stdout (${firstLine(error)}): something in its Python prints there (a banner, a sitecustomize); remove it, or set INFERBENCH_PYTHON to an interpreter that does not`,
          ),
        );
        killChild(this.#process);
        return;
      }
      for (const frame of frames) this.#onFrame(frame);
    });
    this.#process.stderr.on('data', (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    // A write to a worker that has died fails with EPIPE; the exit below reports it.
    this.#process.stdin.on('error', () => {});
    void this.#process.then((result) => {
      this.#exited = true;
      const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
      const cause = result.exitCode === undefined && !result.signal ? `: ${firstLine(result.message)}` : '';
      this.#fail(new InferbenchError('WORKER_FAILED', `model copy ${this.index} (python pid ${this.pid}) ${how}${cause}; ${this.#lastStderr()}`));
    });
  }

  /** True once the copy has failed for good (its process exited, or is being killed for a timeout): every later request fails at once. */
  get gone(): boolean {
    return this.#failure !== undefined;
  }

  /** Process id of the worker. */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** Starts the worker, loads the model, and sends the inputs; rejects with WORKER_FAILED. */
  static async start(options: PythonModelCopyOptions): Promise<PythonModelCopy> {
    const copy = new PythonModelCopy(options);
    const onAbort = (): void => {
      copy.#fail(new InferbenchError('ABORTED', `loading model copy ${copy.index} was cancelled`));
      killChild(copy.#process);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) onAbort();
      // Loading a real model takes seconds (torch alone imports in about one): the request timeout is for inferences.
      const loadTimeoutMs = options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
      await copy.#request([encodeJsonFrame(PythonMessage.load, options.load)], PythonMessage.loaded, 'could not load the model', loadTimeoutMs);
      await copy.#request(encodeInputsFrame(options.feeds), PythonMessage.ready, 'could not take the inputs', loadTimeoutMs);
    } catch (error) {
      await copy.close();
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    return copy;
  }

  /** Runs preloaded sample `inputIndex`; `computeStartNs` is when its RUN was written to the pipe. */
  async infer(inputIndex: number): Promise<InferenceTiming> {
    const { payload, sentNs } = await this.#request([encodeRunFrame(inputIndex)], PythonMessage.done, `failed on sample ${inputIndex}`, this.#requestTimeoutMs);
    return { computeStartNs: sentNs, computeNs: Math.round(decodeDone(payload) * 1e9) };
  }

  /** Asks the worker to exit, kills it if it has not within a grace period; rejects pending requests. Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    if (!this.#exited) {
      // SHUTDOWN waits behind a RUN in progress; the worker reads frames in order.
      this.#process.stdin.end(encodeFrame(PythonMessage.shutdown));
      await endChild(this.#process, { signal: null, graceMs: CLOSE_GRACE_MS });
    }
    this.#fail(new InferbenchError('WORKER_FAILED', `model copy ${this.index} was closed`));
  }

  #request(chunks: readonly Buffer[], answer: PythonMessageType, what: string, timeoutMs: number | undefined): Promise<{ payload: Buffer; sentNs: number }> {
    return new Promise((resolve, reject) => {
      if (this.#failure) {
        reject(this.#failure);
        return;
      }
      this.#queue.push({ chunks, answer, what, timeoutMs, resolve: (payload, sentNs) => resolve({ payload, sentNs }), reject });
      this.#sendNext();
    });
  }

  #sendNext(): void {
    if (this.#inFlight || this.#failure) return;
    const request = this.#queue.shift();
    if (!request) return;
    const { timeoutMs } = request;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            this.#fail(new InferbenchError('WORKER_FAILED', `model copy ${this.index} ${request.what}: no answer within ${timeoutMs} ms; ${this.#lastStderr()}`));
            killChild(this.#process);
          }, timeoutMs);
    for (const chunk of request.chunks) this.#process.stdin.write(chunk);
    this.#inFlight = { request, sentNs: monotonicNowNs(), timer };
  }

  #onFrame(frame: PythonFrame): void {
    const inFlight = this.#inFlight;
    if (!inFlight) {
      this.#fail(new InferbenchError('WORKER_FAILED', `model copy ${this.index} sent message type ${frame.type} unasked; the worker does not match this inferbench`));
      killChild(this.#process);
      return;
    }
    clearTimeout(inFlight.timer);
    this.#inFlight = undefined;
    const { request } = inFlight;
    if (frame.type === request.answer) {
      request.resolve(frame.payload, inFlight.sentNs);
    } else if (frame.type === PythonMessage.error) {
      request.reject(new InferbenchError('WORKER_FAILED', `model copy ${this.index} ${request.what}: ${frame.payload.toString('utf8')}`));
    } else {
      this.#fail(new InferbenchError('WORKER_FAILED', `model copy ${this.index} answered type ${frame.type} where ${request.answer} was due; the worker does not match this inferbench`));
      killChild(this.#process);
      return;
    }
    this.#sendNext();
  }

  /** Rejects every pending request and all later ones with `error`; the first failure wins. */
  #fail(error: InferbenchError): void {
    this.#failure ??= error;
    if (this.#inFlight) {
      clearTimeout(this.#inFlight.timer);
      this.#inFlight.request.reject(this.#failure);
      this.#inFlight = undefined;
    }
    for (const request of this.#queue.splice(0)) request.reject(this.#failure);
  }

  /** The worker's last line on stderr, for one-line errors. */
  #lastStderr(): string {
    const lines = this.#stderrTail.split('\n').filter((line) => line.trim() !== '');
    const last = lines.at(-1);
    return last === undefined ? 'it wrote nothing to stderr' : `its stderr ends: ${last.trim()}`;
  }
}
