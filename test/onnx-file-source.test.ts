import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnnxFileSource } from '../src/models/onnx-file-source.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('OnnxFileSource', () => {
  const dir = tempDir();

  it('reads names, element types and symbolic shapes from the file', async () => {
    const path = writeSmallBert(dir);
    const model = await new OnnxFileSource(path).resolve({ cacheDir: dir });
    expect(model.inputs).toEqual([
      { name: 'input_ids', elementType: 'int64', dims: ['batch_size', 'sequence_length'] },
      { name: 'attention_mask', elementType: 'int64', dims: ['batch_size', 'sequence_length'] },
      { name: 'token_type_ids', elementType: 'int64', dims: ['batch_size', 'sequence_length'] },
    ]);
    expect(model.outputs).toEqual([{ name: 'logits', elementType: 'float32', dims: ['batch_size', 2] }]);
    expect(model.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    expect(model.synthetic).toBe(false);
    expect(model.name).toBe('small-bert.onnx');
  });

  it('says a missing file is missing', async () => {
    await expect(new OnnxFileSource(join(dir, 'nope.onnx')).resolve({ cacheDir: dir })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringMatching(/nope\.onnx cannot be read \(no such file\)/),
    });
  });

  it('says a file that is not ONNX is not ONNX', async () => {
    const path = join(dir, 'notes.onnx');
    writeFileSync(path, 'these are not protobuf bytes\n');
    await expect(new OnnxFileSource(path).resolve({ cacheDir: dir })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/notes\.onnx is not an ONNX model/),
    });
  });
});
