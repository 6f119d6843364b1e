import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InferbenchError } from '../../core/errors.js';
import { type HubDownloadProgress, downloadHubBlob } from './hub-blob-download.js';
import {
  hubBlobPath,
  hubCacheWriteError,
  hubSnapshotDir,
  isCachedFile,
  isCommitHash,
  isFileSystemError,
  linkHubSnapshotFile,
  lookupHubCache,
  writeHubRef,
} from './hub-cache.js';
import { fetchHubFileMetadata } from './hub-file-metadata.js';
import { hubBlobLockPath, withHubBlobLock } from './hub-lock.js';
import type { HubFileTarget } from './hub-http.js';
import { DEFAULT_HUB_REVISION, validateRepoFilePath, validateRepoId, validateRevision } from './hub-repo.js';
import type { HubSettings } from './hub-settings.js';

/** One file to fetch from a hub repo. */
export interface HubDownloadOptions {
  /** "org/name" or "name". */
  readonly repoId: string;
  /** Branch, tag or 40-hex commit hash; default "main". */
  readonly revision?: string;
  /** Path of the file inside the repo, e.g. "onnx/model.onnx". */
  readonly path: string;
  /** Endpoint, token, offline mode and cache directory, from `resolveHubSettings`. */
  readonly settings: HubSettings;
  /** Uses the cache only, as if offline, without saying HF_HUB_OFFLINE is set. */
  readonly localFilesOnly?: boolean;
  /** Cancels the download; the partial file is kept and the next call resumes it. */
  readonly signal?: AbortSignal;
  /** Receives progress while bytes arrive. */
  readonly onProgress?: (progress: HubDownloadProgress) => void;
}

/** A hub file in the cache. */
export interface HubFile {
  /** Absolute path of the file in its snapshot. */
  readonly path: string;
  /** The commit the file belongs to: pass it as the revision of the other files of one download. */
  readonly commit: string;
}

async function fromCacheOnly(target: HubFileTarget, settings: HubSettings, why: string): Promise<HubFile> {
  const lookup = await lookupHubCache({ cacheDir: settings.cacheDir, ...target });
  if (lookup.found) return lookup;
  throw new InferbenchError(
    'MODEL_NOT_FOUND',
    `${target.path} of ${target.repoId} at revision ${target.revision} is not in the Hugging Face cache (looked for ${lookup.missingPath}) and ${why}`,
  );
}

/**
 * Makes a hub file available in the huggingface_hub cache and returns its absolute path in the snapshot
 * (`<cache>/models--org--name/snapshots/<commit>/<path>`, a relative symlink to `blobs/<etag>`) with its
 * commit. Files already cached are not downloaded again; offline, only the cache answers. When the hub
 * cannot be reached or refuses (but does not say the file is missing), a cached copy of the revision is
 * used, as in huggingface_hub. A blob is written by one process at a time (a lock in `<cache>/.locks`),
 * verified whole before it is renamed into place, and one found with the wrong size is fetched again.
 */
export async function downloadHubFile(options: HubDownloadOptions): Promise<HubFile> {
  const { settings, signal } = options;
  const target: HubFileTarget = {
    repoId: validateRepoId(options.repoId),
    revision: validateRevision(options.revision ?? DEFAULT_HUB_REVISION),
    path: validateRepoFilePath(options.path),
  };
  if (settings.offline) return fromCacheOnly(target, settings, 'HF_HUB_OFFLINE=1 is set; unset it to download');
  if (options.localFilesOnly) return fromCacheOnly(target, settings, 'only local files were allowed; allow downloads to fetch it');
  if (isCommitHash(target.revision)) {
    // A commit never changes: a cached file for it needs no request.
    const lookup = await lookupHubCache({ cacheDir: settings.cacheDir, ...target });
    if (lookup.found) return lookup;
  }

  const head = await fetchHubFileMetadata(target, settings, signal);
  if (!head.ok) {
    const lookup = head.cacheMayAnswer ? await lookupHubCache({ cacheDir: settings.cacheDir, ...target }) : undefined;
    if (lookup?.found) return lookup;
    throw head.error;
  }
  const { commit, etag, sizeBytes, downloadUrl } = head.metadata;
  const snapshotPath = join(hubSnapshotDir(settings.cacheDir, target.repoId, commit), target.path);
  const blobPath = hubBlobPath(settings.cacheDir, target.repoId, etag);
  try {
    if (!(await isCachedFile(snapshotPath, sizeBytes))) {
      await withHubBlobLock(hubBlobLockPath(settings.cacheDir, target.repoId, etag), target, signal, async (lockedSignal) => {
        // Checked again under the lock: the process that held it may have just stored the blob.
        if (!(await isCachedFile(blobPath, sizeBytes))) {
          await rm(blobPath, { force: true });
          await downloadHubBlob({ target, url: downloadUrl, blobPath, etag, sizeBytes, settings, signal: lockedSignal, onProgress: options.onProgress });
        }
        await linkHubSnapshotFile(blobPath, snapshotPath);
      });
    }
    await writeHubRef(settings.cacheDir, target.repoId, target.revision, commit);
  } catch (error) {
    throw isFileSystemError(error) ? await hubCacheWriteError(error, settings.cacheDir, error.path ?? settings.cacheDir, `downloading ${target.path} of ${target.repoId}`) : error;
  }
  return { path: snapshotPath, commit };
}
