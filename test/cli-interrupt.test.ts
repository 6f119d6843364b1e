import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_NODE_ARGS } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('inferbench run interrupted with SIGINT', () => {
  it('stops measuring, closes the copies and exits 130 with one line', async () => {
    const dir = tempDir();
    const child = execa('node', [...CLI_NODE_ARGS, 'run', '-m', writeSmallBert(dir), '--tokenizer', 'bert-base-uncased', '--cache-dir', join(dir, 'cache'), '--duration', '60s', '--copies', '2'], {
      reject: false,
      // Interrupted before writing a result, but `results/` is made up front: not in the working tree.
      cwd: dir,
      timeout: 30_000,
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('measuring')) child.kill('SIGINT');
    });
    const run = await child;
    expect(run.timedOut).toBe(false);
    expect(run.exitCode).toBe(130);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('inferbench:'))).toEqual(['inferbench: the run was cancelled before it finished']);
    expect(run.stdout).toBe('');
  });
});
