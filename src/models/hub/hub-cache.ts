import { copyFile, readFile, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { InferbenchError, firstLine } from '../../core/errors.js';
import { makeFolders, writeFileAtomic } from '../../core/fs-utils.js';
import { cacheWriteError } from '../cache-dir.js';

/** A full git commit hash as the hub writes it: a revision of this form is used as is, never through `refs/`. */
const COMMIT_HASH = /^[0-9a-f]{40}$/;

/** True when `revision` is a full commit hash rather than a branch or tag name. */
export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH.test(revision);
}

/** The repo's folder in the cache, named as huggingface_hub names it: `<cacheDir>/models--org--name`. */
export function hubRepoCacheDir(cacheDir: string, repoId: string): string {
  return join(cacheDir, `models--${repoId.split('/').join('--')}`);
}

/** The directory holding the files of one commit: `<repo folder>/snapshots/<commit>`. */
export function hubSnapshotDir(cacheDir: string, repoId: string, commit: string): string {
  return join(hubRepoCacheDir(cacheDir, repoId), 'snapshots', commit);
}

/** Where a blob is stored once, named by its etag: `<repo folder>/blobs/<etag>`. */
export function hubBlobPath(cacheDir: string, repoId: string, etag: string): string {
  return join(hubRepoCacheDir(cacheDir, repoId), 'blobs', etag);
}

/** The file that maps a branch or tag to its commit: `<repo folder>/refs/<revision>`. */
export function hubRefPath(cacheDir: string, repoId: string, revision: string): string {
  return join(hubRepoCacheDir(cacheDir, repoId), 'refs', revision);
}

/** The commit a cached revision points to; undefined when the refs file is missing or holds no commit hash. */
export async function readHubRef(cacheDir: string, repoId: string, revision: string): Promise<string | undefined> {
  const commit = await readFile(hubRefPath(cacheDir, repoId, revision), 'utf8').then((text) => text.trim(), () => undefined);
  return commit !== undefined && isCommitHash(commit) ? commit : undefined;
}

/** Records that `revision` points to `commit` (no newline, as huggingface_hub writes it); a commit hash needs no ref. */
export async function writeHubRef(cacheDir: string, repoId: string, revision: string, commit: string): Promise<void> {
  if (revision === commit) return;
  const path = hubRefPath(cacheDir, repoId, revision);
  await makeFolders(dirname(path));
  await writeFileAtomic(path, commit);
}

/**
 * Makes `snapshotPath` a relative symlink to `blobPath`, as huggingface_hub does, so the cache can be moved
 * as a whole. Where symlinks cannot be made (Windows without the privilege, some network filesystems) it
 * becomes a copy.
 */
export async function linkHubSnapshotFile(blobPath: string, snapshotPath: string): Promise<void> {
  await makeFolders(dirname(snapshotPath));
  await rm(snapshotPath, { force: true });
  try {
    await symlink(relative(dirname(snapshotPath), blobPath), snapshotPath);
  } catch (error) {
    // Another process linked it between rm and symlink: its link is the same.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    await copyFile(blobPath, snapshotPath);
  }
}

/**
 * True when `path` exists, and has `sizeBytes` bytes when the hub announced a size: a blob of another size is a
 * leftover of a broken download. A symlink counts only if its blob is still there.
 */
export async function isCachedFile(path: string, sizeBytes?: number): Promise<boolean> {
  return stat(path).then((stats) => stats.isFile() && (sizeBytes === undefined || stats.size === sizeBytes), () => false);
}

/** A repo file and revision to look up in the cache. */
export interface HubCacheQuery {
  /** huggingface_hub cache directory. */
  readonly cacheDir: string;
  /** "org/name" or "name". */
  readonly repoId: string;
  /** Branch, tag or commit hash. */
  readonly revision: string;
  /** Path of the file inside the repo, e.g. "onnx/model.onnx". */
  readonly path: string;
}

/** What a cache lookup found: the file, or the cache entry that was missing. */
export type HubCacheLookup =
  | {
      /** The file is cached. */
      readonly found: true;
      /** Absolute path of the file in its snapshot. */
      readonly path: string;
      /** The commit of that snapshot. */
      readonly commit: string;
    }
  | {
      /** The file is not cached. */
      readonly found: false;
      /** The entry that was looked for and is missing: the refs file, or the file in the snapshot. */
      readonly missingPath: string;
    };

/** Finds a file in the cache without the network, as huggingface_hub's try_to_load_from_cache: revision → refs → commit → snapshot file. */
export async function lookupHubCache(query: HubCacheQuery): Promise<HubCacheLookup> {
  const { cacheDir, repoId, revision, path } = query;
  const commit = isCommitHash(revision) ? revision : await readHubRef(cacheDir, repoId, revision);
  if (commit === undefined) return { found: false, missingPath: hubRefPath(cacheDir, repoId, revision) };
  const snapshotPath = join(hubSnapshotDir(cacheDir, repoId, commit), path);
  return (await isCachedFile(snapshotPath)) ? { found: true, path: snapshotPath, commit } : { found: false, missingPath: snapshotPath };
}

/** True for errors of the local filesystem (they name a path): retrying does not fix them. */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).path === 'string';
}

/**
 * The one-line error for a write into the cache that failed, by the policy of every cache (see
 * {@link cacheWriteError}): a full disk is CACHE_NOT_WRITTEN, a cache set where it cannot work is
 * INVALID_OPTION; any other filesystem error is DOWNLOAD_FAILED naming the path.
 */
export async function hubCacheWriteError(error: NodeJS.ErrnoException, cacheDir: string, path: string, what: string): Promise<InferbenchError> {
  const explained = await cacheWriteError(error, cacheDir, path, 'point the Hugging Face cache elsewhere with HF_HUB_CACHE');
  if (explained instanceof InferbenchError) return explained;
  return new InferbenchError(
    'DOWNLOAD_FAILED',
    `cannot write ${error.path ?? path} in the Hugging Face cache while ${what} (${firstLine(error)}); check that disk, or set HF_HUB_CACHE to another folder`,
    { cause: error },
  );
}
