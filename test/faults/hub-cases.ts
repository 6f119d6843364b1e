import { bertUncasedTokenizerJson } from '../../src/inputs/bert-uncased-tokenizer.js';
import { buildSyntheticBert } from '../../src/models/synthetic-bert.js';
import type { FakeHubRepo } from '../helpers/fake-hub.js';
import type { FaultCase } from './fault-case.js';

const COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const MODEL = { path: 'model.onnx', content: buildSyntheticBert({ layers: 1, hiddenSize: 32, heads: 2, intermediateSize: 64 }), lfs: true };

const STAND_IN_TRANSFORMERS = new URL('../fixtures/python', import.meta.url).pathname;
const TOKENIZER = { path: 'tokenizer.json', content: JSON.stringify(bertUncasedTokenizerJson()) };
const BERT_CONFIG = { model_type: 'bert', architectures: ['BertForMaskedLM'], vocab_size: 30522, hidden_size: 32, max_position_embeddings: 512, type_vocab_size: 2 };

/** The bearer token the fake hub's private repo takes. */
export const HUB_TOKEN = 'hf_right';

/** The repos of the misbehaving hub the cases reach on 127.0.0.1. */
export const HUB_REPOS: readonly FakeHubRepo[] = [
  { id: 'acme/private', commit: COMMIT, private: true, files: [MODEL] },
  { id: 'acme/broken', commit: COMMIT, failsWith: 500, files: [MODEL] },
  { id: 'acme/silent', commit: COMMIT, failsWith: 'no-answer', files: [MODEL] },
  // A text model's config.json, for hf:, with weights of a few bytes: nothing loads them here.
  { id: 'acme/bert-bin', commit: COMMIT, files: [{ path: 'config.json', content: JSON.stringify(BERT_CONFIG) }, { path: 'pytorch_model.bin', content: new Uint8Array(64), lfs: true }, TOKENIZER] },
  {
    id: 'acme/garbage-config',
    commit: COMMIT,
    files: [MODEL, { path: 'config.json', content: '{"model_type": "bert", "archi' }, TOKENIZER],
  },
];

/** `inferbench run -m <repo>` against the fake hub. */
const fromHub = (name: string, repo: string, env: Record<string, string>, exitCode: number, line: RegExp, progress = ['resolving model']): FaultCase => ({
  family: 'hub',
  name,
  args: ['run', '-m', repo, '--cache-dir', 'cache'],
  env,
  expect: { exitCode, progress, line },
});

/** A hub that refuses, fails, says nothing or serves garbage, and a cache that lacks what offline mode needs. */
export const HUB_CASES: readonly FaultCase[] = [
  fromHub('a repo that is not there (404)', 'acme/missing', {}, 2, /^inferbench: model\.onnx of acme\/missing at revision main not found \(HTTP 404 from /),
  fromHub('a private repo without a token (401)', 'acme/private', {}, 2, /^inferbench: access to model\.onnx of acme\/private at revision main refused \(HTTP 401 .*\) and no token was sent; .*set HF_TOKEN/),
  fromHub('a private repo with a wrong token (401)', 'acme/private', { HF_TOKEN: 'hf_wrong' }, 2, /^inferbench: access to model\.onnx of acme\/private at revision main refused \(HTTP 401 .*\) although a token was sent/),
  fromHub(
    'a hub failing with HTTP 500',
    'acme/broken',
    {},
    1,
    /^inferbench: downloading model\.onnx of acme\/broken at revision main failed with HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/acme\/broken\/resolve\/main\/model\.onnx; try again later, or set HF_HUB_OFFLINE=1 to use cached files$/,
  ),
  // The 1-s download timeout ends the run (the line says so), long before the runner's hang guard.
  fromHub('a hub whose headers never come', 'acme/silent', { HF_HUB_DOWNLOAD_TIMEOUT: '1' }, 1, /^inferbench: downloading model\.onnx of acme\/silent at revision main failed: no answer from .* \(no response within 1 s\)/),
  fromHub('a config.json that is not JSON', 'acme/garbage-config', {}, 2, /^inferbench: <dir>\/hf\/models--acme--garbage-config\/snapshots\/\w+\/config\.json is not valid JSON \(.+\)$/, [
    'resolving model',
    'downloading model.onnx',
    'downloading config.json',
    'downloading tokenizer.json',
  ]),
  // The interpreter that loads an hf: model is found first: a process whose Python finds the tests' stand-in.
  {
    ...fromHub('hf: a model missing from the cache, offline', 'hf:acme/bert-bin', { PYTHONPATH: STAND_IN_TRANSFORMERS, HF_HUB_OFFLINE: '1' }, 2, /^inferbench: config\.json of acme\/bert-bin at revision main is not in the Hugging Face cache \(looked for .*\) and HF_HUB_OFFLINE=1 is set; unset it to download$/),
    spawn: true,
    needsTorch: true,
  },
  {
    ...fromHub('hf: without transformers installed', 'hf:acme/bert-bin', {}, 2, /^inferbench: found no Python 3 that imports torch and transformers \(tried .+\); pip install transformers for it \(and torch if it lacks that\) or set INFERBENCH_PYTHON to an interpreter that has them$/, []),
    needsTorch: true,
  },
  {
    family: 'hub',
    name: 'a MODEL_NAME missing from the cache, offline',
    args: ['run', '--cache-dir', 'cache'],
    env: { MODEL_NAME: 'bert-base-uncased', HF_HUB_OFFLINE: '1' },
    expect: {
      exitCode: 2,
      progress: ['resolving model'],
      line: /^inferbench: model\.onnx of bert-base-uncased at revision main is not in the Hugging Face cache \(looked for .*\) and HF_HUB_OFFLINE=1 is set; unset it to download$/,
    },
  },
];
