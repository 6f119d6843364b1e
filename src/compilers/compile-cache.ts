import { randomUUID } from 'node:crypto';
import { access, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file beside each cached artifact that records its compile; written last, so its presence means complete. */
const RECORD_FILE = 'compile.json';

/**
 * The record of a cache entry in `dir`, when the entry is complete: every file of `files` exists and
 * the record reads back whole (`isComplete`). A missing file or an unreadable record is a miss, so a
 * damaged entry is compiled again rather than failing the run.
 */
export async function readCompileRecord<Record extends object>(
  dir: string,
  files: readonly string[],
  isComplete: (record: Partial<Record>) => boolean,
): Promise<Record | undefined> {
  try {
    await Promise.all(files.map((file) => access(file)));
    const record = JSON.parse(await readFile(join(dir, RECORD_FILE), 'utf8')) as Partial<Record>;
    return isComplete(record) ? (record as Record) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the record of a finished compile under a unique name and renames it into place, making the entry complete. */
export async function writeCompileRecord(dir: string, record: object): Promise<void> {
  const tmp = join(dir, `${randomUUID()}.tmp.json`);
  try {
    await writeFile(tmp, JSON.stringify(record, null, 2));
    await rename(tmp, join(dir, RECORD_FILE));
  } finally {
    await rm(tmp, { force: true });
  }
}
