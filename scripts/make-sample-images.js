// Regenerates the sample images in assets/images/ (npm run build && node scripts/make-sample-images.js).
// Every image is drawn here, so the set is free to redistribute; each covers one decoding path:
// RGB and 1-channel PNG, PNG with alpha, landscape and portrait JPEG, and a rendered text line.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { renderTextLine } from '../dist/inputs/text-line-image.js';

const outDir = fileURLToPath(new URL('../assets/images', import.meta.url));
mkdirSync(outDir, { recursive: true });

/** Raw 8-bit pixels from a function of (x, y) returning one value per channel. */
function raw(width, height, channels, pixel) {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * channels);
  return sharp(data, { raw: { width, height, channels } });
}

const svg = (width, height, body) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);

const images = {
  // Red rises left to right, green top to bottom: any flip or transpose shows in the values.
  'gradient.png': raw(64, 48, 3, (x, y) => [Math.round((x * 255) / 63), Math.round((y * 255) / 47), 128]).png(),
  // One channel, so readers must expand grey to three.
  'grayscale.png': raw(96, 64, 1, (x, y) => [Math.round(((x + y) * 255) / 158)]).toColourspace('b-w').png(),
  'shapes.jpg': sharp(
    svg(
      160,
      120,
      '<rect width="100%" height="100%" fill="#87ceeb"/><circle cx="45" cy="60" r="30" fill="#d62828"/>' +
        '<rect x="90" y="25" width="50" height="40" fill="#2a9d8f"/><polygon points="85,110 115,70 145,110" fill="#f4d35e"/>',
    ),
  ).jpeg({ quality: 85 }),
  // Portrait: centre crops cut its top and bottom bands.
  'portrait.jpg': raw(90, 150, 3, (_x, y) => (y < 50 ? [230, 57, 70] : y < 100 ? [241, 250, 238] : [29, 53, 87])).jpeg({ quality: 85 }),
  // A half-transparent ring and an opaque disc on a transparent background: alpha must be flattened.
  'transparent.png': sharp(
    svg(80, 80, '<circle cx="40" cy="40" r="34" fill="none" stroke="#264653" stroke-width="8" stroke-opacity="0.5"/><circle cx="40" cy="40" r="18" fill="#e76f51"/>'),
  ).png(),
  'text-line.png': sharp(await renderTextLine('inferbench 2026')).png(),
};

for (const [name, image] of Object.entries(images)) {
  const info = await image.toFile(`${outDir}${name}`);
  console.log(`${name.padEnd(16)} ${info.width}×${info.height}, ${info.channels} channels, ${info.size} bytes`);
}
