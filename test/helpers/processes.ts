import { readFileSync } from 'node:fs';

/**
 * True while process `pid` runs. A zombie is not running: a helper's child that is killed with its parent goes to
 * init, which may take its time to reap it (Linux: read from /proc).
 */
export function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
