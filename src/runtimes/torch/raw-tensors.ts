import type { FeedElementType, FeedTensor, NamedTensors } from '../../tensors/tensor.js';

/**
 * Where one tensor lies in a raw tensor file, the format python/inferbench_compile.py reads and writes: each tensor's
 * little-endian bytes (as on every platform Node runs on), padded to 8 bytes, one after another.
 */
export interface RawTensorEntry {
  /** Tensor name. */
  readonly name: string;
  /** Element type. */
  readonly type: FeedElementType;
  /** Shape. */
  readonly dims: readonly number[];
  /** Byte offset in the file. */
  readonly offset: number;
}

const ARRAY_TYPES = { float32: Float32Array, int32: Int32Array, int64: BigInt64Array } as const;

const ALIGNMENT_BYTES = 8;

/** Tensors of a raw file, by name. */
export function readRawTensors(bytes: Buffer, entries: readonly RawTensorEntry[]): Record<string, FeedTensor> {
  return Object.fromEntries(
    entries.map(({ name, type, dims, offset }) => {
      const sizeBytes = dims.reduce((a, b) => a * b, 1) * ARRAY_TYPES[type].BYTES_PER_ELEMENT;
      // A copy, so the array is aligned whatever the Buffer's offset in its pool.
      const data = new ARRAY_TYPES[type](new Uint8Array(bytes.subarray(offset, offset + sizeBytes)).buffer);
      return [name, { type, dims, data } as FeedTensor];
    }),
  );
}

/** The bytes of a raw file holding `tensors`, in their order, with the entries that find them again. */
export function writeRawTensors(tensors: NamedTensors): { readonly bytes: Buffer; readonly entries: RawTensorEntry[] } {
  const entries: RawTensorEntry[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    const data = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    const padBytes = (ALIGNMENT_BYTES - (data.byteLength % ALIGNMENT_BYTES)) % ALIGNMENT_BYTES;
    chunks.push(data, Buffer.alloc(padBytes));
    entries.push({ name, type: tensor.type, dims: tensor.dims, offset });
    offset += data.byteLength + padBytes;
  }
  return { bytes: Buffer.concat(chunks), entries };
}
