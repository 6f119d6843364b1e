import { type Hash, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InferbenchError } from '../../core/errors.js';
import { isFileSystemError } from './hub-cache.js';
import { type HubFileTarget, hubAbortedError, hubHttpError, hubNetworkError, hubRequest, isRedirect } from './hub-http.js';
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
  /** Final path of the blob; bytes go to `<blobPath>.incomplete` until they are whole and verified. */
  readonly blobPath: string;
  /** Blob etag: a 64-hex etag is the file's SHA-256 and is verified. */
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

/** Size and SHA-256 of the whole partial file after one attempt. */
interface AttemptResult {
  /** Bytes in the file. */
  readonly sizeBytes: number;
  /** Hex SHA-256 of the file. */
  readonly sha256: string;
}

/** Extra tries after a connection drops mid-file; each resumes where the last stopped, as huggingface_hub does. */
const MAX_RETRIES = 3;
/** First wait before a retry; it doubles each time. */
const RETRY_DELAY_MS = 200;
/** Storage hosts may chain a few redirects; more is a loop. */
const MAX_REDIRECTS = 10;
/** An LFS etag is the SHA-256 of the file. */
const SHA256_HEX = /^[0-9a-f]{64}$/;

async function fileSizeBytes(path: string): Promise<number> {
  return stat(path).then((stats) => stats.size, () => 0);
}

/** Feeds the first `sizeBytes` of the file at `path` to `hash`, to continue hashing a resumed download. */
async function hashFilePrefix(hash: Hash, path: string, sizeBytes: number): Promise<void> {
  for await (const chunk of createReadStream(path, { end: sizeBytes - 1 })) hash.update(chunk as Buffer);
}

/** GET following every redirect by hand, so {@link hubRequest} decides per hop whether the token goes along. */
async function getFollowingRedirects(request: HubBlobRequest, headers: Record<string, string>): Promise<{ response: Response; url: string }> {
  let url = request.url;
  for (let hops = 0; hops <= MAX_REDIRECTS; hops++) {
    const response = await hubRequest(url, 'GET', request.settings, request.signal, headers);
    const location = response.headers.get('location');
    if (!isRedirect(response.status) || location === null) return { response, url };
    await response.body?.cancel();
    url = new URL(location, url).href;
  }
  throw new InferbenchError('DOWNLOAD_FAILED', `${request.url} redirected more than ${MAX_REDIRECTS} times while downloading ${request.target.path} of ${request.target.repoId}; try again later`);
}

/** Appends to the partial file from where it ends (Range), or rewrites it when the server sends the whole file. */
async function downloadAttempt(request: HubBlobRequest, partialPath: string): Promise<AttemptResult> {
  let partialBytes = await fileSizeBytes(partialPath);
  const hash = createHash('sha256');
  if (partialBytes > 0 && partialBytes === request.sizeBytes) {
    // A previous run got every byte but stopped before the rename.
    await hashFilePrefix(hash, partialPath, partialBytes);
    return { sizeBytes: partialBytes, sha256: hash.digest('hex') };
  }
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
  const startBytes = response.status === 206 ? partialBytes : 0;
  if (startBytes > 0) await hashFilePrefix(hash, partialPath, startBytes);
  let downloadedBytes = startBytes;
  const report = (): void => request.onProgress?.({ path: request.target.path, downloadedBytes, totalBytes: request.sizeBytes });
  report();
  if (response.body !== null) {
    // Each chunk is on disk before the next is read, so a dropped connection loses nothing already received.
    const file = await open(partialPath, startBytes > 0 ? 'a' : 'w');
    try {
      for await (const chunk of response.body) {
        await file.write(chunk);
        hash.update(chunk);
        downloadedBytes += chunk.byteLength;
        report();
      }
    } finally {
      await file.close();
    }
  }
  return { sizeBytes: downloadedBytes, sha256: hash.digest('hex') };
}

/** The partial file's size and hash once the server sent it whole; retries with resume when the connection drops. */
async function downloadWithRetries(request: HubBlobRequest, partialPath: string): Promise<AttemptResult> {
  const { target, signal } = request;
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadAttempt(request, partialPath);
    } catch (error) {
      if (signal?.aborted) throw hubAbortedError(target);
      // A retry fixes neither a refusal nor a full disk.
      if (error instanceof InferbenchError || isFileSystemError(error)) throw error;
      if (attempt === MAX_RETRIES) throw hubNetworkError(error, target, request.url);
    }
    await delay(RETRY_DELAY_MS * 2 ** attempt, undefined, { signal }).catch(() => undefined);
    if (signal?.aborted) throw hubAbortedError(target);
  }
}

/**
 * Downloads a blob into `<blobPath>.incomplete` (resuming a partial file), checks its size and, for an LFS
 * file, its SHA-256, and only then renames it to `blobPath`. A file that fails the check is deleted.
 */
export async function downloadHubBlob(request: HubBlobRequest): Promise<void> {
  const { target, etag, sizeBytes, blobPath } = request;
  const partialPath = `${blobPath}.incomplete`;
  await mkdir(dirname(blobPath), { recursive: true });
  const result = await downloadWithRetries(request, partialPath);
  const file = `${target.path} of ${target.repoId} at revision ${target.revision}`;
  if (SHA256_HEX.test(etag) && result.sha256 !== etag) {
    await rm(partialPath, { force: true });
    throw new InferbenchError('MODEL_INVALID', `downloaded ${file} is corrupt: expected SHA-256 ${etag}, got ${result.sha256}; the download was deleted, run again to fetch it anew`);
  }
  if (sizeBytes !== undefined && result.sizeBytes !== sizeBytes) {
    await rm(partialPath, { force: true });
    throw new InferbenchError('MODEL_INVALID', `downloaded ${file} has ${result.sizeBytes} bytes, the hub announced ${sizeBytes}; the download was deleted, run again to fetch it anew`);
  }
  await rename(partialPath, blobPath);
}
