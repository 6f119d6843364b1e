import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepOptionsFromFlags } from '../src/cli/sweep-command.js';
import { chooseBest, parseSlo } from '../src/sweep/choose-best.js';
import { sweepGrid } from '../src/sweep/sweep-grid.js';
import { resolveSweep, type SweepOptions } from '../src/sweep/sweep-options.js';
import { SyntheticBertSource } from '../src/models/synthetic-bert-source.js';
import { type BenchmarkResult } from '../src/results/benchmark-result.js';
import { tempDir } from './helpers/fixtures.js';

const dir = tempDir();
const settingsOf = (options: SweepOptions) => resolveSweep(options).configurations.map((c) => c.settings);
const rejection = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('sweepGrid', () => {
  it('is the cartesian product, the first axis varying slowest', () => {
    expect(
      sweepGrid([
        { setting: 'batchSize', values: [2, 4] },
        { setting: 'copies', values: [1, 2, 3] },
      ]),
    ).toEqual([
      { batchSize: 2, copies: 1 },
      { batchSize: 2, copies: 2 },
      { batchSize: 2, copies: 3 },
      { batchSize: 4, copies: 1 },
      { batchSize: 4, copies: 2 },
      { batchSize: 4, copies: 3 },
    ]);
    expect(sweepGrid([])).toEqual([{}]);
  });
});

