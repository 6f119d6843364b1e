import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { finishSteps } from '../src/core/steps.js';
import { bertFromCheckpoint } from '../src/models/weights/bert-checkpoint.js';
import { buildCheckpointOnnx } from '../src/models/weights/checkpoint-onnx.js';
import { configMaxSequenceLength, readHfCheckpoint } from '../src/models/weights/hf-checkpoint.js';
import { readFloatTensor, readSafetensorsHeader } from '../src/models/weights/safetensors.js';
import type { BenchmarkResult } from '../src/results/benchmark-result.js';
import { runForResult, runInProcess } from './helpers/cli.js';
import { startFakeHub, type FakeHub, type FakeHubFile } from './helpers/fake-hub.js';
import { DEBIAN_PYTHON, debianPythonHas } from './helpers/debian-python.js';
import { tempDir } from './helpers/fixtures.js';
import { float32Safetensors } from './helpers/safetensors-file.js';
import { bertUncasedTokenizerJson } from '../src/inputs/bert-uncased-tokenizer.js';

const SCRIPT = new URL('./fixtures/hf/bert_checkpoint.py', import.meta.url).pathname;
const hasTorch = debianPythonHas('torch');

interface Reference {
  readonly input_ids: number[][];
  readonly attention_mask: number[][];
  readonly token_type_ids: number[][];
  readonly logits: number[][];
}

/** The fixture's checkpoints: one of each family, and a BERT sharded over three files. */
const FIXTURES = { bert: tempDir(), roberta: tempDir(), distilbert: tempDir(), sharded: tempDir() };
let fixturesWritten = false;

/** Weights, and the logits torch computes from them with torch.nn.functional, by a script of its own, in one process. */
function writeFixtures(): void {
  if (fixturesWritten) return;
  const { bert, roberta, distilbert, sharded } = FIXTURES;
  execFileSync(DEBIAN_PYTHON, [SCRIPT, bert, `${roberta}:1:roberta`, `${distilbert}:1:distilbert`, `${sharded}:3`]);
  fixturesWritten = true;
}

