import { describe, it, expect } from 'vitest';
import { finishStepsCancellably } from '../src/core/steps.js';
import { generateSentences } from '../src/inputs/sentence-generator.js';
import { buildTextInputSet, textInputSteps, type TextInputSetOptions } from '../src/inputs/text-input-set.js';
import { createBertUncasedTokenizer } from '../src/inputs/bert-uncased-tokenizer.js';
import type { TextTokenizer } from '../src/inputs/text-tokenizer.js';

const tokenizer = createBertUncasedTokenizer();
const texts = generateSentences(40, 1);
const base: TextInputSetOptions = {
  texts,
  tokenizer,
  batchSize: 4,
  sequenceLength: 128,
  batchMode: 'repeat',
  inputCount: 10,
  inputNames: { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: 'token_type_ids' },
  description: 'synthetic sentences, seed 1',
};

/** Row `row` of a `[batch, sequence]` int64 tensor as numbers. */
function row(data: BigInt64Array, sequenceLength: number, index: number): number[] {
  return Array.from(data.subarray(index * sequenceLength, (index + 1) * sequenceLength), Number);
}

describe('buildTextInputSet', () => {
  it('makes int64 [batchSize, sequenceLength] tensors for each input name', () => {
    const set = buildTextInputSet(base);
    expect(set.feeds).toHaveLength(10);
    expect(set.batchSize).toBe(4);
    expect(set.description).toBe('synthetic sentences, seed 1');
    for (const sample of set.feeds) {
      expect(Object.keys(sample).sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
      for (const tensor of Object.values(sample)) {
        expect(tensor.type).toBe('int64');
        expect(tensor.dims).toEqual([4, 128]);
        expect(tensor.data).toBeInstanceOf(BigInt64Array);
        expect(tensor.data).toHaveLength(4 * 128);
      }
    }
  });

  it('repeats one encoded text in every row in repeat mode', () => {
    const set = buildTextInputSet(base);
    const [expected] = tokenizer.encode([texts[3]!], { maxLength: 128, padding: 'max_length', truncation: true });
    const ids = set.feeds[3]!['input_ids']!.data as BigInt64Array;
    const mask = set.feeds[3]!['attention_mask']!.data as BigInt64Array;
    for (let r = 0; r < 4; r++) {
      expect(row(ids, 128, r)).toEqual(expected?.inputIds);
      expect(row(mask, 128, r)).toEqual(expected?.attentionMask);
    }
    expect(row(ids, 128, 0).at(-1)).toBe(0);
  });

  it('puts batchSize different texts in each sample in distinct mode', () => {
    const set = buildTextInputSet({ ...base, batchMode: 'distinct' });
    const ids = set.feeds[1]!['input_ids']!.data as BigInt64Array;
    const expected = tokenizer.encode(texts.slice(4, 8), { maxLength: 128, padding: 'max_length', truncation: true });
    for (let r = 0; r < 4; r++) expect(row(ids, 128, r)).toEqual(expected[r]?.inputIds);
    // 10 samples × 4 rows wrap around the 40 texts exactly once.
    expect(new Set(set.feeds.flatMap((s) => [0, 1, 2, 3].map((r) => row(s['input_ids']!.data as BigInt64Array, 128, r).join()))).size).toBe(40);
  });

  it('truncates long texts to sequenceLength keeping [CLS] and [SEP]', () => {
    const long = generateSentences(1, 5)[0]!.repeat(10);
    const set = buildTextInputSet({ ...base, texts: [long], sequenceLength: 16, inputCount: 1 });
    const ids = row(set.feeds[0]!['input_ids']!.data as BigInt64Array, 16, 0);
    expect(ids[0]).toBe(101);
    expect(ids[15]).toBe(102);
    expect(row(set.feeds[0]!['attention_mask']!.data as BigInt64Array, 16, 0)).toEqual(new Array(16).fill(1));
  });

  it('leaves out token types when the model takes none, and derives a description', () => {
    const set = buildTextInputSet({ ...base, description: undefined, inputNames: { inputIds: 'ids', attentionMask: 'mask' } });
    expect(Object.keys(set.feeds[0]!).sort()).toEqual(['ids', 'mask']);
    expect(set.description).toBe('40 texts, repeat batches');
  });

  it('pads to the longest of all texts, tokenized a slice at a time, as one call to the tokenizer would', () => {
    // Two slices; at 16 tokens some texts are truncated, at 128 none is.
    const many = generateSentences(501, 2);
    for (const sequenceLength of [128, 16]) {
      const set = buildTextInputSet({ ...base, texts: many, batchSize: 1, inputCount: many.length, sequenceLength, padding: 'longest', inputNames: { inputIds: 'input_ids' } });
      const expected = tokenizer.encode(many, { maxLength: sequenceLength, padding: 'longest', truncation: true });
      expect(set.feeds.map((feed) => Array.from(feed['input_ids']!.data as BigInt64Array, Number))).toEqual(expected.map((encoding) => encoding.inputIds));
    }
  });

  it('stops between slices of texts once its signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const aborting: TextTokenizer = {
      encode(batch, options) {
        calls++;
        controller.abort();
        return tokenizer.encode(batch, options);
      },
    };
    const texts = Array.from({ length: 5000 }, (_, i) => `text number ${i}`);
    const steps = textInputSteps({ ...base, texts, tokenizer: aborting, batchSize: 1, inputCount: texts.length });
    await expect(finishStepsCancellably(steps, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
  });

  it('rejects bad options with INVALID_OPTION', () => {
    const invalid = expect.objectContaining({ code: 'INVALID_OPTION' });
    for (const bad of [
      { batchSize: 0 },
      { batchSize: 1.5 },
      { sequenceLength: -1 },
      { inputCount: 0 },
      { inputCount: Number.NaN },
      { texts: [] },
      { batchMode: 'distinct' as const, batchSize: 41 },
    ]) {
      expect(() => buildTextInputSet({ ...base, ...bad })).toThrow(invalid);
    }
  });
});
