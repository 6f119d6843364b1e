import { describe, expect, it } from 'vitest';
import {
  FRAME_HEADER_BYTES,
  FrameReader,
  PythonMessage,
  decodeDone,
  encodeFrame,
  encodeInputsFrame,
  encodeJsonFrame,
  encodeRunFrame,
} from '../src/runtimes/torch/python-protocol.js';

function doneFrame(seconds: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeDoubleLE(seconds, 0);
  return encodeFrame(PythonMessage.done, payload);
}

describe('Python worker frames', () => {
  it('lay out length, type and payload little-endian', () => {
    const run = encodeRunFrame(0x01020304);
    expect([...run]).toEqual([5, 0, 0, 0, PythonMessage.run, 4, 3, 2, 1]);
    expect([...encodeFrame(PythonMessage.shutdown)]).toEqual([1, 0, 0, 0, PythonMessage.shutdown]);
    const load = encodeJsonFrame(PythonMessage.load, { path: 'm.pt' });
    expect(load.readUInt32LE(0)).toBe(load.byteLength - 4);
    expect(JSON.parse(load.subarray(FRAME_HEADER_BYTES).toString('utf8'))).toEqual({ path: 'm.pt' });
  });

  it('round-trip through the reader, several per chunk', () => {
    const reader = new FrameReader();
    const frames = reader.push(Buffer.concat([doneFrame(0.25), encodeFrame(PythonMessage.error, Buffer.from('IndexError: no')), encodeFrame(PythonMessage.ready)]));
    expect(frames.map((f) => f.type)).toEqual([PythonMessage.done, PythonMessage.error, PythonMessage.ready]);
    expect(decodeDone(frames[0]!.payload)).toBe(0.25);
    expect(frames[1]!.payload.toString('utf8')).toBe('IndexError: no');
    expect(frames[2]!.payload.byteLength).toBe(0);
    expect(reader.pendingBytes).toBe(0);
  });

  it('reassemble frames split at every byte', () => {
    const stream = Buffer.concat([doneFrame(1.5e-6), doneFrame(3), encodeJsonFrame(PythonMessage.loaded, { torchVersion: '1.13.0' })]);
    const reader = new FrameReader();
    const frames = [];
    for (let i = 0; i < stream.byteLength; i++) frames.push(...reader.push(stream.subarray(i, i + 1)));
    expect(frames.map((f) => f.type)).toEqual([PythonMessage.done, PythonMessage.done, PythonMessage.loaded]);
    expect(decodeDone(frames[0]!.payload)).toBe(1.5e-6);
    expect(decodeDone(frames[1]!.payload)).toBe(3);
    expect(JSON.parse(frames[2]!.payload.toString('utf8'))).toEqual({ torchVersion: '1.13.0' });
  });

  it('keep a partial frame until its rest arrives', () => {
    const frame = doneFrame(2);
    const reader = new FrameReader();
    expect(reader.push(frame.subarray(0, 3))).toEqual([]);
    expect(reader.push(Buffer.concat([frame.subarray(3), frame.subarray(0, 6)]))).toHaveLength(1);
    expect(reader.pendingBytes).toBe(6);
    const rest = reader.push(frame.subarray(6));
    expect(rest.map((f) => decodeDone(f.payload))).toEqual([2]);
  });

  it('put the input set behind a JSON header, each tensor 8-byte aligned', () => {
    const feeds = [
      { ids: { type: 'int64' as const, dims: [1, 3], data: new BigInt64Array([1n, -2n, 3n]) }, mask: { type: 'int32' as const, dims: [1, 3], data: new Int32Array([1, 1, 0]) } },
      { ids: { type: 'int64' as const, dims: [1, 3], data: new BigInt64Array([4n, 5n, 6n]) }, mask: { type: 'int32' as const, dims: [1, 3], data: new Int32Array([1, 0, 0]) } },
    ];
    const frame = Buffer.concat(encodeInputsFrame(feeds));
    const [decoded] = new FrameReader().push(frame);
    expect(decoded!.type).toBe(PythonMessage.inputs);
    const payload = decoded!.payload;
    const headerBytes = payload.readUInt32LE(0);
    const header = JSON.parse(payload.subarray(4, 4 + headerBytes).toString('utf8'));
    const dataStart = Math.ceil((4 + headerBytes) / 8) * 8;
    expect(header.feeds[0]).toEqual([
      { name: 'ids', type: 'int64', dims: [1, 3], offset: 0 },
      { name: 'mask', type: 'int32', dims: [1, 3], offset: 24 },
    ]);
    expect(header.feeds[1].map((t: { offset: number }) => t.offset)).toEqual([40, 64]);
    expect(payload.byteLength).toBe(dataStart + 80);
    expect(payload.readBigInt64LE(dataStart + 8)).toBe(-2n);
    expect(payload.readInt32LE(dataStart + 64 + 4)).toBe(0);
    expect(payload.readBigInt64LE(dataStart + 40 + 16)).toBe(6n);
  });
});
