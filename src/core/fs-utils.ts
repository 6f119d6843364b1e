import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InferbenchError, firstLine } from './errors.js';

/** True when `path` exists (file, directory or anything else). */
export function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** A JSON file's content, or undefined when the file is absent; invalid JSON is MODEL_INVALID, naming the file. */
export async function readJsonIfPresent(path: string): Promise<Record<string, unknown> | undefined> {
  if (!(await pathExists(path))) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new InferbenchError('MODEL_INVALID', `${path} is not valid JSON (${firstLine(error)})`, { cause: error });
  }
}

/** What `found` is when it is not a regular file ("a folder", "a device"…); undefined for a regular file. */
export function nonRegularKind(found: Stats): string | undefined {
  if (found.isFile()) return undefined;
  if (found.isDirectory()) return 'a folder';
  if (found.isCharacterDevice() || found.isBlockDevice()) return 'a device';
  if (found.isFIFO()) return 'a FIFO';
  return found.isSocket() ? 'a socket' : 'not a regular file';
}

/** What `path` is when it exists and is not a regular file; undefined otherwise (see {@link nonRegularKind}). */
export async function notRegularFile(path: string): Promise<string | undefined> {
  const found = await stat(path).catch(() => undefined);
  return found === undefined ? undefined : nonRegularKind(found);
}

/**
 * Writes `data` to `path` whole or not at all: into a uniquely named file in the same folder, flushed
 * to disk, then renamed over `path`. A crash, a full disk or a concurrent writer never leaves a
 * truncated file under the final name, and the temporary file is removed whatever happens. The
 * folder must exist; errors are Node's own, for the caller to word, but for a `path` that is a folder
 * or a device: renaming over it would replace a device node (`/dev/full`) with a file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const kind = await notRegularFile(path);
  if (kind !== undefined) throw new InferbenchError('INVALID_OPTION', `${path} is ${kind}, not a file that a result or report can replace; name a file`);
  const tmp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}
