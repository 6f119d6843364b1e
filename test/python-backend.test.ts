import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ClosedLoopLoadGenerator } from '../src/load/closed-loop.js';
import { type CompiledArtifact } from '../src/compilers/compiler.js';
import { type InputSet } from '../src/inputs/input-set.js';
import { type LoadedModel } from '../src/backends/backend.js';
import { findPython } from '../src/runtimes/torch/find-python.js';
import { PythonBackend, cudaPlacementEnv, neuronPlacementEnv } from '../src/runtimes/torch/python-backend.js';
import { PythonModelCopy } from '../src/runtimes/torch/python-model-copy.js';
import { tempDir } from './helpers/fixtures.js';
import { isRunning } from './helpers/processes.js';

const torchPython = await findPython({ requireTorch: true }).catch(() => undefined);
if (!torchPython && !process.env.CI) console.warn('skipping the TorchScript tests: no python3 imports torch (apt-get install python3-torch, or set INFERBENCH_PYTHON)');

/**
 * The interpreter that the null-format tests after the first one start: the one the probe above found, if any (the null
 * format runs on any python3). Those tests are not about finding an interpreter, and `python3` may be a version
 * manager's shim: pyenv's costs about 0.4 s of CPU a start. The first test finds one itself, as a run does.
 */
const nullPython = torchPython?.path;

function artifact(path: string): CompiledArtifact {
  return { path } as CompiledArtifact;
}

function floatInputs(inputCount: number, dims: number[]): InputSet {
  const size = dims.reduce((a, b) => a * b, 1);
  const feeds = Array.from({ length: inputCount }, (_, s) => ({
    input: { type: 'float32' as const, dims, data: Float32Array.from({ length: size }, (_, i) => (i + s) / size) },
  }));
  return { feeds, batchSize: dims[0]!, description: 'test floats' };
}

function pidOf(loaded: LoadedModel, index: number): number {
  return (loaded.copies[index] as PythonModelCopy).pid!;
}

describe('cudaPlacementEnv', () => {
  it('shows each cuda copy one GPU, in turn', () => {
    expect([0, 1, 2, 3].map((copy) => cudaPlacementEnv(copy, [2, 5]))).toEqual([
      { CUDA_VISIBLE_DEVICES: '2' },
      { CUDA_VISIBLE_DEVICES: '5' },
      { CUDA_VISIBLE_DEVICES: '2' },
      { CUDA_VISIBLE_DEVICES: '5' },
    ]);
  });
});

describe('neuronPlacementEnv', () => {
  it('gives each torch-neuronx copy its own cores', () => {
    const env = (copyIndex: number, coresPerCopy: number) =>
      neuronPlacementEnv({ runtime: 'torch-neuronx', copyIndex, copies: 4, coresPerCopy, coreCount: 8 });
    expect(env(0, 1)).toEqual({ NEURON_RT_VISIBLE_CORES: '0' });
    expect(env(3, 1)).toEqual({ NEURON_RT_VISIBLE_CORES: '3' });
    expect(env(1, 2)).toEqual({ NEURON_RT_VISIBLE_CORES: '2-3' });
    expect(env(3, 2)).toEqual({ NEURON_RT_VISIBLE_CORES: '6-7' });
  });

  it('asks torch-neuron for one group of the copy\'s size', () => {
    expect(neuronPlacementEnv({ runtime: 'torch-neuron', copyIndex: 2, copies: 4, coresPerCopy: 1, coreCount: 4 })).toEqual({ NEURONCORE_GROUP_SIZES: '1' });
    expect(neuronPlacementEnv({ runtime: 'torch-neuron', copyIndex: 0, copies: 2, coresPerCopy: 2, coreCount: undefined })).toEqual({ NEURONCORE_GROUP_SIZES: '2' });
  });

  it('rejects more cores than the machine has', () => {
    expect(() => neuronPlacementEnv({ runtime: 'torch-neuronx', copyIndex: 0, copies: 3, coresPerCopy: 2, coreCount: 4 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/need 6 cores, but the machine has 4/) }),
    );
  });
});

