import { readFile, stat } from 'node:fs/promises';
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
