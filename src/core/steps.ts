import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Long synchronous work (drawing a model's weights, tokenizing many texts) written as a generator that yields between
 * pieces of a fraction of a second each, so that one body serves both a synchronous API ({@link finishSteps}) and a
 * run that a Ctrl-C can stop ({@link finishStepsCancellably}).
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs `steps` to their end at once. */
export function finishSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Gives the event loop a turn, then rejects with `signal`'s reason if it has aborted. A Ctrl-C that came during
 * synchronous work is only seen once its handler has run: this is where, between steps and before work that cannot be
 * stopped once started (ONNX Runtime's). The entry point that took the signal words the rejection (see
 * rejectingAsAborted).
 */
export async function abortPoint(signal: AbortSignal | undefined): Promise<void> {
  await nextTurn();
  signal?.throwIfAborted();
}

/** Runs `steps` to their end with an {@link abortPoint} before each, so that timers, progress and a Ctrl-C are seen. */
export async function finishStepsCancellably<T>(steps: Steps<T>, signal: AbortSignal | undefined): Promise<T> {
  for (;;) {
    await abortPoint(signal);
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Bytes copied per step of {@link concatSteps}: milliseconds. */
const BYTES_PER_STEP = 16 << 20;

/** `pieces` put together in order, in steps: a model's hundreds of megabytes a slice at a time. */
export function* concatSteps(pieces: readonly Uint8Array[]): Steps<Uint8Array> {
  const bytes = new Uint8Array(pieces.reduce((n, piece) => n + piece.byteLength, 0));
  let offset = 0;
  let copiedSinceStep = 0;
  for (const piece of pieces) {
    for (let start = 0; start < piece.byteLength; start += BYTES_PER_STEP) {
      const slice = piece.subarray(start, start + BYTES_PER_STEP);
      bytes.set(slice, offset);
      offset += slice.byteLength;
      copiedSinceStep += slice.byteLength;
      if (copiedSinceStep >= BYTES_PER_STEP) {
        copiedSinceStep = 0;
        yield;
      }
    }
  }
  return bytes;
}
