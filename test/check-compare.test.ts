import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareModels } from '../src/runtimes/onnxruntime/compare-models.js';
import { DEFAULT_ATOL, DEFAULT_RTOL, compareOutputs, compareTensors, resolveTolerance } from '../src/tensors/compare-outputs.js';
import type { TensorData } from '../src/tensors/tensor.js';
import { finishSteps } from '../src/core/steps.js';
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { tempDir } from './helpers/fixtures.js';

const f32 = (values: number[], dims = [values.length]): TensorData => ({ type: 'float32', dims, data: Float32Array.from(values) });
const f64 = (values: number[], dims = [values.length]): TensorData => ({ type: 'float64', dims, data: Float64Array.from(values) });

describe('compareTensors', () => {
  it('passes equal tensors with zero error', () => {
    expect(compareTensors('y', f32([1, -2, 0]), f32([1, -2, 0]))).toEqual({
      name: 'y',
      maxAbsError: 0,
      maxRelError: 0,
      mismatchedElements: 0,
      elementCount: 3,
      passed: true,
    });
  });

  it('passes values within atol + rtol × |expected| and reports the largest errors', () => {
    const result = compareTensors('y', f64([1, 100]), f64([1 + 5e-4, 100.05]));
    expect(result.passed).toBe(true);
    expect(result.maxAbsError).toBeCloseTo(0.05, 12);
    expect(result.maxRelError).toBeCloseTo(5e-4, 12);
    // The bound scales with the expected value only, as numpy's allclose: 1 ≤ 0 + 1e-3 × 1000.
    expect(compareTensors('y', f64([1000]), f64([1001]), { atol: 0 }).passed).toBe(true);
    expect(compareTensors('y', f64([1000]), f64([1001.5]), { atol: 0 }).passed).toBe(false);
  });

  it('fails values beyond the tolerance, naming the first one', () => {
    const result = compareTensors('y', f64([0, 0, 0, 0], [2, 2]), f64([0, 0, 2e-5, 3e-5], [2, 2]));
    expect(result).toMatchObject({ passed: false, mismatchedElements: 2, elementCount: 4, maxAbsError: 3e-5 });
    expect(result.maxRelError).toBe(3e-5 / 2 ** -126);
    expect(result.reason).toBe('2 of 4 elements outside rtol 0.001, atol 0.00001; first at [1, 0]: expected 0, got 0.00002');
    expect(compareTensors('y', f64([0, 0, 0, 0], [2, 2]), f64([0, 0, 2e-5, 3e-5], [2, 2]), { atol: 1e-4 }).passed).toBe(true);
  });

  it('requires NaN where expected has NaN, and equal infinities', () => {
    expect(compareTensors('y', f32([NaN, 1]), f32([NaN, 1]))).toMatchObject({ passed: true, maxAbsError: 0 });
    const nanMismatch = compareTensors('y', f32([NaN, 1]), f32([0, 1]));
    expect(nanMismatch).toMatchObject({ passed: false, mismatchedElements: 1, maxAbsError: Infinity, maxRelError: Infinity });
    expect(nanMismatch.reason).toMatch(/first at \[0\]: expected NaN, got 0$/);
    expect(compareTensors('y', f32([1]), f32([NaN])).passed).toBe(false);
    expect(compareTensors('y', f32([Infinity, -Infinity]), f32([Infinity, -Infinity])).passed).toBe(true);
    expect(compareTensors('y', f32([Infinity]), f32([-Infinity])).passed).toBe(false);
    expect(compareTensors('y', f32([Infinity]), f32([3e38])).passed).toBe(false);
  });

  it('fails a shape or type mismatch without comparing elements', () => {
    expect(compareTensors('y', f32([1, 2, 3, 4, 5, 6], [2, 3]), f32([1, 2, 3, 4, 5, 6], [3, 2]))).toEqual({
      name: 'y',
      maxAbsError: Infinity,
      maxRelError: Infinity,
      mismatchedElements: 6,
      elementCount: 6,
      passed: false,
      reason: 'shape [3, 2], expected [2, 3]',
    });
    expect(compareTensors('y', f32([1]), f64([1])).reason).toBe('element type float64, expected float32');
  });

  it('compares float16 by value, 64-bit integers exactly, bools and strings', () => {
    const half = (bits: number[]): TensorData => ({ type: 'float16', dims: [bits.length], data: Uint16Array.from(bits) });
    // 0x3c01 is 1 + 2^-10, within 1e-5 + 1e-3 × 1; 0x3c02 is 1 + 2^-9, beyond it.
    expect(compareTensors('h', half([0x3c00]), half([0x3c01]))).toMatchObject({ passed: true, maxAbsError: 2 ** -10 });
    expect(compareTensors('h', half([0x3c00]), half([0x3c02])).passed).toBe(false);

    const int64 = (values: bigint[]): TensorData => ({ type: 'int64', dims: [values.length], data: BigInt64Array.from(values) });
    // As doubles both are 2^63 and the difference would be lost.
    const big = compareTensors('i', int64([9223372036854775807n]), int64([9223372036854775806n]));
    expect(big.maxAbsError).toBe(1);
    expect(compareTensors('i', int64([5n, -3n]), int64([5n, -4n]), { rtol: 0 })).toMatchObject({ passed: false, maxAbsError: 1 });

    const bool = (values: number[]): TensorData => ({ type: 'bool', dims: [values.length], data: Uint8Array.from(values) });
    expect(compareTensors('b', bool([1, 0]), bool([1, 0])).passed).toBe(true);
    expect(compareTensors('b', bool([1, 0]), bool([1, 1])).reason).toMatch(/first at \[1\]: expected 0, got 1$/);

    const text = (values: string[]): TensorData => ({ type: 'string', dims: [values.length], data: values });
    expect(compareTensors('s', text(['monday', 'tuesday']), text(['monday', 'tuesday']))).toMatchObject({ passed: true, maxAbsError: 0 });
    const differ = compareTensors('s', text(['0.6048455']), text(['0.60484552']));
    expect(differ).toMatchObject({ passed: false, maxAbsError: Infinity });
    expect(differ.reason).toMatch(/first at \[0\]: expected "0\.6048455", got "0\.60484552"$/);
  });

  it('names a scalar as such', () => {
    expect(compareTensors('s', f32([1], []), f32([2], [])).reason).toMatch(/; the scalar: expected 1, got 2$/);
  });
});

