import type { BenchmarkSettings } from '../options/benchmark-options.js';

/** Throughput per unit of hardware and per unit of money, as NeuronPerf reports it. */
export interface Efficiency {
  /** What a device is here: the host for CPU runs, a GPU, or a NeuronCore. */
  readonly deviceKind: 'host' | 'gpu' | 'neuroncore';
  /** Devices the copies ran on. */
  readonly devices: number;
  /** Samples per second per model copy. */
  readonly samplesPerSecondPerCopy: number;
  /** Samples per second per device. */
  readonly samplesPerSecondPerDevice: number;
  /** Price of the machine per hour, as given (`costPerHour`); null when none was given. */
  readonly pricePerHour: number | null;
  /** Cost of a million samples (inferences) at the measured throughput; null without a price. */
  readonly costPerMillionSamples: number | null;
}

/** Devices the backend used: its GPU list, the copies' NeuronCores, or the one host. */
function devicesUsed(settings: BenchmarkSettings, copies: number, effective: Readonly<Record<string, string | number | boolean>>): Pick<Efficiency, 'deviceKind' | 'devices'> {
  if (settings.device === 'neuron') {
    const coresPerCopy = typeof effective.neuronCoresPerCopy === 'number' ? effective.neuronCoresPerCopy : 1;
    return { deviceKind: 'neuroncore', devices: copies * coresPerCopy };
  }
  if (settings.device === 'cuda' || settings.device === 'tensorrt') {
    const listed = typeof effective.gpus === 'string' ? effective.gpus.split(',').filter((id) => id !== '').length : undefined;
    // Copy i runs on the (i mod n)-th GPU, so no more GPUs than copies are busy.
    return { deviceKind: 'gpu', devices: Math.min(copies, listed ?? settings.deviceIds?.length ?? copies) };
  }
  return { deviceKind: 'host', devices: 1 };
}

/** Throughput per copy and per device, and the cost of a million samples at `settings.costPerHour`. */
export function computeEfficiency(
  settings: BenchmarkSettings,
  samplesPerSecond: number,
  copies: number,
  effective: Readonly<Record<string, string | number | boolean>>,
): Efficiency {
  const { deviceKind, devices } = devicesUsed(settings, copies, effective);
  const price = settings.costPerHour ?? null;
  return {
    deviceKind,
    devices,
    samplesPerSecondPerCopy: samplesPerSecond / copies,
    samplesPerSecondPerDevice: samplesPerSecond / devices,
    pricePerHour: price,
    costPerMillionSamples: price === null || samplesPerSecond <= 0 ? null : (price / (samplesPerSecond * 3600)) * 1e6,
  };
}