describe('PythonBackend, null format (any python3)', () => {
  it('serves a closed loop through two processes and leaves none behind', async () => {
    const loaded = await new PythonBackend({ format: 'null' }).load({ artifact: artifact(''), inputs: floatInputs(3, [1, 4]), copies: 2 });
    const pids = [pidOf(loaded, 0), pidOf(loaded, 1)];
    try {
      expect(new Set(pids).size).toBe(2);
      expect(loaded.effectiveSettings).toMatchObject({ format: 'null', device: 'cpu' });
      const result = await new ClosedLoopLoadGenerator({ clients: 3, queryCount: 200 }).run({ copies: loaded.copies, inputCount: 3 });
      expect(result.completedRequests).toBe(200);
      expect(result.requestsPerCopy).toEqual([100, 100]);
      expect(result.latency.count).toBe(200);
      expect(result.latency.valueAtPercentileNs(50)).toBeGreaterThan(0);
    } finally {
      await loaded.close();
    }
    expect(pids.map(isRunning)).toEqual([false, false]);
    await expect(loaded.copies[0]!.infer(0)).rejects.toMatchObject({ code: 'WORKER_FAILED' });
  });

  it('fails loading in one line, not for ever, when the interpreter prints a banner on stdout', async () => {
    const wrapper = join(tempDir(), 'python-with-banner');
    writeFileSync(wrapper, '#!/bin/sh\nprintf "Welcome to Python!\\n"\nexec /usr/bin/python3 "$@"\n', { mode: 0o755 });
    await expect(new PythonBackend({ format: 'null', pythonPath: wrapper }).load({ artifact: artifact(''), inputs: floatInputs(1, [1, 4]), copies: 1 })).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: expect.stringMatching(/^model copy 0 wrote what is not the worker protocol on its stdout \(not a frame: "Welcome to Python!\\n.*\): something in its Python prints there/),
    });
  });

  it('reports an error raised in the worker and stays usable', async () => {
    const loaded = await new PythonBackend({ format: 'null', pythonPath: nullPython }).load({ artifact: artifact(''), inputs: floatInputs(2, [1, 4]), copies: 1 });
    try {
      const copy = loaded.copies[0]!;
      await expect(copy.infer(5)).rejects.toMatchObject({
        code: 'WORKER_FAILED',
        message: 'model copy 0 failed on sample 5: IndexError: sample index 5 out of range: 2 samples were loaded',
      });
      expect((await copy.infer(1)).computeNs).toBeGreaterThanOrEqual(0);
    } finally {
      await loaded.close();
    }
  });

  it('ignores Ctrl-C, which reaches its process group, and fails with the stderr tail when killed', async () => {
    const loaded = await new PythonBackend({ format: 'null', pythonPath: nullPython }).load({ artifact: artifact(''), inputs: floatInputs(1, [1, 4]), copies: 1 });
    const pid = pidOf(loaded, 0);
    try {
      process.kill(pid, 'SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await loaded.copies[0]!.infer(0);
      process.kill(pid, 'SIGKILL');
      await expect(loaded.copies[0]!.infer(0)).rejects.toMatchObject({
        code: 'WORKER_FAILED',
        message: `model copy 0 (python pid ${pid}) was killed by SIGKILL; its stderr ends: inferbench worker ${pid}: holds 1 samples`,
      });
    } finally {
      await loaded.close();
    }
    expect(isRunning(pid)).toBe(false);
  });

  it('ends a run whose every copy died, instead of failing requests as fast as it can until the duration', async () => {
    const loaded = await new PythonBackend({ format: 'null', pythonPath: nullPython }).load({ artifact: artifact(''), inputs: floatInputs(1, [1, 4]), copies: 1 });
    const pid = pidOf(loaded, 0);
    try {
      let completed = 0;
      const result = await new ClosedLoopLoadGenerator({ clients: 2, durationMs: 30_000, warmupQueries: 0 }).run(
        { copies: loaded.copies, inputCount: 1 },
        {
          onRequestComplete: () => {
            if (++completed === 50) process.kill(pid, 'SIGKILL');
          },
        },
      );
      expect(result.stopReason).toBe('copies-failed');
      // Only the requests in flight when the process died, one a client, fail: none is issued to a dead copy after.
      expect(result.errors.total).toBeGreaterThan(0);
      expect(result.errors.total).toBeLessThanOrEqual(2);
      expect(result.errors.byKind.WORKER_FAILED!.example).toMatch(/was killed by SIGKILL/);
      expect(result.completedRequests).toBeGreaterThanOrEqual(50);
    } finally {
      await loaded.close();
    }
  });

  it('times inferences only: a load slower than the request timeout succeeds', async () => {
    // Starting an interpreter alone takes well over 1 ms.
    const loaded = await new PythonBackend({ format: 'null', pythonPath: nullPython, requestTimeoutMs: 1 }).load({ artifact: artifact(''), inputs: floatInputs(1, [1]), copies: 1 });
    const pid = pidOf(loaded, 0);
    await loaded.close();
    expect(isRunning(pid)).toBe(false);
  });

  it('fails a request that gets no answer in time, and kills the worker', async () => {
    const loaded = await new PythonBackend({ format: 'null', pythonPath: nullPython, requestTimeoutMs: 300 }).load({ artifact: artifact(''), inputs: floatInputs(1, [1]), copies: 1 });
    const pid = pidOf(loaded, 0);
    try {
      // A stopped process reads nothing: the request cannot be answered.
      process.kill(pid, 'SIGSTOP');
      await expect(loaded.copies[0]!.infer(0)).rejects.toMatchObject({
        code: 'WORKER_FAILED',
        message: expect.stringMatching(/^model copy 0 failed on sample 0: no answer within 300 ms; its stderr ends: inferbench worker \d+: holds 1 samples$/),
      });
    } finally {
      await loaded.close();
    }
    expect(isRunning(pid)).toBe(false);
  });

  it('fails loading past its time limit, and ends the interpreter and what it started', async () => {
    const dir = tempDir();
    const marker = join(dir, 'sleep.pid');
    const wrapper = join(dir, 'python-that-hangs');
    writeFileSync(wrapper, `#!/bin/sh\nsleep 60 &\necho $! > '${marker}'\nwait\n`, { mode: 0o755 });
    const start = PythonModelCopy.start({ index: 0, pythonPath: wrapper, load: { path: '', format: 'null', device: 'cpu', halfPrecision: false, intraOpThreads: 1 }, feeds: [], loadTimeoutMs: 500 });
    await expect(start).rejects.toMatchObject({ code: 'WORKER_FAILED', message: 'model copy 0 could not load the model: no answer within 500 ms; it wrote nothing to stderr' });
    expect(isRunning(Number(readFileSync(marker, 'utf8')))).toBe(false);
  }, 20_000);

  it('says how to fix a missing interpreter', async () => {
    const load = new PythonBackend({ format: 'null', pythonPath: '/nonexistent/python3' }).load({ artifact: artifact(''), inputs: floatInputs(1, [1]), copies: 1 });
    await expect(load).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/tried \/nonexistent\/python3.*INFERBENCH_PYTHON/) });
    // No Python with torch among INFERBENCH_PYTHON and the fallbacks: one line naming each tried.
    await expect(findPython({ requireTorch: true, env: { INFERBENCH_PYTHON: '/nonexistent/a' }, fallbackPythons: ['/nonexistent/b'] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/^found no Python 3 that imports torch \(tried \/nonexistent\/a, \/nonexistent\/b\); install PyTorch/),
    });
  });
});

