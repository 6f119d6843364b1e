import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HfExportDirSource } from '../src/models/hf-export-dir-source.js';
import { bertUncasedTokenizerJson } from '../src/inputs/bert-uncased-tokenizer.js';
import { buildSyntheticBert } from '../src/models/synthetic-bert.js';
import { inferTask } from '../src/models/infer-task.js';
import { loadTokenizer } from '../src/inputs/load-tokenizer.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { tempDir } from './helpers/fixtures.js';

/** Writes an export directory as optimum-cli lays it out, with a small BERT. */
function writeExport(dir: string, options: { nested?: boolean; tokenizer?: boolean } = {}): string {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const model = buildSyntheticBert({ layers: 1, hiddenSize: 32, heads: 2, intermediateSize: 64 });
  writeFileSync(join(dir, options.nested ? 'onnx/model.onnx' : 'model.onnx'), model);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ _name_or_path: 'acme/tiny-bert', architectures: ['BertForSequenceClassification'], model_type: 'bert' }));
  if (options.tokenizer !== false) {
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(bertUncasedTokenizerJson()));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true, model_max_length: 512 }));
    writeFileSync(join(dir, 'special_tokens_map.json'), JSON.stringify({ pad_token: { content: '[PAD]' }, cls_token: '[CLS]', sep_token: '[SEP]' }));
  }
  return dir;
}

describe('a Hugging Face export directory', () => {
  const root = tempDir();

  it('takes the model, task, name and tokenizer from the export', async () => {
    for (const nested of [false, true]) {
      const dir = writeExport(join(root, nested ? 'nested' : 'flat'), { nested });
      const model = await new HfExportDirSource(dir).resolve({ cacheDir: root });
      expect(model.path).toBe(join(dir, nested ? 'onnx/model.onnx' : 'model.onnx'));
      expect(model).toMatchObject({ name: 'acme/tiny-bert', task: 'text', tokenizer: dir, synthetic: false });
    }
  });

  it('benchmarks sentence pairs from a JSONL corpus with its own tokenizer, padded to the longest', async () => {
    const dir = writeExport(join(root, 'pairs'));
    const corpus = join(root, 'pairs.jsonl');
    writeFileSync(corpus, ['{"text": "i like strawberries", "text_pair": "the cat"}', '{"text": "a much longer first sentence here", "text_pair": "and a second one"}', '"just one sentence"', ''].join('\n'));
    const result = await runBenchmark({ model: dir, corpus, padding: 'longest', batchSize: 2, inputCount: 3, queryCount: 6, cacheDir: join(root, 'cache') });
    // The longest pair, "[CLS] a much longer first sentence here [SEP] and a second one [SEP]", is 13 tokens.
    expect(result.compile.dimensions).toEqual({ batch_size: 2, sequence_length: 13 });
    expect(result.inputs.description).toContain('pairs.jsonl, tokenizer');
    expect(result.model.name).toBe('acme/tiny-bert');
    expect(result.measurement.completedRequests).toBe(6);
  });

  it('refuses a text model without a tokenizer, and a directory without a model', async () => {
    const bare = writeExport(join(root, 'bare'), { tokenizer: false });
    await expect(runBenchmark({ model: bare, queryCount: 1, cacheDir: join(root, 'cache') })).rejects.toThrow(
      /^acme\/tiny-bert is a text model without a tokenizer; pass --tokenizer/,
    );
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(new HfExportDirSource(empty).resolve({ cacheDir: root })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringMatching(/empty holds neither model\.onnx, onnx\/model\.onnx nor config\.json with model\.safetensors/),
    });
  });

  it('reads the pad token from the files beside a tokenizer.json named directly', async () => {
    const dir = writeExport(join(root, 'bare-file'));
    // A tokenizer.json without a padding section: only special_tokens_map.json names [PAD].
    const result = await runBenchmark({ model: dir, tokenizer: join(dir, 'tokenizer.json'), sequenceLength: 16, queryCount: 2, cacheDir: join(root, 'cache') });
    expect(result.compile.dimensions).toEqual({ batch_size: 4, sequence_length: 16 });
    await expect(loadTokenizer(join(root, 'nowhere.json'))).rejects.toThrow(/tokenizer .*nowhere\.json does not exist/);
  });
});

describe('task inference', () => {
  it("takes Hugging Face's pixel_values with symbolic channels as an image input", () => {
    const pixelValues = { name: 'pixel_values', elementType: 'float32', dims: ['batch_size', 'num_channels', 'height', 'width'] };
    expect(inferTask([pixelValues])).toBe('image');
    expect(inferTask([{ name: 'x', elementType: 'float32', dims: ['n', 224, 224, 3] }])).toBe('image');
    expect(inferTask([{ name: 'x', elementType: 'float32', dims: ['n', 8] }])).toBe('tensor');
    expect(inferTask([{ name: 'input_ids', elementType: 'int64', dims: ['n', 's'] }])).toBe('text');
  });
});
