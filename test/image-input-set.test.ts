import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { buildImageInputSet, type ImageInputSetOptions } from '../src/inputs/image-input-set.js';
import { preprocessImage } from '../src/inputs/image-preprocess.js';
import { tempDir } from './helpers/fixtures.js';

const ASSETS = 'assets/images';
const NAMES = ['gradient.png', 'grayscale.png', 'portrait.jpg', 'shapes.jpg', 'text-line.png', 'transparent.png'];
const base: ImageInputSetOptions = { directory: ASSETS, inputName: 'pixel_values', batchSize: 2, inputCount: 4, batchMode: 'repeat', preprocess: { imageSize: 32 } };
const dir = tempDir('inferbench-images-');

/** Row `row` of a float32 `[batch, ...]` sample tensor. */
function row(data: Float32Array, batchSize: number, index: number): Float32Array {
  const length = data.length / batchSize;
  return data.subarray(index * length, (index + 1) * length);
}

describe('buildImageInputSet', () => {
  it('reads a folder in name order into float32 [batch, 3, H, W] samples, one image per sample in repeat mode', async () => {
    const set = await buildImageInputSet(base);
    expect(set.batchSize).toBe(2);
    expect(set.description).toBe(`6 images from ${ASSETS}, 32×32 crop, ImageNet normalisation, repeat batches`);
    expect(set.feeds).toHaveLength(4);
    for (const [s, sample] of set.feeds.entries()) {
      expect(Object.keys(sample)).toEqual(['pixel_values']);
      const tensor = sample['pixel_values']!;
      expect(tensor.type).toBe('float32');
      expect(tensor.dims).toEqual([2, 3, 32, 32]);
      const expected = await preprocessImage(join(ASSETS, NAMES[s]!), { imageSize: 32 });
      expect(row(tensor.data as Float32Array, 2, 0)).toEqual(expected);
      expect(row(tensor.data as Float32Array, 2, 1)).toEqual(expected);
    }
  });

  it('walks the images row after row in distinct mode, wrapping around', async () => {
    const set = await buildImageInputSet({ ...base, batchSize: 4, inputCount: 3, batchMode: 'distinct' });
    const order = [[0, 1, 2, 3], [4, 5, 0, 1], [2, 3, 4, 5]];
    for (const [s, images] of order.entries()) {
      const data = set.feeds[s]!['pixel_values']!.data as Float32Array;
      for (const [r, image] of images.entries()) {
        expect(row(data, 4, r)).toEqual(await preprocessImage(join(ASSETS, NAMES[image]!), { imageSize: 32 }));
      }
    }
    expect(set.description).toContain('distinct batches');
  });

  it('shapes NHWC samples for non-square padded inputs and says how it normalised them', async () => {
    const preprocess = { imageSize: { height: 48, width: 192 }, resize: 'pad', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], layout: 'NHWC', channelOrder: 'BGR' } as const;
    const files = [join(ASSETS, 'gradient.png'), join(ASSETS, 'text-line.png')];
    const set = await buildImageInputSet({ ...base, directory: undefined, files, batchMode: 'distinct', inputCount: 1, preprocess });
    expect(set.feeds[0]!['pixel_values']!.dims).toEqual([2, 48, 192, 3]);
    expect(set.description).toBe('2 image files, 48×192 pad, mean 0.5 std 0.5, BGR, NHWC, distinct batches');
    const data = set.feeds[0]!['pixel_values']!.data as Float32Array;
    const at = (r: number, y: number, x: number, c: number) => data[r * 48 * 192 * 3 + (y * 192 + x) * 3 + c];
    // The 64×48 gradient keeps its size: columns from 64 on are padding. Blue (128) comes first in BGR.
    expect(at(0, 0, 0, 0)).toBeCloseTo((128 / 255 - 0.5) / 0.5, 6);
    expect([at(0, 47, 63, 2), at(0, 47, 64, 2), at(0, 20, 191, 1)]).toEqual([1, 0, 0]);
    // The 270×38 line would be 342 wide at height 48, so it is squeezed to 192 with its white margin at the edge.
    expect(at(1, 20, 191, 0)).toBe(1);
    expect(data.every((v) => v >= -1 && v <= 1)).toBe(true);
  });

  it('uses files in the order given, takes upper-case extensions, and keeps a given description', async () => {
    const upper = join(dir, 'Z.JPG');
    copyFileSync(join(ASSETS, 'shapes.jpg'), upper);
    const files = [upper, join(ASSETS, 'gradient.png')];
    const set = await buildImageInputSet({ ...base, directory: undefined, files, inputCount: 2, description: 'two test images' });
    expect(set.description).toBe('two test images');
    expect(row(set.feeds[0]!['pixel_values']!.data as Float32Array, 2, 0)).toEqual(await preprocessImage(upper, { imageSize: 32 }));

    const folder = join(dir, 'upper');
    mkdirSync(folder);
    copyFileSync(join(ASSETS, 'shapes.jpg'), join(folder, 'A.JPEG'));
    expect((await buildImageInputSet({ ...base, directory: folder })).description).toMatch(/^1 image from /);
  });

  it('rejects a folder without images in one line that names it', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(join(empty, 'folder.png'), { recursive: true });
    writeFileSync(join(empty, 'notes.txt'), 'no images here');
    await expect(buildImageInputSet({ ...base, directory: empty })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `image directory ${empty} has no .jpg, .jpeg or .png files; add some or pass another directory`,
    });
    const missing = join(dir, 'missing');
    await expect(buildImageInputSet({ ...base, directory: missing })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `image directory ${missing} cannot be read (no such directory); pass a folder of .jpg, .jpeg or .png files`,
    });
  });

  it('names a corrupt image in the folder', async () => {
    const folder = join(dir, 'corrupt');
    mkdirSync(folder);
    writeFileSync(join(folder, 'broken.jpg'), 'not a jpeg');
    await expect(buildImageInputSet({ ...base, directory: folder })).rejects.toMatchObject({
      code: 'INPUT_MISMATCH',
      message: expect.stringMatching(/^image .*broken\.jpg cannot be decoded \([^\n]+\); pass a JPEG or PNG file$/),
    });
  });

  it('rejects bad options with INVALID_OPTION', async () => {
    for (const bad of [
      { batchSize: 0 },
      { inputCount: 1.5 },
      { files: [join(ASSETS, 'gradient.png')] },
      { directory: undefined },
      { directory: undefined, files: [] },
      { batchMode: 'distinct' as const, batchSize: 7 },
      { preprocess: { std: [1, 1, 0] } },
    ]) {
      await expect(buildImageInputSet({ ...base, ...bad })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(buildImageInputSet({ ...base, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
