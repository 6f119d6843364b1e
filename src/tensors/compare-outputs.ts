import { InferbenchError } from '../core/errors.js';
import { float16BitsToNumber, type TensorData } from './tensor.js';

/** Default relative tolerance: ONNX's backend test runner's, and ONNX Runtime's for the same test data. */
export const DEFAULT_RTOL = 1e-3;
/** Default absolute tolerance: ONNX Runtime's for ONNX's backend test data (ONNX's own runner uses 1e-7). */
export const DEFAULT_ATOL = 1e-5;
/** Floor of the denominator of a relative error (float32's smallest normal), so an expected 0 gives a finite error. */
const TINY = 2 ** -126;

/** How close actual values must be to expected ones; numpy's `allclose` rule, |a − e| ≤ atol + rtol × |e|. */
export interface ToleranceOptions {
  /** Relative tolerance; default 1e-3 (`DEFAULT_RTOL`). */
  readonly rtol?: number;
  /** Absolute tolerance; default 1e-5 (`DEFAULT_ATOL`). */
  readonly atol?: number;
}

/** {@link ToleranceOptions} with the defaults filled in. */
export interface Tolerance {
  /** Relative tolerance. */
  readonly rtol: number;
  /** Absolute tolerance. */
  readonly atol: number;
}

/** How one output compares with its expected value. */
export interface OutputComparison {
  /** Output name. */
  readonly name: string;
  /** Largest |actual − expected|; Infinity when a NaN, an infinity, a string, the shape or the type differs. */
  readonly maxAbsError: number;
  /** Largest |actual − expected| / max(|expected|, tiny); Infinity where {@link maxAbsError} is. */
  readonly maxRelError: number;
  /** Elements outside the tolerance; all of them when the shape or the type differs. */
  readonly mismatchedElements: number;
  /** Elements of the expected tensor. */
  readonly elementCount: number;
  /** True when every element is within the tolerance (NaN where expected has NaN, equal infinities and strings). */
  readonly passed: boolean;
  /** Why it failed, e.g. "shape [2, 3], expected [3, 2]" or the first element outside the tolerance; absent when it passed. */
  readonly reason?: string;
}

/** Fills in the default tolerances; a negative or non-finite one is an INVALID_OPTION error. */
export function resolveTolerance(options: ToleranceOptions = {}): Tolerance {
  const check = (name: string, value: number): number => {
    if (!Number.isFinite(value) || value < 0) {
      throw new InferbenchError('INVALID_OPTION', `${name} must be a finite number ≥ 0, got ${value}`);
    }
    return value;
  };
  return { rtol: check('rtol', options.rtol ?? DEFAULT_RTOL), atol: check('atol', options.atol ?? DEFAULT_ATOL) };
}

/** Element `i` as a number (a bigint for 64-bit integers, a string for strings); half floats are decoded. */
function elementReader(tensor: TensorData): (i: number) => number | bigint | string {
  const { type, data } = tensor;
  if (type === 'float16' && data instanceof Uint16Array) return (i) => float16BitsToNumber(data[i]!);
  return (i) => data[i]!;
}

/** Row-major index of flat element `flat`, e.g. [1, 0, 2]. */
function multiIndex(flat: number, dims: readonly number[]): number[] {
  const index: number[] = [];
  for (let axis = dims.length - 1; axis >= 0; axis--) {
    const size = dims[axis]!;
    index.unshift(flat % size);
    flat = Math.floor(flat / size);
  }
  return index;
}

const show = (value: number | bigint | string): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** The error of one element: |a − e| and whether it is within the tolerance. */
function elementError(e: number | bigint | string, a: number | bigint | string, { rtol, atol }: Tolerance): { abs: number; rel: number; ok: boolean } {
  if (typeof e === 'string' || typeof a === 'string') {
    const ok = e === a;
    return { abs: ok ? 0 : Infinity, rel: ok ? 0 : Infinity, ok };
  }
  let abs: number;
  let magnitude: number;
  if (typeof e === 'bigint' || typeof a === 'bigint') {
    // Differences of 64-bit integers are exact in bigint; only the result is rounded.
    const difference = BigInt(a) - BigInt(e);
    abs = Number(difference < 0n ? -difference : difference);
    magnitude = Math.abs(Number(e));
  } else if (Number.isNaN(e) || Number.isNaN(a) || !Number.isFinite(e) || !Number.isFinite(a)) {
    // NaN must meet NaN and an infinity the same infinity, as numpy's allclose requires.
    const ok = Object.is(e, a) || (Number.isNaN(e) && Number.isNaN(a));
    return { abs: ok ? 0 : Infinity, rel: ok ? 0 : Infinity, ok };
  } else {
    abs = Math.abs(a - e);
    magnitude = Math.abs(e);
  }
  return { abs, rel: abs === 0 ? 0 : abs / Math.max(magnitude, TINY), ok: abs <= atol + rtol * magnitude };
}

/** A comparison that failed before any element was looked at. */
function structuralFailure(name: string, elementCount: number, reason: string): OutputComparison {
  return { name, maxAbsError: Infinity, maxRelError: Infinity, mismatchedElements: elementCount, elementCount, passed: false, reason };
}

/** Compares one actual tensor with the expected one, element by element. */
export function compareTensors(name: string, expected: TensorData, actual: TensorData, options: ToleranceOptions = {}): OutputComparison {
  const tolerance = resolveTolerance(options);
  const elementCount = expected.data.length;
  if (actual.type !== expected.type) return structuralFailure(name, elementCount, `element type ${actual.type}, expected ${expected.type}`);
  if (actual.dims.length !== expected.dims.length || actual.dims.some((d, i) => d !== expected.dims[i])) {
    return structuralFailure(name, elementCount, `shape [${actual.dims.join(', ')}], expected [${expected.dims.join(', ')}]`);
  }
  const readExpected = elementReader(expected);
  const readActual = elementReader(actual);
  let maxAbsError = 0;
  let maxRelError = 0;
  let mismatchedElements = 0;
  let firstMismatch: number | undefined;
  for (let i = 0; i < elementCount; i++) {
    const { abs, rel, ok } = elementError(readExpected(i), readActual(i), tolerance);
    maxAbsError = Math.max(maxAbsError, abs);
    maxRelError = Math.max(maxRelError, rel);
    if (!ok) {
      mismatchedElements++;
      firstMismatch ??= i;
    }
  }
  const comparison = { name, maxAbsError, maxRelError, mismatchedElements, elementCount, passed: firstMismatch === undefined };
  if (firstMismatch === undefined) return comparison;
  const where = expected.dims.length === 0 ? 'the scalar' : `first at [${multiIndex(firstMismatch, expected.dims).join(', ')}]`;
  const values = `expected ${show(readExpected(firstMismatch))}, got ${show(readActual(firstMismatch))}`;
  return { ...comparison, reason: `${mismatchedElements} of ${elementCount} elements outside rtol ${tolerance.rtol}, atol ${tolerance.atol}; ${where}: ${values}` };
}

/** Compares every expected output with the actual output of the same name; a missing one fails. */
export function compareOutputs(
  expected: Readonly<Record<string, TensorData>>,
  actual: Readonly<Record<string, TensorData>>,
  options: ToleranceOptions = {},
): OutputComparison[] {
  return Object.entries(expected).map(([name, tensor]) => {
    const other = actual[name];
    return other ? compareTensors(name, tensor, other, options) : structuralFailure(name, tensor.data.length, `no actual output named '${name}'`);
  });
}
