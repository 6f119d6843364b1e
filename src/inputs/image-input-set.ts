import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InferbenchError, firstLine } from '../core/errors.js';
import { requireInteger } from '../core/validate.js';
import { IMAGENET_MEAN, IMAGENET_STD, preprocessImage, resolveImagePreprocess, type ImagePreprocessOptions, type ImagePreprocessSettings } from './image-preprocess.js';
import type { InputSet } from './input-set.js';
import type { NamedTensors } from '../tensors/tensor.js';

/** File extensions {@link buildImageInputSet} picks up from a directory, compared in lower case. */
const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png'];

/** What {@link buildImageInputSet} reads and how it batches it. Give `directory` or `files`, not both. */
export interface ImageInputSetOptions {
  /** Folder whose .jpg, .jpeg and .png files (not subfolders) are used in name order. */
  readonly directory?: string;
  /** Image files used in the order given. */
  readonly files?: readonly string[];
  /** Model input that receives the images, e.g. "pixel_values" or "x". */
  readonly inputName: string;
  /** Rows per sample, the batch dimension of the tensor. */
  readonly batchSize: number;
  /** Number of samples to prepare (the workshop used 10); requests cycle through them. */
  readonly inputCount: number;
  /** `repeat`: one image repeated in every row of a sample; `distinct`: `batchSize` different images per sample. */
  readonly batchMode: 'repeat' | 'distinct';
  /** Size, fitting, normalisation and layout of each image; defaults to 256×256 centre crop with ImageNet normalisation, NCHW, RGB. */
  readonly preprocess?: ImagePreprocessOptions;
  /** Where the images came from, for reports; defaults to a summary such as "5 images from photos, 256×256 crop, ImageNet normalisation, repeat batches". */
  readonly description?: string;
  /** Cancels reading and decoding between images. */
  readonly signal?: AbortSignal;
}

/** The image files of a directory, sorted by name (code-unit order, the same on every machine). */
async function listImages(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    const reason = error.code === 'ENOENT' ? 'no such directory' : error.code === 'ENOTDIR' ? 'it is a file' : firstLine(error);
    throw new InferbenchError('INVALID_OPTION', `image directory ${directory} cannot be read (${reason}); pass a folder of .jpg, .jpeg or .png files`);
  });
  const names = entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase()))
    .map((entry) => entry.name)
    .sort();
  if (names.length === 0) {
    throw new InferbenchError('INVALID_OPTION', `image directory ${directory} has no .jpg, .jpeg or .png files; add some or pass another directory`);
  }
  return names.map((name) => join(directory, name));
}

/** "ImageNet normalisation", "mean 0.5 std 0.5" or the three values of each. */
function describeNormalisation(settings: ImagePreprocessSettings): string {
  const same = (a: readonly number[], b: readonly number[]) => a.every((v, i) => v === b[i]);
  const inRgb = (values: readonly number[]) => (settings.channelOrder === 'BGR' ? [...values].reverse() : values);
  if (same(inRgb(settings.mean), IMAGENET_MEAN) && same(inRgb(settings.std), IMAGENET_STD)) return 'ImageNet normalisation';
  const values = (v: readonly number[]) => (v.every((x) => x === v[0]) ? String(v[0]) : `[${v.join(', ')}]`);
  return `mean ${values(settings.mean)} std ${values(settings.std)}`;
}

/**
 * Decodes and preprocesses images into float32 samples shaped `[batchSize, ...imageDims]`
 * (`[batch, 3, H, W]` by default). Each image used is decoded once, however many rows repeat it.
 */
export async function buildImageInputSet(options: ImageInputSetOptions): Promise<InputSet> {
  const { batchSize, inputCount, batchMode, inputName } = options;
  requireInteger('batchSize', batchSize, 1);
  requireInteger('inputCount', inputCount, 1);
  const settings = resolveImagePreprocess(options.preprocess);
  if ((options.directory === undefined) === (options.files === undefined)) {
    throw new InferbenchError('INVALID_OPTION', 'pass either directory or files for the images, not both and not neither');
  }
  const files = options.directory !== undefined ? await listImages(options.directory) : [...options.files!];
  if (files.length === 0) throw new InferbenchError('INVALID_OPTION', 'files is empty; pass at least one image file');
  if (batchMode === 'distinct' && files.length < batchSize) {
    throw new InferbenchError(
      'INVALID_OPTION',
      `batchMode 'distinct' needs at least batchSize (${batchSize}) images, got ${files.length}; add images or use batchMode 'repeat'`,
    );
  }

  // Image index of each row of each sample; distinct mode walks the images row after row.
  const rowImages = Array.from({ length: inputCount }, (_, sample) =>
    Array.from({ length: batchSize }, (_, row) => (batchMode === 'repeat' ? sample : sample * batchSize + row) % files.length),
  );
  const pixels = new Map<number, Float32Array>();
  for (const index of new Set(rowImages.flat())) {
    options.signal?.throwIfAborted();
    pixels.set(index, await preprocessImage(files[index]!, options.preprocess));
  }

  const imageLength = 3 * settings.height * settings.width;
  const feeds = rowImages.map((rows): NamedTensors => {
    const data = new Float32Array(batchSize * imageLength);
    rows.forEach((index, row) => data.set(pixels.get(index)!, row * imageLength));
    return { [inputName]: { type: 'float32', dims: [batchSize, ...settings.imageDims], data } };
  });

  const plural = files.length === 1 ? '' : 's';
  const source = options.directory !== undefined ? `${files.length} image${plural} from ${options.directory}` : `${files.length} image file${plural}`;
  const extras = [settings.channelOrder === 'BGR' ? 'BGR' : '', settings.layout === 'NHWC' ? 'NHWC' : ''].filter(Boolean);
  const description =
    options.description ??
    [
      source,
      `${settings.height}×${settings.width} ${settings.resize}`,
      describeNormalisation(settings),
      ...extras,
      `${batchMode} batches`,
    ].join(', ');
  return { feeds, batchSize, description };
}
