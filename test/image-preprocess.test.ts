import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, it, expect } from 'vitest';
import { preprocessImage, resolveImagePreprocess } from '../src/inputs/image-preprocess.js';
import { renderTextLine } from '../src/inputs/text-line-image.js';
import { tempDir } from './helpers/fixtures.js';

const dir = tempDir('inferbench-image-');

/** An image encoded from rows of pixels, each pixel an array of 1 to 4 channel values. */
function encode(rows: number[][][], format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const height = rows.length;
  const width = rows[0]!.length;
  const channels = rows[0]![0]!.length as 1 | 2 | 3 | 4;
  const image = sharp(Buffer.from(rows.flat(2)), { raw: { width, height, channels } });
  const typed = channels <= 2 ? image.toColourspace('b-w') : image;
  return format === 'png' ? typed.png().toBuffer() : typed.jpeg({ quality: 100 }).toBuffer();
}

/** A width × height image whose pixel at (x, y) is `pixel(x, y)`. */
const drawn = (width: number, height: number, pixel: (x: number, y: number) => number[], format: 'png' | 'jpeg' = 'png') =>
  encode(Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => pixel(x, y))), format);

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
const raw01 = { mean: [0, 0, 0], std: [1, 1, 1] };

describe('resolveImagePreprocess', () => {
  it('defaults to a 256×256 NCHW RGB centre crop with ImageNet normalisation', () => {
    expect(resolveImagePreprocess()).toEqual({
      height: 256,
      width: 256,
      resize: 'crop',
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      layout: 'NCHW',
      channelOrder: 'RGB',
      imageDims: [3, 256, 256],
    });
  });

  it('reverses the ImageNet defaults for BGR and shapes NHWC as [H, W, 3]', () => {
    const settings = resolveImagePreprocess({ channelOrder: 'BGR', layout: 'NHWC', imageSize: { height: 48, width: 192 } });
    expect(settings.mean).toEqual([0.406, 0.456, 0.485]);
    expect(settings.std).toEqual([0.225, 0.224, 0.229]);
    expect(settings.imageDims).toEqual([48, 192, 3]);
  });

  it('rejects unusable values with INVALID_OPTION', () => {
    for (const bad of [{ imageSize: 0 }, { imageSize: { height: 48, width: 1.5 } }, { mean: [0.5, 0.5] }, { std: [0.5, 0, 0.5] }, { mean: [0, Number.NaN, 0] }]) {
      expect(() => resolveImagePreprocess(bad)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
  });
});

describe('preprocessImage', () => {
  it('normalises each channel as (pixel / 255 - mean) / std', async () => {
    const out = await preprocessImage(await drawn(2, 2, () => [200, 100, 50]), { imageSize: 2 });
    const expected = [(200 / 255 - 0.485) / 0.229, (100 / 255 - 0.456) / 0.224, (50 / 255 - 0.406) / 0.225].map(Math.fround);
    expect(Array.from(out)).toEqual(expected.flatMap((v) => [v, v, v, v]));
  });

  it('lays out NCHW as [c][y][x] and NHWC as [y][x][c]', async () => {
    // Pixel (x, y) holds channel values 10 * (2y + x) + c + 1, all different.
    const image = await drawn(2, 2, (x, y) => [0, 1, 2].map((c) => 10 * (2 * y + x) + c + 1));
    const nchw = await preprocessImage(image, { imageSize: 2, ...raw01 });
    const nhwc = await preprocessImage(image, { imageSize: 2, ...raw01, layout: 'NHWC' });
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 2; x++) {
        for (let c = 0; c < 3; c++) {
          const value = Math.fround((10 * (2 * y + x) + c + 1) / 255);
          expect(nchw[c * 4 + y * 2 + x]).toBe(value);
          expect(nhwc[(y * 2 + x) * 3 + c]).toBe(value);
        }
      }
    }
  });

  it('puts blue first in BGR order', async () => {
    const image = await drawn(1, 1, () => [30, 60, 90]);
    expect(Array.from(await preprocessImage(image, { imageSize: 1, ...raw01, channelOrder: 'BGR' }))).toEqual([90, 60, 30].map((v) => Math.fround(v / 255)));
    // Default means follow the channel order: blue's is 0.406.
    const [blue] = await preprocessImage(image, { imageSize: 1, channelOrder: 'BGR' });
    expect(blue).toBe(Math.fround((90 / 255 - 0.406) / 0.225));
  });

  it('centre-crops a landscape image after fitting its shorter side', async () => {
    // 8×4, left half red, right half blue: the 4×4 centre holds columns 2 to 5.
    const out = await preprocessImage(await drawn(8, 4, (x) => (x < 4 ? RED : BLUE)), { imageSize: 4, ...raw01 });
    const red = (x: number, y: number) => out[0 * 16 + y * 4 + x];
    const blue = (x: number, y: number) => out[2 * 16 + y * 4 + x];
    for (let y = 0; y < 4; y++) {
      expect([0, 1, 2, 3].map((x) => red(x, y))).toEqual([1, 1, 0, 0]);
      expect([0, 1, 2, 3].map((x) => blue(x, y))).toEqual([0, 0, 1, 1]);
    }
    // Scaled by half first (16×8 → 8×4), the outer columns of the crop keep their colours.
    const scaled = await preprocessImage(await drawn(16, 8, (x) => (x < 8 ? RED : BLUE)), { imageSize: 4, ...raw01 });
    expect([scaled[0], scaled[3], scaled[32], scaled[35]]).toEqual([1, 0, 0, 1]);
  });

  it('centre-crops a portrait image to its middle rows', async () => {
    // 2×6: rows 0–1 red, 2–3 white, 4–5 blue; the 2×2 centre is white.
    const out = await preprocessImage(await drawn(2, 6, (_x, y) => (y < 2 ? RED : y < 4 ? [255, 255, 255] : BLUE)), { imageSize: 2, ...raw01 });
    expect(Array.from(out)).toEqual(new Array(12).fill(1));
  });

  it('pads to the right with zeros after fitting the height', async () => {
    // 8×4 white → height 2 keeps aspect 2:1, so 4 of 8 columns are image (value 1) and 4 are padding.
    const settings = { imageSize: { height: 2, width: 8 }, resize: 'pad' as const, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
    const out = await preprocessImage(await drawn(8, 4, () => [255, 255, 255]), settings);
    for (let c = 0; c < 3; c++) for (let y = 0; y < 2; y++) expect(Array.from(out.subarray(c * 16 + y * 8, c * 16 + y * 8 + 8))).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    // A line wider than the input is squeezed to the full width: no padding left.
    const wide = await preprocessImage(await drawn(40, 4, () => [255, 255, 255]), settings);
    expect(Array.from(wide)).toEqual(new Array(48).fill(1));
  });

  it('decodes JPEG as well as PNG, from a path or bytes', async () => {
    const path = join(dir, 'grey.jpg');
    writeFileSync(path, await drawn(8, 8, () => [128, 128, 128], 'jpeg'));
    const out = await preprocessImage(path, { imageSize: 4, ...raw01 });
    expect(out).toHaveLength(48);
    for (const value of out) expect(value).toBeCloseTo(128 / 255, 2);
    const png = await preprocessImage(await drawn(8, 8, () => [128, 128, 128]), { imageSize: 4, ...raw01 });
    expect(Array.from(png)).toEqual(new Array(48).fill(Math.fround(128 / 255)));
  });

  it('expands grey to three channels and flattens alpha on white', async () => {
    const grey = await preprocessImage(await drawn(1, 1, () => [51]), { imageSize: 1, ...raw01 });
    expect(Array.from(grey)).toEqual([0.2, 0.2, 0.2].map(Math.fround));
    // Transparent red shows the white behind it; opaque blue stays blue.
    const rgba = await drawn(2, 1, (x) => (x === 0 ? [255, 0, 0, 0] : [0, 0, 255, 255]));
    const flat = await preprocessImage(rgba, { imageSize: { height: 1, width: 2 }, ...raw01 });
    expect(Array.from(flat)).toEqual([1, 0, 1, 0, 1, 1]);
  });

  it('turns an image upright by its EXIF orientation', async () => {
    // Stored as red | blue with orientation 6 (rotate 90° clockwise to view): upright, red is on top.
    const stored = await sharp(await drawn(2, 1, (x) => (x === 0 ? RED : BLUE))).withMetadata({ orientation: 6 }).png().toBuffer();
    const out = await preprocessImage(stored, { imageSize: { height: 2, width: 1 }, ...raw01 });
    expect(Array.from(out)).toEqual([1, 0, 0, 0, 0, 1]);
  });

  it('names a file it cannot decode or read in a one-line error', async () => {
    const path = join(dir, 'corrupt.png');
    writeFileSync(path, (await drawn(4, 4, () => RED)).subarray(0, 40));
    const error = await preprocessImage(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InferbenchError', code: 'INPUT_MISMATCH' });
    expect((error as Error).message).toContain(`image ${path} cannot be decoded (`);
    expect((error as Error).message).not.toContain('\n');

    const text = join(dir, 'notes.jpg');
    writeFileSync(text, 'not an image\n');
    await expect(preprocessImage(text)).rejects.toThrow(/^image .*notes\.jpg cannot be decoded \(.+\); pass a JPEG or PNG file$/);

    const missing = join(dir, 'missing.png');
    await expect(preprocessImage(missing)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: `image ${missing} cannot be read (no such file); pass the path of a JPEG or PNG file` });
  });
});

describe('renderTextLine', () => {
  it('draws black text on white, cropped to the ink plus the margin, the same every time', async () => {
    const png = await renderTextLine('Hello <&> 2026', { fontSizePx: 20, marginPx: 3 });
    expect(png.equals(await renderTextLine('Hello <&> 2026', { fontSizePx: 20, marginPx: 3 }))).toBe(true);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    const ink = (x: number, y: number) => data[(y * info.width + x) * 3]! < 255;
    const inkColumns = Array.from({ length: info.width }, (_, x) => Array.from({ length: info.height }, (_, y) => ink(x, y)).some(Boolean));
    const inkRows = Array.from({ length: info.height }, (_, y) => Array.from({ length: info.width }, (_, x) => ink(x, y)).some(Boolean));
    // Exactly 3 white pixels lie between the ink and each edge.
    expect([inkColumns.indexOf(true), inkRows.indexOf(true)]).toEqual([3, 3]);
    expect([info.width - 1 - inkColumns.lastIndexOf(true), info.height - 1 - inkRows.lastIndexOf(true)]).toEqual([3, 3]);
    // 14 characters at 20 px are far wider than tall.
    expect(info.width).toBeGreaterThan(5 * info.height);
    expect(data.every((v, i) => i % 3 !== 0 || (v === data[i + 1] && v === data[i + 2]))).toBe(true);
  });

  it('rejects a blank line and bad sizes with INVALID_OPTION', async () => {
    for (const [text, options] of [[' ', {}], ['x', { fontSizePx: 0 }], ['x', { marginPx: -1 }]] as const) {
      await expect(renderTextLine(text, options)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
  });
});
