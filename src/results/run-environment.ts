import { collectEnvironment, type Environment } from '../hardware/environment.js';
import { detectHardware, type HardwareInfo } from '../hardware/detect-hardware.js';

/** The machine and software a result was measured on: the software ({@link Environment}), and the accelerators and Python found. */
export interface RunEnvironment extends Environment {
  /** EC2 instance type, when the machine says it. */
  readonly instanceType: string | undefined;
  /** NVIDIA GPUs nvidia-smi lists; empty without a driver. */
  readonly nvidiaGpus: HardwareInfo['nvidiaGpus'];
  /** Neuron devices; undefined without any. */
  readonly neuron: HardwareInfo['neuron'];
  /** The Python interpreter for PyTorch backends, with the installed torch versions; undefined when none runs. */
  readonly python: HardwareInfo['python'];
}

/**
 * Describes the machine for a result. Installed torch versions are read from package metadata, not
 * by importing torch, so that describing costs tens of milliseconds rather than a second.
 */
export async function describeRunEnvironment(signal?: AbortSignal): Promise<RunEnvironment> {
  const hardware = await detectHardware({ importTorch: false, ...(signal ? { signal } : {}) });
  return { ...collectEnvironment(), instanceType: hardware.instanceType, nvidiaGpus: hardware.nvidiaGpus, neuron: hardware.neuron, python: hardware.python };
}
