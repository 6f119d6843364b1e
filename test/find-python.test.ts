import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPython } from '../src/runtimes/torch/find-python.js';
import { bannerPython } from './faults/case-files.js';
import { tempDir } from './helpers/fixtures.js';

/** torch.__version__ as torch itself says it, by importing it: the reference the probe must match without importing. */
const importedVersion = ((): string | undefined => {
  try {
    return execFileSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
})();

describe.skipIf(importedVersion === undefined && !process.env.CI)('findPython with torch required', () => {
  const dir = tempDir();

  it("reads torch's version as torch reports it, also through an interpreter that prints a banner first", async () => {
    expect(await findPython({ requireTorch: true, pythonPath: '/usr/bin/python3' })).toEqual({ path: '/usr/bin/python3', torchVersion: importedVersion });
    bannerPython(dir);
    const banner = join(dir, 'python-with-banner');
    expect(await findPython({ requireTorch: true, pythonPath: banner })).toEqual({ path: banner, torchVersion: importedVersion });
  });

  it('passes over an interpreter without torch, naming each one tried', async () => {
    // The same Python without its site-packages, where torch lives.
    const bare = join(dir, 'python-without-site');
    writeFileSync(bare, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n', { mode: 0o755 });
    expect(await findPython({ requireTorch: true, env: {}, fallbackPythons: [bare, '/usr/bin/python3'] })).toMatchObject({ path: '/usr/bin/python3', torchVersion: importedVersion });
    await expect(findPython({ requireTorch: true, env: {}, fallbackPythons: [bare] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `found no Python 3 that imports torch (tried ${bare}); install PyTorch for it (Debian/Ubuntu: apt-get install python3-torch; or pip install torch) or set INFERBENCH_PYTHON to an interpreter that has it`,
    });
  });
});
