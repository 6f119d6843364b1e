import { readFile } from 'node:fs/promises';
import { InferbenchError, firstLine } from '../core/errors.js';
import { loadSharp } from './load-sharp.js';
import { requireInteger } from '../core/validate.js';

/** ImageNet channel means on [0, 1] pixels, in RGB order, as torchvision's pretrained models expect. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
/** ImageNet channel standard deviations on [0, 1] pixels, in RGB order. */
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;
/** Default side of the square model input, the workshop's IMAGE_SIZE. */
export const DEFAULT_IMAGE_SIZE = 256;

/** The largest side images are resized to: one 4096 × 4096 RGB float image is 192 MiB. */
export const MAX_IMAGE_SIZE = 4096;

/** How one image becomes one model input; every member has a default. */
export interface ImagePreprocessOptions {
  /** Side of a square model input in pixels, or the height and width of a non-square one; default 256. */
  readonly imageSize?: number | { readonly height: number; readonly width: number };
  /**
   * `crop`: scale so the image covers the input (the shorter side equals the size for a square input),
   * then cut out the centre; `pad`: scale to the input height keeping the aspect ratio, at most the
   * input width, and fill the columns to the right with zeros after normalisation (PaddleOCR's
   * classifier and recogniser do this). Default `crop`.
   */
  readonly resize?: 'crop' | 'pad';
  /** Mean subtracted from each channel of [0, 1] pixels, in `channelOrder`; default ImageNet's. */
  readonly mean?: readonly number[];
  /** Standard deviation each channel is divided by after the mean, in `channelOrder`; default ImageNet's. */
  readonly std?: readonly number[];
  /** Axis order of one image: `NCHW` gives [3, H, W] (PyTorch, ONNX exports), `NHWC` [H, W, 3] (TensorFlow). Default `NCHW`. */
  readonly layout?: 'NCHW' | 'NHWC';
  /** Channel order the model takes; `BGR` for models trained on OpenCV's decoding. Default `RGB`. */
  readonly channelOrder?: 'RGB' | 'BGR';
}

/** {@link ImagePreprocessOptions} with defaults applied and values checked. */
export interface ImagePreprocessSettings {
  /** Input height in pixels. */
  readonly height: number;
  /** Input width in pixels. */
  readonly width: number;
  /** How the image is fitted to height × width. */
  readonly resize: 'crop' | 'pad';
  /** Three channel means, in `channelOrder`. */
  readonly mean: readonly number[];
  /** Three channel standard deviations, in `channelOrder`. */
  readonly std: readonly number[];
  /** Axis order of one image. */
  readonly layout: 'NCHW' | 'NHWC';
  /** Channel order of the input. */
  readonly channelOrder: 'RGB' | 'BGR';
  /** Shape of one preprocessed image, without the batch dimension: [3, H, W] or [H, W, 3]. */
  readonly imageDims: readonly number[];
}

function requireChannelValues(name: string, values: readonly number[], positive: boolean): readonly number[] {
  if (values.length !== 3 || !values.every((v) => Number.isFinite(v) && (!positive || v > 0))) {
    throw new InferbenchError('INVALID_OPTION', `${name} must be 3 finite numbers${positive ? ' above 0' : ''}, one per channel, got [${values.join(', ')}]`);
  }
  return [...values];
}

/** Applies the defaults of {@link ImagePreprocessOptions} and checks every value. */
export function resolveImagePreprocess(options: ImagePreprocessOptions = {}): ImagePreprocessSettings {
  const size = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  const height = requireInteger('imageSize height', typeof size === 'number' ? size : size.height, 1);
  const width = requireInteger('imageSize width', typeof size === 'number' ? size : size.width, 1);
  const channelOrder = options.channelOrder ?? 'RGB';
  // The ImageNet defaults are RGB values; a BGR model takes them reversed.
  const inOrder = (rgb: readonly number[]) => (channelOrder === 'BGR' ? [...rgb].reverse() : rgb);
  const layout = options.layout ?? 'NCHW';
  return {
    height,
    width,
    resize: options.resize ?? 'crop',
    mean: requireChannelValues('mean', options.mean ?? inOrder(IMAGENET_MEAN), false),
    std: requireChannelValues('std', options.std ?? inOrder(IMAGENET_STD), true),
    layout,
    channelOrder,
    imageDims: layout === 'NCHW' ? [3, height, width] : [height, width, 3],
  };
}

/** Decoded RGB pixels, 8 bits a channel, row-major. */
interface RgbPixels {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

/** Decodes any JPEG or PNG to upright 8-bit RGB: EXIF rotation applied (as OpenCV does), alpha flattened on white, grey expanded. */
async function decodeRgb(bytes: Uint8Array, label: string): Promise<RgbPixels> {
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(bytes)
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (error) {
    const reason = firstLine(error).replace(/:\s*$/, '');
    throw new InferbenchError('INPUT_MISMATCH', `image ${label} cannot be decoded (${reason}); pass a JPEG or PNG file`, { cause: error });
  }
}

/** Scales (and for `crop`, centre-crops) the pixels; returns them with their width, at most `settings.width`. */
async function fit(pixels: RgbPixels, settings: ImagePreprocessSettings): Promise<RgbPixels> {
  const { height, width } = settings;
  const fittedWidth =
    settings.resize === 'crop' ? width : Math.max(1, Math.min(width, Math.ceil((height * pixels.width) / pixels.height)));
  const sharp = await loadSharp();
  const data = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } })
    // Bilinear, as torchvision's Resize and PaddleOCR's cv2.resize.
    .resize({ width: fittedWidth, height, fit: settings.resize === 'crop' ? 'cover' : 'fill', position: 'centre', kernel: 'linear' })
    .raw()
    .toBuffer();
  return { data, width: fittedWidth, height };
}

/**
 * Decodes one JPEG or PNG (a path or its bytes), fits it to the model input and normalises it:
 * `(pixel / 255 - mean[c]) / std[c]`, shaped as `resolveImagePreprocess(options).imageDims`. Columns that `pad` leaves
 * empty are 0.
 */
export async function preprocessImage(image: string | Uint8Array, options: ImagePreprocessOptions = {}): Promise<Float32Array> {
  const settings = resolveImagePreprocess(options);
  const label = typeof image === 'string' ? image : `buffer of ${image.byteLength} bytes`;
  const bytes =
    typeof image === 'string'
      ? await readFile(image).catch((error: NodeJS.ErrnoException) => {
          const reason = error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'it is a directory' : firstLine(error);
          throw new InferbenchError('INVALID_OPTION', `image ${image} cannot be read (${reason}); pass the path of a JPEG or PNG file`);
        })
      : image;
  const fitted = await fit(await decodeRgb(bytes, label), settings);

  const { height, width, mean, std } = settings;
  const out = new Float32Array(3 * height * width);
  const nchw = settings.layout === 'NCHW';
  for (let c = 0; c < 3; c++) {
    const source = settings.channelOrder === 'BGR' ? 2 - c : c;
    const m = mean[c]!;
    const s = std[c]!;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < fitted.width; x++) {
        const value = (fitted.data[(y * fitted.width + x) * 3 + source]! / 255 - m) / s;
        out[nchw ? (c * height + y) * width + x : (y * width + x) * 3 + c] = value;
      }
    }
  }
  return out;
}
