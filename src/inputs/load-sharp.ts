import type sharp from 'sharp';

/**
 * sharp, imported on first use: its native library takes a tenth of a second to load, which every
 * CLI start would pay, though only image models need it.
 */
export async function loadSharp(): Promise<typeof sharp> {
  return (await import('sharp')).default;
}
