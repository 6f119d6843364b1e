import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { InferbenchError, firstLine } from '../core/errors.js';
import { basename, dirname, resolve } from 'node:path';
import type { BenchmarkResult } from '../results/benchmark-result.js';

/** Default place of a run's result: `results/<model>-<time>.json` under the working directory. */
export function defaultResultPath(result: BenchmarkResult): string {
  const stamp = result.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const model = basename(result.settings.model).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  return resolve('results', `${model}-${stamp}.json`);
}

/** Throws INVALID_OPTION unless a result can be written at `path` (default: under `results/`). */
export async function assertResultPathWritable(path?: string): Promise<void> {
  const dir = path === undefined ? resolve('results') : dirname(resolve(path));
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new InferbenchError('INVALID_OPTION', `cannot write the result into ${dir} (${firstLine(error)}); pass a writable --output path`, { cause: error });
  }
}

/** Writes the result as indented JSON, creating the directory; returns the absolute path. */
export async function writeResultJson(result: BenchmarkResult, path: string = defaultResultPath(result)): Promise<string> {
  const absolute = resolve(path);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, `${JSON.stringify(result, null, 2)}\n`);
  return absolute;
}
