import type { Backend } from '../backends/backend.js';
import { OrtBackend } from '../runtimes/onnxruntime/ort-backend.js';
import { requireGpus, resolveGpuDeviceIds } from '../runtimes/onnxruntime/ort-device.js';
import { PythonBackend } from '../runtimes/torch/python-backend.js';
import type { Compiler } from '../compilers/compiler.js';
import { OrtCompiler } from '../runtimes/onnxruntime/ort-compiler.js';
import { TorchCompiler, compileModules } from '../runtimes/torch/torch-compiler.js';
import { findPython } from '../runtimes/torch/find-python.js';
import { InferbenchError } from '../core/errors.js';
import { detectNeuron } from '../hardware/neuron.js';
import type { BenchmarkSettings } from '../options/benchmark-options.js';

/** The compiler and backend a run uses. */
export interface Runtime {
  /** Turns the model into an artifact for the device. */
  readonly compiler: Compiler;
  /** Loads and runs the artifact's copies. */
  readonly backend: Backend;
}

/**
 * Picks the compiler and backend for the model and device, checking first that the device is
 * there, so that a run fails before anything is downloaded or compiled:
 * ONNX models run on ONNX Runtime (cpu, cuda, tensorrt); PyTorch sources are traced to TorchScript
 * for the Python worker (cpu, cuda, neuron) or exported to ONNX for ONNX Runtime.
 */
export async function chooseRuntime(settings: BenchmarkSettings, torchSource: boolean): Promise<Runtime> {
  const { device, artifactFormat } = settings;
  const threads = settings.intraOpThreadsPerCopy;
  // An hf: model's weights can weigh gigabytes: the interpreter that will load them is found before they are fetched.
  const modules = torchSource ? compileModules(settings.model) : [];
  if (modules.length > 0) await findPython({ requireTorch: true, requireModules: modules });
  if (torchSource && artifactFormat === 'torchscript') {
    if (device === 'tensorrt') {
      throw new InferbenchError('INVALID_OPTION', "--device tensorrt is an ONNX Runtime provider; add --artifact-format onnx to export the PyTorch model, or use --device cuda");
    }
    const deviceIds = device === 'cuda' ? await requireGpus(device, settings.deviceIds) : undefined;
    if (device === 'neuron' && !(await detectNeuron())) {
      throw new InferbenchError('INVALID_OPTION', '--device neuron needs an AWS Neuron device, but neuron-ls, /sys/devices/virtual/neuron_device and /dev/neuron* show none; run on an inf1, inf2 or trn1 instance');
    }
    return {
      compiler: chooseCompiler(settings, true),
      backend: new PythonBackend({ device, requestTimeoutMs: settings.requestTimeoutMs, neuronRuntime: settings.neuronRuntime, ...(deviceIds ? { deviceIds } : {}), ...(threads ? { intraOpThreadsPerCopy: threads } : {}) }),
    };
  }
  if (device === 'neuron') {
    throw new InferbenchError('INVALID_OPTION', '--device neuron runs PyTorch models traced for Neuron; pass a torchvision:NAME or hf:ID model with --artifact-format torchscript');
  }
  const deviceIds = device === 'cpu' ? settings.deviceIds : await resolveGpuDeviceIds(device, settings.deviceIds);
  return {
    compiler: chooseCompiler({ ...settings, deviceIds }, torchSource),
    backend: new OrtBackend({ device, deviceIds, intraOpThreadsPerCopy: threads, tensorrtFp16: settings.tensorrtFp16 }),
  };
}

/**
 * The compiler for the model and device, from the settings alone: a caller that brings its own
 * backend has chosen the device, so nothing is probed.
 */
export function chooseCompiler(settings: BenchmarkSettings, torchSource: boolean): Compiler {
  const { device, artifactFormat } = settings;
  const imageSize = settings.imageSize ? { imageSize: settings.imageSize } : {};
  if (torchSource) {
    const torchDevice = artifactFormat === 'onnx' ? (device === 'cpu' ? 'cpu' : 'cuda') : device === 'tensorrt' ? 'cuda' : device;
    return new TorchCompiler({ device: torchDevice, format: artifactFormat, neuronRuntime: settings.neuronRuntime, ...imageSize });
  }
  const deviceId = settings.deviceIds?.[0];
  return new OrtCompiler({ device: device === 'neuron' ? 'cpu' : device, ...(deviceId === undefined ? {} : { deviceId }) });
}
