import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InferbenchError, firstLine } from '../core/errors.js';
import { makeFolders, writeFileAtomic } from '../core/fs-utils.js';
import type { ResultStore } from './result-store.js';

/** A fleet's results in a folder: each object a file, written under a temporary name and renamed when whole. */
export class FolderResultStore implements ResultStore {
  readonly location: string;
  readonly #root: string;

  constructor(location: string) {
    this.location = location;
    this.#root = resolve(location);
  }

  #path(key: string): string {
    const path = resolve(this.#root, ...key.split('/'));
    const inside = relative(this.#root, path);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) throw new InferbenchError('INVALID_OPTION', `result key ${key} leaves ${this.location}`);
    return path;
  }

  async read(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new InferbenchError('STORAGE_FAILED', `cannot read ${join(this.location, key)}: ${firstLine(error)}; check that this machine may read ${this.location}`, { cause: error });
    }
  }

  async write(key: string, body: string): Promise<void> {
    const path = this.#path(key);
    try {
      await makeFolders(dirname(path));
      await writeFileAtomic(path, body);
    } catch (error) {
      if (error instanceof InferbenchError) throw error;
      throw new InferbenchError('RESULT_NOT_WRITTEN', `cannot write ${path}: ${firstLine(error)}; check that ${this.location} is a folder this machine may write`, { cause: error });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const entries = await readdir(this.#root, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new InferbenchError('STORAGE_FAILED', `cannot list ${this.location}: ${firstLine(error)}; check that this machine may read it`, { cause: error });
    });
    return entries
      // Hidden files are writes in progress (or cut short): never an object.
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => relative(this.#root, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix));
  }
}
