import { Tokenizer } from '@huggingface/tokenizers';
import { describe, it, expect } from 'vitest';
import { BERT_UNCASED_VOCAB_SIZE, loadBertUncasedVocab } from '../src/inputs/bert-vocab.js';
import { generateSentences } from '../src/inputs/sentence-generator.js';
import { bertUncasedTokenizerJson, createBertUncasedTokenizer } from '../src/inputs/bert-uncased-tokenizer.js';
import { createTextTokenizer, type TextEncodeOptions } from '../src/inputs/text-tokenizer.js';

const tokenizer = createBertUncasedTokenizer();
const unpadded: TextEncodeOptions = { maxLength: 512, padding: 'none', truncation: false };

describe('bert-base-uncased vocabulary', () => {
  const vocab = loadBertUncasedVocab();

  it('matches vocab.txt ids', () => {
    expect(vocab).toHaveLength(BERT_UNCASED_VOCAB_SIZE);
    expect(vocab.length).toBe(30522);
    expect(vocab[0]).toBe('[PAD]');
    expect(vocab[1]).toBe('[unused0]');
    expect(vocab[100]).toBe('[UNK]');
    expect(vocab[101]).toBe('[CLS]');
    expect(vocab[102]).toBe('[SEP]');
    expect(vocab[103]).toBe('[MASK]');
    expect(vocab[1996]).toBe('the');
    expect(vocab[2015]).toBe('##s');
    expect(new Set(vocab).size).toBe(vocab.length);
  });
});

describe('bert-base-uncased tokenizer', () => {
  it('encodes "i like strawberries" as Hugging Face does', () => {
    const [encoding] = tokenizer.encode(['i like strawberries'], unpadded);
    expect(encoding?.inputIds).toEqual([101, 1045, 2066, 13137, 20968, 102]);
    expect(encoding?.attentionMask).toEqual([1, 1, 1, 1, 1, 1]);
    expect(encoding?.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('lowercases, strips accents and maps unknown words to [UNK]', () => {
    const [encoding] = tokenizer.encode(['THE Café ☃'], unpadded);
    expect(encoding?.inputIds).toEqual([101, 1996, 7668, 100, 102]);
  });

  it('gives the second sentence of a pair token type 1', () => {
    const [encoding] = tokenizer.encode([['i like strawberries', 'the cat']], unpadded);
    expect(encoding?.inputIds).toEqual([101, 1045, 2066, 13137, 20968, 102, 1996, 4937, 102]);
    expect(encoding?.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it('agrees with the library encode when nothing is truncated or padded', () => {
    const library = new Tokenizer(bertUncasedTokenizerJson(), {});
    const [first = '', second = ''] = generateSentences(2, 7);
    const [single, pair] = tokenizer.encode([first, [first, second]], unpadded);
    expect(single?.inputIds).toEqual(library.encode(first).ids);
    const expected = library.encode(first, { text_pair: second, return_token_type_ids: true });
    expect(pair?.inputIds).toEqual(expected.ids);
    expect(pair?.tokenTypeIds).toEqual(expected.token_type_ids);
  });

  it('pads to max_length with [PAD] and attention mask 0', () => {
    const [encoding] = tokenizer.encode(['i like strawberries'], { maxLength: 10, padding: 'max_length', truncation: true });
    expect(encoding?.inputIds).toEqual([101, 1045, 2066, 13137, 20968, 102, 0, 0, 0, 0]);
    expect(encoding?.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(encoding?.tokenTypeIds).toEqual(new Array(10).fill(0));
  });

  it('truncates to 8 tokens keeping [CLS] and [SEP]', () => {
    const text = 'the quick brown fox jumps over the lazy dog and runs away';
    const [encoding] = tokenizer.encode([text], { maxLength: 8, padding: 'max_length', truncation: true });
    expect(encoding?.inputIds).toHaveLength(8);
    expect(encoding?.inputIds[0]).toBe(101);
    expect(encoding?.inputIds[7]).toBe(102);
    expect(encoding?.inputIds.slice(1, 7)).toEqual(tokenizer.encode([text], unpadded)[0]?.inputIds.slice(1, 7));
    expect(encoding?.attentionMask).toEqual(new Array(8).fill(1));
  });

  it('truncates the longer sentence of a pair first', () => {
    const [encoding] = tokenizer.encode([['the cat', 'the quick brown fox jumps over the lazy dog']], {
      maxLength: 9,
      padding: 'none',
      truncation: true,
    });
    expect(encoding?.inputIds).toEqual([101, 1996, 4937, 102, 1996, 4248, 2829, 4419, 102]);
    expect(encoding?.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('leaves long texts whole without truncation', () => {
    const [encoding] = tokenizer.encode(['i like strawberries'], { maxLength: 4, padding: 'max_length', truncation: false });
    expect(encoding?.inputIds).toHaveLength(6);
  });

  it('pads to the longest text with padding "longest"', () => {
    const encodings = tokenizer.encode(['the cat', 'i like strawberries'], { maxLength: 128, padding: 'longest', truncation: true });
    expect(encodings.map((e) => e.inputIds)).toEqual([
      [101, 1996, 4937, 102, 0, 0],
      [101, 1045, 2066, 13137, 20968, 102],
    ]);
    expect(encodings[0]?.attentionMask).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('rejects a maxLength with no room for the special tokens', () => {
    expect(() => tokenizer.encode(['the cat'], { maxLength: 1, padding: 'none', truncation: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => tokenizer.encode(['the cat'], { maxLength: 0, padding: 'none', truncation: false })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });

  it('reports a tokenizer.json the library cannot load as MODEL_INVALID', () => {
    expect(() => createTextTokenizer({ model: { type: 'Nonsense' } })).toThrow(expect.objectContaining({ code: 'MODEL_INVALID' }));
  });

  it("pads with the special [PAD] token BERT's tokenizer class defaults to when no file names a pad token", () => {
    const bare = createTextTokenizer(bertUncasedTokenizerJson());
    expect(bare.encode(['the cat'], { maxLength: 6, padding: 'max_length', truncation: true })[0]?.inputIds).toEqual([101, 1996, 4937, 102, 0, 0]);
  });

  it('refuses to pad when the tokenizer names no pad token and holds no conventional one', () => {
    const json = bertUncasedTokenizerJson();
    const bare = createTextTokenizer({ ...json, added_tokens: (json['added_tokens'] as { content: string }[]).filter((token) => token.content !== '[PAD]') });
    expect(bare.encode(['the cat'], unpadded)[0]?.inputIds).toEqual([101, 1996, 4937, 102]);
    expect(() => bare.encode(['the cat'], { maxLength: 8, padding: 'max_length', truncation: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});

describe('generateSentences', () => {
  it('is deterministic for a seed', () => {
    expect(generateSentences(20, 1)).toEqual(generateSentences(20, 1));
  });

  it('changes with the seed', () => {
    expect(generateSentences(20, 1)).not.toEqual(generateSentences(20, 2));
  });

  it('makes English-looking sentences of varied length', () => {
    const sentences = generateSentences(200, 3);
    const lengths = sentences.map((s) => s.split(' ').length);
    expect(sentences).toHaveLength(200);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...lengths)).toBeGreaterThanOrEqual(30);
    expect(new Set(lengths).size).toBeGreaterThan(10);
    for (const sentence of sentences) expect(sentence).toMatch(/^[A-Z][a-z ]+\.$/);
  });

  it('rejects a bad count or seed', () => {
    expect(() => generateSentences(-1, 1)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => generateSentences(1, 0.5)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
