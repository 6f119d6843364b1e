import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/cli.js';
import { tempDir } from './helpers/fixtures.js';
import { SYSTEM_PATH, writeFakePython, writeFakeTool } from './fixtures/tools/fake-tools.js';

const NVIDIA_ARGS = '--query-gpu=index,name,uuid,memory.total,driver_version --format=csv,noheader,nounits';

describe('inferbench env', () => {
  const bin = tempDir();
  writeFakeTool(bin, 'nvidia-smi', NVIDIA_ARGS, 'nvidia-smi-h100x2.csv');
  writeFakeTool(bin, 'neuron-ls', '--json-output', 'neuron-ls-json-output-inf2.json');
  const python = writeFakePython(bin, 'python', 'python-torch-neuronx.json');
  const env = { PATH: `${bin}:${SYSTEM_PATH}`, INFERBENCH_PYTHON: python };

  it('prints the hardware as JSON with --json, null for what is absent', async () => {
    const run = await runInProcess(['env', '--json'], { env });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.nvidiaGpus).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-5f0c2a4e-8d1b-3c7f-a9e2-61b4d0f3c8a7', memoryBytes: 81559 * 1024 * 1024, driverVersion: '550.54.15' },
      { index: 1, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-b83e91d2-47c6-0a5f-d1e8-9c2f7a6b3e14', memoryBytes: 81559 * 1024 * 1024, driverVersion: '550.54.15' },
    ]);
    expect(info.neuron).toEqual({
      devices: [{ index: 0, coreCount: 2, memoryBytes: 32 * 1024 ** 3, pciBdf: '00:1f.0' }],
      coreCount: 2,
      source: 'neuron-ls',
      instanceType: 'inf2.xlarge',
    });
    expect(info.python).toEqual({
      executable: python,
      pythonVersion: '3.10.12',
      torchVersion: '2.1.2+cu121',
      torchvisionVersion: '0.16.2+cu121',
      torchNeuronVersion: null,
      torchNeuronxVersion: '2.1.2.2.3.0',
    });
    expect(info.cpuCores).toBeGreaterThan(0);
    expect(info.ortProviders).toContainEqual({ name: 'cpu', bundled: true, available: true });
  });

  it('prints a table with a line per GPU and Neuron device', async () => {
    const run = await runInProcess(['env'], { env });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/│ gpu 0\s+│ NVIDIA H100 80GB HBM3 · 79\.6 GiB · driver 550\.54\.15 · GPU-5f0c2a4e-8d1b-3c7f-a9e2-61b4d0f3c8a7\s+│/);
    expect(run.stdout).toMatch(/│ gpu 1\s+│ NVIDIA H100 80GB HBM3 · 79\.6 GiB · driver 550\.54\.15 · GPU-b83e91d2/);
    expect(run.stdout).toMatch(/│ neuron\s+│ 1 device · 2 NeuronCores \(from neuron-ls\)\s+│/);
    expect(run.stdout).toMatch(/│ neuron 0\s+│ 2 NeuronCores · 32\.0 GiB · 00:1f\.0\s+│/);
    expect(run.stdout).toMatch(/│ torch-neuronx\s+│ 2\.1\.2\.2\.3\.0\s+│/);
  });

  it('says none for each tool that is missing', async () => {
    const run = await runInProcess(['env'], { env: { PATH: SYSTEM_PATH, INFERBENCH_PYTHON: join(bin, 'no-such-python') } });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/│ gpu\s+│ none\s+│/);
    expect(run.stdout).toMatch(/│ neuron\s+│ none\s+│/);
  });

  it('refuses an unknown flag with exit status 2', async () => {
    const run = await runInProcess(['env', '--jsn'], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe("inferbench: unknown option '--jsn'; run 'inferbench env --help' to list the options");
  });
});
