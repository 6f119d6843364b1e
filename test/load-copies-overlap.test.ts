import { describe, expect, it } from 'vitest';
import { ClosedLoopLoadGenerator } from '../src/load/closed-loop.js';
import { OnnxFileSource } from '../src/models/onnx-file-source.js';
import { OrtCompiler } from '../src/runtimes/onnxruntime/ort-compiler.js';
import { OrtBackend } from '../src/runtimes/onnxruntime/ort-backend.js';
import { buildRandomInputSet } from '../src/inputs/random-input-set.js';
import { type RequestRecord } from '../src/load/load-generator.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';
import { coresForTwoThreads } from './helpers/free-cores.js';

describe('two model copies in worker threads', () => {
  it('compute at the same time', async ({ skip }) => {
    // Two copies can only compute at once on two free cores: measured, by two plain threads, before and after.
    const freeCores = async (when: string): Promise<void> => {
      const cores = await coresForTwoThreads();
      if (cores < 1.8) skip(`two threads got ${cores.toFixed(2)} cores ${when} the run: other processes are using them`);
    };
    await freeCores('before');
    const dir = tempDir();
    // Wide enough that one run takes milliseconds, so overlap cannot be an accident of timing.
    const model = await new OnnxFileSource(writeSmallBert(dir, { layers: 2, hiddenSize: 128, intermediateSize: 512 })).resolve({ cacheDir: dir });
    const inputs = buildRandomInputSet({ specs: model.inputs, batchSize: 4, dimensions: { sequence_length: 128 }, inputCount: 4, seed: 1 });
    const artifact = await new OrtCompiler().compile({ model, input: inputs.feeds[0]!, batchSize: inputs.batchSize, cacheDir: dir });
    const loaded = await new OrtBackend({ intraOpThreadsPerCopy: 1 }).load({ artifact, inputs, copies: 2 });
    const records: RequestRecord[] = [];
    try {
      await new ClosedLoopLoadGenerator({ clients: 2, queryCount: 40 }).run({ copies: loaded.copies, inputCount: 4 }, { onRequestComplete: (r) => records.push(r) });
    } finally {
      await loaded.close();
    }
    const intervals = (copy: number) =>
      records.filter((r) => r.copyIndex === copy).map((r) => [r.computeStartNs, r.computeStartNs + r.computeNs] as const);
    const second = intervals(1);
    const overlapping = intervals(0).filter(([s0, e0]) => second.some(([s1, e1]) => s0 < e1 && s1 < e0));
    expect(records).toHaveLength(40);
    await freeCores('after');
    // On two cores nearly every run of copy 0 shares time with a run of copy 1; in one thread none could.
    expect(overlapping.length).toBeGreaterThanOrEqual(10);
    const computeNs = records.reduce((sum, r) => sum + r.computeNs, 0);
    const wallNs = Math.max(...records.map((r) => r.endNs)) - Math.min(...records.map((r) => r.sentNs));
    expect(computeNs / wallNs).toBeGreaterThan(1.2);
  });
});
