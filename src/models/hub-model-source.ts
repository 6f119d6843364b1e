import { dirname } from 'node:path';
import { InferbenchError } from '../core/errors.js';
import type { HubDownloadProgress } from './hub/hub-blob-download.js';
import type { HubFile } from './hub/hub-download.js';
import { fetchHubWeights, hubRepoFiles, ifMissing, type HubRepoFiles } from './hub/hub-checkpoint-files.js';
import { resolveHubSettings, type HubSettings } from './hub/hub-settings.js';
import { EXPORT_MODEL_FILES, HfExportDirSource } from './hf-export-dir-source.js';
import type { ModelResolveOptions, ModelSource, ResolvedModel } from './model-source.js';
import { requireBuiltModelType } from './weights/checkpoint-onnx.js';
import { SAFETENSORS_WEIGHTS } from './weights/hf-checkpoint.js';

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
    const repo = hubRepoFiles(this.id, this.#options.settings ?? resolveHubSettings(), { signal: options.signal, onProgress: this.#options.onProgress });
    let model: HubFile | undefined;
    let firstMiss: unknown;
    for (const path of EXPORT_MODEL_FILES) {
      model = await repo.fetch(path).catch((error: unknown) => ifMissing(error, () => void (firstMiss ??= error)));
      if (model !== undefined) break;
    }
    // No ONNX export: the repository's own weights, from which the graph is built.
    const weights = model === undefined ? await fetchWeights(repo, firstMiss) : undefined;
    const anchor = (model ?? weights)!;
    // The other files come from the model's commit, even if the branch moves meanwhile: one snapshot, one model.
    for (const path of OPTIONAL_FILES) await repo.fetchIfPresent(path, anchor.commit);
    const snapshotDir = anchor.path.endsWith('onnx/model.onnx') ? dirname(dirname(anchor.path)) : dirname(anchor.path);
    return new HfExportDirSource(snapshotDir, model === undefined ? `${repo.label} at commit ${anchor.commit.slice(0, 12)}` : repo.label).resolve(options);
  }
}

/** config.json and the safetensors weights (one file, or the shards its index names), all from one commit. */
async function fetchWeights(repo: HubRepoFiles, noExport: unknown): Promise<HubFile> {
  const config = await repo.fetchIfPresent('config.json');
  if (config === undefined) throw noExport;
  const weights = await fetchHubWeights(repo, config, [SAFETENSORS_WEIGHTS], (json) => requireBuiltModelType(json, repo.label, `hf:${repo.label}`));
  if (weights !== undefined) return weights;
  throw new InferbenchError(
    'MODEL_NOT_FOUND',
    `${repo.label} holds neither an ONNX export nor safetensors weights (model.safetensors); use hf:${repo.label} with Python and transformers, or an ONNX export of it (an onnx-community/ or Xenova/ copy)`,
  );
}
