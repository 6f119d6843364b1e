import { InferbenchError } from '../core/errors.js';
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
 * The accelerators and Python do not change while a process runs, and asking starts nvidia-smi, neuron-ls and up to
 * two Python interpreters (about a second of CPU behind a pyenv shim): the runs of a process, a sweep's or a test
 * suite's, ask once.
 */
let machine: Promise<HardwareInfo> | undefined;

function describeMachine(): Promise<HardwareInfo> {
  if (machine === undefined) {
    const asked = detectHardware({ importTorch: false });
    machine = asked;
    // Tools that fail mean absent hardware, not an error; anything else is asked again next time.
    asked.catch(() => {
      if (machine === asked) machine = undefined;
    });
  }
  return machine;
}

/** `promise`, or an ABORTED rejection as soon as `signal` aborts: the shared description goes on for later runs. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  const cancelled = (): InferbenchError => new InferbenchError('ABORTED', 'the run was cancelled while describing the machine');
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Describes the machine for a result. Installed torch versions are read from package metadata, not by importing
 * torch, which would take seconds; the machine is asked once per process.
 */
export async function describeRunEnvironment(signal?: AbortSignal): Promise<RunEnvironment> {
  const hardware = await unlessAborted(describeMachine(), signal);
  return { ...collectEnvironment(), instanceType: hardware.instanceType, nvidiaGpus: hardware.nvidiaGpus, neuron: hardware.neuron, python: hardware.python };
}
