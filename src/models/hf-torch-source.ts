import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InferbenchError } from '../core/errors.js';
import { pathExists, readJsonIfPresent } from '../core/fs-utils.js';
import type { HubDownloadProgress } from './hub/hub-blob-download.js';
import { fetchHubWeights, hubRepoFiles } from './hub/hub-checkpoint-files.js';
import { resolveHubSettings, type HubSettings } from './hub/hub-settings.js';
import type { ModelResolveOptions, ModelSource, ResolvedModel, TensorSpec } from './model-source.js';
import { PYTORCH_WEIGHTS, SAFETENSORS_WEIGHTS, checkpointWeightFiles, configMaxSequenceLength, contentHash, presentWeightFormat, readConfigJson } from './weights/hf-checkpoint.js';

/** Weight formats transformers loads, in the order it prefers them. */
const WEIGHT_FORMATS = [SAFETENSORS_WEIGHTS, PYTORCH_WEIGHTS];

/** The tokenizer's files, fetched with the model unless the run names its own tokenizer. */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

/** The text inputs a tokenizer makes, in the order they are fed. */
const TEXT_INPUT_NAMES = ['input_ids', 'attention_mask', 'token_type_ids'];

/** Options of {@link HfTorchModelSource}. */
export interface HfTorchModelSourceOptions {
  /** Endpoint, token, offline mode and cache; default from HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, HF_HUB_CACHE/HF_HOME. */
  readonly settings?: HubSettings;
  /** Receives download progress of each file. */
  readonly onProgress?: (progress: HubDownloadProgress) => void;
  /** False when the run names its own tokenizer: the model's is then not fetched. Default true. */
  readonly fetchTokenizer?: boolean;
}

/**
 * Refuses a config.json that describes no text model: `hf:` traces a sequence classifier on tokenized text, as the
 * workshop does.
 */
function requireTextModel(config: Readonly<Record<string, unknown>>, label: string): void {
  if (Number.isInteger(config['vocab_size'])) return;
  throw new InferbenchError(
    'INVALID_OPTION',
    `hf:${label} traces a text model on tokenized text, and its config.json has no vocab_size (model_type ${String(config['model_type'] ?? 'unknown')}); run an image model without hf: (a ResNet is built from its weights) or as torchvision:NAME`,
  );
}

/** The refusal of a model folder or repository that holds no weights transformers loads. */
const noWeights = (where: string, fix: string): InferbenchError =>
  new InferbenchError('MODEL_NOT_FOUND', `${where} holds no weights transformers loads (${WEIGHT_FORMATS.map((f) => `${f.file} or ${f.index}`).join(', or ')}); ${fix}`);

/** A spec that names a path rather than a repo id: it starts with `.`, `/` or `~`. */
const isPathSpec = (target: string): boolean => /^[./~]/.test(target);

/**
 * The inputs the model is fed: the names its tokenizer_config.json lists, else input_ids and attention_mask, and the
 * segment ids where the config has a table of them (BERT, not RoBERTa or DistilBERT). The sequence length is the run's.
 */
function textInputsOf(config: Readonly<Record<string, unknown>>, tokenizerConfig: Record<string, unknown> | undefined): TensorSpec[] {
  const listed = tokenizerConfig?.['model_input_names'];
  const typeVocabSize = config['type_vocab_size'];
  const names = Array.isArray(listed)
    ? TEXT_INPUT_NAMES.filter((name) => listed.includes(name))
    : TEXT_INPUT_NAMES.filter((name) => name !== 'token_type_ids' || (Number.isInteger(typeVocabSize) && (typeVocabSize as number) >= 2));
  return names.map((name) => ({ name, elementType: 'int64', dims: ['batch_size', 'sequence_length'] }));
}

/**
 * A Hugging Face transformers model run in PyTorch (`hf:ID` or `hf:DIR`), as the workshop runs it: a Hub id's
 * config.json, weights (safetensors or `pytorch_model.bin`, sharded or not) and tokenizer are fetched into the shared
 * Hugging Face cache from one commit (same endpoint, token and offline mode as any Hub model); a local folder is used
 * as it is. The resolved `path` is `hf:` and that folder, which the PyTorch compiler loads with
 * `AutoModelForSequenceClassification` and traces on the run's tokenized batch, at its sequence length.
 */
export class HfTorchModelSource implements ModelSource {
  readonly id: string;
  readonly #options: HfTorchModelSourceOptions;

  constructor(spec: string, options: HfTorchModelSourceOptions = {}) {
    this.id = spec;
    this.#options = options;
  }

  async resolve(options: ModelResolveOptions): Promise<ResolvedModel> {
    options.signal?.throwIfAborted();
    const target = this.id.slice('hf:'.length);
    const local = statSync(target, { throwIfNoEntry: false })?.isDirectory() === true;
    if (!local && isPathSpec(target)) throw new InferbenchError('MODEL_NOT_FOUND', `hf:${target} names no folder (${resolve(target)} is not a directory); give a model folder, or a Hub id such as hf:bert-base-uncased`);
    const { dir, name } = local ? { dir: resolve(target), name: `${resolve(target)} (PyTorch, transformers)` } : await this.#download(target, options.signal);
    const config = await readConfigJson(dir);
    requireTextModel(config, target);
    const format = await presentWeightFormat(dir, WEIGHT_FORMATS);
    if (format === undefined) throw noWeights(dir, 'give hf: a complete model folder');
    const weightFiles = await checkpointWeightFiles(dir, format);
    const hashes = [await contentHash(join(dir, 'config.json'))];
    let sizeBytes = 0;
    for (const file of weightFiles) {
      options.signal?.throwIfAborted();
      hashes.push(await contentHash(join(dir, file)));
      sizeBytes += (await stat(join(dir, file))).size;
    }
    const maxSequenceLength = configMaxSequenceLength(config);
    return {
      name,
      path: `hf:${dir}`,
      format: 'torch',
      sha256: createHash('sha256').update(JSON.stringify(hashes)).digest('hex'),
      sizeBytes,
      inputs: textInputsOf(config, await readJsonIfPresent(join(dir, 'tokenizer_config.json'))),
      outputs: [],
      synthetic: false,
      task: 'text',
      ...((await pathExists(join(dir, 'tokenizer.json'))) ? { tokenizer: dir } : {}),
      ...(maxSequenceLength === undefined ? {} : { maxSequenceLength }),
    };
  }

  /** config.json, the weights and the tokenizer files, from one commit, into the Hub cache. */
  async #download(spec: string, signal: AbortSignal | undefined): Promise<{ dir: string; name: string }> {
    const repo = hubRepoFiles(spec, this.#options.settings ?? resolveHubSettings(), { signal, onProgress: this.#options.onProgress });
    // Missing, offline and not cached, or at no such revision: the download's own line says which.
    const config = await repo.fetch('config.json');
    const weights = await fetchHubWeights(repo, config, WEIGHT_FORMATS, (json) => requireTextModel(json, repo.label));
    if (weights === undefined) throw noWeights(repo.label, 'check the repo id and revision');
    if (this.#options.fetchTokenizer !== false) for (const path of TOKENIZER_FILES) await repo.fetchIfPresent(path, config.commit);
    return { dir: dirname(config.path), name: `${repo.label} at commit ${config.commit.slice(0, 12)} (PyTorch, transformers)` };
  }
}
