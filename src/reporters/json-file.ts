import { InferbenchError } from '../core/errors.js';
import { folderObstacle, makeFolders, notRegularFile, obstacleIn, writeFileAtomic } from '../core/fs-utils.js';
import { basename, dirname, resolve } from 'node:path';
import type { BenchmarkResult } from '../results/benchmark-result.js';

/** File names {@link defaultResultPath} has handed out in this process. */
const handedOut = new Set<string>();

/**
 * A new place for a run's result: `<dir>/<model>-<start, to the millisecond>-<process id>.json`, by
 * default under `results/` in the working directory. Runs in other processes differ by process id; a
 * second result of the same model and millisecond in this process gets `-2`, and so on, so that no
 * result ever replaces another.
 */
export function defaultResultPath(result: BenchmarkResult, dir = 'results'): string {
  const stamp = result.startedAt.replace(/[-:]/g, '');
  const model = basename(result.settings.model).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  const stem = `${model}-${stamp}-${process.pid}`;
  let name = `${stem}.json`;
  for (let n = 2; handedOut.has(name); n += 1) name = `${stem}-${n}.json`;
  handedOut.add(name);
  return resolve(dir, name);
}

/**
 * Throws INVALID_OPTION unless a result can be written at `path` (default: under `results/`). Nothing is made: the
 * folder is made when the result is written, so that a run refused later leaves nothing behind.
 */
export async function assertResultPathWritable(path?: string): Promise<void> {
  const kind = path === undefined ? undefined : await notRegularFile(resolve(path));
  if (kind !== undefined) {
    const hint = kind === 'a folder' ? `pass -o ${path} to write a new result into it, or name a file` : 'name a file';
    throw new InferbenchError('INVALID_OPTION', `cannot write the result to ${resolve(path!)}: it is ${kind}; ${hint}`);
  }
  const dir = path === undefined ? resolve('results') : dirname(resolve(path));
  const obstacle = await folderObstacle(dir);
  if (obstacle !== undefined) {
    throw new InferbenchError('INVALID_OPTION', `cannot write the result into ${dir}: ${obstacleIn(dir, obstacle)}; name a writable folder`);
  }
}

/** Writes the result as indented JSON, whole or not at all, creating the directory; returns the absolute path. */
export async function writeResultJson(result: BenchmarkResult, path: string = defaultResultPath(result)): Promise<string> {
  const absolute = resolve(path);
  await makeFolders(dirname(absolute));
  await writeFileAtomic(absolute, `${JSON.stringify(result, null, 2)}\n`);
  return absolute;
}
