import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'citty';
import { describe, expect, it } from 'vitest';
import { withRepeatedFlags } from '../src/cli/_flags.js';
import { runArgs, runOptionsFromFlags } from '../src/cli/run-command.js';
import { resolveBenchmarkSettings, type BenchmarkSettingsInput } from '../src/options/benchmark-options.js';
import { RUN_OPTIONS, SETTABLE_OPTIONS } from '../src/options/option-registry.js';
import { flagOf } from '../src/options/option-schema.js';
import { tempDir } from './helpers/fixtures.js';

const dir = tempDir();
/** The options `argv` and `env` give `inferbench run`, resolved. */
const commandLineOf = (argv: readonly string[], env: Record<string, string> = {}) => runOptionsFromFlags(withRepeatedFlags(parseArgs([...argv], runArgs), argv, runArgs), env, dir, argv);
const optionsOf = async (argv: readonly string[], env: Record<string, string> = {}) => (await commandLineOf(argv, env)).options;
/** Resolved as `inferbench run` checks them, refusals naming what was typed. */
const settingsOf = async (argv: readonly string[], env: Record<string, string> = {}) => {
  const { options, names } = await commandLineOf(argv, env);
  return resolveBenchmarkSettings(options, names);
};
const rejection = async (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
const configFile = (name: string, options: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(options));
  return path;
};

describe('run flags', () => {
  it('are the option names in kebab-case, one per settable option, grouped by topic', () => {
    for (const name of SETTABLE_OPTIONS) {
      const def = (runArgs as Record<string, { group?: string } | undefined>)[flagOf(name)];
      expect(def, name).toBeDefined();
      expect(def!.group, name).toBeTypeOf('string');
    }
    expect(['queryCount', 'rateQps', 'durationMs', 'deviceIds', 'artifactFormat', 'inputCount', 'warmupQueries'].map(flagOf)).toEqual([
      'query-count',
      'rate-qps',
      'duration-ms',
      'device-ids',
      'artifact-format',
      'input-count',
      'warmup-queries',
    ]);
  });

  it('take one-letter aliases and read each kind of value', async () => {
    expect(await optionsOf(['-m', 'synthetic:bert', '-b', '2', '-s', 'single-stream', '-n', '40', '-t', 'p95<1s', '-t', 'p99<2s'])).toEqual({
      model: 'synthetic:bert',
      batchSize: 2,
      scenario: 'single-stream',
      queryCount: 40,
      thresholds: ['p95<1s', 'p99<2s'],
    });
    expect(await optionsOf(['-d', '2m', '-c', '3', '--window-ms', '250', '--precision', '1%', '--confidence-level', '0.95', '--stability-max-ratio', '1.2'])).toMatchObject({
      durationMs: 120_000,
      clients: 3,
      windowMs: 250,
      precision: 0.01,
      confidenceLevel: 0.95,
      stabilityMaxRatio: 1.2,
    });
    expect(await optionsOf(['--target-latency-ms', '500us', '--request-timeout-ms', '2s', '--dimensions', 'height=4,width=8', '--device-ids', '0,1', '--search-qps'])).toEqual({
      targetLatencyMs: 0.5,
      requestTimeoutMs: 2000,
      dimensions: { height: 4, width: 8 },
      deviceIds: [0, 1],
      searchQps: true,
    });
  });

  // Each old spelling with a value in its old meaning, and the new spelling that gives the same option.
  const oldSpellings: [string[], string[]][] = [
    [['--requests', '40'], ['--query-count', '40']],
    [['--duration', '30'], ['--duration-ms', '30s']],
    [['-d', '30'], ['--duration-ms', '30000']],
    [['--min-queries', '10', '--max-queries', '20'], ['--min-query-count', '10', '--max-query-count', '20']],
    [['--min-duration', '1.5', '--max-duration', '3s'], ['--min-duration-ms', '1500', '--max-duration-ms', '3000']],
    [['--rate', '5'], ['--rate-qps', '5']],
    [['--target-latency', '50ms'], ['--target-latency-ms', '50']],
    [['--warmup', '3'], ['--warmup-queries', '3']],
    [['--timeout', '2'], ['--request-timeout-ms', '2s']],
    [['--confidence', '95%'], ['--confidence-level', '0.95']],
    [['--window', '0.5'], ['--window-ms', '500ms']],
    [['--stability-percentage', '10'], ['--stability-max-ratio', '1.1']],
    [['--format', 'onnx'], ['--artifact-format', 'onnx']],
    [['--threads-per-copy', '2'], ['--intra-op-threads-per-copy', '2']],
    [['--gpus', '0,1'], ['--device-ids', '0,1']],
    [['--samples', '5'], ['--input-count', '5']],
    [['--dims', 'height=4'], ['--dimensions', 'height=4']],
    [['--threshold', 'p95<1s'], ['--thresholds', 'p95<1s']],
    [['--search'], ['--search-qps']],
  ];

  it.each(oldSpellings)('keep the old spelling %j working, in its old meaning', async (old, current) => {
    const fromOld = await optionsOf(old);
    expect(fromOld).toEqual(await optionsOf(current));
    expect(Object.keys(fromOld).length).toBeGreaterThan(0);
  });

  it('cover every old spelling the registry declares', () => {
    const declared = SETTABLE_OPTIONS.flatMap((name) => (RUN_OPTIONS[name].oldFlags ?? []).map((o) => `--${o.name}`));
    expect(declared.sort()).toEqual(oldSpellings.flatMap(([old]) => old.filter((a) => a.startsWith('--'))).sort());
  });

  it('refuse an old and a new spelling of one option together', async () => {
    expect((await rejection(optionsOf(['--requests', '3', '--query-count', '4']))).message).toBe('--requests is the old spelling of --query-count; give one of them');
  });
});

