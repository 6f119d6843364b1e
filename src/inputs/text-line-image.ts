import { InferbenchError } from '../core/errors.js';
import { loadSharp } from './load-sharp.js';
import { requireInteger } from '../core/validate.js';

/** How {@link renderTextLine} draws a line; every member has a default. */
export interface TextLineImageOptions {
  /** Font size in pixels; default 32. */
  readonly fontSizePx?: number;
  /** White border kept around the tight box of the glyphs, in pixels; default 6. */
  readonly marginPx?: number;
  /** Font family, looked up through fontconfig; default "DejaVu Sans". */
  readonly fontFamily?: string;
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * One line of black text on white as a PNG, cropped to the glyphs plus a margin, like the boxes a
 * text detector hands to an OCR classifier. The same text and fonts give the same pixels.
 */
export async function renderTextLine(text: string, options: TextLineImageOptions = {}): Promise<Buffer> {
  const fontSizePx = requireInteger('fontSizePx', options.fontSizePx ?? 32, 1);
  const marginPx = requireInteger('marginPx', options.marginPx ?? 6, 0);
  const fontFamily = options.fontFamily ?? 'DejaVu Sans';
  if (text.trim() === '') throw new InferbenchError('INVALID_OPTION', 'text has nothing to draw; pass a line with at least one visible character');
  // A canvas wider than any glyph run of this length; trim then cuts it to the ink.
  const width = (text.length + 2) * fontSizePx;
  const height = 2 * fontSizePx;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<text x="${fontSizePx}" y="${1.5 * fontSizePx}" font-family="${escapeXml(fontFamily)}" font-size="${fontSizePx}" fill="#000000">${escapeXml(text)}</text>` +
    `</svg>`;
  const sharp = await loadSharp();
  return sharp(Buffer.from(svg))
    .trim({ background: '#ffffff', threshold: 0 })
    .extend({ top: marginPx, bottom: marginPx, left: marginPx, right: marginPx, background: '#ffffff' })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
}
