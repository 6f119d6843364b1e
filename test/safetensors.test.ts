import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFloatTensor, readSafetensorsHeader } from '../src/models/weights/safetensors.js';
import { tempDir } from './helpers/fixtures.js';
import { safetensorsBytes } from './helpers/safetensors-file.js';

describe('a safetensors file', () => {
  const dir = tempDir();
  const write = (name: string, bytes: Uint8Array): string => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const f32 = new Float32Array([1.5, -2, 3.25, 0]);
  // The same values as float16 (0x3e00 = 1.5, 0xc000 = -2, 0x4280 = 3.25) and bfloat16 (the float32's high halves).
  const f16 = new Uint16Array([0x3e00, 0xc000, 0x4280, 0x0000]);
  const bf16 = new Uint16Array(Array.from(new Uint32Array(f32.buffer), (bits) => bits >>> 16));
  const bytesOf = (array: ArrayBufferView): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

  it('gives each float tensor as float32, whatever its stored precision', async () => {
    const data = Buffer.concat([bytesOf(f32), bytesOf(f16), bytesOf(bf16)]);
    const path = write('model.safetensors', safetensorsBytes({
      __metadata__: { format: 'pt' },
      'a.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
      'b.weight': { dtype: 'F16', shape: [4], data_offsets: [16, 24] },
      'c.weight': { dtype: 'BF16', shape: [4], data_offsets: [24, 32] },
    }, data));
    const header = await readSafetensorsHeader(path);
    expect([...header.tensors.keys()]).toEqual(['a.weight', 'b.weight', 'c.weight']);
    expect(header.tensors.get('a.weight')).toMatchObject({ dtype: 'F32', shape: [2, 2] });
    for (const name of ['a.weight', 'b.weight', 'c.weight']) expect(Array.from(await readFloatTensor(header, name))).toEqual([1.5, -2, 3.25, 0]);
  });

  it('is refused in one line naming the file and the tensor when it is truncated, oversized or of another type', async () => {
    const one = { 'w': { dtype: 'F32', shape: [4], data_offsets: [0, 16] } };
    const cases: [string, Uint8Array, RegExp][] = [
      ['short.safetensors', new Uint8Array(5), /short\.safetensors is not a usable safetensors file: it holds 5 bytes, fewer than the 8 of its header's length/],
      ['claims.safetensors', safetensorsBytes(one, bytesOf(f32), 10_000), /claims\.safetensors .*its header claims 10000 bytes, but the file holds \d+ after the length \(truncated\?\)/],
      ['huge.safetensors', safetensorsBytes(one, bytesOf(f32), 2 ** 40), /huge\.safetensors .*its header claims 1099511627776 bytes, more than the format's 100 MiB/],
      ['cut.safetensors', safetensorsBytes(one, bytesOf(f32).subarray(0, 10)), /cut\.safetensors .*tensor w ends at byte \d+, past the file's \d+ \(truncated\?\)/],
      ['span.safetensors', safetensorsBytes({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, bytesOf(f32)), /tensor w spans 16 bytes, but F32 \[3\] takes 12/],
      ['dtype.safetensors', safetensorsBytes({ w: { dtype: 'F31', shape: [4], data_offsets: [0, 16] } }, bytesOf(f32)), /tensor w has the unknown dtype "F31"/],
      ['json.safetensors', Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{{{')]), /json\.safetensors .*its header is not JSON/],
    ];
    for (const [name, bytes, message] of cases) {
      await expect(readSafetensorsHeader(write(name, bytes)), name).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(message) });
    }
    const ints = await readSafetensorsHeader(write('ints.safetensors', safetensorsBytes({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, new Uint8Array(16))));
    await expect(readFloatTensor(ints, 'ids')).rejects.toThrow(/ints\.safetensors .*tensor ids is I64, not one of the floating-point types F32, F16, BF16, F64/);
    await expect(readFloatTensor(ints, 'missing')).rejects.toThrow(/ints\.safetensors .*it has no tensor missing/);
  });
});
