import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../src/results/benchmark-result.js';
import { CLI_NODE_ARGS } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

describe('inferbench run interrupted with SIGINT', () => {
  it('keeps what it measured: writes the result marked interrupted, closes the copies and exits 130 with one line', async () => {
    const dir = tempDir();
    const output = join(dir, 'interrupted.json');
    const child = execa('node', [...CLI_NODE_ARGS, 'run', '-m', writeSmallBert(dir), '--tokenizer', 'bert-base-uncased', '--cache-dir', join(dir, 'cache'), '--duration', '60s', '--copies', '2', '-o', output], {
      reject: false,
      cwd: dir,
      timeout: 30_000,
    });
    // A second into measuring, so that queries have completed; once, as the line reporting the interruption says 'measuring' too.
    child.stderr.once('data', function interruptWhenMeasuring(chunk: Buffer) {
      if (chunk.toString().includes('measuring')) setTimeout(() => child.kill('SIGINT'), 1000);
      else child.stderr.once('data', interruptWhenMeasuring);
    });
    const run = await child;
    expect(run.timedOut).toBe(false);
    expect(run.exitCode).toBe(130);
    const result = JSON.parse(readFileSync(output, 'utf8')) as BenchmarkResult;
    const { completedQueries, stopReason, latency, errors } = result.measurement;
    expect(stopReason).toBe('interrupted');
    expect(completedQueries).toBeGreaterThan(0);
    expect(latency.count).toBe(completedQueries);
    // Requests cut short by the interruption did not fail.
    expect(errors.total).toBe(0);
    expect(result.verdict.reasons[0]).toMatchObject({ code: 'INTERRUPTED' });
    expect(run.stdout).toMatch(/stop: interrupted/);
    expect(run.stdout).toContain(`result   ${output}`);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('inferbench:'))).toEqual([
      `inferbench: interrupted while measuring; the ${completedQueries} queries completed until then are kept in the result`,
    ]);
  });

  it('exits 130 with one line and writes nothing when interrupted before measuring', async () => {
    const dir = tempDir();
    const child = execa('node', [...CLI_NODE_ARGS, 'run', '-m', writeSmallBert(dir), '--tokenizer', 'bert-base-uncased', '--cache-dir', join(dir, 'cache'), '--warmup-queries', '1000000', '-o', join(dir, 'none.json')], {
      reject: false,
      cwd: dir,
      timeout: 30_000,
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('warming up')) child.kill('SIGINT');
    });
    const run = await child;
    expect(run.timedOut).toBe(false);
    expect(run.exitCode).toBe(130);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('inferbench:'))).toEqual(['inferbench: the run was cancelled before it finished']);
    expect(run.stdout).toBe('');
  });
});
