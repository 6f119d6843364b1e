import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/cli.js';
import { tempDir } from './helpers/fixtures.js';

// Debian's libonnx-testdata: ONNX's backend test data.
const DATA = '/usr/share/libonnx-testdata/data';
const ABS = join(DATA, 'node/test_abs');

describe.skipIf(!existsSync(DATA) && !process.env.CI)('inferbench check', () => {
  const dir = tempDir();
  // test_abs with the last expected value, y[2, 3, 4] = 0.3627…, changed to 100 (raw_data ends the file).
  const failing = join(dir, 'test_abs_edited');
  // In beforeAll, not at collection, which runs even where the suite is skipped.
  beforeAll(() => {
    cpSync(ABS, failing, { recursive: true });
    const output = join(failing, 'test_data_set_0/output_0.pb');
    const bytes = readFileSync(output);
    bytes.writeFloatLE(100, bytes.length - 4);
    writeFileSync(output, bytes);
  });

  it('prints PASS per output and a summary, and exits 0, when every output matches', async () => {
    const run = await runInProcess(['check', ABS]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`model     ${join(ABS, 'model.onnx')}`);
    expect(run.stdout).toContain('tolerance rtol 0.001 · atol 0.00001');
    expect(run.stdout).toMatch(/│ test_data_set_0 │ y\s+│ 0\s+│ 0\s+│ PASS\s+│/);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('PASS 1 output in 1 data set within tolerance');
  });

  it('prints FAIL with the first differing element and exits 1 when an output differs', async () => {
    const run = await runInProcess(['check', failing]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/│ test_data_set_0 │ y\s+│ 9\.96e\+1 │ 9\.96e-1 │ FAIL\s+│/);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      "FAIL 1 of 1 outputs differ; test_data_set_0 'y': 1 of 60 elements outside rtol 0.001, atol 0.00001; first at [2, 3, 4]: expected 100, got 0.3627411723136902",
    );
  });

  it('applies --rtol and --atol', async () => {
    expect((await runInProcess(['check', failing, '--atol', '100'])).exitCode).toBe(0);
    expect((await runInProcess(['check', failing, '--rtol=1', '--atol', '0'])).exitCode).toBe(0);
    expect((await runInProcess(['check', ABS, '--rtol', '0', '--atol', '0'])).exitCode).toBe(0);
  });

  it('prints the report as JSON with --json', async () => {
    const run = await runInProcess(['check', failing, '--json']);
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ dir: failing, status: 'fail', tolerance: { rtol: 0.001, atol: 0.00001 } });
    expect(report.dataSets).toHaveLength(1);
    const [y] = report.dataSets[0].outputs;
    expect(y).toMatchObject({ name: 'y', passed: false, mismatchedElements: 1, elementCount: 60 });
    expect(y.maxAbsError).toBeCloseTo(100 - 0.3627411723136902, 10);
  });

  it('exits 3 with the reason when onnxruntime cannot load the model', async () => {
    const run = await runInProcess(['check', join(DATA, 'node/test_adam')]);
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(/^UNSUPPORTED onnxruntime cannot load the model: .*Adam\(-1\) is not a registered function\/op$/m);
    const json = JSON.parse((await runInProcess(['check', join(DATA, 'node/test_adam'), '--json'])).stdout);
    expect(json).toMatchObject({ status: 'unsupported', dataSets: [] });
  });

  const bad: [string, string[], string][] = [
    ['a directory without model.onnx', [dir], `inferbench: ${join(dir, 'model.onnx')} not found; pass a directory that holds model.onnx and test_data_set_N folders`],
    ['a tolerance that is not a number', [ABS, '--rtol', 'abc'], "inferbench: --rtol must be a number ≥ 0 such as 1e-4, got 'abc'"],
    ['a tolerance without a value', [ABS, '--atol'], 'inferbench: --atol needs a value; run with --help for its form'],
    ['an unknown flag', [ABS, '--tol', '1'], "inferbench: unknown option '--tol'; run 'inferbench check --help' to list the options"],
    ['a second directory', [ABS, ABS], `inferbench: unexpected argument '${ABS}'; 'inferbench check' takes one test directory`],
    ['no directory', [], "inferbench: Missing required positional argument: DIR; run 'inferbench check --help' to list the options"],
  ];

  it.each(bad)('rejects %s with one line and exit code 2', async (_, args, line) => {
    const run = await runInProcess(['check', ...args]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd()).toBe(line);
  });

  it('lists its flags in check --help', async () => {
    const run = await runInProcess(['check', '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: inferbench check [options] <dir>');
    expect(run.stdout).toMatch(/^ {2}--rtol <x>\s+Relative tolerance \(default 0\.001\)$/m);
    expect(run.stdout).toMatch(/--json\s+Print the report as JSON/);
  });
});
