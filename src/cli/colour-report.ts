import pc from 'picocolors';

/**
 * Colours a console report's verdict and threshold lines for a terminal: green for VALID and passed
 * thresholds, red for INVALID and failures. picocolors leaves text plain when colour is not
 * supported (a pipe, a file, NO_COLOR).
 */
export function colourReport(text: string): string {
  return text
    .replace(/^verdict {2}VALID$/m, (line) => pc.green(line))
    .replace(/^verdict {2}INVALID$/m, (line) => pc.red(pc.bold(line)))
    .replace(/^threshold pass .*$/gm, (line) => pc.green(line))
    .replace(/^threshold FAIL .*$/gm, (line) => pc.red(line));
}