describe('precedence: defaults < config file < environment < flags', () => {
  it('takes the defaults when nothing is given', async () => {
    expect(await settingsOf([])).toMatchObject({ batchSize: 4, sequenceLength: 128, scenario: 'closed', clients: 2, copies: 1, model: 'synthetic:bert' });
  });

  it('takes a config file over the defaults', async () => {
    const config = configFile('config-over-defaults.json', { batchSize: 3, scenario: 'Offline', sequenceLength: 64 });
    expect(await settingsOf(['--config', config])).toMatchObject({ batchSize: 3, scenario: 'offline', sequenceLength: 64, copies: 1 });
  });

  it('takes the environment over a config file', async () => {
    const config = configFile('env-over-config.json', { batchSize: 3, copies: 2 });
    expect(await settingsOf(['--config', config], { BATCH_SIZE: '5' })).toMatchObject({ batchSize: 5, copies: 2 });
  });

  it('takes flags over the environment', async () => {
    const config = configFile('flags-over-env.json', { batchSize: 3 });
    expect(await settingsOf(['--config', config, '-b', '6'], { BATCH_SIZE: '5' })).toMatchObject({ batchSize: 6 });
  });

  it("lets NUM_REQUESTS give way to a duration, bounds, --until-stable or --precision, from any higher layer", async () => {
    const env = { NUM_REQUESTS: '12' };
    expect(await optionsOf([], env)).toEqual({ queryCount: 12 });
    expect(await optionsOf(['--duration-ms', '2s'], env)).toEqual({ durationMs: 2000 });
    expect(await optionsOf(['--min-duration', '1'], env)).toEqual({ minDurationMs: 1000 });
    expect(await optionsOf(['--until-stable'], env)).toEqual({ untilStable: true });
    expect(await optionsOf(['--precision', '1%'], env)).toEqual({ precision: 0.01 });
    // The environment comes above a config file: its exact count replaces the file's bounds.
    expect(await optionsOf(['--config', configFile('bounds.json', { minDurationMs: 500 })], env)).toEqual({ queryCount: 12 });
  });

  it('applies NUM_THREADS to the closed scenario only', async () => {
    expect((await settingsOf([], { NUM_THREADS: '3' })).clients).toBe(3);
    const server = await settingsOf(['-s', 'server', '--rate-qps', '5', '--target-latency-ms', '50'], { NUM_THREADS: '3' });
    expect(server.clients).toBeUndefined();
    // A flag is the user's own word: clients with a scenario that sets its own load is refused.
    await expect(settingsOf(['-s', 'offline', '-c', '3'])).rejects.toThrow('-c applies to closed loops; the offline scenario sets its own load (drop -c, or use -s closed)');
  });

  it("runs a result's settings again from --config, flags replacing what they conflict with", async () => {
    const settings = resolveBenchmarkSettings({ scenario: 'server', rateQps: 5, targetLatencyMs: 50, queryCount: 40, batchSize: 2 });
    const result = configFile('result-as-config.json', { schemaVersion: 3, settings });
    // Only the settings are read here; a whole result is read in cli-run.
    expect(await rejection(optionsOf(['--config', result]))).toMatchObject({ message: expect.stringMatching(/result-as-config\.json is not a valid result/) });
    const plain = configFile('settings-as-config.json', settings);
    expect(await settingsOf(['--config', plain])).toEqual(settings);
    // A count replaces the bounds the settings hold; a scenario replaces what the old one set.
    expect(await settingsOf(['--config', plain, '-n', '10'])).toMatchObject({ minQueryCount: 10, maxQueryCount: 10 });
    expect(await settingsOf(['--config', plain, '--rate-qps', '7'])).toMatchObject({ rateQps: 7, scenario: 'server' });
  });
});

