import { execaSync } from 'execa';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bertUncasedTokenizerJson } from '../src/inputs/bert-uncased-tokenizer.js';
import { fixOnnxDimensions } from '../src/onnx/fix-onnx-dimensions.js';
import { inferbench, runInProcess } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('inferbench run with bad input', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  const fixedBatch = join(dir, 'fixed-batch-3.onnx');
  writeFileSync(fixedBatch, fixOnnxDimensions(readFileSync(model), { batch_size: 3 }));
  // Where a result cannot go: a device node is a FIFO's kin, and renaming a file over either would replace it.
  const fifo = join(dir, 'pipe');
  execaSync('mkfifo', [fifo]);
  const loop = join(dir, 'loop.onnx');
  symlinkSync(loop, loop);
  // An export whose config.json says it takes at most 64 tokens.
  const shortExport = join(dir, 'short-export');
  mkdirSync(shortExport);
  copyFileSync(model, join(shortExport, 'model.onnx'));
  writeFileSync(join(shortExport, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertForSequenceClassification'], max_position_embeddings: 64 }));
  writeFileSync(join(shortExport, 'tokenizer.json'), JSON.stringify(bertUncasedTokenizerJson()));
  const notOnnx = join(dir, 'readme.onnx');
  writeFileSync(notOnnx, '# not a model\n');
  const cache = ['--cache-dir', join(dir, 'cache')];

  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['a missing model file', ['-m', join(dir, 'missing.onnx')], {}, /missing\.onnx cannot be read \(no such file\); pass the path of an \.onnx file/],
    ['a file that is not ONNX', ['-m', notOnnx], {}, /readme\.onnx is not an ONNX model that onnxruntime can load/],
    ['a batch size of 0', ['-m', model, '--batch-size', '0'], {}, /^inferbench: --batch-size must be an integer ≥ 1, got '0'$/],
    [
      'a batch size that the model fixes otherwise',
      ['-m', fixedBatch, '--tokenizer', 'bert-base-uncased', '-b', '7'],
      {},
      /^inferbench: fixed-batch-3\.onnx's input 'input_ids' \[3, sequence_length\] has a fixed batch dimension of 3, so the batch size cannot be 7; set batchSize \(--batch-size\) to 3$/,
    ],
    ['a batch size of abc', ['-m', model, '-b', 'abc'], {}, /^inferbench: --batch-size must be an integer ≥ 1, got 'abc'$/],
    ['a bad BATCH_SIZE', ['-m', model], { BATCH_SIZE: 'abc' }, /^inferbench: BATCH_SIZE must be an integer ≥ 1, got 'abc'$/],
    ['an unknown flag', ['-m', model, '--batch-sise', '4'], {}, /^inferbench: unknown option '--batch-sise'; run 'inferbench run --help'/],
    ['an input name the model lacks', ['-m', model, '--input-names', 'inputIds=ids'], {}, /input name 'ids' \(for inputIds\) is not an input of small-bert\.onnx; its inputs are: input_ids, attention_mask, token_type_ids/],
    ['a text model without a tokenizer', ['-m', model], {}, /^inferbench: small-bert\.onnx is a text model without a tokenizer; pass --tokenizer/],
    ['a missing corpus file', ['-m', model, '--tokenizer', 'bert-base-uncased', '--corpus', join(dir, 'nope.txt')], {}, /^inferbench: cannot read the corpus .*nope\.txt \(ENOENT/],
    ['a missing tokenizer', ['-m', model, '--tokenizer', join(dir, 'nope.json')], {}, /^inferbench: tokenizer .*nope\.json does not exist/],
    ['a model spec that is nothing known', ['-m', 'no such model!'], {}, /^inferbench: model 'no such model!' is neither a file, a directory, a built-in model nor a Hugging Face repo id/],
    ['a value flag without a value', ['--model'], {}, /^inferbench: --model needs a value/],
    ['a value flag followed by a flag', ['--model', '--copies', '2'], {}, /^inferbench: --model needs a value/],
    ['a stray argument', ['-m', model, 'extra'], {}, /^inferbench: unexpected argument 'extra'/],
    ['an unwritable output path', ['-m', model, '-o', '/dev/null/result.json'], {}, /^inferbench: cannot write the result into \/dev\/null .*pass a writable --output path$/],
    ['an output file that is a folder', ['-m', model, '--output', dir], {}, /^inferbench: cannot write the result to .*: it is a folder; pass -o .* to write a new result into it, or name a file$/],
    ['an output file that is a FIFO', ['-m', model, '--output', fifo], {}, /^inferbench: cannot write the result to .*pipe: it is a FIFO; name a file$/],
    [
      'a sequence longer than the model takes',
      ['-m', shortExport, '--sequence-length', '100'],
      {},
      /^inferbench: short-export takes at most 64 tokens \(its position table\), so the sequence length cannot be 100; set sequenceLength \(--sequence-length\) to 64 or less$/,
    ],
    [
      'inputs larger than memory',
      ['-m', model, '--tokenizer', 'bert-base-uncased', '--input-count', '100000000'],
      {},
      /^inferbench: the inputs would take .* \(100000000 inputs of 12\.0 KiB, held here and by the copy\), over half of this machine's .*; lower inputCount \(--input-count\), batchSize \(--batch-size\) or copies \(--copies\)$/,
    ],
    ['an image size past the limit', ['-m', model, '--image-size', '12000'], {}, /^inferbench: --image-size must be an integer from 1 to 4096, got '12000'$/],
    ['a model that is a FIFO', ['-m', fifo], {}, /^inferbench: model file .*pipe is a FIFO; pass the path of an \.onnx file$/],
    ['a model that is a symlink loop', ['-m', loop], {}, /^inferbench: model '.*loop\.onnx' cannot be read \(ELOOP: too many symbolic links encountered.*\); pass an \.onnx file/],
    ['a seed past 32 bits', ['-m', model, '--seed', '4294967296'], {}, /^inferbench: --seed must be an integer from 0 to 4294967295, got '4294967296'$/],
    ['an unknown built-in model', ['-m', 'synthetic:gpt9'], {}, /unknown built-in model 'synthetic:gpt9'/],
    ['a bad duration', ['-m', model, '--duration', 'soon'], {}, /--duration must be a positive duration up to about 24 days, such as 30s/],
  ];

  it.each(cases)('rejects %s with one line and exit code 2', async (_, args, env, message) => {
    const run = await runInProcess(['run', ...cache, ...args], { env });
    expect(run.exitCode).toBe(2);
    const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('inferbench:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).not.toContain('result');
  });

  // Spawned: the library reads the Hugging Face variables from its process's environment.
  it('rejects a hub id in MODEL_NAME missing from the cache offline with one line and exit code 2', async () => {
    const run = await inferbench(['run', ...cache], { MODEL_NAME: 'bert-base-uncased', HF_HUB_OFFLINE: '1', HF_HUB_CACHE: join(dir, 'hf') });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('inferbench:'))).toEqual([expect.stringMatching(/^inferbench: model\.onnx of bert-base-uncased at revision main is not in the Hugging Face cache \(looked for .*\) and HF_HUB_OFFLINE=1 is set; unset it to download$/)]);
  });

  it('rejects an unknown command, naming the nearest one or else every one', async () => {
    const far = await runInProcess(['frobnicate']);
    expect(far.exitCode).toBe(2);
    expect(far.stderr).toBe("inferbench: unknown command 'frobnicate'; the commands are run, sweep, compare, merge, compile, check, env");
    const near = await runInProcess(['sweeep', '--batch-sizes', '2,4']);
    expect([near.exitCode, near.stderr]).toEqual([2, "inferbench: unknown command 'sweeep'; did you mean 'inferbench sweep'?"]);
  });

  it("answers flags without a command with the run they most likely meant", async () => {
    const run = await runInProcess(['-m', 'synthetic:bert', '-t', 'p95<20ms']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`inferbench: '-m' is not a command; did you mean 'inferbench run -m synthetic:bert -t "p95<20ms"'?`);
  });
});
