import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTestDirectory, type TestDirectoryReport } from '../src/runtimes/onnxruntime/check-test-dir.js';
import { tempDir } from './helpers/fixtures.js';

// Debian's libonnx-testdata: ONNX's backend test data.
const DATA = '/usr/share/libonnx-testdata/data';

/**
 * Tests whose expected outputs ONNX Runtime's CPU provider does not reproduce; ORT's own test lists
 * skip each of them (onnxruntime/test: "results mismatch", "random generator", the FLOAT_to_STRING filter).
 */
const KNOWN_ORT_MISMATCHES: readonly [RegExp, string][] = [
  [/^node\/test_bernoulli/, 'random sampling: the reference is one draw of numpy’s generator'],
  [/^node\/test_training_dropout/, 'random dropout mask in training mode'],
  [/^node\/test_(cast|castlike)_FLOAT_to_STRING/, 'ORT prints 8 significant digits (0.60484552), numpy the shortest form (0.6048455)'],
  [/^node\/test_(dft|stft)/, 'float32 FFT rounding: up to 3.4e-4 off at expected zeros among values up to 1.9e3'],
  [/^node\/test_maxunpool_export_with_output_shape$/, 'ORT scatters differently when output_shape is given'],
  [/^node\/test_resize_downsample_scales_(cubic|linear)_align_corners$/, 'ORT disagrees with the reference on align_corners downsampling'],
];

/** Every 10th test of `kind`, in name order, or all of them. */
function sample(kind: string, every = 10): string[] {
  return readdirSync(join(DATA, kind))
    .sort()
    .filter((_, i) => i % every === 0)
    .map((name) => `${kind}/${name}`);
}

