import pc from 'picocolors';

/**
 * Colours a console report's verdict and threshold lines: green for VALID and passed thresholds,
 * red for INVALID and failures. Only on a terminal, and not with NO_COLOR: picocolors alone would
 * also colour a pipe when CI is set.
 */
export function colourReport(text: string, stream: NodeJS.WriteStream = process.stdout): string {
  const colours = pc.createColors(stream.isTTY === true && !('NO_COLOR' in process.env));
  return text
    .replace(/^verdict {2}VALID$/m, (line) => colours.green(line))
    .replace(/^verdict {2}INVALID$/m, (line) => colours.red(colours.bold(line)))
    .replace(/^threshold pass .*$/gm, (line) => colours.green(line))
    .replace(/^threshold FAIL .*$/gm, (line) => colours.red(line));
}
