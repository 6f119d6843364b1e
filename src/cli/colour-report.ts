import pc from 'picocolors';
import type { CliIo } from './cli-io.js';

/**
 * Colours a console report's verdict and threshold lines: green for VALID and passed thresholds,
 * red for INVALID and failures. Only on a terminal, and not with NO_COLOR: picocolors alone would
 * also colour a pipe when CI is set.
 */
export function colourReport(text: string, io: Pick<CliIo, 'stdout' | 'env'>): string {
  const colours = pc.createColors(io.stdout.isTTY === true && !('NO_COLOR' in io.env));
  return text
    .replace(/^verdict {2}VALID$/m, (line) => colours.green(line))
    .replace(/^verdict {2}INVALID$/m, (line) => colours.red(colours.bold(line)))
    .replace(/^threshold pass .*$/gm, (line) => colours.green(line))
    .replace(/^threshold FAIL .*$/gm, (line) => colours.red(line));
}
