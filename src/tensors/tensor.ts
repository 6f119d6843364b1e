/** Element types a tensor may hold; the names match ONNX Runtime's tensor types. */
export type TensorElementType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

/** The array behind each element type, as ONNX Runtime takes and returns it. */
export interface TensorArrayByType {
  /** 32-bit floats. */
  float32: Float32Array;
  /** 64-bit floats. */
  float64: Float64Array;
  /** IEEE half floats as their bit patterns; {@link float16BitsToNumber} reads one. */
  float16: Uint16Array;
  /** Signed 8-bit integers. */
  int8: Int8Array;
  /** Signed 16-bit integers. */
  int16: Int16Array;
  /** Signed 32-bit integers. */
  int32: Int32Array;
  /** Signed 64-bit integers. */
  int64: BigInt64Array;
  /** Unsigned 8-bit integers. */
  uint8: Uint8Array;
  /** Unsigned 16-bit integers. */
  uint16: Uint16Array;
  /** Unsigned 32-bit integers. */
  uint32: Uint32Array;
  /** Unsigned 64-bit integers. */
  uint64: BigUint64Array;
  /** Booleans as bytes, 0 or 1. */
  bool: Uint8Array;
  /** UTF-8 strings. */
  string: string[];
}

/** A plain tensor of any {@link TensorElementType}; an `ort.Tensor` of those types has this shape too, and it can be structured-cloned to a worker thread. */
export interface TensorData<T extends TensorElementType = TensorElementType> {
  /** Element type. */
  readonly type: T;
  /** Shape; empty for a scalar. */
  readonly dims: readonly number[];
  /** Elements in row-major order; its length is the product of `dims`. */
  readonly data: TensorArrayByType[T];
}

/** Element types inferbench generates as model inputs (a feed). */
export type FeedElementType = Extract<TensorElementType, 'float32' | 'int32' | 'int64'>;

/** A tensor inferbench can feed a model; it is structured-cloned to a worker thread or written to a Python process. */
export type FeedTensor = TensorData<FeedElementType>;

/** One model input feed: a tensor for each input name. */
export type NamedTensors = Readonly<Record<string, FeedTensor>>;

/** Name, element type and shape of one model input or output, as the model file declares it. */
export interface TensorSpec {
  /** Name the model uses for the value. */
  readonly name: string;
  /** Element type ("float32", "int64", …); types inferbench cannot feed still appear here. */
  readonly elementType: TensorElementType | string;
  /** Shape; a string is a symbolic dimension such as "batch_size", fixed at compile time. */
  readonly dims: readonly (number | string)[];
}

/** The value of a half-float bit pattern; every half float is exact as a float32 and as a JS number. */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
