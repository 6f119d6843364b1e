import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Tinypool } from 'tinypool';
import { describe, expect, it } from 'vitest';
import { builtModule, isBuildCurrent } from '../src/core/source-build.js';
import { workerFile } from '../src/core/worker-file.js';
import { ROOT } from './helpers/dist-build.js';
import { tempDir } from './helpers/fixtures.js';

describe('a worker thread run from the TypeScript source', () => {
  const backendUrl = pathToFileURL(join(ROOT, 'src/runtimes/null/null-backend.ts')).href;

  it("gets the checkout's build of its module when the build is current, else the loader", () => {
    const file = workerFile('null-worker', backendUrl);
    if (isBuildCurrent()) {
      expect(file).toEqual({ filename: join(ROOT, 'dist/runtimes/null/null-worker.js'), argv: [] });
      expect(existsSync(file.filename)).toBe(true);
    } else {
      expect(builtModule(join(ROOT, 'src/runtimes/null/null-worker.ts'))).toBeUndefined();
      expect(file).toEqual({ filename: join(ROOT, 'src/core/ts-worker-loader.mjs'), argv: [join(ROOT, 'src/runtimes/null/null-worker.ts')] });
    }
    // Built code always gets its compiled sibling.
    expect(workerFile('null-worker', pathToFileURL(join(ROOT, 'dist/runtimes/null/null-backend.js')).href).filename).toBe(join(ROOT, 'dist/runtimes/null/null-worker.js'));
  });

  it('compiles a TypeScript module in the thread through the loader, whether or not a build is current', async () => {
    const dir = tempDir();
    // An ES module in TypeScript, as the repository's own.
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const module = join(dir, 'double.ts');
    writeFileSync(module, 'export default (value: number): number => value * 2;\n');
    const pool = new Tinypool({ filename: fileURLToPath(new URL('../src/core/ts-worker-loader.mjs', import.meta.url)), argv: [module], maxThreads: 1 });
    try {
      expect(await pool.run(21)).toBe(42);
    } finally {
      await pool.destroy();
    }
  });
});
