import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

// The other refusals of bad input are cases of the fault catalogue (test/faults/).
describe('inferbench run with bad input', () => {
  const dir = tempDir();
  const model = writeSmallBert(dir);
  const cache = ['--cache-dir', join(dir, 'cache')];

  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['a query count past what a number holds', ['-m', model, '-n', '1e20'], {}, /^inferbench: -n must be an integer from 1 to 9007199254740991, got '1e20'$/],
    ['an exact count and an exact duration', ['-m', model, '-n', '10', '-d', '1s'], {}, /^inferbench: give either -n or -d, not both$/],
  ];

  it.each(cases)('rejects %s with one line and exit code 2', async (_, args, env, message) => {
    const run = await runInProcess(['run', ...cache, ...args], { env });
    expect(run.exitCode).toBe(2);
    const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('inferbench:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).not.toContain('result');
  });
});
