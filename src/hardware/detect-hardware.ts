import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { collectEnvironment } from './environment.js';
import { detectNeuron, type NeuronInfo } from './neuron.js';
import { detectNvidiaGpus, type NvidiaGpu } from './nvidia-smi.js';
import { DEFAULT_PYTHON_CANDIDATES, DEFAULT_PYTHON_TIMEOUT_MS, detectPython, type PythonInfo } from './python-env.js';
import { DEFAULT_TOOL_TIMEOUT_MS } from './run-tool.js';

/** Where Linux publishes the firmware's machine description; on Nitro EC2 the product name is the instance type. */
export const DEFAULT_DMI_ROOT = '/sys/devices/virtual/dmi/id';

/** An ONNX Runtime execution provider this onnxruntime-node build knows. */
export interface OrtProvider {
  /** Provider name as onnxruntime-node spells it, e.g. "cpu", "cuda", "tensorrt". */
  readonly name: string;
  /** True when the provider is built into the package's main library. */
  readonly bundled: boolean;
  /** True when it can be loaded: bundled, or its provider library lies beside the binding. */
  readonly available: boolean;
}

/** What this machine offers for inference. */
export interface HardwareInfo {
  /** CPU model name as the OS reports it. */
  readonly cpuModel: string;
  /** Logical cores available to this process. */
  readonly cpuCores: number;
  /** EC2 instance type, e.g. "inf2.xlarge", when a local file or neuron-ls says it; never asked of the network. */
  readonly instanceType: string | undefined;
  /** NVIDIA GPUs from nvidia-smi; empty without a driver. */
  readonly nvidiaGpus: readonly NvidiaGpu[];
  /** Neuron devices; undefined when the machine has none. */
  readonly neuron: NeuronInfo | undefined;
  /** Execution providers of the installed onnxruntime-node. */
  readonly ortProviders: readonly OrtProvider[];
  /** The Python interpreter for PyTorch backends; undefined when none runs. */
  readonly python: PythonInfo | undefined;
}

/** Where to look; every default is the real location, the options exist for tests and unusual setups. */
export interface DetectHardwareOptions {
  /** Limit on nvidia-smi and neuron-ls each (default 5 s, `DEFAULT_TOOL_TIMEOUT_MS`). */
  readonly toolTimeoutMs?: number;
  /** Limit on the Python probe, which imports torch (default 30 s, `DEFAULT_PYTHON_TIMEOUT_MS`). */
  readonly pythonTimeoutMs?: number;
  /** Environment of the tools, PATH and INFERBENCH_PYTHON included (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Interpreters tried after INFERBENCH_PYTHON (default python3, then /usr/bin/python3). */
  readonly fallbackPythons?: readonly string[];
  /** The Neuron driver's sysfs directory (default /sys/devices/virtual/neuron_device). */
  readonly neuronSysfsRoot?: string;
  /** The directory holding neuronN device nodes (default /dev). */
  readonly devRoot?: string;
  /** The DMI directory (default /sys/devices/virtual/dmi/id). */
  readonly dmiRoot?: string;
  /** onnxruntime-node's native folder, where provider libraries are looked for (default: the installed package's). */
  readonly ortBinaryDir?: string;
  /** Cancels detection; running tools are killed. */
  readonly signal?: AbortSignal;
  /** Import torch to prove it loads (default true); false reads installed versions only, as result reports do. */
  readonly importTorch?: boolean;
}

/** The installed onnxruntime-node's folder of native libraries for this platform. */
export function defaultOrtBinaryDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  // entry is <package>/dist/index.js; the install script puts provider libraries in bin/napi-v6/<platform>/<arch>.
  return join(dirname(dirname(entry)), 'bin', 'napi-v6', platform(), arch());
}

/** The file name of a provider's shared library on this platform. */
const providerLibrary = (name: string): string =>
  platform() === 'win32' ? `onnxruntime_providers_${name}.dll` : `libonnxruntime_providers_${name}.so`;

/** onnxruntime-node's execution providers, and whether each one's library is installed. */
export function detectOrtProviders(ortBinaryDir: string = defaultOrtBinaryDir()): OrtProvider[] {
  return ort.listSupportedBackends().map(({ name, bundled }) => ({
    name,
    bundled,
    // CUDA and TensorRT come as separate libraries that the install script may not have downloaded.
    available: bundled || existsSync(join(ortBinaryDir, providerLibrary(name))),
  }));
}

/** The EC2 instance type from DMI: Nitro instances name it as the product; Xen ones say "HVM domU". */
export async function readInstanceType(dmiRoot: string = DEFAULT_DMI_ROOT): Promise<string | undefined> {
  const read = (file: string): Promise<string | undefined> => readFile(join(dmiRoot, file), 'utf8').then((s) => s.trim(), () => undefined);
  const [vendor, product] = await Promise.all([read('sys_vendor'), read('product_name')]);
  return vendor === 'Amazon EC2' && product !== undefined && /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(product) ? product : undefined;
}

/**
 * Describes the machine's CPUs, accelerators and inference software. Only local commands and files
 * are consulted; a missing or failing tool means that hardware is absent, never an error.
 */
export async function detectHardware(options: DetectHardwareOptions = {}): Promise<HardwareInfo> {
  const { env, signal } = options;
  const toolOptions = { env, signal, timeoutMs: options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS };
  const dmiInstanceType = await readInstanceType(options.dmiRoot);
  const [nvidiaGpus, neuron, python] = await Promise.all([
    detectNvidiaGpus(toolOptions),
    detectNeuron({ ...toolOptions, sysfsRoot: options.neuronSysfsRoot, devRoot: options.devRoot, instanceType: dmiInstanceType }),
    detectPython({
      env,
      signal,
      timeoutMs: options.pythonTimeoutMs ?? DEFAULT_PYTHON_TIMEOUT_MS,
      importTorch: options.importTorch,
      ...(options.fallbackPythons ? { fallbackPythons: options.fallbackPythons } : {}),
    }),
  ]);
  const { cpuModel, cpuCores } = collectEnvironment();
  return {
    cpuModel,
    cpuCores,
    instanceType: dmiInstanceType ?? neuron?.instanceType,
    nvidiaGpus,
    neuron,
    ortProviders: detectOrtProviders(options.ortBinaryDir),
    python,
  };
}