describe.skipIf(!torchPython && !process.env.CI)('PythonBackend, TorchScript on cpu (needs torch)', () => {
  const dir = tempDir();

  let traced: Promise<string> | undefined;
  /** One traced model for the tests that need one: tracing starts a Python that imports torch. */
  function linearModel(): Promise<string> {
    const path = join(dir, 'linear.pt');
    const script = `import torch; torch.manual_seed(0); m = torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.ReLU()); torch.jit.trace(m, torch.zeros(2, 16)).save(${JSON.stringify(path)})`;
    traced ??= execa(torchPython!.path, ['-c', script]).then(() => path);
    return traced;
  }

  // Two copies of a traced model are served in the CLI's tests (cli-torch-model); one suffices here. Each copy is a
  // Python process that imports torch, so one load serves both the run and torch's error on a sample of another shape.
  it('runs a traced model, and passes on a shape mismatch as one line from torch', async () => {
    // Samples 0 to 3 fit the model; sample 4 has 5 features where it takes 16.
    const fitting = floatInputs(4, [2, 16]);
    const inputs = { ...fitting, feeds: [...fitting.feeds, ...floatInputs(1, [2, 5]).feeds] };
    const loaded = await new PythonBackend({ intraOpThreadsPerCopy: 1 }).load({ artifact: artifact(await linearModel()), inputs, copies: 1 });
    try {
      expect(loaded.effectiveSettings).toMatchObject({ format: 'torchscript', device: 'cpu', intraOpThreadsPerCopy: 1, torchVersion: torchPython!.torchVersion });
      await expect(loaded.copies[0]!.infer(4)).rejects.toMatchObject({
        code: 'WORKER_FAILED',
        message: expect.stringMatching(/^model copy 0 failed on sample 4: RuntimeError: .*2x5 and 16x8/),
      });
      // torch's error leaves the copy serving the samples that fit.
      const result = await new ClosedLoopLoadGenerator({ clients: 2, queryCount: 20 }).run({ copies: loaded.copies, inputCount: 4 });
      expect(result.completedRequests).toBe(20);
      expect(result.requestsPerCopy).toEqual([20]);
      expect(result.compute.count).toBe(20);
      expect(result.compute.valueAtPercentileNs(50)).toBeGreaterThan(0);
      expect(result.latency.valueAtPercentileNs(50)).toBeGreaterThanOrEqual(result.compute.valueAtPercentileNs(50));
    } finally {
      await loaded.close();
    }
  });

  it('fails to load a missing file with the reason', async () => {
    const load = new PythonBackend().load({ artifact: artifact(join(dir, 'missing.pt')), inputs: floatInputs(1, [2, 16]), copies: 1 });
    await expect(load).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringMatching(/^model copy 0 could not load the model: (ValueError|RuntimeError): .*missing\.pt/) });
  });
});
