import { statfs } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InferbenchError, firstLine } from '../core/errors.js';
import { folderObstacle, makeFolders } from '../core/fs-utils.js';

/**
 * Where inferbench keeps generated models and compiled artifacts: `INFERBENCH_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/inferbench`, else `~/.cache/inferbench`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.INFERBENCH_CACHE_DIR) return resolve(env.INFERBENCH_CACHE_DIR);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'inferbench');
}

/** How to move the cache, the other fix every error about it offers. */
const MOVE_CACHE = 'point the cache elsewhere with --cache-dir or INFERBENCH_CACHE_DIR';

/**
 * Makes `dir`, a folder of the cache at `cacheDir`, with every missing parent, as huggingface_hub and torch.hub make
 * theirs (`os.makedirs(path, exist_ok=True)`): a fresh machine's ~/.cache, or a new --cache-dir, just works. Nothing is
 * checked before the first write, so that a read-only cache that already holds every artifact still serves runs.
 */
export async function makeCacheFolder(cacheDir: string, dir: string): Promise<void> {
  try {
    await makeFolders(dir);
  } catch (error) {
    throw await cacheWriteError(error, cacheDir, dir);
  }
}

/** Errors that say the cache cannot be written where it was set, rather than that one write failed. */
const REFUSALS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOENT', 'ELOOP']);

/** Under this much free space, a failed write is the disk's: no model or artifact fits in less. */
const FULL_DISK_FREE_BYTES = 1 << 20;

/** Free bytes of the filesystem that holds `path`; Infinity when it cannot be asked. */
async function freeBytes(path: string): Promise<number> {
  const found = await statfs(path).catch(() => undefined);
  return found === undefined ? Infinity : found.bavail * found.bsize;
}

/**
 * The one line for a write into the cache at `cacheDir` (at `path`, a folder or file in it) that failed:
 * - for want of room (ENOSPC, EDQUOT, or a runtime's own write where the disk has no room left: ONNX Runtime says only
 *   "Protobuf serialization failed", a Python compile something of its own), CACHE_NOT_WRITTEN: free space, or move
 *   the cache;
 * - for a path that cannot be a writable folder (a file in the way, a link to nothing, no permission, a read-only
 *   filesystem), INVALID_OPTION, naming the path at fault: the cache was set where it cannot work.
 * Any other error is returned as it is. `howToMove` says how to set the cache elsewhere (default: inferbench's own).
 */
export async function cacheWriteError(error: unknown, cacheDir: string, path: string, howToMove: string = MOVE_CACHE): Promise<unknown> {
  const code = error instanceof InferbenchError ? undefined : (error as NodeJS.ErrnoException | undefined)?.code;
  // A runtime's write reports no errno: its failure is the disk's when the disk has no room left.
  const runtimeFailure = error instanceof InferbenchError ? error.code === 'COMPILE_FAILED' : code === undefined;
  if (code === 'ENOSPC' || code === 'EDQUOT' || (runtimeFailure && (await freeBytes(path)) < FULL_DISK_FREE_BYTES)) {
    const full = code === 'EDQUOT' ? 'your disk quota there is used up' : 'its disk is full';
    return new InferbenchError('CACHE_NOT_WRITTEN', `cannot write into the cache folder ${cacheDir}: ${full}; free space there, or ${howToMove}`, { cause: error });
  }
  if (code === undefined || !REFUSALS.has(code)) return error;
  const obstacle = await folderObstacle(path);
  const why = obstacle === undefined ? `${firstLine(error)}; ${howToMove}` : `${obstacle.at} ${obstacle.is}; ${obstacle.fix}, or ${howToMove}`;
  return new InferbenchError('INVALID_OPTION', `cannot use ${cacheDir} as the cache folder: ${why}`, { cause: error });
}