describe('a bad value', () => {
  // The flag and its text, the API option and its value, and the one line each refusal gives.
  const cases: [string, string[], BenchmarkSettingsInput, string, string][] = [
    ['an integer', ['--batch-size', '0'], { batchSize: 0 }, "--batch-size must be an integer ≥ 1, got '0'", 'batchSize must be an integer ≥ 1, got 0'],
    ['a bounded integer', ['--seed', '4294967296'], { seed: 2 ** 32 }, "--seed must be an integer from 0 to 4294967295, got '4294967296'", 'seed must be an integer from 0 to 4294967295, got 4294967296'],
    ['a positive number', ['--rate-qps', '-3'], { rateQps: -3 }, "--rate-qps must be a positive number, got '-3'", 'rateQps must be a positive number, got -3'],
    ['a duration', ['--duration-ms', 'soon'], { durationMs: -5 }, "--duration-ms must be a positive duration up to about 24 days, such as 30s, 1500ms or 2m (a bare number is milliseconds), got 'soon'", 'durationMs must be a number of milliseconds above 0 and at most 2147483647 (about 24 days), got -5'],
    ['a fraction', ['--precision', '150%'], { precision: 1.5 }, "--precision must be a percentage between 0 and 100 such as 1% or 99%, or a fraction such as 0.01, got '150%'", 'precision must be a fraction between 0 and 1 (e.g. 0.99), got 1.5'],
    ['a ratio', ['--stability-max-ratio', '0.9'], { stabilityMaxRatio: 0.9 }, "--stability-max-ratio must be a number > 1, such as 1.1 for 10% variation, got '0.9'", 'stabilityMaxRatio must be a number > 1 (1.1 allows 10% variation), got 0.9'],
    ['a choice', ['--device', 'gpu'], { device: 'gpu' as 'cpu' }, "--device must be 'cpu', 'cuda', 'tensorrt' or 'neuron', got 'gpu'", `device must be 'cpu', 'cuda', 'tensorrt' or 'neuron', got "gpu"`],
    ['a scenario', ['--scenario', 'fast'], { scenario: 'fast' as 'closed' }, "--scenario must be closed, open, single-stream, multi-stream, server or offline, got 'fast'", 'scenario must be closed, open, single-stream, multi-stream, server or offline, got "fast"'],
    ['a list of numbers', ['--percentiles', '50,x'], { percentiles: [] }, "--percentiles must be percentiles between 0 and 100 separated by commas, e.g. 50,90,99, got '50,x'", 'percentiles must list percentiles between 0 and 100, e.g. [50, 90, 99], got []'],
    ['name=value pairs', ['--dimensions', 'height=0'], { dimensions: { height: 0 } }, "--dimensions must be name=n pairs separated by commas, each n an integer ≥ 1, e.g. height=224, got 'height=0'", 'dimensions.height must be an integer ≥ 1, got 0'],
    ['a time Node cannot wait', ['--request-timeout-ms', '3000000000'], { requestTimeoutMs: 2 ** 31 }, "--request-timeout-ms must be a positive duration up to about 24 days, such as 30s, 1500ms or 2m (a bare number is milliseconds), got '3000000000'", 'requestTimeoutMs must be a number of milliseconds above 0 and at most 2147483647 (about 24 days), got 2147483648'],
    ['a window under a millisecond', ['--window-ms', '1us'], { windowMs: 0.001 }, "--window-ms must be a duration from 1ms up to about 24 days, such as 30s, 1500ms or 2m (a bare number is milliseconds), got '1us'", 'windowMs must be a number of milliseconds from 1 and at most 2147483647 (about 24 days), got 0.001'],
    ['a number not in decimal', ['--rate-qps', '0x10'], { rateQps: 0 }, "--rate-qps must be a positive number, got '0x10'", 'rateQps must be a positive number, got 0'],
    ['an old spelling', ['--duration', '-1'], { durationMs: 0 }, "--duration must be a positive duration up to about 24 days, such as 30s, 1500ms or 2m (a bare number is seconds), got '-1'", 'durationMs must be a number of milliseconds above 0 and at most 2147483647 (about 24 days), got 0'],
    // An integer, but past the largest a number holds exactly: the limit is named, by the flag as typed.
    ['an integer too large', ['-n', '1e20'], { queryCount: 1e20 }, "-n must be an integer from 1 to 9007199254740991, got '1e20'", 'queryCount must be an integer from 1 to 9007199254740991, got 100000000000000000000'],
  ];

  it.each(cases)('of %s names the flag on the CLI and the option in the API, on one line', async (_, argv, options, cliMessage, apiMessage) => {
    const cli = await rejection(optionsOf(argv));
    expect(cli).toMatchObject({ name: 'InferbenchError', code: 'INVALID_OPTION', message: cliMessage });
    expect(() => resolveBenchmarkSettings(options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: apiMessage }));
  });

  it('in an environment variable or a config file names them', async () => {
    expect((await rejection(optionsOf([], { BATCH_SIZE: 'abc' }))).message).toBe("BATCH_SIZE must be an integer ≥ 1, got 'abc'");
    const config = configFile('bad-config.json', { batchSize: 2, requests: 10 });
    expect((await rejection(optionsOf(['--config', config]))).message).toBe(`${config}: unknown setting 'requests'; the option is queryCount`);
    const badValue = configFile('bad-value.json', { copies: 0 });
    expect((await rejection(optionsOf(['--config', badValue]))).message).toBe(`${badValue}: copies must be an integer ≥ 1, got 0`);
  });
});

