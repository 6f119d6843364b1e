import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { finishSteps } from '../src/core/steps.js';
import { bertUncasedTokenizerJson } from '../src/inputs/bert-uncased-tokenizer.js';
import { HfTorchModelSource } from '../src/models/hf-torch-source.js';
import { resolveHubSettings } from '../src/models/hub/hub-settings.js';
import { bertFromCheckpoint } from '../src/models/weights/bert-checkpoint.js';
import { readHfCheckpoint } from '../src/models/weights/hf-checkpoint.js';
import type { BenchmarkResult } from '../src/results/benchmark-result.js';
import { readRawTensors } from '../src/runtimes/torch/raw-tensors.js';
import { spawnInferbench } from './helpers/cli.js';
import { DEBIAN_PYTHON, debianPythonHas } from './helpers/debian-python.js';
import { startFakeHub, type FakeHub } from './helpers/fake-hub.js';
import { tempDir } from './helpers/fixtures.js';

const SCRIPT = new URL('./fixtures/hf/bert_checkpoint.py', import.meta.url).pathname;
/** The stand-in `transformers` package (see its docstring): transformers itself cannot be installed here. */
const STAND_IN = new URL('./fixtures/python', import.meta.url).pathname;
const COMMIT = 'feed'.padEnd(40, '0');

/** Hugging Face's bert-base-uncased encodings of the corpus's first two lines, as its documentation prints them. */
const CORPUS = ['i like strawberries', 'Hello, my dog is cute', 'the cat sat on the mat', 'a second batch of text'];
const REFERENCE_IDS = [
  [101, 1045, 2066, 13137, 20968, 102],
  [101, 7592, 1010, 2026, 3899, 2003, 10140, 102],
];

interface CompileRecord {
  readonly dimensions: Record<string, number>;
  readonly firstOutputValues: number[];
  readonly inputs: Parameters<typeof readRawTensors>[1];
}

