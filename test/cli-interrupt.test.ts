import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_NODE_ARGS } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

// Interrupted while measuring or warming up: cases of the fault catalogue (test/faults/).
describe('inferbench run interrupted with SIGINT', () => {
  it('exits 130 with one line, no stack, when interrupted while the inputs are prepared', async () => {
    const dir = tempDir();
    // Tokenizing a thousand inputs holds the event loop: the interruption is seen as the compile starts.
    const child = execa('node', [...CLI_NODE_ARGS, 'run', '-m', writeSmallBert(dir), '--tokenizer', 'bert-base-uncased', '--input-count', '1000', '--cache-dir', join(dir, 'cache'), '-o', join(dir, 'none.json')], {
      reject: false,
      cwd: dir,
      timeout: 30_000,
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('preparing inputs')) child.kill('SIGINT');
    });
    const run = await child;
    expect(run.exitCode).toBe(130);
    expect(run.stderr.split('\n').filter((l) => l !== 'resolving model' && l !== 'preparing inputs' && l !== 'compiling')).toEqual(['inferbench: the run was cancelled before it finished']);
    expect(run.stdout).toBe('');
  });
});
