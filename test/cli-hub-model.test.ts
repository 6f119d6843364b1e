import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bertUncasedTokenizerJson } from '../src/inputs/bert-uncased-tokenizer.js';
import { buildSyntheticBert } from '../src/models/synthetic-bert.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { runInProcess } from './helpers/cli.js';
import { startFakeHub } from './helpers/fake-hub.js';
import { tempDir } from './helpers/fixtures.js';

const COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const hub = await startFakeHub({
  repos: [
    {
      id: 'acme/tiny-bert',
      commit: COMMIT,
      files: [
        { path: 'onnx/model.onnx', content: buildSyntheticBert({ layers: 1, hiddenSize: 32, heads: 2, intermediateSize: 64 }), lfs: true },
        { path: 'config.json', content: JSON.stringify({ architectures: ['BertForSequenceClassification'], model_type: 'bert' }) },
        { path: 'tokenizer.json', content: JSON.stringify(bertUncasedTokenizerJson()) },
        { path: 'tokenizer_config.json', content: JSON.stringify({ pad_token: '[PAD]' }) },
      ],
    },
  ],
});
afterAll(() => hub.close());

// A hub that refuses, fails or never answers: cases of the fault catalogue (test/faults/).
describe('inferbench run --model org/name', () => {
  const dir = tempDir();
  const hubCache = join(dir, 'hf');
  const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: hubCache };
  const args = (output: string) => ['run', '-m', 'acme/tiny-bert', '--sequence-length', '16', '-n', '10', '--cache-dir', join(dir, 'cache'), '-o', output];

  it('downloads the export into the huggingface_hub cache and benchmarks it', async () => {
    const run = await runInProcess(args(join(dir, 'first.json')), { env });
    expect(run.stderr).not.toMatch(/inferbench:/);
    expect(run.exitCode).toBe(0);
    const snapshot = join(hubCache, 'models--acme--tiny-bert', 'snapshots', COMMIT);
    expect(existsSync(join(snapshot, 'onnx', 'model.onnx'))).toBe(true);
    expect(existsSync(join(snapshot, 'tokenizer.json'))).toBe(true);
    expect(readFileSync(join(hubCache, 'models--acme--tiny-bert', 'refs', 'main'), 'utf8')).toBe(COMMIT);
    const result = JSON.parse(readFileSync(join(dir, 'first.json'), 'utf8')) as BenchmarkResult;
    expect(result.model).toMatchObject({ name: 'acme/tiny-bert', task: 'text', path: join(snapshot, 'onnx', 'model.onnx') });
    expect(result.inputs.description).toContain('tokenizer');
    // The optional preprocessor_config.json and special_tokens_map.json are absent: 404s that do not stop the run.
    expect(hub.requests.some((r) => r.path.endsWith('/special_tokens_map.json'))).toBe(true);
  });

  it('works offline from the cache, and says what is missing when the cache lacks the model', async () => {
    const run = await runInProcess(args(join(dir, 'offline.json')), { env: { ...env, HF_HUB_OFFLINE: '1', HF_ENDPOINT: 'http://127.0.0.1:9' } });
    expect(run.exitCode).toBe(0);
    const miss = await runInProcess(['run', '-m', 'acme/other-model', '--cache-dir', join(dir, 'cache')], { env: { ...env, HF_HUB_OFFLINE: '1' } });
    expect(miss.exitCode).toBe(2);
    expect(miss.stderr.trim().split('\n').at(-1)).toMatch(
      /^inferbench: model\.onnx of acme\/other-model at revision main is not in the Hugging Face cache \(looked for .*models--acme--other-model.*\) and HF_HUB_OFFLINE=1 is set; unset it to download$/,
    );
  });
});
