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
    expect(await findPython({ requireTorch: true, pythonPath: '/usr/bin/python3' })).toEqual({ path: '/usr/bin/python3', torchVersion: importedVersion, moduleVersions: {} });
    bannerPython(dir);
    const banner = join(dir, 'python-with-banner');
    expect(await findPython({ requireTorch: true, pythonPath: banner })).toEqual({ path: banner, torchVersion: importedVersion, moduleVersions: {} });
  });

  it('requires the other modules asked for, and reads their versions without importing them', async () => {
    // The tests' stand-in transformers package, which carries its own version metadata.
    const withTransformers = join(dir, 'python-with-transformers');
    writeFileSync(withTransformers, `#!/bin/sh\nPYTHONPATH=${new URL('./fixtures/python', import.meta.url).pathname} exec /usr/bin/python3 "$@"\n`, { mode: 0o755 });
    const options = { requireTorch: true, requireModules: ['transformers'], env: {} } as const;
    expect(await findPython({ ...options, fallbackPythons: ['/usr/bin/python3', withTransformers] })).toEqual({
      path: withTransformers,
      torchVersion: importedVersion,
      moduleVersions: { transformers: '0.0.0+inferbench.stand.in' },
    });
    await expect(findPython({ ...options, fallbackPythons: ['/usr/bin/python3'] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: 'found no Python 3 that imports torch and transformers (tried /usr/bin/python3); pip install transformers for it (and torch if it lacks that) or set INFERBENCH_PYTHON to an interpreter that has them',
    });
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
