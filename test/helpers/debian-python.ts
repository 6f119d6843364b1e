import { execFileSync } from 'node:child_process';

/** Debian's interpreter, which has the python3-torch and python3-torchvision packages the tests use. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/**
 * Whether Debian's interpreter has `modules` installed (found, not imported: importing torch costs seconds of CPU):
 * the tests that need them are skipped where not, except in CI.
 */
export function debianPythonHas(...modules: string[]): boolean {
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', `import importlib.util, sys; sys.exit(0 if all(importlib.util.find_spec(m) for m in ${JSON.stringify(modules)}) else 1)`]);
    return true;
  } catch {
    return false;
  }
}
