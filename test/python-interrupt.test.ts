import { execa, execaSync } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_NODE_ARGS } from './helpers/cli.js';
import { findPython } from '../src/runtimes/torch/find-python.js';
import { tempDir } from './helpers/fixtures.js';

// The probe is shared by every torch test file in this process.
const hasTorch = (await findPython({ requireTorch: true }).catch(() => undefined)) !== undefined;

/** Marks this test's processes: workers inherit the CLI's environment, and other test files run workers too. */
const RUN_ID = `${process.pid}-${Date.now()}`;
const MARK = `INFERBENCH_TEST_RUN=${RUN_ID}`;

/** This test's Python worker processes alive now, by pid. */
function workerPids(): number[] {
  const ps = execaSync('ps', ['-eo', 'pid=,args='], { reject: false }).stdout;
  const environmentOf = (pid: number): string[] => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
    } catch {
      return []; // gone since ps listed it
    }
  };
  return ps
    .split('\n')
    .filter((line) => line.includes('inferbench_worker.py'))
    .map((line) => Number.parseInt(line.trim(), 10))
    .filter((pid) => environmentOf(pid).includes(MARK));
}

describe.skipIf(!hasTorch && !process.env.CI)('inferbench run on a PyTorch model, interrupted', () => {
  const dir = tempDir();

  it('kills every Python worker when the run is interrupted', async () => {
    const child = execa('node', [...CLI_NODE_ARGS, 'run', '-m', 'torchvision:resnet18', '--image-size', '32', '-b', '1', '--copies', '2', '--duration', '60s', '--cache-dir', join(dir, 'cache')], {
      reject: false,
      // `results/` is made before measuring: in the test's folder, not the working tree.
      cwd: dir,
      env: { INFERBENCH_TEST_RUN: RUN_ID },
      timeout: 60_000,
    });
    let seen: number[] = [];
    // Once: the line that reports the interruption says 'measuring' too.
    child.stderr.on('data', (chunk: Buffer) => {
      if (seen.length === 0 && chunk.toString().includes('measuring')) {
        seen = workerPids();
        child.kill('SIGINT');
      }
    });
    const run = await child;
    expect(run.exitCode).toBe(130);
    expect(seen).toHaveLength(2);
    expect(workerPids()).toEqual([]);
  });
});
