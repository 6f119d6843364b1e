import type { NamedTensors, FeedElementType } from '../../tensors/tensor.js';

/**
 * Message types of the Python worker protocol (python/inferbench_worker.py). A frame is a uint32
 * little-endian length of everything after it, a uint8 type, then the payload:
 * - LOAD: UTF-8 JSON {@link PythonLoadHeader}; answered by LOADED (UTF-8 JSON `{ torchVersion }`).
 * - INPUTS: uint32 JSON header size, the JSON {@link PythonInputsHeader}, zero padding to a multiple
 *   of 8 bytes, then the raw tensors (the data region); answered by READY (no payload).
 * - RUN: uint32 sample index; answered by DONE (float64 compute seconds).
 * - ERROR: UTF-8 one-line message, in place of any answer; the worker stays usable.
 * - SHUTDOWN: no payload, no answer; the worker exits 0.
 */
export const PythonMessage = {
  /** Parent → worker: what to load. */
  load: 1,
  /** Worker → parent: the model is loaded. */
  loaded: 2,
  /** Parent → worker: the whole input set. */
  inputs: 3,
  /** Worker → parent: the inputs are on the device. */
  ready: 4,
  /** Parent → worker: run one preloaded sample. */
  run: 5,
  /** Worker → parent: the run finished. */
  done: 6,
  /** Worker → parent: the last request failed. */
  error: 7,
  /** Parent → worker: exit. */
  shutdown: 8,
} as const;

/** One of the {@link PythonMessage} values. */
export type PythonMessageType = (typeof PythonMessage)[keyof typeof PythonMessage];

/** A decoded frame. */
export interface PythonFrame {
  /** Message type. */
  readonly type: PythonMessageType;
  /** Bytes after the type; a view into the received data. */
  readonly payload: Buffer;
}

/** Model formats the worker loads; 'null' loads nothing and needs no torch. */
export type PythonModelFormat = 'torchscript' | 'null';

/** Devices the worker runs on. */
export type PythonDevice = 'cpu' | 'cuda' | 'neuron';

/** Payload of a LOAD frame. */
export interface PythonLoadHeader {
  /** Path of the model file (ignored by the 'null' format). */
  readonly path: string;
  /** How to read the file. */
  readonly format: PythonModelFormat;
  /** Where to run. */
  readonly device: PythonDevice;
  /** Run under float16 autocast (cuda only). */
  readonly halfPrecision: boolean;
  /** torch.set_num_threads of the copy. */
  readonly intraOpThreads: number;
}

/** Where one tensor lies in an INPUTS frame. */
export interface PythonTensorEntry {
  /** Input name. */
  readonly name: string;
  /** Element type. */
  readonly type: FeedElementType;
  /** Shape. */
  readonly dims: readonly number[];
  /** Offset of its bytes from the start of the data region. */
  readonly offset: number;
}

/** JSON header of an INPUTS frame. */
export interface PythonInputsHeader {
  /** Per sample, its tensors in feed order. */
  readonly feeds: readonly (readonly PythonTensorEntry[])[];
}

/** Bytes of the length and type fields. */
export const FRAME_HEADER_BYTES = 5;

/** Largest frame payload: the length field is 32 bits. */
export const MAX_PAYLOAD_BYTES = 0xffff_ffff - 1;

/** The length and type fields of a frame with `payloadBytes` bytes of payload. */
function frameHeader(type: PythonMessageType, payloadBytes: number): Buffer {
  if (payloadBytes > MAX_PAYLOAD_BYTES) {
    throw new RangeError(`a Python worker frame holds at most ${MAX_PAYLOAD_BYTES} bytes, got ${payloadBytes}`);
  }
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32LE(payloadBytes + 1, 0);
  header.writeUInt8(type, 4);
  return header;
}

/** One frame as a single buffer. */
export function encodeFrame(type: PythonMessageType, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  return Buffer.concat([frameHeader(type, payload.byteLength), payload]);
}

/** A frame whose payload is `value` as UTF-8 JSON. */
export function encodeJsonFrame(type: PythonMessageType, value: unknown): Buffer {
  return encodeFrame(type, Buffer.from(JSON.stringify(value), 'utf8'));
}

/** A RUN frame for sample `inputIndex`. */
export function encodeRunFrame(inputIndex: number): Buffer {
  const frame = frameHeader(PythonMessage.run, 4);
  const index = Buffer.allocUnsafe(4);
  index.writeUInt32LE(inputIndex, 0);
  return Buffer.concat([frame, index], FRAME_HEADER_BYTES + 4);
}

/** Compute seconds of a DONE payload. */
export function decodeDone(payload: Buffer): number {
  return payload.readDoubleLE(0);
}

/** Bytes up to the next multiple of 8, so that every tensor is aligned for its element type. */
function padding(bytes: number): number {
  return (8 - (bytes % 8)) % 8;
}

/**
 * An INPUTS frame, as chunks to write in order: the tensors' bytes are views of their typed arrays,
 * never copied, since an input set can be hundreds of megabytes. Bytes are little-endian, as on
 * every platform Node runs on.
 */
export function encodeInputsFrame(feeds: readonly NamedTensors[]): Buffer[] {
  const data: Buffer[] = [];
  let dataBytes = 0;
  const entries = feeds.map((feed) =>
    Object.entries(feed).map(([name, tensor]) => {
      const bytes = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
      const entry: PythonTensorEntry = { name, type: tensor.type, dims: tensor.dims, offset: dataBytes };
      const pad = padding(bytes.byteLength);
      data.push(bytes, Buffer.alloc(pad));
      dataBytes += bytes.byteLength + pad;
      return entry;
    }),
  );
  const json = Buffer.from(JSON.stringify({ feeds: entries } satisfies PythonInputsHeader), 'utf8');
  const dataOffset = 4 + json.byteLength + padding(4 + json.byteLength);
  const prefix = Buffer.alloc(dataOffset);
  prefix.writeUInt32LE(json.byteLength, 0);
  json.copy(prefix, 4);
  return [frameHeader(PythonMessage.inputs, dataOffset + dataBytes), prefix, ...data];
}

/**
 * Splits a byte stream into frames, whatever the chunk boundaries: a chunk may hold part of a frame,
 * one frame, or many.
 */
export class FrameReader {
  /** Tail of the stream that is not yet a whole frame. */
  #pending: Buffer = Buffer.alloc(0);
  readonly #maxFrameBytes: number;

  /**
   * `maxFrameBytes` bounds a frame's declared length: text on the stream (a banner an interpreter prints) reads as a
   * length of gigabytes, which would otherwise be waited for for ever.
   */
  constructor(maxFrameBytes = Number.POSITIVE_INFINITY) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received that do not yet make a whole frame. */
  get pendingBytes(): number {
    return this.#pending.byteLength;
  }

  /** Adds received bytes; returns the frames they complete, in order. */
  push(chunk: Buffer): PythonFrame[] {
    let buffer = this.#pending.byteLength === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: PythonFrame[] = [];
    while (buffer.byteLength >= FRAME_HEADER_BYTES) {
      const length = buffer.readUInt32LE(0);
      if (length < 1 || length > this.#maxFrameBytes) {
        throw new RangeError(`not a frame: ${JSON.stringify(buffer.subarray(0, 32).toString('latin1'))} declares ${length} bytes`);
      }
      const end = 4 + length;
      if (buffer.byteLength < end) break;
      frames.push({ type: buffer.readUInt8(4) as PythonMessageType, payload: buffer.subarray(FRAME_HEADER_BYTES, end) });
      buffer = buffer.subarray(end);
    }
    this.#pending = buffer;
    return frames;
  }
}