describe.skipIf(!hasTorch && !process.env.CI)('a BERT checkpoint in the Hugging Face layout', () => {
  const dir = FIXTURES.bert;
  let reference: Reference;
  beforeAll(() => {
    writeFixtures();
    reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference;
  }, 60_000);

  it.each(['bert', 'roberta', 'distilbert'] as const)("builds a %s graph from its real weights, which gives torch's logits within 1e-4", async (family) => {
    const from = FIXTURES[family];
    const expected = family === 'bert' ? reference : (JSON.parse(readFileSync(join(from, 'reference.json'), 'utf8')) as Reference);
    const built = await bertFromCheckpoint(await readHfCheckpoint(from));
    expect(built.randomHead).toBe(false);
    expect(built.shape).toMatchObject({ family, layers: 2, hiddenSize: 32, heads: 4, intermediateSize: 64, numLabels: 3, withTokenTypeIds: family === 'bert' });
    const session = await ort.InferenceSession.create(finishSteps(built.steps), { intraOpNumThreads: 1 });
    const tensor = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0]!.length]);
    const feeds: Record<string, ort.Tensor> = { input_ids: tensor(expected.input_ids), attention_mask: tensor(expected.attention_mask) };
    if (family === 'bert') feeds.token_type_ids = tensor(expected.token_type_ids);
    const logits = Array.from((await session.run(feeds)).logits!.data as Float32Array);
    const want = expected.logits.flat();
    expect(logits).toHaveLength(want.length);
    expect(Math.max(...logits.map((value, i) => Math.abs(value - want[i]!)))).toBeLessThan(1e-4);
    await session.release();
  });

  it('gives a checkpoint without its classifier head (a pretrained encoder) a random one, and says so', async () => {
    const header = await readSafetensorsHeader(join(dir, 'model.safetensors'));
    const encoder = new Map<string, { shape: readonly number[]; values: Float32Array }>();
    for (const [name, entry] of header.tensors) if (!name.startsWith('classifier.')) encoder.set(name, { shape: entry.shape, values: await readFloatTensor(header, name) });
    const pretrained = tempDir();
    writeFileSync(join(pretrained, 'config.json'), readFileSync(join(dir, 'config.json')));
    writeFileSync(join(pretrained, 'model.safetensors'), float32Safetensors(encoder));
    const built = await bertFromCheckpoint(await readHfCheckpoint(pretrained));
    expect(built.randomHead).toBe(true);
    const session = await ort.InferenceSession.create(finishSteps(built.steps), { intraOpNumThreads: 1 });
    const tensor = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0]!.length]);
    const logits = Array.from((await session.run({ input_ids: tensor(reference.input_ids), attention_mask: tensor(reference.attention_mask), token_type_ids: tensor(reference.token_type_ids) })).logits!.data as Float32Array);
    // The encoder is the checkpoint's; only the head differs, so the logits are finite and not the trained head's.
    expect(logits.every(Number.isFinite)).toBe(true);
    expect(logits).not.toEqual(reference.logits.flat().map(Math.fround));
    await session.release();
    const cacheDir = tempDir();
    writeFileSync(join(pretrained, 'tokenizer.json'), JSON.stringify(bertUncasedTokenizerJson()));
    writeFileSync(join(pretrained, 'tokenizer_config.json'), JSON.stringify({ pad_token: '[PAD]' }));
    const run = await runInProcess(['run', '-m', pretrained, '-n', '5', '--sequence-length', '16', '--copies', '1', '--cache-dir', cacheDir, '-o', join(cacheDir, 'run.json')]);
    expect(run.exitCode).toBe(0);
    expect((JSON.parse(readFileSync(join(cacheDir, 'run.json'), 'utf8')) as BenchmarkResult).model.name).toBe(`${basename(pretrained)} (graph built from its safetensors weights; no classifier in them, so a random one)`);
  });

  it('is benchmarked from its folder with its own tokenizer, built once into the cache and named as built from its weights', async () => {
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(bertUncasedTokenizerJson()));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ pad_token: '[PAD]', model_max_length: 64 }));
    const cacheDir = tempDir();
    const args = ['run', '-m', dir, '-n', '10', '-b', '2', '--sequence-length', '16', '--copies', '1', '--cache-dir', cacheDir, '--report', 'json', '-o', join(cacheDir, 'run.json')];
    const run = await runInProcess(args);
    expect([run.exitCode, run.stderr]).toEqual([0, expect.not.stringMatching(/inferbench:/)]);
    const result = JSON.parse(readFileSync(join(cacheDir, 'run.json'), 'utf8')) as BenchmarkResult;
    expect(result.model).toMatchObject({ synthetic: false, name: `${basename(dir)} (graph built from its safetensors weights)` });
    expect(result.measurement.completedRequests).toBe(10);
    const built = readdirSync(join(cacheDir, 'models'));
    expect(built).toEqual([expect.stringMatching(/^bert-weights-[0-9a-f]{16}\.onnx$/)]);
    // Built once: the next resolution reads the same file.
    const mtime = statSync(join(cacheDir, 'models', built[0]!)).mtimeMs;
    expect(await buildCheckpointOnnx(dir, cacheDir)).toEqual({ path: join(cacheDir, 'models', built[0]!), randomHead: false });
    expect(statSync(join(cacheDir, 'models', built[0]!)).mtimeMs).toBe(mtime);
  });

  it('refuses a weight whose shape disagrees with config.json, naming the file and the tensor, and builds nothing', async () => {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const other = tempDir();
    writeFileSync(join(other, 'config.json'), JSON.stringify({ ...config, intermediate_size: 48 }));
    writeFileSync(join(other, 'model.safetensors'), readFileSync(join(dir, 'model.safetensors')));
    const message = `${join(other, 'model.safetensors')}: tensor bert.encoder.layer.0.intermediate.dense.weight is [64, 32], but config.json makes it [48, 32]; the weights and config.json disagree`;
    await expect(bertFromCheckpoint(await readHfCheckpoint(other))).rejects.toMatchObject({ code: 'MODEL_INVALID', message });
    const cacheDir = tempDir();
    const run = await runInProcess(['run', '-m', other, '--tokenizer', 'bert-base-uncased', '-n', '5', '--cache-dir', cacheDir]);
    expect([run.exitCode, run.stderr.split('\n').filter((line) => line.startsWith('inferbench:'))]).toEqual([2, [`inferbench: ${message}`]]);
    expect(existsSync(join(cacheDir, 'models')) ? readdirSync(join(cacheDir, 'models')) : []).toEqual([]);
  });

  it('names what would work for an architecture whose graph it does not build', async () => {
    const other = tempDir();
    writeFileSync(join(other, 'config.json'), JSON.stringify({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] }));
    writeFileSync(join(other, 'model.safetensors'), readFileSync(join(dir, 'model.safetensors')));
    const run = await runInProcess(['run', '-m', other, '-n', '5', '--cache-dir', tempDir()]);
    expect(run.stderr.split('\n').filter((line) => line.startsWith('inferbench:'))).toEqual([
      `inferbench: ${other} holds a gpt2 model, whose graph inferbench does not build from weights (it builds bert, roberta, xlm-roberta, distilbert, resnet); use hf:ID with Python and transformers, or an ONNX export of it (an onnx-community/ or Xenova/ copy)`,
    ]);
    expect(run.exitCode).toBe(2);
  });
});

