import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

/** Folders with a small tmpfs mounted on them (root only), unmounted and removed after this file. */
const mounts = mkdtempSync(join(tmpdir(), 'inferbench-mounts-'));
afterAll(async () => {
  for (const name of readdirSync(mounts)) await execa('umount', ['-l', join(mounts, name)], { reject: false });
  rmSync(mounts, { recursive: true, force: true });
});

/** A tmpfs mounted with `options` at a new folder, or undefined where this user cannot mount. */
async function tmpfs(name: string, options: string): Promise<string | undefined> {
  const at = join(mounts, name);
  mkdirSync(at);
  const { failed } = await execa('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { reject: false });
  return failed ? undefined : at;
}

// 64 KiB cannot hold the model's optimised copy, a few MB: a real ENOSPC, from the real writes.
const small = await tmpfs('full', 'size=64k');
const readOnly = await tmpfs('read-only', 'ro,size=64k');
if (!small && !process.env.CI) console.warn('skipping the full-disk and read-only cache tests: mounting a tmpfs needs root');

const MOVE = 'point the cache elsewhere with --cache-dir or INFERBENCH_CACHE_DIR';

describe('inferbench compile with a cache that cannot take the artifact', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  const compile = (cacheDir: string) => runInProcess(['compile', '-m', model, '--tokenizer', 'bert-base-uncased', '--sequence-length', '16', '--cache-dir', cacheDir]);

  it('refuses a cache path that is a file, or a link to nothing, in one line that says which and how to fix it (exit 2)', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const link = join(dir, 'link-to-nothing');
    symlinkSync(join(dir, 'gone'), link);
    expect(await compile(join(file, 'cache'))).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `inferbench: cannot use ${join(file, 'cache')} as the cache folder: ${file} is a file, not a folder; move it away, or ${MOVE}`,
    });
    expect(await compile(link)).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `inferbench: cannot use ${link} as the cache folder: ${link} is a symbolic link to ${join(dir, 'gone')}, which does not exist; create that folder, or ${MOVE}`,
    });
  });

  it.skipIf(!readOnly)('refuses a cache on a read-only filesystem (exit 2)', async () => {
    const cache = join(readOnly!, 'cache');
    expect(await compile(cache)).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `inferbench: cannot use ${cache} as the cache folder: ${readOnly} cannot be written (read-only file system); make it writable, or ${MOVE}`,
    });
  });

  it.skipIf(!small)('says that the disk is full, not what ONNX Runtime says, and leaves no half-written file (exit 1)', async () => {
    const cache = join(small!, 'cache');
    expect(await compile(cache)).toEqual({ exitCode: 1, stdout: '', stderr: `inferbench: cannot write into the cache folder ${cache}: its disk is full; free space there, or ${MOVE}` });
    expect((readdirSync(small!, { recursive: true }) as string[]).filter((entry) => entry.includes('.tmp'))).toEqual([]);
  });
});
