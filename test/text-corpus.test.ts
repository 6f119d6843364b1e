import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTextInputSet } from '../src/inputs/text-input-set.js';
import { createBertUncasedTokenizer } from '../src/inputs/bert-uncased-tokenizer.js';
import { loadTextCorpus } from '../src/inputs/text-corpus.js';
import { tempDir } from './helpers/fixtures.js';

describe('text corpora', () => {
  const dir = tempDir();

  it('reads a text file a sample a line, skipping blank lines', async () => {
    const path = join(dir, 'lines.txt');
    writeFileSync(path, 'first line\r\n\n  second line  \nthird\n');
    expect(await loadTextCorpus(path)).toEqual(['first line', 'second line', 'third']);
  });

  it('reads JSONL strings, texts and pairs', async () => {
    const path = join(dir, 'data.jsonl');
    writeFileSync(path, '"plain"\n{"text": "a"}\n{"text": "b", "text_pair": "c"}\n');
    expect(await loadTextCorpus(path)).toEqual(['plain', 'a', ['b', 'c']]);
  });

  it('takes U+FFFD as text, but refuses bytes that are not UTF-8 and control characters, naming the line', async () => {
    const path = join(dir, 'mixed.txt');
    writeFileSync(path, 'a replacement character \ufffd is text\n');
    expect(await loadTextCorpus(path)).toEqual(['a replacement character \ufffd is text']);
    writeFileSync(path, Buffer.concat([Buffer.from('fine \ufffd\nfine too\n'), Buffer.from([0x66, 0xff, 0x0a])]));
    await expect(loadTextCorpus(path)).rejects.toThrow(/mixed\.txt:3 is not text \(bytes that are not UTF-8\)/);
    writeFileSync(path, 'fine\nnul \u0000 here\n');
    await expect(loadTextCorpus(path)).rejects.toThrow(/mixed\.txt:2 is not text \(control character U\+0000\)/);
  });

  it('names the line of a bad JSONL record', async () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, '{"text": "ok"}\n{"label": 1}\n');
    await expect(loadTextCorpus(path)).rejects.toThrow(/bad\.jsonl:2 is neither a string nor an object with a "text" string/);
    writeFileSync(path, '{"text": \n');
    await expect(loadTextCorpus(path)).rejects.toThrow(/bad\.jsonl:1 is not valid JSON/);
  });

  it('encodes pairs with token type 1 on the second sentence and pads to the longest', () => {
    const set = buildTextInputSet({
      texts: [['i like strawberries', 'the cat'], 'hello'],
      tokenizer: createBertUncasedTokenizer(),
      batchSize: 1,
      sequenceLength: 128,
      padding: 'longest',
      batchMode: 'repeat',
      inputCount: 2,
      inputNames: { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: 'token_type_ids' },
    });
    const [pair, single] = set.feeds;
    expect(pair!.input_ids!.dims).toEqual([1, 9]);
    expect(Array.from(pair!.input_ids!.data as BigInt64Array, Number)).toEqual([101, 1045, 2066, 13137, 20968, 102, 1996, 4937, 102]);
    expect(Array.from(pair!.token_type_ids!.data as BigInt64Array, Number)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(Array.from(single!.input_ids!.data as BigInt64Array, Number)).toEqual([101, 7592, 102, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(single!.attention_mask!.data as BigInt64Array, Number)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });
});
