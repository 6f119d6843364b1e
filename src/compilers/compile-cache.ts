import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/fs-utils.js';

/** The file beside each cached artifact that records its compile; written last, so its presence means complete. */
const RECORD_FILE = 'compile.json';

/** What every compile record holds, whatever the compiler. */
export interface CompileRecordBase {
  /** Batch size the artifact was compiled for. */
  readonly batchSize: number;
}

/**
 * The record of a cache entry in `dir`, when the entry is complete and made for `batchSize`: every
 * file of `files` exists and the record reads back whole (`isComplete`). A missing file, an
 * unreadable record, or one that predates recording the batch size is a miss, so such an entry is
 * compiled again rather than failing the run.
 */
export async function readCompileRecord<Record extends CompileRecordBase>(
  dir: string,
  files: readonly string[],
  batchSize: number,
  isComplete: (record: Partial<Record>) => boolean,
): Promise<Record | undefined> {
  try {
    await Promise.all(files.map((file) => access(file)));
    const record = JSON.parse(await readFile(join(dir, RECORD_FILE), 'utf8')) as Partial<Record>;
    return record.batchSize === batchSize && isComplete(record) ? (record as Record) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the record of a finished compile, whole or not at all, making the entry complete. */
export async function writeCompileRecord(dir: string, record: CompileRecordBase): Promise<void> {
  await writeFileAtomic(join(dir, RECORD_FILE), JSON.stringify(record, null, 2));
}
