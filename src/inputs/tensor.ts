/** Element types a sample tensor may hold; the names match ONNX Runtime's tensor types. */
export type TensorElementType = 'float32' | 'int32' | 'int64';

/** Typed array that backs each element type. */
export interface TensorArrayByType {
  float32: Float32Array;
  int32: Int32Array;
  int64: BigInt64Array;
}

/** A plain tensor that can be structured-cloned to a worker thread or written to a Python process. */
export interface TensorData<T extends TensorElementType = TensorElementType> {
  /** Element type. */
  readonly type: T;
  /** Shape, batch dimension first. */
  readonly dims: readonly number[];
  /** Elements in row-major order; its length is the product of `dims`. */
  readonly data: TensorArrayByType[T];
}

/** One model input feed: a tensor for each input name. */
export type NamedTensors = Readonly<Record<string, TensorData>>;
