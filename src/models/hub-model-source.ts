import { dirname } from 'node:path';
import { InferbenchError } from '../core/errors.js';
import type { HubDownloadProgress } from './hub/hub-blob-download.js';
import { type HubFile, downloadHubFile } from './hub/hub-download.js';
import { DEFAULT_HUB_REVISION, parseRepoSpec } from './hub/hub-repo.js';
import { resolveHubSettings, type HubSettings } from './hub/hub-settings.js';
import { EXPORT_MODEL_FILES, HfExportDirSource } from './hf-export-dir-source.js';
import type { ModelResolveOptions, ModelSource, ResolvedModel } from './model-source.js';


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
 * A model on the Hugging Face Hub (`org/name`, optionally `@revision`), holding an ONNX export.
 * Files go into the cache that Python's huggingface_hub uses, so both share downloads; the
 * snapshot directory is then read as an export directory.
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
    let model: HubFile | undefined;
    let firstMiss: unknown;
    for (const path of EXPORT_MODEL_FILES) {
      try {
        model = await fetch(path, revision);
        break;
      } catch (error) {
        // Only a missing file moves on to the next place; refusals and failures are final.
        if (!(error instanceof InferbenchError && error.code === 'MODEL_NOT_FOUND')) throw error;
        firstMiss ??= error;
      }
    }
    if (model === undefined) throw firstMiss;
    // The other files come from the model's commit, even if the branch moves meanwhile: one snapshot, one model.
    for (const path of OPTIONAL_FILES) {
      await fetch(path, model.commit).catch((error: unknown) => {
        if (!(error instanceof InferbenchError && error.code === 'MODEL_NOT_FOUND')) throw error;
      });
    }
    const modelPath = model.path;
    const snapshotDir = modelPath.endsWith('onnx/model.onnx') ? dirname(dirname(modelPath)) : dirname(modelPath);
    return new HfExportDirSource(snapshotDir, revision === DEFAULT_HUB_REVISION ? repoId : `${repoId}@${revision}`).resolve(options);
  }
}
