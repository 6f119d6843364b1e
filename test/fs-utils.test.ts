import { execaSync } from 'execa';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/core/fs-utils.js';
import { tempDir } from './helpers/fixtures.js';

describe('writeFileAtomic', () => {
  const dir = tempDir();

  it('replaces a file whole', async () => {
    const path = join(dir, 'result.json');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second');
  });

  it('refuses to rename a file over a folder or a FIFO, which stay as they were', async () => {
    const fifo = join(dir, 'pipe');
    execaSync('mkfifo', [fifo]);
    await expect(writeFileAtomic(fifo, 'x')).rejects.toMatchObject({ code: 'INVALID_OPTION', message: `${fifo} is a FIFO, not a file that a result or report can replace; name a file` });
    expect(statSync(fifo).isFIFO()).toBe(true);
    await expect(writeFileAtomic(dir, 'x')).rejects.toMatchObject({ code: 'INVALID_OPTION', message: `${dir} is a folder, not a file that a result or report can replace; name a file` });
  });
});
