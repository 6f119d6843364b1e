import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpuForCopy, ortProvidersFor, tensorrtEnv } from '../src/runtimes/onnxruntime/ort-device.js';
import { inferbench } from './helpers/cli.js';
import { tempDir } from './helpers/fixtures.js';
import { SYSTEM_PATH, writeFakeTool } from './fixtures/tools/fake-tools.js';

const NVIDIA_SMI_ARGS = '--query-gpu=index,name,uuid,memory.total,driver_version --format=csv,noheader,nounits';

describe('ONNX Runtime on NVIDIA GPUs', () => {
  it('spreads copies over the GPUs in turn and builds each copy its providers', () => {
    expect([0, 1, 2, 3, 4].map((copy) => gpuForCopy(copy, [0, 1]))).toEqual([0, 1, 0, 1, 0]);
    expect([0, 1, 2].map((copy) => gpuForCopy(copy, [3]))).toEqual([3, 3, 3]);
    expect(ortProvidersFor('cpu', 0)).toEqual(['cpu']);
    expect(ortProvidersFor('cuda', 1)).toEqual([{ name: 'cuda', deviceId: 1 }, 'cpu']);
    expect(ortProvidersFor('tensorrt', 2)).toEqual([{ name: 'tensorrt', deviceId: 2 }, { name: 'cuda', deviceId: 2 }, 'cpu']);
  });

  it("configures TensorRT's FP16 mode and an engine cache inside the compile cache", () => {
    expect(tensorrtEnv({ fp16: true, engineCacheDir: '/cache/compiled/abc/tensorrt-engines' })).toEqual({
      ORT_TENSORRT_FP16_ENABLE: '1',
      ORT_TENSORRT_ENGINE_CACHE_ENABLE: '1',
      ORT_TENSORRT_CACHE_PATH: '/cache/compiled/abc/tensorrt-engines',
    });
    expect(tensorrtEnv({ fp16: false, engineCacheDir: '/x' }).ORT_TENSORRT_FP16_ENABLE).toBe('0');
  });

  const dir = tempDir();
  const run = (args: string[], path = SYSTEM_PATH) => inferbench(['run', '--cache-dir', join(dir, 'cache'), ...args], { PATH: `${path}:${process.env.PATH}` });

  it('refuses --device cuda on a machine without a GPU', async () => {
    const result = await run(['--device', 'cuda']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe('inferbench: --device cuda needs an NVIDIA GPU, but nvidia-smi lists none on this machine; run on a GPU host or use --device cpu');
  });

  it('names the install flag when a GPU is there but the CUDA provider library is not', async () => {
    const tools = join(dir, 'tools');
    writeFakeTool(tools, 'nvidia-smi', NVIDIA_SMI_ARGS, 'nvidia-smi-h100x2.csv');
    for (const device of ['cuda', 'tensorrt']) {
      const result = await run(['--device', device], `${tools}:${SYSTEM_PATH}`);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim()).toBe(
        `inferbench: onnxruntime-node's ${device} provider library is not installed (a default install skips it); install it with npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12 (see docs/gpu.md)`,
      );
    }
    // Pinned GPUs skip the nvidia-smi query but not the library check.
    const pinned = await run(['--device', 'cuda', '--gpus', '0,1']);
    expect(pinned.stderr).toContain("onnxruntime-node's cuda provider library is not installed");
  });
});
