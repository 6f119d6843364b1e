import { readFile } from 'node:fs/promises';
import { InferbenchError, firstLine } from '../core/errors.js';
import { decodeTensorProto, type TensorProtoMessage } from './onnx-proto.js';
import type { TensorArrayByType, TensorData, TensorElementType } from '../tensors/tensor.js';

/** A tensor read from a serialized `onnx.TensorProto` (an ONNX test-data `.pb` file). */
export interface DecodedTensor extends TensorData {
  /** Value name stored in the file; empty when the file does not name it. */
  readonly name: string;
  /** ONNX `TensorProto.DataType` number the file declares, e.g. 1 for float32. */
  readonly dataType: number;
}

/** Element type of each `TensorProto.DataType` number inferbench decodes. */
const ELEMENT_TYPES: Readonly<Record<number, TensorElementType>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
};

/** Names of the data types ONNX defines but inferbench does not decode, for error messages. */
const OTHER_TYPES: Readonly<Record<number, string>> = {
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
  24: 'float8e8m0',
};

const CHECK_ELEMENT_TYPES: ReadonlySet<string> = new Set(Object.values(ELEMENT_TYPES));

/** True when inferbench can decode, feed and compare tensors of `type` (an ONNX Runtime type name). */
export function isTensorElementType(type: string): type is TensorElementType {
  return CHECK_ELEMENT_TYPES.has(type);
}

/** Fixed-width array constructors, for reading `raw_data` and converting typed fields. */
const ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;


// ONNX strings are bytes; ones that are not UTF-8 keep their valid parts rather than fail the whole file.
const utf8 = new TextDecoder('utf-8');

/** The elements of `message` in its typed field, which onnx.proto picks by element type. */
function typedFieldData(type: TensorElementType, message: TensorProtoMessage): TensorArrayByType[TensorElementType] {
  switch (type) {
    case 'string':
      return message.stringData.map((bytes) => utf8.decode(bytes));
    case 'float32':
      return Float32Array.from(message.floatData);
    case 'float64':
      return Float64Array.from(message.doubleData);
    case 'int64':
      return BigInt64Array.from(message.int64Data, BigInt);
    case 'uint64':
      return BigUint64Array.from(message.uint64Data, BigInt);
    case 'uint32':
      return Uint32Array.from(message.uint64Data, Number);
    default:
      // int8/16/32, uint8/16 and bool, and float16 bit patterns, all travel in int32_data.
      return ARRAY_TYPES[type].from(message.int32Data);
  }
}

/** The elements of `raw_data`, little-endian as ONNX stores them (and as every platform ORT runs on is). */
function rawData(type: Exclude<TensorElementType, 'string'>, raw: Uint8Array, source: string): TensorArrayByType[TensorElementType] {
  const ArrayType = ARRAY_TYPES[type];
  if (raw.byteLength % ArrayType.BYTES_PER_ELEMENT !== 0) {
    throw new InferbenchError('INPUT_MISMATCH', `${source} has ${raw.byteLength} bytes of ${type} raw_data, not a whole number of elements; regenerate the file`);
  }
  // A copy into a buffer of its own is aligned for any element width (a Buffer's slice would share Node's pool).
  return new ArrayType(new Uint8Array(raw).buffer);
}

/**
 * Decodes the bytes of a serialized `onnx.TensorProto`, with its elements in `raw_data` or in the typed
 * field for its type. `source` names the bytes (usually the file path) in error messages.
 */
export function decodeTensor(bytes: Uint8Array, source: string): DecodedTensor {
  let message: TensorProtoMessage;
  try {
    message = decodeTensorProto(bytes);
  } catch (error) {
    throw new InferbenchError('INPUT_MISMATCH', `${source} is not a serialized onnx.TensorProto (${firstLine(error)}); pass ONNX test data`, { cause: error });
  }
  const { dataType, name } = message;
  const type = ELEMENT_TYPES[dataType];
  if (type === undefined) {
    const known = OTHER_TYPES[dataType];
    const what = known ? `${known} elements (data_type ${dataType}), which inferbench cannot decode` : `unknown data_type ${dataType}`;
    throw new InferbenchError('INPUT_MISMATCH', `${source} holds ${what}; only ${[...CHECK_ELEMENT_TYPES].join(', ')} are supported`);
  }
  if (message.dataLocation === 1) {
    throw new InferbenchError('INPUT_MISMATCH', `${source} keeps its elements in an external file, which inferbench does not read; store them in the .pb file`);
  }
  const dims = message.dims.map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new InferbenchError('INPUT_MISMATCH', `${source} has invalid dims [${message.dims.join(', ')}]; dims must be integers ≥ 0`);
  }
  const data = type !== 'string' && message.rawData.byteLength > 0 ? rawData(type, message.rawData, source) : typedFieldData(type, message);
  const elementCount = dims.reduce((n, d) => n * d, 1);
  if (data.length !== elementCount) {
    throw new InferbenchError('INPUT_MISMATCH', `${source} declares dims [${dims.join(', ')}] (${elementCount} elements) but holds ${data.length} ${type} elements; pass a TensorProto whose data matches its dims (sequence and optional values are not supported)`);
  }
  return { name, dataType, type, dims, data };
}

/** Reads and decodes one TensorProto file, e.g. `test_data_set_0/input_0.pb`. */
export async function readTensorFile(path: string): Promise<DecodedTensor> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new InferbenchError('INPUT_MISMATCH', `${path} cannot be read (${error.code ?? firstLine(error)}); check the test data directory`, { cause: error });
  });
  return decodeTensor(bytes, path);
}