describe('resolveSweep', () => {
  it('orders the axes batch size first, then device, other options, copies and clients', () => {
    const plan = resolveSweep({
      model: 'synthetic:bert',
      batchSize: 4,
      copies: 3,
      queryCount: 30,
      outputDir: join(dir, 'api'),
      // Given in another order: the plan puts what changes the compiled model outermost.
      axes: { clients: [1, 2], copies: [1, 2], vary: { sequenceLength: [64, 128] }, devices: ['cpu'], batchSizes: [2, 4, 8] },
    });
    expect(plan.axes.map((a) => a.setting)).toEqual(['batchSize', 'device', 'sequenceLength', 'copies', 'clients']);
    expect(plan.configurations).toHaveLength(3 * 1 * 2 * 2 * 2);
    expect(plan.configurations.slice(0, 3).map((c) => c.settings)).toEqual([
      { batchSize: 2, device: 'cpu', sequenceLength: 64, copies: 1, clients: 1 },
      { batchSize: 2, device: 'cpu', sequenceLength: 64, copies: 1, clients: 2 },
      { batchSize: 2, device: 'cpu', sequenceLength: 64, copies: 2, clients: 1 },
    ]);
    expect(plan.configurations.at(-1)!.settings).toEqual({ batchSize: 8, device: 'cpu', sequenceLength: 128, copies: 2, clients: 2 });
    // Each batch size's configurations run together.
    expect(plan.configurations.map((c) => c.settings.batchSize)).toEqual([...Array(8).fill(2), ...Array(8).fill(4), ...Array(8).fill(8)]);
    expect(plan.configurations[1]!.label).toBe('batchSize=2 device=cpu sequenceLength=64 copies=1 clients=2');
    expect(plan.configurations[1]!.resultPath).toBe(join(dir, 'api', '02-batchSize-2_device-cpu_sequenceLength-64_copies-1_clients-2.json'));
    expect(new Set(plan.configurations.map((c) => c.resultPath)).size).toBe(24);
    // The axes replace their fixed values; what stays is what every configuration shares.
    expect(plan.fixed).toEqual({ model: 'synthetic:bert', queryCount: 30 });
    expect(plan.runOptions).toEqual({ model: 'synthetic:bert', queryCount: 30 });
  });

  it('refuses a grid of more configurations than a sweep runs, before laying it out', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(() => resolveSweep({ outputDir: join(dir, 'huge'), axes: { batchSizes: values, copies: values } })).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: 'the sweep has 1000000 configurations (1000 batchSize × 1000 copies), over the 10000 a sweep runs; vary fewer settings or fewer values, or split it into several sweeps',
      }),
    );
  });

  it('records a model source by its id', () => {
    const source = new SyntheticBertSource();
    const plan = resolveSweep({ model: source, outputDir: dir, axes: { copies: [1, 2] } });
    expect(plan.fixed).toEqual({ model: source.id });
    expect(plan.runOptions.model).toBe(source);
  });

  it('refuses axes that cannot make a grid, each in one line', () => {
    const cases: [SweepOptions['axes'], RegExp][] = [
      [{}, /a sweep needs at least one axis, e\.g\. batchSizes \[2, 4, 8\]/],
      [{ batchSizes: [] }, /sweep axis batchSizes lists no value/],
      [{ copies: [1, 2, 1] }, /sweep axis copies lists a value twice \(\[1,2,1\]\)/],
      [{ batchSizes: [2], vary: { batchSize: [4] } }, /sweep axis vary\.batchSize varies batchSize, which another axis already varies/],
      [{ batchSizes: [2, 0] }, /^sweep configuration batchSize=0: batchSize must be an integer ≥ 1, got 0$/],
      [{ vary: { sequenceLenght: [64] } }, /^sweep configuration sequenceLenght=64: unknown setting 'sequenceLenght'$/],
    ];
    for (const [axes, message] of cases) {
      const error = rejection(() => resolveSweep({ outputDir: dir, axes }));
      expect(error).toMatchObject({ name: 'InferbenchError', code: 'INVALID_OPTION' });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('SLO and best configuration', () => {
  it('takes latency upper bounds only', () => {
    expect(parseSlo('p95<50ms')).toMatchObject([{ metric: 'p95', comparator: '<', limit: 50e6, unit: 'ns' }]);
    expect(parseSlo('p95<50ms, max<=1s').map((t) => t.metric)).toEqual(['p95', 'max']);
    expect(() => parseSlo('throughput>500/s')).toThrow(/SLO 'throughput>500\/s' is not a latency limit/);
    expect(() => parseSlo('p95>5ms')).toThrow(/SLO 'p95>5ms' sets a lower bound; a latency objective is an upper bound such as p95<50ms/);
    expect(() => parseSlo('p95<50')).toThrow(/needs a unit/);
  });

  it('picks the highest throughput among the configurations within the SLO', () => {
    const at = (samplesPerSecond: number, meetsSlo: boolean, valid = true) => ({
      result: { measurement: { throughput: { samplesPerSecond } }, verdict: { valid, reasons: [] } } as unknown as BenchmarkResult,
      meetsSlo,
    });
    expect(chooseBest([at(100, true), at(300, false), at(200, true), at(150, true)])).toBe(2);
    expect(chooseBest([at(100, true), at(300, true)])).toBe(1);
    expect(chooseBest([at(100, false), at(300, false)])).toBeUndefined();
    // A VALID configuration beats a faster INVALID one; with none VALID, the fastest INVALID one is chosen.
    expect(chooseBest([at(100, true), at(300, true, false), at(200, true)])).toBe(2);
    expect(chooseBest([at(100, true, false), at(300, true, false)])).toBe(1);
  });
});

describe('sweep options from the CLI', () => {
  const newSpellings = {
    model: 'synthetic:bert',
    'batch-size-list': '2,4,8',
    'copies-list': '1,2',
    'clients-list': '1, 2',
    'device-list': 'cpu',
    vary: ['sequence-length=64,128', 'batchMode=repeat,distinct'],
    slo: 'p95<50ms',
    'cost-per-hour': '0.76',
    'query-count': '30',
  };

  it('lays out the grid from flags, --vary options taking their values in the run option types', async () => {
    const plan = resolveSweep(await sweepOptionsFromFlags({ ...newSpellings, 'output-dir': join(dir, 'flags') }, {}));
    expect(plan.axes).toEqual([
      { setting: 'batchSize', values: [2, 4, 8] },
      { setting: 'device', values: ['cpu'] },
      { setting: 'sequenceLength', values: [64, 128] },
      { setting: 'batchMode', values: ['repeat', 'distinct'] },
      { setting: 'copies', values: [1, 2] },
      { setting: 'clients', values: [1, 2] },
    ]);
    expect(plan.configurations).toHaveLength(48);
    expect(plan.configurations[0]!.settings).toEqual({ batchSize: 2, device: 'cpu', sequenceLength: 64, batchMode: 'repeat', copies: 1, clients: 1 });
    // The price is not part of what a resumed sweep must match: it is applied afresh.
    expect(plan.fixed).toEqual({ model: 'synthetic:bert', queryCount: 30 });
    expect(plan.runOptions.costPerHour).toBe(0.76);
    expect(plan.slo).toBe('p95<50ms');
    expect(plan.outputDir).toBe(join(dir, 'flags'));
    // Scenarios take any spelling and become the API's; clients, a closed-loop setting, would not fit them.
    const scenarios = resolveSweep(await sweepOptionsFromFlags({ vary: 'scenario=single-stream,Offline', 'output-dir': dir }, {}));
    expect(scenarios.configurations.map((c) => c.settings)).toEqual([{ scenario: 'single-stream' }, { scenario: 'offline' }]);
  });

  it('lays out the same grid from the old spellings of the flags', async () => {
    const oldSpellings = { ...newSpellings, 'batch-size-list': undefined, 'device-list': undefined, 'query-count': undefined, 'batch-sizes': '2,4,8', devices: 'cpu', requests: '30' };
    const [fromNew, fromOld] = await Promise.all([newSpellings, oldSpellings].map((flags) => sweepOptionsFromFlags({ ...flags, 'output-dir': dir }, {})));
    expect(resolveSweep(fromOld!)).toEqual(resolveSweep(fromNew!));
    await expect(sweepOptionsFromFlags({ 'batch-sizes': '2', 'batch-size-list': '4', 'output-dir': dir }, {})).rejects.toThrow('--batch-sizes is the old spelling of --batch-size-list; give one of them');
  });

  it('takes --vary options by their API name, their flag or an old spelling, values read as the flag reads them', async () => {
    const axesOf = async (...vary: string[]) => resolveSweep(await sweepOptionsFromFlags({ vary, 'output-dir': dir }, {})).axes;
    expect(await axesOf('batch-size=2,4')).toEqual([{ setting: 'batchSize', values: [2, 4] }]);
    expect(await axesOf('batchSize=2,4')).toEqual([{ setting: 'batchSize', values: [2, 4] }]);
    // The issue's own example: the old flag --requests, and durations with units; the old --duration's bare number is seconds.
    expect(await axesOf('requests=10,20')).toEqual([{ setting: 'queryCount', values: [10, 20] }]);
    expect(await axesOf('duration-ms=500ms,2s,250')).toEqual([{ setting: 'durationMs', values: [500, 2000, 250] }]);
    expect(await axesOf('duration=1,2')).toEqual([{ setting: 'durationMs', values: [1000, 2000] }]);
    expect(await axesOf('precision=1%,0.05', 'until-stable=true')).toEqual([
      { setting: 'precision', values: [0.01, 0.05] },
      { setting: 'untilStable', values: [true] },
    ]);
    await expect(axesOf('batch-size=2,0')).rejects.toThrow("--vary batch-size must be an integer ≥ 1, got '0'");
    await expect(axesOf('batch-sise=2')).rejects.toThrow('--vary batch-sise: no run option has that name or flag; e.g. --vary sequence-length=64,128');
    await expect(axesOf('batch-size=2', 'batchSize=4')).rejects.toThrow('--vary gives batchSize twice; list its values once');
  });

  it('reads a config file, the environment and then flags taking precedence over it', async () => {
    const file = join(dir, 'sweep-config.json');
    writeFileSync(
      file,
      JSON.stringify({
        fixed: { model: 'synthetic:bert', sequenceLength: 32, queryCount: 50 },
        axes: { batchSizes: [1, 2], copies: [1, 2, 4], vary: { clients: [1, 3] } },
        slo: 'p99<20ms',
        costPerHour: 1.5,
      }),
    );
    const fromFile = resolveSweep(await sweepOptionsFromFlags({ config: file, 'output-dir': dir }, {}));
    expect(fromFile.axes).toEqual([
      { setting: 'batchSize', values: [1, 2] },
      { setting: 'clients', values: [1, 3] },
      { setting: 'copies', values: [1, 2, 4] },
    ]);
    expect(fromFile.configurations).toHaveLength(12);
    expect(fromFile.configurations.slice(0, 2).map((c) => c.settings)).toEqual([
      { batchSize: 1, clients: 1, copies: 1 },
      { batchSize: 1, clients: 1, copies: 2 },
    ]);
    expect(fromFile.fixed).toEqual({ model: 'synthetic:bert', sequenceLength: 32, queryCount: 50 });
    expect(fromFile.runOptions.costPerHour).toBe(1.5);
    expect(fromFile.slo).toBe('p99<20ms');
    // The environment comes above the file, as for run.
    const fromEnv = resolveSweep(await sweepOptionsFromFlags({ config: file, 'output-dir': dir }, { MAX_LENGTH: '64' }));
    expect(fromEnv.fixed).toEqual({ model: 'synthetic:bert', sequenceLength: 64, queryCount: 50 });

    const overridden = resolveSweep(
      await sweepOptionsFromFlags({ config: file, 'output-dir': dir, 'batch-size-list': '8', 'sequence-length': '16', slo: 'p95<5ms', 'cost-per-hour': '2' }, { MAX_LENGTH: '64' }),
    );
    expect(overridden.axes[0]).toEqual({ setting: 'batchSize', values: [8] });
    expect(overridden.configurations).toHaveLength(6);
    expect(overridden.fixed).toEqual({ model: 'synthetic:bert', sequenceLength: 16, queryCount: 50 });
    expect(overridden.runOptions.costPerHour).toBe(2);
    expect(overridden.slo).toBe('p95<5ms');
  });

  it("takes the batch sizes from the workshop's BATCH_SIZES, space separated, over the config file and under a flag", async () => {
    const fromEnv = resolveSweep(await sweepOptionsFromFlags({ 'output-dir': dir, 'copies-list': '1,2' }, { BATCH_SIZES: '2 4 8', NUM_MODELS: '3' }));
    expect(fromEnv.configurations.map((c) => c.settings)).toEqual([
      { batchSize: 2, copies: 1 },
      { batchSize: 2, copies: 2 },
      { batchSize: 4, copies: 1 },
      { batchSize: 4, copies: 2 },
      { batchSize: 8, copies: 1 },
      { batchSize: 8, copies: 2 },
    ]);
    // NUM_MODELS would fix the copies, but the copies axis replaces it.
    expect(fromEnv.fixed).toEqual({});
    const fromFlag = resolveSweep(await sweepOptionsFromFlags({ 'output-dir': dir, 'batch-size-list': '16' }, { BATCH_SIZES: '2 4 8' }));
    expect(fromFlag.configurations.map((c) => c.settings)).toEqual([{ batchSize: 16 }]);
    // Defaults < config file < environment < flags, for the axes as for the run options.
    const file = join(dir, 'batch-config.json');
    writeFileSync(file, JSON.stringify({ axes: { batchSizes: [32] } }));
    const overFile = resolveSweep(await sweepOptionsFromFlags({ 'output-dir': dir, config: file }, { BATCH_SIZES: '2 4 8' }));
    expect(overFile.configurations.map((c) => c.settings)).toEqual([{ batchSize: 2 }, { batchSize: 4 }, { batchSize: 8 }]);
    const fromFile = resolveSweep(await sweepOptionsFromFlags({ 'output-dir': dir, config: file }, {}));
    expect(fromFile.configurations.map((c) => c.settings)).toEqual([{ batchSize: 32 }]);
    await expect(sweepOptionsFromFlags({ 'output-dir': dir }, { BATCH_SIZES: '2 x 8' })).rejects.toThrow("BATCH_SIZES must be an integer ≥ 1, got 'x'");
  });

  it('names the file and the key of the first problem in a config file, on one line, and counts the rest', async () => {
    const file = join(dir, 'bad-config.json');
    writeFileSync(file, JSON.stringify({ axes: { batchSizes: [2, 0], copies: 'two', sizes: [1] }, slo: 5, extra: true }));
    const error = await sweepOptionsFromFlags({ config: file, 'output-dir': dir }, {}).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ name: 'InferbenchError', code: 'INVALID_OPTION' });
    const problems = [
      `${file}: axes.batchSizes[1] must list integers ≥ 1`,
      `${file}: axes.copies must be a list such as [2, 4, 8]`,
      `${file}: unknown key 'axes.sizes'; the keys are batchSizes, copies, clients, devices, vary`,
      `${file}: slo must be a latency objective such as "p95<50ms"`,
      `${file}: unknown key 'extra'; the keys are fixed, axes, slo, costPerHour`,
    ];
    expect(error!.message).not.toContain('\n');
    const [first, rest] = /^(.*) \(and (\d+) more problems\)$/.exec(error!.message)!.slice(1);
    expect(problems).toContain(first);
    expect(Number(rest)).toBe(problems.length - 1);
    writeFileSync(file, '{ "axes": ');
    await expect(sweepOptionsFromFlags({ config: file, 'output-dir': dir }, {})).rejects.toThrow(new RegExp(`^cannot read the sweep config ${file}: .*JSON`));
  });

  it('refuses a missing output folder and a malformed --vary', async () => {
    // The CLI says which flag (the catalogue's "sweep without --output-dir"); the API, which option.
    const withoutFolder = await sweepOptionsFromFlags({ 'batch-sizes': '2' }, {});
    expect(withoutFolder.outputDir).toBeUndefined();
    expect(() => resolveSweep(withoutFolder)).toThrow(/^a sweep needs an output folder \(outputDir, --output-dir\)/);
    await expect(sweepOptionsFromFlags({ 'output-dir': dir, vary: 'sequenceLength' }, {})).rejects.toThrow("--vary takes option=value,value, e.g. sequence-length=64,128; got 'sequenceLength'");
    await expect(sweepOptionsFromFlags({ 'output-dir': dir, 'copies-list': '1,-2' }, {})).rejects.toThrow("--copies-list must be an integer ≥ 1, got '-2'");
  });
});
