import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { decodeTensor, readTensorFile } from '../src/onnx/tensor-proto.js';
import { float16BitsToNumber } from '../src/tensors/tensor.js';
import { tempDir } from './helpers/fixtures.js';

// Debian's libonnx-testdata: ONNX's backend test data.
const DATA = '/usr/share/libonnx-testdata/data';
const dataSet = (test: string) => join(DATA, test, 'test_data_set_0');

const WIRE_VARINT = 0;
const WIRE_LENGTH = 2;
const WIRE_32 = 5;
const tag = (field: number, wire: number) => (field << 3) | wire;

/**
 * A TensorProto written field by field with protobufjs's Writer, independently of inferbench's schema:
 * dims (1), data_type (2), name (8), then whatever `data` writes.
 */
function tensorProto(dims: number[], dataType: number, data: (w: protobuf.Writer) => void, name = ''): Uint8Array {
  const w = protobuf.Writer.create();
  for (const d of dims) w.uint32(tag(1, WIRE_VARINT)).int64(d);
  w.uint32(tag(2, WIRE_VARINT)).int32(dataType);
  if (name) w.uint32(tag(8, WIRE_LENGTH)).string(name);
  data(w);
  return w.finish();
}

/** A packed repeated field: one length-delimited run of `write` calls. */
const packed = <T>(field: number, values: T[], write: (w: protobuf.Writer, v: T) => void) => (w: protobuf.Writer) => {
  w.uint32(tag(field, WIRE_LENGTH)).fork();
  for (const v of values) write(w, v);
  w.ldelim();
};

describe.skipIf(!existsSync(DATA) && !process.env.CI)('decodeTensor on ONNX test data (libonnx-testdata)', () => {
  it('reads node/test_abs input and output: dims, names and values from raw_data', async () => {
    const x = await readTensorFile(join(dataSet('node/test_abs'), 'input_0.pb'));
    const y = await readTensorFile(join(dataSet('node/test_abs'), 'output_0.pb'));
    expect([x.name, x.type, x.dataType, x.dims]).toEqual(['x', 'float32', 1, [3, 4, 5]]);
    expect([y.name, y.type, y.dataType, y.dims]).toEqual(['y', 'float32', 1, [3, 4, 5]]);
    // Read independently with numpy.frombuffer over the raw_data field.
    expect(Array.from((x.data as Float32Array).slice(0, 4))).toEqual([1.764052391052246, 0.40015721321105957, 0.978738009929657, 2.2408931255340576]);
    expect(x.data[59]).toBe(-0.3627411723136902);
    expect(y.data[59]).toBe(0.3627411723136902);
    expect(Array.from(y.data as Float32Array)).toEqual(Array.from(x.data as Float32Array, Math.abs));
  });

  it('reads float16 bit patterns, int64, bool and strings', async () => {
    const half = await readTensorFile(join(dataSet('node/test_cast_FLOAT_to_FLOAT16'), 'output_0.pb'));
    expect([half.type, half.dataType, half.dims, half.data.constructor]).toEqual(['float16', 10, [3, 4], Uint16Array]);
    expect(Array.from((half.data as Uint16Array).slice(0, 4), float16BitsToNumber)).toEqual([0.548828125, 0.71533203125, 0.6025390625, 0.544921875]);
    expect(float16BitsToNumber((half.data as Uint16Array)[11]!)).toBe(0.52880859375);

    const argmax = await readTensorFile(join(dataSet('node/test_argmax_default_axis_example'), 'output_0.pb'));
    expect([argmax.type, argmax.dims, argmax.data]).toEqual(['int64', [1, 2], new BigInt64Array([1n, 1n])]);

    const bools = await readTensorFile(join(dataSet('node/test_not_2d'), 'input_0.pb'));
    expect([bools.type, bools.dataType, bools.dims, bools.data.constructor]).toEqual(['bool', 9, [3, 4], Uint8Array]);
    expect(Array.from((bools.data as Uint8Array).slice(0, 4))).toEqual([1, 1, 1, 1]);

    const strings = await readTensorFile(join(dataSet('node/test_strnormalizer_nostopwords_nochangecase'), 'input_0.pb'));
    expect([strings.type, strings.dims, strings.data]).toEqual(['string', [2], ['monday', 'tuesday']]);
  });

  it('refuses a SequenceProto file with one line instead of misreading it', async () => {
    const path = join(dataSet('node/test_sequence_insert_at_back'), 'input_0.pb');
    await expect(readTensorFile(path)).rejects.toMatchObject({
      code: 'INPUT_MISMATCH',
      message: expect.stringMatching(/input_0\.pb declares dims .* \(sequence and optional values are not supported\)$/),
    });
  });
});

