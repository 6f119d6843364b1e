import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectHardware, detectOrtProviders, defaultOrtBinaryDir } from '../src/hardware/detect-hardware.js';
import { detectNeuron, parseNeuronLsJson } from '../src/hardware/neuron.js';
import { detectNvidiaGpus, parseNvidiaSmiCsv } from '../src/hardware/nvidia-smi.js';
import { detectPython } from '../src/hardware/python-env.js';
import { runTool } from '../src/hardware/run-tool.js';
import { SYSTEM_PATH, writeFakePython, writeFakeTool, writeHangingTool } from './fixtures/tools/fake-tools.js';
import { tempDir } from './helpers/fixtures.js';

const NVIDIA_ARGS = '--query-gpu=index,name,uuid,memory.total,driver_version --format=csv,noheader,nounits';
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** An environment whose PATH holds only `bin` and the shell utilities. */
const pathEnv = (bin: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: `${bin}:${SYSTEM_PATH}`, ...extra });

/** A directory that does not exist, for roots that must show nothing. */
const NOWHERE = '/nonexistent/inferbench-test';

describe('nvidia-smi', () => {
  const dir = tempDir();

  it('parses GPU rows, with names that contain commas', () => {
    expect(parseNvidiaSmiCsv('3, Tesla T4, rev, B, GPU-1, 15360, 535.1\n\nNo devices were found\n0, X, GPU-2, [N/A], 1.0')).toEqual([
      { index: 3, name: 'Tesla T4, rev, B', uuid: 'GPU-1', memoryBytes: 15360 * MIB, driverVersion: '535.1' },
      { index: 0, name: 'X', uuid: 'GPU-2', memoryBytes: undefined, driverVersion: '1.0' },
    ]);
  });

  it('lists the GPUs a fake nvidia-smi prints for the query arguments', async () => {
    const bin = join(dir, 'two-h100');
    writeFakeTool(bin, 'nvidia-smi', NVIDIA_ARGS, 'nvidia-smi-h100x2.csv');
    const gpus = await detectNvidiaGpus({ env: pathEnv(bin) });
    expect(gpus).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-5f0c2a4e-8d1b-3c7f-a9e2-61b4d0f3c8a7', memoryBytes: 81559 * MIB, driverVersion: '550.54.15' },
      { index: 1, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-b83e91d2-47c6-0a5f-d1e8-9c2f7a6b3e14', memoryBytes: 81559 * MIB, driverVersion: '550.54.15' },
    ]);
  });

  it('gives no GPUs when nvidia-smi is missing or fails', async () => {
    expect(await detectNvidiaGpus({ env: pathEnv(join(dir, 'empty')) })).toEqual([]);
    const bin = join(dir, 'wrong-args');
    writeFakeTool(bin, 'nvidia-smi', '-L', 'nvidia-smi-a10g.csv');
    expect(await detectNvidiaGpus({ env: pathEnv(bin) })).toEqual([]);
  });

  it('cuts off a hanging nvidia-smi at the timeout', async () => {
    const bin = join(dir, 'hanging');
    writeHangingTool(bin, 'nvidia-smi');
    const started = performance.now();
    expect(await detectNvidiaGpus({ env: pathEnv(bin), timeoutMs: 1000 })).toEqual([]);
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
    // Cut off, not finished: the hanging tool sleeps 30 s, however busy the machine.
    expect(elapsedMs).toBeLessThan(30_000);
  });

  it('reports a cancelled run as ABORTED, not as a missing tool', async () => {
    const bin = join(dir, 'hanging-abort');
    writeHangingTool(bin, 'nvidia-smi');
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    await expect(runTool('nvidia-smi', [], { env: pathEnv(bin), signal: abort.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('neuron-ls', () => {
  const dir = tempDir();
  const none = { sysfsRoot: NOWHERE, devRoot: NOWHERE };

  it.each([
    ['inf1', 'neuron-ls-json-output-inf1.json', 4, 4, 8 * GIB, undefined],
    ['inf2', 'neuron-ls-json-output-inf2.json', 1, 2, 32 * GIB, 'inf2.xlarge'],
    ['trn1', 'neuron-ls-json-output-trn1.json', 1, 2, 32 * GIB, undefined],
  ])('reads devices and cores from --json-output on %s', async (name, fixture, deviceCount, coresPerDevice, memoryBytes, instanceType) => {
    const bin = join(dir, name);
    writeFakeTool(bin, 'neuron-ls', '--json-output', fixture);
    const neuron = await detectNeuron({ ...none, env: pathEnv(bin) });
    expect(neuron?.source).toBe('neuron-ls');
    expect(neuron?.devices.map((d) => d.index)).toEqual([...Array(deviceCount).keys()]);
    expect(neuron?.devices.every((d) => d.coreCount === coresPerDevice && d.memoryBytes === memoryBytes)).toBe(true);
    expect(neuron?.coreCount).toBe(deviceCount * coresPerDevice);
    expect(neuron?.instanceType).toBe(instanceType);
  });

  it('reads the --output-format json object of Neuron 2.34, devices in index order', async () => {
    const bin = join(dir, 'output-format');
    writeFakeTool(bin, 'neuron-ls', '--output-format json', 'neuron-ls-output-format-inf2.json');
    const neuron = await detectNeuron({ ...none, env: pathEnv(bin) });
    expect(neuron).toMatchObject({ source: 'neuron-ls', coreCount: 6, instanceType: 'inf2.24xlarge' });
    expect(neuron?.devices.map((d) => [d.index, d.pciBdf])).toEqual([[0, '0000:00:1b.0'], [1, '0000:00:1c.0'], [2, '0000:00:1d.0']]);
  });

  it('refuses a table or other text where JSON is expected', () => {
    expect(parseNeuronLsJson('+--------+--------+\n| NEURON | NEURON |')).toBeUndefined();
    expect(parseNeuronLsJson('{"error": "no devices"}')).toBeUndefined();
  });

  it('gives none without neuron-ls, sysfs entries or device nodes', async () => {
    expect(await detectNeuron({ ...none, env: pathEnv(join(dir, 'empty')) })).toBeUndefined();
  });

  it('falls back to the sysfs tree: core_count, else neuron_coreN directories', async () => {
    const sysfsRoot = join(dir, 'sys/neuron_device');
    mkdirSync(join(sysfsRoot, 'neuron0'), { recursive: true });
    writeFileSync(join(sysfsRoot, 'neuron0/core_count'), '2\n');
    for (const core of ['neuron_core0', 'neuron_core1']) mkdirSync(join(sysfsRoot, 'neuron1', core), { recursive: true });
    mkdirSync(join(sysfsRoot, 'power'));
    const neuron = await detectNeuron({ sysfsRoot, devRoot: NOWHERE, env: pathEnv(join(dir, 'empty')) });
    expect(neuron).toMatchObject({ source: 'sysfs', coreCount: 4 });
    expect(neuron?.devices.map((d) => [d.index, d.coreCount])).toEqual([[0, 2], [1, 2]]);
  });

  it('falls back to counting /dev/neuronN, with 4 cores per device on inf1 and unknown elsewhere', async () => {
    const devRoot = join(dir, 'dev');
    mkdirSync(devRoot);
    for (const node of ['neuron0', 'neuron1', 'neuron10', 'null', 'neuron_x']) writeFileSync(join(devRoot, node), '');
    const env = pathEnv(join(dir, 'empty'));
    const inf1 = await detectNeuron({ sysfsRoot: NOWHERE, devRoot, env, instanceType: 'inf1.6xlarge' });
    expect(inf1).toMatchObject({ source: 'dev', coreCount: 12 });
    expect(inf1?.devices.map((d) => d.index)).toEqual([0, 1, 10]);
    const unknown = await detectNeuron({ sysfsRoot: NOWHERE, devRoot, env });
    expect(unknown?.coreCount).toBeUndefined();
    expect(unknown?.devices).toHaveLength(3);
  });
});

describe('python', () => {
  const dir = tempDir();

  it('reports the versions from INFERBENCH_PYTHON', async () => {
    const python = writeFakePython(dir, 'python-neuronx', 'python-torch-neuronx.json');
    expect(await detectPython({ env: pathEnv(dir, { INFERBENCH_PYTHON: python }) })).toEqual({
      executable: python,
      pythonVersion: '3.10.12',
      torchVersion: '2.1.2+cu121',
      torchvisionVersion: '0.16.2+cu121',
      torchNeuronVersion: undefined,
      torchNeuronxVersion: '2.1.2.2.3.0',
    });
  });

  it('reports a Python without torch, and none for an INFERBENCH_PYTHON that does not exist', async () => {
    const python = writeFakePython(dir, 'python-plain', 'python-no-torch.json');
    // Without fallbacks, only INFERBENCH_PYTHON is tried.
    expect(await detectPython({ env: pathEnv(dir, { INFERBENCH_PYTHON: python }), fallbackPythons: [] })).toMatchObject({ pythonVersion: '3.12.3', torchVersion: undefined });
    expect(await detectPython({ env: pathEnv(dir, { INFERBENCH_PYTHON: join(dir, 'no-such-python') }), fallbackPythons: [] })).toBeUndefined();
  });

  it('tries INFERBENCH_PYTHON, then the fallbacks, and takes the first that imports torch', async () => {
    const plain = writeFakePython(dir, 'python-plain', 'python-no-torch.json');
    const withTorch = writeFakePython(dir, 'python-neuronx', 'python-torch-neuronx.json');
    const missing = join(dir, 'no-such-python');
    expect(await detectPython({ env: pathEnv(dir, { INFERBENCH_PYTHON: plain }), fallbackPythons: [missing, withTorch] })).toMatchObject({ executable: withTorch, torchVersion: '2.1.2+cu121' });
    expect(await detectPython({ env: pathEnv(dir, { INFERBENCH_PYTHON: missing }), fallbackPythons: [plain] })).toMatchObject({ executable: plain, torchVersion: undefined });
  });
});

describe('onnxruntime providers', () => {
  it('marks a separately installed provider available only when its library is there', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'libonnxruntime_providers_cuda.so'), '');
    const providers = detectOrtProviders(dir);
    expect(providers.find((p) => p.name === 'cpu')).toEqual({ name: 'cpu', bundled: true, available: true });
    expect(providers.find((p) => p.name === 'cuda')?.available).toBe(process.platform === 'linux');
    expect(providers.find((p) => p.name === 'tensorrt')?.available ?? false).toBe(false);
  });

  it('looks beside the installed binding by default', () => {
    const cuda = detectOrtProviders().find((p) => p.name === 'cuda');
    expect(existsSync(join(defaultOrtBinaryDir(), 'onnxruntime_binding.node'))).toBe(true);
    if (cuda) expect(cuda.available).toBe(existsSync(join(defaultOrtBinaryDir(), 'libonnxruntime_providers_cuda.so')));
  });
});

describe('detectHardware', () => {
  const dir = tempDir();

  it('combines CPU, instance type, GPUs, Neuron devices and Python', async () => {
    const bin = join(dir, 'bin');
    writeFakeTool(bin, 'nvidia-smi', NVIDIA_ARGS, 'nvidia-smi-a10g.csv');
    const python = writeFakePython(bin, 'python', 'python-no-torch.json');
    const dmiRoot = join(dir, 'dmi');
    mkdirSync(dmiRoot);
    writeFileSync(join(dmiRoot, 'sys_vendor'), 'Amazon EC2\n');
    writeFileSync(join(dmiRoot, 'product_name'), 'inf1.xlarge\n');
    const devRoot = join(dir, 'dev');
    mkdirSync(devRoot);
    writeFileSync(join(devRoot, 'neuron0'), '');
    const info = await detectHardware({ env: pathEnv(bin, { INFERBENCH_PYTHON: python }), fallbackPythons: [], dmiRoot, devRoot, neuronSysfsRoot: NOWHERE });
    expect(info.cpuCores).toBeGreaterThan(0);
    expect(info.cpuModel).not.toBe('');
    expect(info.instanceType).toBe('inf1.xlarge');
    expect(info.nvidiaGpus.map((g) => [g.name, g.memoryBytes])).toEqual([['NVIDIA A10G', 23028 * MIB]]);
    expect(info.neuron).toMatchObject({ source: 'dev', coreCount: 4 });
    expect(info.python?.pythonVersion).toBe('3.12.3');
    expect(info.ortProviders.some((p) => p.name === 'cpu' && p.available)).toBe(true);
  });

  it('ignores DMI product names that are not EC2 instance types', async () => {
    const dmiRoot = join(dir, 'xen');
    mkdirSync(dmiRoot);
    writeFileSync(join(dmiRoot, 'sys_vendor'), 'Xen\n');
    writeFileSync(join(dmiRoot, 'product_name'), 'HVM domU\n');
    const info = await detectHardware({
      env: pathEnv(join(dir, 'empty'), { INFERBENCH_PYTHON: join(dir, 'none') }),
      fallbackPythons: [],
      dmiRoot,
      devRoot: NOWHERE,
      neuronSysfsRoot: NOWHERE,
    });
    expect(info).toMatchObject({ instanceType: undefined, nvidiaGpus: [], neuron: undefined, python: undefined });
  });
});
