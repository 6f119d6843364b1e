import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TorchModelSource } from '../src/models/torch-model-source.js';
import { tempDir } from './helpers/fixtures.js';

describe('a MODULE:FUNCTION PyTorch source', () => {
  it("is a new model when its module's code changes, so a compile never serves an edited model from the cache", async () => {
    const project = tempDir();
    const home = process.cwd();
    // The compile imports the module from the working directory: the source reads it from there too.
    process.chdir(project);
    try {
      const digest = async (spec: string): Promise<string> => (await new TorchModelSource(spec).resolve({ cacheDir: join(project, 'cache') })).sha256;
      writeFileSync('tinymodel.py', 'def build(batch_size):\n    return 4\n');
      const first = await digest('tinymodel:build');
      expect(await digest('tinymodel:build')).toBe(first);
      writeFileSync('tinymodel.py', 'def build(batch_size):\n    return 6\n');
      expect(await digest('tinymodel:build')).not.toBe(first);
      // A package's module, and one installed elsewhere (only the spec is known of it).
      mkdirSync(join('models', 'small'), { recursive: true });
      writeFileSync(join('models', 'small', '__init__.py'), 'def build(batch_size):\n    return 1\n');
      const packaged = await digest('models.small:build');
      writeFileSync(join('models', 'small', '__init__.py'), 'def build(batch_size):\n    return 2\n');
      expect(await digest('models.small:build')).not.toBe(packaged);
      expect(await digest('elsewhere:build')).toBe(await digest('elsewhere:build'));
      expect(await digest('elsewhere:build')).not.toBe(await digest('elsewhere:other'));
    } finally {
      process.chdir(home);
    }
  });
});