describe('decodeTensor on the typed data fields', () => {
  it('reads float_data, packed and unpacked', () => {
    const values = [1.5, -2.25, 3e-8];
    const isPacked = decodeTensor(tensorProto([3], 1, packed(4, values, (w, v) => w.float(v)), 'x'), 'packed');
    expect([isPacked.name, isPacked.type, isPacked.data]).toEqual(['x', 'float32', Float32Array.from(values)]);
    const unpacked = decodeTensor(tensorProto([3], 1, (w) => values.forEach((v) => w.uint32(tag(4, WIRE_32)).float(v))), 'unpacked');
    expect(unpacked.data).toEqual(Float32Array.from(values));
  });

  it('keeps 64-bit integers exact and reads uint32 from uint64_data', () => {
    const int64 = ['9223372036854775807', '-9223372036854775808', '-1'];
    expect(decodeTensor(tensorProto([3], 7, packed(7, int64, (w, v) => w.int64(v))), 'int64').data).toEqual(BigInt64Array.from(int64, BigInt));
    const uint64 = ['18446744073709551615', '0'];
    expect(decodeTensor(tensorProto([2], 13, packed(11, uint64, (w, v) => w.uint64(v))), 'uint64').data).toEqual(BigUint64Array.from(uint64, BigInt));
    const uint32 = decodeTensor(tensorProto([2], 12, packed(11, [4294967295, 7], (w, v) => w.uint64(v))), 'uint32');
    expect([uint32.type, uint32.data]).toEqual(['uint32', new Uint32Array([4294967295, 7])]);
  });

  it('reads double_data, and int32_data for int8, bool and float16 bit patterns', () => {
    expect(decodeTensor(tensorProto([2], 11, packed(10, [Math.PI, -0], (w, v) => w.double(v))), 'double').data).toEqual(new Float64Array([Math.PI, -0]));
    expect(decodeTensor(tensorProto([3], 3, packed(5, [-128, 0, 127], (w, v) => w.int32(v))), 'int8').data).toEqual(new Int8Array([-128, 0, 127]));
    expect(decodeTensor(tensorProto([2], 9, packed(5, [1, 0], (w, v) => w.int32(v))), 'bool').data).toEqual(new Uint8Array([1, 0]));
    const half = decodeTensor(tensorProto([2, 2], 10, packed(5, [0x3c00, 0xfc00, 0x7e00, 0x0001], (w, v) => w.int32(v))), 'half');
    expect(Array.from(half.data as Uint16Array, float16BitsToNumber)).toEqual([1, -Infinity, NaN, 2 ** -24]);
  });

  it('reads a scalar and an empty tensor', () => {
    const scalar = decodeTensor(tensorProto([], 1, (w) => w.uint32(tag(9, WIRE_LENGTH)).bytes(new Uint8Array(new Float32Array([42]).buffer))), 'scalar');
    expect([scalar.dims, scalar.data]).toEqual([[], new Float32Array([42])]);
    expect(decodeTensor(tensorProto([3, 0], 7, () => {}), 'empty').data).toEqual(new BigInt64Array(0));
  });

  it('rejects types it cannot decode, and data that does not fit the dims, naming the source', () => {
    const bfloat16 = tensorProto([1], 16, packed(5, [0x3f80], (w, v) => w.int32(v)));
    expect(() => decodeTensor(bfloat16, 'a.pb')).toThrow(/^a\.pb holds bfloat16 elements \(data_type 16\), which inferbench cannot decode; only float32, .* are supported$/);
    const short = tensorProto([2, 2], 1, packed(4, [1, 2, 3], (w, v) => w.float(v)));
    expect(() => decodeTensor(short, 'b.pb')).toThrow(/^b\.pb declares dims \[2, 2\] \(4 elements\) but holds 3 float32 elements/);
    const ragged = tensorProto([1], 1, (w) => w.uint32(tag(9, WIRE_LENGTH)).bytes(new Uint8Array(6)));
    expect(() => decodeTensor(ragged, 'c.pb')).toThrow(/^c\.pb has 6 bytes of float32 raw_data, not a whole number of elements/);
    const external = tensorProto([1], 1, (w) => w.uint32(tag(14, WIRE_VARINT)).int32(1));
    expect(() => decodeTensor(external, 'd.pb')).toThrow(/^d\.pb keeps its elements in an external file/);
    expect(() => decodeTensor(new Uint8Array([0x0f, 0xff]), 'e.pb')).toThrow(/^e\.pb is not a serialized onnx\.TensorProto \(/);
  });

  it('reports a missing file as INPUT_MISMATCH with its path', async () => {
    const dir = tempDir();
    const path = join(dir, 'input_0.pb');
    await expect(readTensorFile(path)).rejects.toMatchObject({ code: 'INPUT_MISMATCH', message: `${path} cannot be read (ENOENT); check the test data directory` });
    writeFileSync(path, tensorProto([1], 6, packed(5, [-7], (w, v) => w.int32(v))));
    expect((await readTensorFile(path)).data).toEqual(new Int32Array([-7]));
  });
});