describe('compareOutputs and resolveTolerance', () => {
  it('compares each expected output by name and fails a missing one', () => {
    const results = compareOutputs({ a: f32([1]), b: f32([2]) }, { a: f32([1]), c: f32([2]) });
    expect(results.map((r) => [r.name, r.passed, r.reason])).toEqual([
      ['a', true, undefined],
      ['b', false, "no actual output named 'b'"],
    ]);
  });

  it('defaults to rtol 1e-3 and atol 1e-5 and refuses negative tolerances', () => {
    expect([DEFAULT_RTOL, DEFAULT_ATOL]).toEqual([1e-3, 1e-5]);
    expect(resolveTolerance()).toEqual({ rtol: 1e-3, atol: 1e-5 });
    expect(resolveTolerance({ atol: 0 })).toEqual({ rtol: 1e-3, atol: 0 });
    expect(() => resolveTolerance({ rtol: -1 })).toThrow('rtol must be a finite number ≥ 0, got -1');
    expect(() => compareTensors('y', f32([1]), f32([1]), { atol: NaN })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('compareModels', () => {
  const dir = tempDir();
  /** y = x × factor over a [2, 3] float32 input, written to `name`. */
  const scaleModel = (name: string, factor: number, output = 'y'): string => {
    const g = new GraphBuilder(name);
    const x = g.input('x', 'float32', [2, 3]);
    g.node('Mul', [x, g.initializer('factor', 'float32', [], [factor])], {}, output);
    g.output(output, 'float32', [2, 3]);
    const path = join(dir, `${name}.onnx`);
    writeFileSync(path, finishSteps(g.modelSteps()));
    return path;
  };
  const feeds = { x: { type: 'float32' as const, dims: [2, 3], data: Float32Array.from([1, -2, 3, -4, 5, -6]) } };

  it('reports zero error for the same graph and the largest difference for another', async () => {
    const source = scaleModel('source', 2);
    const same = await compareModels(source, scaleModel('same', 2), feeds);
    expect(same).toMatchObject({ passed: true, maxAbsError: 0, missingOutputs: [], tolerance: { rtol: 1e-3, atol: 1e-5 } });
    expect(same.outputs.map((o) => o.name)).toEqual(['y']);

    // |2.01x − 2x| is largest at x = −6.
    const drift = await compareModels(source, scaleModel('drift', 2.01), feeds);
    expect(drift.passed).toBe(false);
    expect(drift.maxAbsError).toBeCloseTo(0.06, 5);
    expect(drift.outputs[0]!.reason).toMatch(/^6 of 6 elements outside rtol 0\.001, atol 0\.00001; first at \[0, 0\]: expected 2, got 2\.0099999/);
    expect((await compareModels(source, scaleModel('drift2', 2.01), feeds, { rtol: 0.01 })).passed).toBe(true);
  });

  it('lists outputs the artifact lacks', async () => {
    const result = await compareModels(scaleModel('named-y', 2), scaleModel('named-z', 2, 'z'), feeds);
    expect(result).toMatchObject({ passed: false, missingOutputs: ['y'], outputs: [], maxAbsError: 0 });
  });
});
