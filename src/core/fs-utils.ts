import { randomUUID } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { access, lstat, mkdir, open, readFile, readlink, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
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
 * Makes folder `dir` and its missing parents, as `mkdir -p` does; errors are Node's own. Not Node's
 * `mkdir(dir, { recursive: true })`: where a folder that exists answers ENOENT for a new child (under `/proc`), that
 * makes the parent and tries the child again, forever. Here each folder is tried once.
 */
export async function makeFolders(dir: string): Promise<void> {
  const path = resolve(dir);
  const found = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (found instanceof Error && found.code === 'ENOENT' && path !== dirname(path)) await makeFolders(dirname(path));
  else if (!(found instanceof Error) && found.isDirectory()) return;
  await mkdir(path).catch(async (error: NodeJS.ErrnoException) => {
    // Made meanwhile by another process, as a folder: what was asked.
    if (error.code !== 'EEXIST' || !(await stat(path).then((s) => s.isDirectory(), () => false))) throw error;
  });
}

/** What keeps a folder from being made or written, at `at`: the path at fault, what it is, and how to fix it there. */
export interface FolderObstacle {
  /** The path at fault: the folder itself, or the first of its parents that exists. */
  readonly at: string;
  /** What is wrong with it, e.g. "is a device, not a folder". */
  readonly is: string;
  /** How to fix it in place, e.g. "move it away". */
  readonly fix: string;
}

/** `obstacle` as said of folder `dir`: "it is a device, not a folder", or of a parent, "/a is a file, not a folder". */
export const obstacleIn = (dir: string, obstacle: FolderObstacle): string => `${obstacle.at === resolve(dir) ? 'it' : obstacle.at} ${obstacle.is}`;

/** The reason in a Node filesystem error, "permission denied" out of "EACCES: permission denied, mkdir '/x'". */
const reasonOf = (error: NodeJS.ErrnoException): string => /^\w+: ([^,]+)/.exec(error.message)?.[1] ?? error.code ?? error.message;

/**
 * What keeps `path` from being a writable folder, found without making anything: walking up from it to the first
 * thing that exists, a file (or a device…) where a folder should be, a link to nothing, a loop of links, or a folder
 * that cannot be written. Undefined when nothing is in the way.
 */
export async function folderObstacle(path: string): Promise<FolderObstacle | undefined> {
  let loop: string | undefined;
  for (let at = resolve(path); ; at = dirname(at)) {
    const found = await stat(at).catch((error: NodeJS.ErrnoException) => error);
    // Everything below a loop loops too: the link at fault is the loop's highest path.
    if (found instanceof Error && found.code === 'ELOOP') {
      loop = at;
      continue;
    }
    if (loop !== undefined) return { at: loop, is: 'is a loop of symbolic links', fix: 'remove the link' };
    if (!(found instanceof Error)) {
      if (!found.isDirectory()) return { at, is: `is ${nonRegularKind(found) ?? 'a file'}, not a folder`, fix: 'move it away' };
      const refused = await access(at, constants.W_OK | constants.X_OK).then(
        () => undefined,
        (error: NodeJS.ErrnoException) => error,
      );
      return refused && { at, is: `cannot be written (${reasonOf(refused)})`, fix: 'make it writable' };
    }
    const link = found.code === 'ENOENT' ? await lstat(at).then((l) => (l.isSymbolicLink() ? readlink(at) : undefined), () => undefined) : undefined;
    if (link !== undefined) return { at, is: `is a symbolic link to ${link}, which does not exist`, fix: 'create that folder' };
    if (at === dirname(at)) return undefined;
  }
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
