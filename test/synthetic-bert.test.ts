import { describe, it, expect } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildSyntheticBert, DEFAULT_SYNTHETIC_BERT, type SyntheticBertConfig } from '../src/models/synthetic-bert.js';
import { InferbenchError } from '../src/core/errors.js';

// Small shapes keep the tests fast; the default shape is run once to prove it loads.
const SMALL: Partial<SyntheticBertConfig> = { layers: 2, hiddenSize: 32, heads: 4, intermediateSize: 64, vocabSize: 1000, maxPositions: 64 };

function load(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
}

interface Batch {
  ids: number[][];
  mask?: number[][];
}

function feeds({ ids, mask }: Batch, withTokenTypeIds = true): Record<string, ort.Tensor> {
  const dims = [ids.length, ids[0]?.length ?? 0];
  const tensor = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), dims);
  const result: Record<string, ort.Tensor> = {
    input_ids: tensor(ids),
    attention_mask: tensor(mask ?? ids.map((row) => row.map(() => 1))),
  };
  if (withTokenTypeIds) result.token_type_ids = tensor(ids.map((row) => row.map((_, i) => (i < row.length / 2 ? 0 : 1))));
  return result;
}

function tokens(batch: number, seq: number, offset = 0): number[][] {
  return Array.from({ length: batch }, (_, b) => Array.from({ length: seq }, (_, s) => (b * 131 + s * 17 + offset) % 1000));
}

async function logits(session: ort.InferenceSession, batch: Batch, withTokenTypeIds = true): Promise<ort.Tensor> {
  const out = await session.run(feeds(batch, withTokenTypeIds));
  const result = out.logits;
  if (result === undefined) throw new Error('no logits output');
  return result;
}

function maxAbsDiff(a: ort.Tensor, b: ort.Tensor): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  return Math.max(...Array.from(x, (v, i) => Math.abs(v - (y[i] ?? NaN))));
}

describe('buildSyntheticBert', () => {
  it('runs the default model at batch 3 × seq 16 and batch 1 × seq 7 (symbolic dims)', async () => {
    const session = await load(buildSyntheticBert());
    for (const [batch, seq] of [[3, 16], [1, 7]] as const) {
      const result = await logits(session, { ids: tokens(batch, seq) });
      expect(result.type).toBe('float32');
      expect(result.dims).toEqual([batch, DEFAULT_SYNTHETIC_BERT.numLabels]);
      expect(Array.from(result.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
    await session.release();
  });

  it('declares inputs and outputs with symbolic dims', async () => {
    const session = await load(buildSyntheticBert({ ...SMALL, numLabels: 5 }));
    const dims = ['batch_size', 'sequence_length'];
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(session.inputMetadata).toEqual(
      session.inputNames.map((name) => ({ name, isTensor: true, type: 'int64', shape: dims })),
    );
    expect(session.outputMetadata).toEqual([{ name: 'logits', isTensor: true, type: 'float32', shape: ['batch_size', 5] }]);
    await session.release();
  });

  it('is deterministic in the seed', async () => {
    const a = buildSyntheticBert({ ...SMALL, seed: 7 });
    const b = buildSyntheticBert({ ...SMALL, seed: 7 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);

    const batch = { ids: tokens(2, 12) };
    const [same, other] = await Promise.all([a, buildSyntheticBert({ ...SMALL, seed: 8 })].map(load));
    expect(maxAbsDiff(await logits(same!, batch), await logits(other!, batch))).toBeGreaterThan(1e-4);
    await Promise.all([same!.release(), other!.release()]);
  });

  it('ignores tokens at masked positions and not at unmasked ones', async () => {
    // The default width: in SMALL one token moves the logits by only ~2e-5, too close to the tolerance.
    const session = await load(buildSyntheticBert());
    const ids = tokens(2, 16);
    const mask = ids.map((row) => row.map((_, i) => (i < 10 ? 1 : 0)));
    const change = (positions: (i: number) => boolean) => ids.map((row) => row.map((t, i) => (positions(i) ? (t + 500) % 1000 : t)));
    const base = await logits(session, { ids, mask });

    expect(maxAbsDiff(base, await logits(session, { ids: change((i) => i >= 10), mask }))).toBeLessThan(1e-5);
    // Position 4, not [CLS] at 0, so the change must reach the pooler through attention.
    expect(maxAbsDiff(base, await logits(session, { ids: change((i) => i === 4), mask }))).toBeGreaterThan(1e-4);
    await session.release();
  });

  it('takes only input_ids and attention_mask without token type ids, treating every token as segment 0', async () => {
    const [without, withTypes] = await Promise.all(
      [false, true].map((withTokenTypeIds) => load(buildSyntheticBert({ ...SMALL, withTokenTypeIds }))),
    );
    expect(without!.inputNames).toEqual(['input_ids', 'attention_mask']);
    const ids = tokens(2, 9);
    const result = await logits(without!, { ids }, false);
    expect(result.dims).toEqual([2, 2]);

    const segment0 = { ...feeds({ ids }), token_type_ids: new ort.Tensor('int64', new BigInt64Array(18), [2, 9]) };
    expect(maxAbsDiff(result, (await withTypes!.run(segment0)).logits!)).toBeLessThan(1e-6);
    await Promise.all([without!.release(), withTypes!.release()]);
  });

  it.each<[string, Partial<SyntheticBertConfig>]>([
    ['hiddenSize not divisible by heads', { hiddenSize: 100, heads: 3 }],
    ['zero layers', { layers: 0 }],
    ['fractional hiddenSize', { hiddenSize: 12.5 }],
    ['negative seed', { seed: -1 }],
    ['unknown option', { hidden: 64 } as Partial<SyntheticBertConfig>],
  ])('rejects %s with INVALID_OPTION', (_, config) => {
    let error: unknown;
    try {
      buildSyntheticBert(config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InferbenchError);
    expect((error as InferbenchError).code).toBe('INVALID_OPTION');
    expect((error as InferbenchError).message).not.toContain('\n');
  });
});