describe.skipIf(!debianPythonHas('torch') && !process.env.CI)('an hf:ID model run in PyTorch through transformers (a stand-in package here)', () => {
  // The same weights twice: as pytorch_model.bin, which only Python reads, and as safetensors, for the graph inferbench builds.
  const binDir = tempDir();
  const safetensorsDir = tempDir();
  let hub: FakeHub;
  beforeAll(async () => {
    execFileSync(DEBIAN_PYTHON, [SCRIPT, `${binDir}:1:bert:bin`, safetensorsDir]);
    hub = await startFakeHub({
      repos: [
        {
          id: 'org/bert-bin',
          commit: COMMIT,
          files: [
            { path: 'config.json', content: readFileSync(join(binDir, 'config.json'), 'utf8') },
            { path: 'pytorch_model.bin', content: readFileSync(join(binDir, 'pytorch_model.bin')), lfs: true },
            { path: 'tokenizer.json', content: JSON.stringify(bertUncasedTokenizerJson()) },
            { path: 'tokenizer_config.json', content: JSON.stringify({ pad_token: '[PAD]' }) },
          ],
        },
        { id: 'org/config-only', commit: COMMIT, files: [{ path: 'config.json', content: readFileSync(join(binDir, 'config.json'), 'utf8') }] },
        { id: 'org/resnet', commit: COMMIT, files: [{ path: 'config.json', content: JSON.stringify({ model_type: 'resnet', num_channels: 3 }) }] },
      ],
    });
  }, 60_000);

  it('takes a local folder as it is, its inputs from the tokenizer config or else the config, and refuses a missing one', async () => {
    const model = await new HfTorchModelSource(`hf:${binDir}`).resolve({ cacheDir: tempDir() });
    const dims = ['batch_size', 'sequence_length'];
    expect(model).toMatchObject({ name: `${binDir} (PyTorch, transformers)`, path: `hf:${binDir}`, format: 'torch', task: 'text', synthetic: false, maxSequenceLength: 64 });
    expect(model.inputs).toEqual(['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, elementType: 'int64', dims })));
    expect(model.sizeBytes).toBe(statSync(join(binDir, 'pytorch_model.bin')).size);
    expect(model.tokenizer).toBeUndefined();
    // Another copy of the same weights is the same model; a tokenizer that lists its inputs decides them.
    const copy = tempDir();
    for (const file of ['config.json', 'pytorch_model.bin']) copyFileSync(join(binDir, file), join(copy, file));
    writeFileSync(join(copy, 'tokenizer.json'), JSON.stringify(bertUncasedTokenizerJson()));
    writeFileSync(join(copy, 'tokenizer_config.json'), JSON.stringify({ model_input_names: ['input_ids', 'attention_mask'] }));
    const listed = await new HfTorchModelSource(`hf:${copy}`).resolve({ cacheDir: tempDir() });
    expect(listed.sha256).toBe(model.sha256);
    expect(listed.tokenizer).toBe(copy);
    expect(listed.inputs.map((input) => input.name)).toEqual(['input_ids', 'attention_mask']);
    await expect(new HfTorchModelSource('hf:./no-such-model').resolve({ cacheDir: tempDir() })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: `hf:./no-such-model names no folder (${join(process.cwd(), 'no-such-model')} is not a directory); give a model folder, or a Hub id such as hf:bert-base-uncased`,
    });
  });

  it('refuses, before any weights are fetched, a repository without them and an image model, naming what would work', async () => {
    const cacheDir = tempDir();
    const resolveHub = (spec: string) => new HfTorchModelSource(spec, { settings: resolveHubSettings({}, { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(cacheDir, 'hub') }) }).resolve({ cacheDir });
    await expect(resolveHub('hf:org/config-only')).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: 'org/config-only holds no weights transformers loads (model.safetensors or model.safetensors.index.json, or pytorch_model.bin or pytorch_model.bin.index.json); check the repo id and revision',
    });
    await expect(resolveHub('hf:org/resnet')).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: 'hf:org/resnet traces a text model on tokenized text, and its config.json has no vocab_size (model_type resnet); run an image model without hf: (a ResNet is built from its weights) or as torchvision:NAME',
    });
    expect(hub.requests.filter((request) => request.path.includes('/org/resnet/') && !request.path.endsWith('/config.json'))).toEqual([]);
  });

  it('fetches its weights and tokenizer from one commit, and traces AutoModelForSequenceClassification on the tokenized batch at MAX_LENGTH', async () => {
    const work = tempDir();
    const corpus = join(work, 'corpus.txt');
    writeFileSync(corpus, `${CORPUS.join('\n')}\n`);
    const log = join(work, 'calls.jsonl');
    const env = {
      HF_ENDPOINT: hub.url,
      HF_HUB_CACHE: join(work, 'hub'),
      PYTHONPATH: STAND_IN,
      INFERBENCH_PYTHON: DEBIAN_PYTHON,
      INFERBENCH_STAND_IN_LOG: log,
      MODEL_NAME: 'hf:org/bert-bin',
      MAX_LENGTH: '16',
      BATCH_SIZE: '2',
    };
    const run = await spawnInferbench(['run', '-n', '6', '--copies', '1', '--corpus', corpus, '--batch-mode', 'distinct', '--cache-dir', join(work, 'cache'), '-o', join(work, 'result.json')], { env, cwd: work });
    expect([run.exitCode, run.stderr.split('\n').filter((line) => line.startsWith('inferbench:'))]).toEqual([0, []]);
    const result = JSON.parse(readFileSync(join(work, 'result.json'), 'utf8')) as BenchmarkResult;
    expect(result.model).toMatchObject({ name: `org/bert-bin at commit ${COMMIT.slice(0, 12)} (PyTorch, transformers)`, synthetic: false, task: 'text' });
    expect(result.compile.dimensions).toEqual({ batch_size: 2, sequence_length: 16 });

    // Everything came from the loopback hub into the shared cache, at the commit: weights, config and tokenizer.
    const snapshot = join(work, 'hub', 'models--org--bert-bin', 'snapshots', COMMIT);
    expect(readdirSync(snapshot).sort()).toEqual(['config.json', 'pytorch_model.bin', 'tokenizer.json', 'tokenizer_config.json']);
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(calls).toContainEqual({ call: 'AutoModelForSequenceClassification.from_pretrained', path: snapshot, torchscript: true });
    expect(calls).toContainEqual({ call: 'AutoConfig.from_pretrained', path: snapshot });

    // It was traced on the corpus's first batch as the model's own tokenizer encodes it, padded to MAX_LENGTH.
    const artifactDir = dirname(result.compile.artifactPath);
    const record = JSON.parse(readFileSync(join(artifactDir, 'compile.json'), 'utf8')) as CompileRecord;
    const example = readRawTensors(readFileSync(join(artifactDir, 'inputs.bin')), record.inputs);
    expect(Object.keys(example)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(example.input_ids!.dims).toEqual([2, 16]);
    const rows = (data: ArrayLike<bigint>) => [0, 1].map((row) => Array.from(data as BigInt64Array).slice(row * 16, row * 16 + 16).map(Number));
    expect(rows(example.input_ids!.data as BigInt64Array)).toEqual(REFERENCE_IDS.map((ids) => [...ids, ...new Array<number>(16 - ids.length).fill(0)]));
    expect(rows(example.attention_mask!.data as BigInt64Array)).toEqual(REFERENCE_IDS.map((ids) => [...ids.map(() => 1), ...new Array<number>(16 - ids.length).fill(0)]));

    // The traced torch.nn model and inferbench's own graph of the same weights agree on that batch.
    const built = await bertFromCheckpoint(await readHfCheckpoint(safetensorsDir));
    const session = await ort.InferenceSession.create(finishSteps(built.steps), { intraOpNumThreads: 1 });
    const feeds = Object.fromEntries(Object.entries(example).map(([name, tensor]) => [name, new ort.Tensor('int64', tensor.data as BigInt64Array, [...tensor.dims])]));
    const logits = Array.from((await session.run(feeds)).logits!.data as Float32Array);
    await session.release();
    expect(record.firstOutputValues).toHaveLength(5);
    expect(Math.max(...record.firstOutputValues.map((value, i) => Math.abs(value - logits[i]!)))).toBeLessThan(1e-4);

    // Another sequence length is another artifact, traced at that length.
    const compile = await spawnInferbench(['compile', '--batch-size-list', '2', '--cache-dir', join(work, 'cache')], { env: { ...env, MAX_LENGTH: '32' }, cwd: work });
    expect([compile.exitCode, compile.stderr.split('\n').filter((line) => line.startsWith('inferbench:'))]).toEqual([0, []]);
    const artifacts = readdirSync(join(work, 'cache', 'compiled')).map((key) => (JSON.parse(readFileSync(join(work, 'cache', 'compiled', key, 'compile.json'), 'utf8')) as CompileRecord).dimensions);
    expect(artifacts).toHaveLength(2);
    expect(artifacts).toContainEqual({ batch_size: 2, sequence_length: 32 });
  }, 120_000);
});
