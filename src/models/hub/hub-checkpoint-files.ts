import { dirname } from 'node:path';
import { InferbenchError } from '../../core/errors.js';
import type { HubDownloadProgress } from './hub-blob-download.js';
import { type HubFile, downloadHubFile } from './hub-download.js';
import { DEFAULT_HUB_REVISION, parseRepoSpec } from './hub-repo.js';
import type { HubSettings } from './hub-settings.js';
import { checkpointWeightFiles, readConfigJson, type WeightFormat } from '../weights/hf-checkpoint.js';

/** Files of one Hub repository, fetched into the shared cache. */
export interface HubRepoFiles {
  /** The repo id, with `@revision` when one was given: how messages name the repository. */
  readonly label: string;
  /** The revision asked for; a commit once a first file has pinned one. */
  readonly revision: string;
  /** Fetches `path` at commit or revision `at` (default the one asked for); MODEL_NOT_FOUND when the repository lacks it. */
  fetch(path: string, at?: string): Promise<HubFile>;
  /** As `fetch`, but undefined when the repository lacks the file; any other failure is final. */
  fetchIfPresent(path: string, at?: string): Promise<HubFile | undefined>;
}

/** Where `spec` (`org/name[@revision]`) is fetched from, with what, and who hears of the progress. */
export function hubRepoFiles(spec: string, settings: HubSettings, options: { readonly signal?: AbortSignal | undefined; readonly onProgress?: ((progress: HubDownloadProgress) => void) | undefined } = {}): HubRepoFiles {
  const { repoId, revision } = parseRepoSpec(spec);
  const fetch = (path: string, at = revision): Promise<HubFile> => downloadHubFile({ repoId, revision: at, path, settings, signal: options.signal, onProgress: options.onProgress });
  return {
    label: revision === DEFAULT_HUB_REVISION ? repoId : `${repoId}@${revision}`,
    revision,
    fetch,
    fetchIfPresent: (path, at) => fetch(path, at).catch((error: unknown) => ifMissing(error, () => undefined)),
  };
}

/** `fallback()` when `error` says the file is not in the repository; any other failure is final. */
export function ifMissing<T>(error: unknown, fallback: () => T): T {
  if (error instanceof InferbenchError && error.code === 'MODEL_NOT_FOUND') return fallback();
  throw error;
}

/**
 * The weights of the first of `formats` that the repository holds beside `config` (one file, or the index and every
 * shard it names), from config.json's commit; undefined when it holds none. `checkConfig` may refuse the model first,
 * before gigabytes of weights are fetched for it.
 */
export async function fetchHubWeights(
  repo: HubRepoFiles,
  config: HubFile,
  formats: readonly WeightFormat[],
  checkConfig: (config: Record<string, unknown>) => void,
): Promise<HubFile | undefined> {
  checkConfig(await readConfigJson(dirname(config.path)));
  for (const format of formats) {
    const single = await repo.fetchIfPresent(format.file, config.commit);
    if (single !== undefined) return single;
    const index = await repo.fetchIfPresent(format.index, config.commit);
    if (index === undefined) continue;
    for (const shard of await checkpointWeightFiles(dirname(index.path), format)) await repo.fetch(shard, config.commit);
    return index;
  }
  return undefined;
}
