import { readFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { inferbench } from './helpers/cli.js';
import { OCR_MODEL, tempDir } from './helpers/fixtures.js';

// An image that cannot be decoded: a case of the fault catalogue (test/faults/).
describe('an image model', () => {
  const dir = tempDir();

  it('is fed the bundled sample images at the size asked for', async () => {
    const result = await runBenchmark({ model: OCR_MODEL, imageSize: 64, batchSize: 2, queryCount: 10, cacheDir: join(dir, 'cache') });
    expect(result.model.task).toBe('image');
    expect(Object.values(result.compile.dimensions)).toEqual([2, 64, 64]);
    expect(result.inputs.description).toMatch(/^6 images from .*assets\/images\/?, 64×64 crop, ImageNet normalisation/);
  });

  it('takes IMAGE_SIZE and a folder of images from the CLI', async () => {
    const images = join(dir, 'images');
    mkdirSync(images);
    copyFileSync(join('assets', 'images', 'shapes.jpg'), join(images, 'a.jpg'));
    const output = join(dir, 'cli.json');
    const run = await inferbench(['run', '-m', OCR_MODEL, '--corpus', images, '-n', '8', '--cache-dir', join(dir, 'cache'), '-o', output], { IMAGE_SIZE: '32' }, process.cwd());
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(readFileSync(output, 'utf8')) as BenchmarkResult;
    expect(Object.values(result.compile.dimensions)).toEqual([4, 32, 32]);
    expect(result.settings.imageSize).toBe(32);
  });
});
