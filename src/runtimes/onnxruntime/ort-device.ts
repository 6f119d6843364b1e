import { InferbenchError } from '../../core/errors.js';
import { detectOrtProviders } from '../../hardware/detect-hardware.js';
import { detectNvidiaGpus } from '../../hardware/nvidia-smi.js';

/** Where ONNX Runtime runs a model: its CPU provider, or an NVIDIA GPU through CUDA or TensorRT. */
export type OrtDevice = 'cpu' | 'cuda' | 'tensorrt';

/** An execution provider list as onnxruntime-node takes it; plain data, so it crosses into a worker thread. */
export type OrtProviderList = readonly (string | { readonly name: 'cuda' | 'tensorrt'; readonly deviceId: number })[];

/** The npm command that installs onnxruntime-node's CUDA and TensorRT provider libraries. */
export const ORT_CUDA_INSTALL_HINT = 'npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12 (see docs/gpu.md)';

/**
 * Providers for one model copy: the GPU it is placed on first, the CPU as the fallback for
 * operators the GPU provider lacks (as onnxruntime does for every session).
 */
export function ortProvidersFor(device: OrtDevice, deviceId: number): OrtProviderList {
  if (device === 'cpu') return ['cpu'];
  if (device === 'cuda') return [{ name: 'cuda', deviceId }, 'cpu'];
  return [{ name: 'tensorrt', deviceId }, { name: 'cuda', deviceId }, 'cpu'];
}

/**
 * The TensorRT provider's settings as environment variables, its documented configuration besides
 * provider options (which onnxruntime-node 1.30 does not pass on, beyond the device id): FP16 or not,
 * and an engine cache beside the compiled artifact, so that a later run skips building the engines.
 */
export function tensorrtEnv(options: { readonly fp16: boolean; readonly engineCacheDir: string }): Record<string, string> {
  return {
    ORT_TENSORRT_FP16_ENABLE: options.fp16 ? '1' : '0',
    ORT_TENSORRT_ENGINE_CACHE_ENABLE: '1',
    ORT_TENSORRT_CACHE_PATH: options.engineCacheDir,
  };
}

/** GPU of copy `copyIndex`: the copies are spread over the GPUs in turn (copy i on GPU i % n). */
export function gpuForCopy(copyIndex: number, deviceIds: readonly number[]): number {
  return deviceIds[copyIndex % deviceIds.length]!;
}

/** The pinned GPUs, else every GPU nvidia-smi lists; fails when there is none. */
export async function requireGpus(device: string, pinned?: readonly number[]): Promise<number[]> {
  const ids = pinned ? [...pinned] : (await detectNvidiaGpus()).map((gpu) => gpu.index);
  if (ids.length === 0) {
    throw new InferbenchError('INVALID_OPTION', `--device ${device} needs an NVIDIA GPU, but nvidia-smi lists none on this machine; run on a GPU host or use --device cpu`);
  }
  return ids;
}

/**
 * The GPUs a GPU run may use, checked before any copy loads: the pinned ones, else every GPU
 * nvidia-smi lists. Fails when there is none, or when the provider library is not installed
 * (a default install skips it).
 */
export async function resolveGpuDeviceIds(device: Exclude<OrtDevice, 'cpu'>, pinned?: readonly number[]): Promise<number[]> {
  const ids = await requireGpus(device, pinned);
  const provider = detectOrtProviders().find((p) => p.name === device);
  if (!provider?.available) {
    throw new InferbenchError('INVALID_OPTION', `onnxruntime-node's ${device} provider library is not installed (a default install skips it); install it with ${ORT_CUDA_INSTALL_HINT}`);
  }
  return ids;
}
