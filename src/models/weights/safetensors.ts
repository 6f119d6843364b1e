import { open, type FileHandle } from 'node:fs/promises';
import { InferbenchError } from '../../core/errors.js';

/** Bytes per element of the dtypes a safetensors file may declare. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E4M3: 1, F8_E5M2: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

/** The floating-point dtypes whose values are read as float32. */
const FLOAT_DTYPES = ['F32', 'F16', 'BF16', 'F64'] as const;

/** The format's own bound on the JSON header, so that a hostile length cannot make us allocate gigabytes. */
const MAX_HEADER_BYTES = 100 * 2 ** 20;

/** One tensor as the header declares it. */
export interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Offset of its first byte from the start of the file. */
  readonly offsetBytes: number;
  readonly sizeBytes: number;
}

/** A safetensors file's header, checked against the file's size: every tensor lies whole inside the file. */
export interface SafetensorsHeader {
  readonly path: string;
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
}

function invalid(path: string, problem: string): InferbenchError {
  return new InferbenchError('MODEL_INVALID', `${path} is not a usable safetensors file: ${problem}; download it again`);
}

/** Reads and checks the header of the safetensors file at `path`, without reading its tensors. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const file = await open(path, 'r');
  try {
    const fileBytes = (await file.stat()).size;
    if (fileBytes < 8) throw invalid(path, `it holds ${fileBytes} bytes, fewer than the 8 of its header's length`);
    const length = await readExactly(file, 0, 8);
    const headerBytes = Number(Buffer.from(length).readBigUInt64LE(0));
    if (headerBytes > MAX_HEADER_BYTES) throw invalid(path, `its header claims ${headerBytes} bytes, more than the format's 100 MiB`);
    if (8 + headerBytes > fileBytes) throw invalid(path, `its header claims ${headerBytes} bytes, but the file holds ${fileBytes - 8} after the length (truncated?)`);
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(await readExactly(file, 8, headerBytes)).toString('utf8'));
    } catch {
      throw invalid(path, 'its header is not JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid(path, 'its header is not a JSON object');
    const dataStart = 8 + headerBytes;
    const tensors = new Map<string, SafetensorsEntry>();
    for (const [name, value] of Object.entries(json)) {
      if (name === '__metadata__') continue;
      tensors.set(name, checkEntry(path, name, value, dataStart, fileBytes));
    }
    return { path, tensors };
  } finally {
    await file.close();
  }
}

function checkEntry(path: string, name: string, value: unknown, dataStart: number, fileBytes: number): SafetensorsEntry {
  const { dtype, shape, data_offsets: offsets } = (value ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const bad = (problem: string): InferbenchError => invalid(path, `tensor ${name} ${problem}`);
  if (typeof dtype !== 'string' || DTYPE_BYTES[dtype] === undefined) throw bad(`has the unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw bad(`has the shape ${JSON.stringify(shape)}, not a list of sizes`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
    throw bad(`has the data offsets ${JSON.stringify(offsets)}, not [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  const sizeBytes = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype]!;
  if (end - begin !== sizeBytes) throw bad(`spans ${end - begin} bytes, but ${dtype} ${JSON.stringify(shape)} takes ${sizeBytes}`);
  if (dataStart + end > fileBytes) throw bad(`ends at byte ${dataStart + end}, past the file's ${fileBytes} (truncated?)`);
  return { dtype, shape: shape as number[], offsetBytes: dataStart + begin, sizeBytes };
}

async function readExactly(file: FileHandle, positionBytes: number, lengthBytes: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(lengthBytes);
  let done = 0;
  while (done < lengthBytes) {
    const { bytesRead } = await file.read(bytes, done, lengthBytes - done, positionBytes + done);
    if (bytesRead === 0) throw new InferbenchError('MODEL_INVALID', `the file ended ${lengthBytes - done} bytes early while reading it; download it again`);
    done += bytesRead;
  }
  return bytes;
}

/** Whether the values of a tensor of `dtype` can be read as float32. */
export function isFloatDtype(dtype: string): boolean {
  return (FLOAT_DTYPES as readonly string[]).includes(dtype);
}

/** Reads tensor `name` of `header`'s file as float32, widening F16 and BF16 and narrowing F64. */
export async function readFloatTensor(header: SafetensorsHeader, name: string): Promise<Float32Array> {
  const entry = header.tensors.get(name);
  if (entry === undefined) throw invalid(header.path, `it has no tensor ${name}`);
  if (!isFloatDtype(entry.dtype)) throw invalid(header.path, `tensor ${name} is ${entry.dtype}, not one of the floating-point types ${FLOAT_DTYPES.join(', ')}`);
  const file = await open(header.path, 'r');
  let bytes: Uint8Array;
  try {
    bytes = await readExactly(file, entry.offsetBytes, entry.sizeBytes);
  } finally {
    await file.close();
  }
  return toFloat32(bytes, entry.dtype);
}

function toFloat32(bytes: Uint8Array, dtype: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.byteLength / DTYPE_BYTES[dtype]!;
  const out = new Float32Array(count);
  if (dtype === 'F32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  else if (dtype === 'F64') for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
  else if (dtype === 'BF16') for (let i = 0; i < count; i++) out[i] = bf16ToFloat(view.getUint16(i * 2, true));
  else for (let i = 0; i < count; i++) out[i] = f16ToFloat(view.getUint16(i * 2, true));
  return out;
}

const bf16Scratch = new DataView(new ArrayBuffer(4));
function bf16ToFloat(bits: number): number {
  bf16Scratch.setUint32(0, bits << 16);
  return bf16Scratch.getFloat32(0);
}

function f16ToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
