import { readFile } from 'node:fs/promises';
import { InferbenchError, firstLine } from '../core/errors.js';
import { checkOptionsFile, type RunOptions } from '../options/option-registry.js';
import { parseResult } from '../results/read-result.js';

/** The JSON in `path`, or one line saying why it cannot be read. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InferbenchError('INVALID_OPTION', `cannot read the ${what} ${path}: ${firstLine(error)}`, { cause: error });
  }
}

/**
 * Run options from `run --config FILE`: a JSON object of run options by their API names, or a result
 * file, whose settings run the same benchmark again.
 */
export async function readRunConfig(path: string): Promise<RunOptions> {
  const json = await readJsonFile(path, 'config');
  if (typeof json === 'object' && json !== null && 'schemaVersion' in json) return parseResult(json, path).settings;
  return checkOptionsFile(json, path);
}
