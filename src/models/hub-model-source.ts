import { dirname } from 'node:path';
import { InferbenchError } from '../core/errors.js';
import type { HubDownloadProgress } from './hub/hub-blob-download.js';
import { type HubFile, downloadHubFile } from './hub/hub-download.js';
import { DEFAULT_HUB_REVISION, parseRepoSpec } from './hub/hub-repo.js';
import { resolveHubSettings, type HubSettings } from './hub/hub-settings.js';
import { EXPORT_MODEL_FILES, HfExportDirSource } from './hf-export-dir-source.js';
import type { ModelResolveOptions, ModelSource, ResolvedModel } from './model-source.js';
import { requireBuiltModelType } from './weights/checkpoint-onnx.js';
import { checkpointWeightFiles, readConfigJson } from './weights/hf-checkpoint.js';

/** Files of an export that a model may lack: configuration, tokenizer, image preprocessing. */
const OPTIONAL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'preprocessor_config.json'];

/** Options of {@link HubModelSource}. */
export interface HubModelSourceOptions {
  /** Endpoint, token, offline mode and cache; default from HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, HF_HUB_CACHE/HF_HOME. */
  readonly settings?: HubSettings;
  /** Receives download progress of each file. */
  readonly onProgress?: (progress: HubDownloadProgress) => void;
}

/**
 * A model on the Hugging Face Hub (`org/name`, optionally `@revision`): an ONNX export, or else `config.json` and
 * safetensors weights whose graph inferbench builds (see {@link HfExportDirSource}). Files go into the cache that
 * Python's huggingface_hub uses, so both share downloads; the snapshot directory is then read as an export directory.
 */
export class HubModelSource implements ModelSource {
  readonly id: string;
  readonly #options: HubModelSourceOptions;

  constructor(spec: string, options: HubModelSourceOptions = {}) {
    this.id = spec;
    this.#options = options;
  }

  async resolve(options: ModelResolveOptions): Promise<ResolvedModel> {
    const { repoId, revision } = parseRepoSpec(this.id);
    const settings = this.#options.settings ?? resolveHubSettings();
    const fetch = (path: string, at: string): Promise<HubFile> =>
      downloadHubFile({ repoId, revision: at, path, settings, signal: options.signal, onProgress: this.#options.onProgress });
    const label = revision === DEFAULT_HUB_REVISION ? repoId : `${repoId}@${revision}`;
    let model: HubFile | undefined;
    let firstMiss: unknown;
    for (const path of EXPORT_MODEL_FILES) {
      model = await fetch(path, revision).catch((error: unknown) => ifMissing(error, () => void (firstMiss ??= error)));
      if (model !== undefined) break;
    }
    // No ONNX export: the repository's own weights, from which the graph is built.
    const weights = model === undefined ? await this.#fetchWeights(fetch, revision, label, firstMiss) : undefined;
    const anchor = (model ?? weights)!;
    // The other files come from the model's commit, even if the branch moves meanwhile: one snapshot, one model.
    for (const path of OPTIONAL_FILES) await fetch(path, anchor.commit).catch((error: unknown) => ifMissing(error, () => undefined));
    const snapshotDir = anchor.path.endsWith('onnx/model.onnx') ? dirname(dirname(anchor.path)) : dirname(anchor.path);
    return new HfExportDirSource(snapshotDir, model === undefined ? `${label} at commit ${anchor.commit.slice(0, 12)}` : label).resolve(options);
  }

  /** config.json and the safetensors weights (one file, or the shards its index names), all from one commit. */
  async #fetchWeights(fetch: (path: string, at: string) => Promise<HubFile>, revision: string, label: string, noExport: unknown): Promise<HubFile> {
    const config = await fetch('config.json', revision).catch((error: unknown) => ifMissing(error, () => undefined));
    if (config === undefined) throw noExport;
    // Before gigabytes of weights are fetched for a graph that would not be built.
    requireBuiltModelType(await readConfigJson(dirname(config.path)), label, `hf:${label}`);
    const single = await fetch('model.safetensors', config.commit).catch((error: unknown) => ifMissing(error, () => undefined));
    if (single !== undefined) return single;
    const index = await fetch('model.safetensors.index.json', config.commit).catch((error: unknown) => ifMissing(error, () => undefined));
    if (index === undefined) {
      throw new InferbenchError(
        'MODEL_NOT_FOUND',
        `${label} holds neither an ONNX export nor safetensors weights (model.safetensors); use hf:${label} with Python and transformers, or an ONNX export of it (an onnx-community/ or Xenova/ copy)`,
      );
    }
    for (const shard of await checkpointWeightFiles(dirname(index.path))) await fetch(shard, config.commit);
    return index;
  }
}

/** `fallback()` when `error` says the file is not in the repository; any other failure is final. */
function ifMissing<T>(error: unknown, fallback: () => T): T {
  if (error instanceof InferbenchError && error.code === 'MODEL_NOT_FOUND') return fallback();
  throw error;
}