describe.skipIf(!existsSync(DATA) && !process.env.CI)('checkTestDirectory on ONNX test data (libonnx-testdata)', () => {
  it('passes every sampled model that onnxruntime can load and run', async () => {
    const tests = [...sample('node'), ...sample('simple', 1), ...sample('pytorch-converted'), ...sample('pytorch-operator')];
    const reports = new Map<string, TestDirectoryReport>();
    for (const test of tests) reports.set(test, await checkTestDirectory(join(DATA, test)));
    const byStatus = (status: string) => [...reports].filter(([, r]) => r.status === status);
    const known = (test: string) => KNOWN_ORT_MISMATCHES.find(([pattern]) => pattern.test(test));
    const failed = byStatus('fail');
    console.log(`ONNX test data sample: ${tests.length} tests, ${byStatus('pass').length} pass, ${byStatus('unsupported').length} unsupported, ${failed.length} known ORT mismatches`);

    expect(failed.filter(([test]) => !known(test)).map(([test, r]) => `${test}: ${r.reason}`)).toEqual([]);
    expect(byStatus('pass').length).toBeGreaterThan(100);
    // Unsupported is only ever ORT refusing the model or a value inferbench cannot feed, never a numeric difference.
    for (const [test, report] of byStatus('unsupported')) {
      expect(report.reason, test).toMatch(/^onnxruntime cannot (load the model|run test_data_set_\d+): |is a sequence, map or optional value/);
    }
    // Each pass compared every output file of every data set.
    for (const [test, report] of byStatus('pass')) {
      for (const set of report.dataSets) {
        const files = readdirSync(join(DATA, test, set.name)).filter((f) => f.startsWith('output_'));
        expect(set.outputs.length, `${test}/${set.name}`).toBe(files.length);
      }
    }
  });

  it('fails each known ORT mismatch in the sample on values, not on loading', async () => {
    for (const test of ['node/test_bernoulli', 'node/test_dft_axis', 'node/test_training_dropout_mask']) {
      const report = await checkTestDirectory(join(DATA, test));
      expect(report.status, test).toBe('fail');
      expect(report.reason, test).toMatch(/^\d+ of \d+ outputs differ; test_data_set_0 '\w+': \d+ of \d+ elements outside rtol 0\.001, atol 0\.00001; first at /);
    }
  });

  it('reports one data set of node/test_abs output by output', async () => {
    const report = await checkTestDirectory(join(DATA, 'node/test_abs'), { rtol: 0, atol: 0 });
    expect(report).toEqual({
      dir: join(DATA, 'node/test_abs'),
      modelPath: join(DATA, 'node/test_abs/model.onnx'),
      status: 'pass',
      tolerance: { rtol: 0, atol: 0 },
      dataSets: [
        { name: 'test_data_set_0', passed: true, outputs: [{ name: 'y', maxAbsError: 0, maxRelError: 0, mismatchedElements: 0, elementCount: 60, passed: true }] },
      ],
    });
  });

  it('runs data sets in numeric order and names the one that fails', async () => {
    const dir = tempDir();
    copyFileSync(join(DATA, 'node/test_abs/model.onnx'), join(dir, 'model.onnx'));
    for (const n of [10, 2, 0]) cpSync(join(DATA, 'node/test_abs/test_data_set_0'), join(dir, `test_data_set_${n}`), { recursive: true });
    // raw_data is the file's last field: its last 4 bytes are the last element, y[2, 3, 4].
    const output = join(dir, 'test_data_set_10/output_0.pb');
    const bytes = readFileSync(output);
    bytes.writeFloatLE(-1, bytes.length - 4);
    writeFileSync(output, bytes);

    const report = await checkTestDirectory(dir);
    expect(report.dataSets.map((set) => [set.name, set.passed])).toEqual([
      ['test_data_set_0', true],
      ['test_data_set_2', true],
      ['test_data_set_10', false],
    ]);
    expect(report.status).toBe('fail');
    expect(report.reason).toBe(
      "1 of 3 outputs differ; test_data_set_10 'y': 1 of 60 elements outside rtol 0.001, atol 0.00001; first at [2, 3, 4]: expected -1, got 0.3627411723136902",
    );
  });

  it('reports a model onnxruntime cannot load, or whose values it cannot feed, as unsupported', async () => {
    const adam = await checkTestDirectory(join(DATA, 'node/test_adam'));
    expect(adam).toMatchObject({ status: 'unsupported', dataSets: [] });
    expect(adam.reason).toMatch(/^onnxruntime cannot load the model: .*ai\.onnx\.preview\.training:Adam\(-1\) is not a registered function\/op$/);
    const sequence = await checkTestDirectory(join(DATA, 'node/test_sequence_insert_at_back'));
    expect(sequence).toMatchObject({ status: 'unsupported', reason: "input 'sequence' is a sequence, map or optional value, which inferbench cannot feed" });
  });

  it('refuses a directory without model.onnx or without data sets', async () => {
    await expect(checkTestDirectory(join(DATA, 'real/test_resnet50'))).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: `${join(DATA, 'real/test_resnet50/model.onnx')} not found; pass a directory that holds model.onnx and test_data_set_N folders`,
    });
    const dir = tempDir();
    copyFileSync(join(DATA, 'node/test_abs/model.onnx'), join(dir, 'model.onnx'));
    mkdirSync(join(dir, 'test_data_set_x'));
    await expect(checkTestDirectory(dir)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `${dir} has no test_data_set_N folders; add one with input_K.pb and output_K.pb files`,
    });
  });

  it('refuses input data of another type than the model input', async () => {
    const dir = tempDir();
    copyFileSync(join(DATA, 'node/test_abs/model.onnx'), join(dir, 'model.onnx'));
    cpSync(join(DATA, 'node/test_argmax_default_axis_example/test_data_set_0'), join(dir, 'test_data_set_0'), { recursive: true });
    // That data set's input_0 is float32 too; its output is int64, so feed the int64 output as the input.
    copyFileSync(join(dir, 'test_data_set_0/output_0.pb'), join(dir, 'test_data_set_0/input_0.pb'));
    await expect(checkTestDirectory(dir)).rejects.toMatchObject({
      code: 'INPUT_MISMATCH',
      message: `${join(dir, 'test_data_set_0')}: model input 'x' takes float32, but its .pb file holds int64; regenerate the file`,
    });
  });
});
