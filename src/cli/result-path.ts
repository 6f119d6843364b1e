import { join } from 'node:path';
import { assertResultPathWritable, defaultResultPath } from '../reporters/json-file.js';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import type { OutputTarget } from './_flags.js';
import { resolveFrom, type CliIo } from './cli-io.js';

/** The folder of a new result: --output-dir, else `results/`, under the CLI's working directory. */
function resultsDir(io: CliIo, target: OutputTarget): string {
  return target.dir === undefined ? join(io.cwd, 'results') : resolveFrom(io, target.dir);
}

/** Where to write `result`: the --output file, else a new name in {@link resultsDir}. */
export function resultPathIn(io: CliIo, target: OutputTarget, result: BenchmarkResult): string {
  return target.file === undefined ? defaultResultPath(result, resultsDir(io, target)) : resolveFrom(io, target.file);
}

/** Refuses, before any measuring, a result path that cannot be written. */
export async function assertResultWritableIn(io: CliIo, target: OutputTarget): Promise<void> {
  // The library checks a file's folder; any name in the folder of a new result checks that folder.
  await assertResultPathWritable(target.file === undefined ? join(resultsDir(io, target), 'result.json') : resolveFrom(io, target.file));
}