describe.skipIf(!hasTorch && !process.env.CI)('a BERT repository on the hub without an ONNX export', () => {
  const weightsDir = FIXTURES.sharded;
  let hub: FakeHub;
  const COMMIT = 'c0ffee'.padEnd(40, '0');
  const text = (path: string): FakeHubFile => ({ path, content: readFileSync(join(weightsDir, path), 'utf8') });
  const lfs = (path: string): FakeHubFile => ({ path, content: readFileSync(join(weightsDir, path)), lfs: true });
  beforeAll(async () => {
    // Weights sharded over three files, as large models are.
    writeFixtures();
    const shards = readdirSync(weightsDir).filter((file) => /^model-\d+-of-\d+\.safetensors$/.test(file));
    const tokenizer = [
      { path: 'tokenizer.json', content: JSON.stringify(bertUncasedTokenizerJson()) },
      { path: 'tokenizer_config.json', content: JSON.stringify({ pad_token: '[PAD]' }) },
    ];
    const config = JSON.parse(readFileSync(join(weightsDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    hub = await startFakeHub({
      repos: [
        { id: 'org/tiny-bert', commit: COMMIT, files: [text('config.json'), text('model.safetensors.index.json'), ...shards.map(lfs), ...tokenizer] },
        { id: 'org/tiny-gpt', commit: COMMIT, files: [{ path: 'config.json', content: JSON.stringify({ ...config, model_type: 'gpt2' }) }, { ...lfs(shards[0]!), path: 'model.safetensors' }] },
        { id: 'org/bin-only', commit: COMMIT, files: [text('config.json'), { path: 'pytorch_model.bin', content: new Uint8Array(64), lfs: true }] },
      ],
    });
  }, 60_000);

  it('downloads its config, weight shards and tokenizer into the hub cache and builds the graph, naming the commit', async () => {
    const cacheDir = tempDir();
    const { exitCode, errorLines, result } = await runForResult(['-m', 'org/tiny-bert', '-n', '10', '--sequence-length', '16', '--copies', '1', '--cache-dir', cacheDir], { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(cacheDir, 'hub') });
    expect([exitCode, errorLines]).toEqual([0, []]);
    expect(result!.model).toMatchObject({ synthetic: false, name: `org/tiny-bert at commit ${COMMIT.slice(0, 12)} (graph built from its safetensors weights)` });
    expect(result!.measurement.completedRequests).toBe(10);
    expect(readdirSync(join(cacheDir, 'hub', 'models--org--tiny-bert', 'snapshots', COMMIT)).sort()).toEqual(
      ['config.json', 'model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors', 'model.safetensors.index.json', 'tokenizer.json', 'tokenizer_config.json'],
    );
  });

  it('refuses an architecture it does not build before fetching its weights, and a repository with only pytorch_model.bin', async () => {
    const cacheDir = tempDir();
    const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(cacheDir, 'hub') };
    const lines = async (model: string): Promise<string[]> => (await runInProcess(['run', '-m', model, '--cache-dir', cacheDir], { env })).stderr.split('\n').filter((line) => line.startsWith('inferbench:'));
    expect(await lines('org/tiny-gpt')).toEqual([
      'inferbench: org/tiny-gpt holds a gpt2 model, whose graph inferbench does not build from weights (it builds bert, roberta, xlm-roberta, distilbert, resnet); use hf:org/tiny-gpt with Python and transformers, or an ONNX export of it (an onnx-community/ or Xenova/ copy)',
    ]);
    expect(hub.requestsTo('/org/tiny-gpt/resolve/main/model.safetensors', 'GET')).toEqual([]);
    expect(await lines('org/bin-only')).toEqual([
      'inferbench: org/bin-only holds neither an ONNX export nor safetensors weights (model.safetensors); use hf:org/bin-only with Python and transformers, or an ONNX export of it (an onnx-community/ or Xenova/ copy)',
    ]);
  });
});

describe('the sequence length a Hugging Face config allows', () => {
  it("is the position table, less the rows RoBERTa's positions skip past its padding id", () => {
    expect(configMaxSequenceLength({ model_type: 'bert', max_position_embeddings: 512, pad_token_id: 0 })).toBe(512);
    expect(configMaxSequenceLength({ model_type: 'roberta', max_position_embeddings: 514, pad_token_id: 1 })).toBe(512);
    expect(configMaxSequenceLength({ model_type: 'xlm-roberta', max_position_embeddings: 514, pad_token_id: 1 })).toBe(512);
    expect(configMaxSequenceLength({ model_type: 'distilbert', max_position_embeddings: 512 })).toBe(512);
    expect(configMaxSequenceLength({ model_type: 'bert' })).toBeUndefined();
  });
});
