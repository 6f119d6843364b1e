import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InferbenchError } from '../../core/errors.js';
import { makeFolders } from '../../core/fs-utils.js';
import { blobProblem } from './hub-blob-verify.js';
import { hubCacheWriteError, isFileSystemError } from './hub-cache.js';
import { type HubFileTarget, hubAbortedError, hubHttpError, hubNetworkError, hubRequest, isRedirect, redirectTarget } from './hub-http.js';
import type { HubSettings } from './hub-settings.js';

/** How far a download has come, reported after every chunk. */
export interface HubDownloadProgress {
  /** Path of the file inside the repo. */
  readonly path: string;
  /** Bytes on disk so far, a resumed part included. */
  readonly downloadedBytes: number;
  /** Size of the whole file; undefined when the hub did not say. */
  readonly totalBytes: number | undefined;
}

/** One blob to fetch into the cache. */
export interface HubBlobRequest {
  /** The repo file, for messages and progress. */
  readonly target: HubFileTarget;
  /** Where the bytes are (resolve URL or storage URL). */
  readonly url: string;
  /** Final path of the blob; bytes go to `<blobPath>.inferbench.incomplete` until they are whole and verified. */
  readonly blobPath: string;
  /** Blob etag, verified against the whole file: a 64-hex etag is its SHA-256, a 40-hex one its git blob hash. */
  readonly etag: string;
  /** Expected size; undefined when unknown. */
  readonly sizeBytes: number | undefined;
  /** Endpoint and token. */
  readonly settings: HubSettings;
  /** Cancels the download; the partial file is kept for the next try. */
  readonly signal?: AbortSignal;
  /** Receives progress. */
  readonly onProgress?: (progress: HubDownloadProgress) => void;
}

/** Extra tries after a connection drops mid-file; each resumes where the last stopped, as huggingface_hub does. */
const MAX_RETRIES = 3;
/** First wait before a retry; it doubles each time. */
const RETRY_DELAY_MS = 200;
/** Storage hosts may chain a few redirects; more is a loop. */
const MAX_REDIRECTS = 10;
async function fileSizeBytes(path: string): Promise<number> {
  return stat(path).then((stats) => stats.size, () => 0);
}

/** GET following every redirect by hand, so {@link hubRequest} decides per hop whether the token goes along. */
async function getFollowingRedirects(request: HubBlobRequest, headers: Record<string, string>): Promise<{ response: Response; url: string }> {
  let url = request.url;
  for (let hops = 0; hops <= MAX_REDIRECTS; hops++) {
    const response = await hubRequest(url, 'GET', request.settings, request.signal, headers);
    const location = response.headers.get('location');
    if (!isRedirect(response.status) || location === null) return { response, url };
    await response.body?.cancel();
    url = redirectTarget(location, url, request.target);
  }
  throw new InferbenchError('DOWNLOAD_FAILED', `${request.url} redirected more than ${MAX_REDIRECTS} times while downloading ${request.target.path} of ${request.target.repoId}; try again later`);
}

/** Appends to the partial file from where it ends (Range), or rewrites it when the server sends the whole file. */
async function downloadAttempt(request: HubBlobRequest, partialPath: string): Promise<void> {
  let partialBytes = await fileSizeBytes(partialPath);
  // A previous run got every byte but stopped before the rename.
  if (partialBytes > 0 && partialBytes === request.sizeBytes) return;
  if (request.sizeBytes !== undefined && partialBytes > request.sizeBytes) partialBytes = 0;
  const { response, url } = await getFollowingRedirects(request, partialBytes > 0 ? { Range: `bytes=${partialBytes}-` } : {});
  if (response.status === 416 && partialBytes > 0) {
    // The partial file does not fit the file on the server: start over.
    await response.body?.cancel();
    await rm(partialPath, { force: true });
    return downloadAttempt(request, partialPath);
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    throw hubHttpError(response.status, request.target, request.settings, url);
  }
  // 200 means the server ignored the Range and sends everything.
  let downloadedBytes = response.status === 206 ? partialBytes : 0;
  const report = (): void => request.onProgress?.({ path: request.target.path, downloadedBytes, totalBytes: request.sizeBytes });
  report();
  if (response.body === null) return;
  // A failing write is the disk's fault, not the network's: it must not be retried or blamed on the hub.
  const diskError = async (error: unknown): Promise<never> => {
    throw await hubCacheWriteError(error as NodeJS.ErrnoException, request.settings.cacheDir, partialPath, `downloading ${request.target.path} of ${request.target.repoId}`);
  };
  const file = await open(partialPath, downloadedBytes > 0 ? 'a' : 'w').catch(diskError);
  try {
    // Each chunk is on disk before the next is read, so a dropped connection loses nothing already received.
    for await (const chunk of response.body) {
      await file.write(chunk).catch(diskError);
      downloadedBytes += chunk.byteLength;
      report();
    }
  } finally {
    await file.close().catch(() => undefined);
  }
}

/** Fills the partial file until the server has sent it whole; retries with resume when the connection drops or stalls. */
async function downloadWithRetries(request: HubBlobRequest, partialPath: string): Promise<void> {
  const { target, signal } = request;
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadAttempt(request, partialPath);
    } catch (error) {
      // A lost cache lock aborts with its own error; a cancelled download says it was cancelled.
      if (signal?.aborted) throw signal.reason instanceof InferbenchError ? signal.reason : hubAbortedError(target);
      // A retry fixes neither a refusal nor a full disk.
      if (error instanceof InferbenchError || isFileSystemError(error)) throw error;
      if (attempt === MAX_RETRIES) throw hubNetworkError(error, target, request.url);
    }
    await delay(RETRY_DELAY_MS * 2 ** attempt, undefined, { signal }).catch(() => undefined);
    if (signal?.aborted) throw hubAbortedError(target);
  }
}

/**
 * Downloads a blob into `<blobPath>.inferbench.incomplete` (resuming a partial file), verifies the whole file as it
 * lies on disk against the etag and size (see {@link blobProblem}), and only then renames it to `blobPath`.
 * Bytes kept from an earlier try that make the file fail are discarded and the file is fetched whole once
 * more; a file that still fails is deleted and refused. The caller holds the blob's cache lock.
 */
export async function downloadHubBlob(request: HubBlobRequest): Promise<void> {
  const { target, etag, sizeBytes, blobPath } = request;
  // Not huggingface_hub's `<blob>.incomplete`: its lock does not exclude us, so the two tools never share a partial file.
  const partialPath = `${blobPath}.inferbench.incomplete`;
  await makeFolders(dirname(blobPath));
  const resumed = (await fileSizeBytes(partialPath)) > 0;
  await downloadWithRetries(request, partialPath);
  let problem = await blobProblem(partialPath, etag, sizeBytes);
  if (problem !== undefined && resumed) {
    await rm(partialPath, { force: true });
    await downloadWithRetries(request, partialPath);
    problem = await blobProblem(partialPath, etag, sizeBytes);
  }
  if (problem !== undefined) {
    await rm(partialPath, { force: true });
    throw new InferbenchError('MODEL_INVALID', `downloaded ${target.path} of ${target.repoId} at revision ${target.revision} is corrupt: ${problem}; the download was deleted, run again to fetch it anew`);
  }
  await rename(partialPath, blobPath);
}