describe('options that cannot be given together', () => {
  // The flags and the API options, and the one line each refusal gives.
  const cases: [string, string[], BenchmarkSettingsInput, string, string][] = [
    ['an exact count and duration', ['-n', '10', '-d', '1s'], { queryCount: 10, durationMs: 1000 }, 'give either -n or -d, not both', 'give either queryCount or durationMs, not both'],
    [
      'a count with a bound, in an old spelling',
      ['--requests', '10', '--max-queries', '20'],
      { queryCount: 10, maxQueryCount: 20 },
      'give --requests or --max-queries, not both',
      'give queryCount or maxQueryCount, not both',
    ],
    [
      'a search outside the server scenario',
      ['--search-qps'],
      { searchQps: true },
      '--search-qps applies to the server scenario, not closed; set --scenario to server',
      'searchQps applies to the server scenario, not closed; set scenario to server',
    ],
  ];

  it.each(cases)('as %s are refused naming the flags typed on the CLI and the options in the API', async (_, argv, options, cliMessage, apiMessage) => {
    expect(await rejection(settingsOf(argv))).toMatchObject({ code: 'INVALID_OPTION', message: cliMessage });
    expect(() => resolveBenchmarkSettings(options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: apiMessage }));
  });
});

describe('an option that would be silently ignored', () => {
  it('is refused: FP16 engines off TensorRT, a threshold without a condition', () => {
    expect(() => resolveBenchmarkSettings({ tensorrtFp16: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: 'tensorrtFp16 applies to TensorRT engines, not device cpu; drop it, or set device to tensorrt' }),
    );
    expect(resolveBenchmarkSettings({ tensorrtFp16: true, device: 'tensorrt' }).tensorrtFp16).toBe(true);
    expect(() => resolveBenchmarkSettings({ thresholds: [','] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: "threshold ',' holds no condition; write e.g. p95<20ms or throughput>500/s" }),
    );
    expect(resolveBenchmarkSettings({ thresholds: ['p95<20ms,'] }).thresholds).toEqual(['p95<20ms,']);
  });
});
