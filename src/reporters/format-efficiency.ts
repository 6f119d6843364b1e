import type { Efficiency } from '../results/efficiency.js';
import { formatRate, plural } from '../core/format.js';

const DEVICE_NAMES: Readonly<Record<Efficiency['deviceKind'], string>> = { host: 'host', gpu: 'GPU', neuroncore: 'NeuronCore' };
const devicesOf = (efficiency: Efficiency): string => plural(efficiency.devices, DEVICE_NAMES[efficiency.deviceKind]);

/** Samples per second per device with the devices counted, for tables: "5950.2 (2 GPUs)". */
export function formatPerDevice(efficiency: Efficiency): string {
  return `${formatRate(efficiency.samplesPerSecondPerDevice)} (${devicesOf(efficiency)})`;
}

/** Cost of a million samples to three significant digits without an exponent ("0.00794", "8330"); "–" when the run was not priced. */
export function formatCostPerMillion(efficiency: Efficiency): string {
  const cost = efficiency.costPerMillionSamples;
  return cost === null ? '–' : String(Number(cost.toPrecision(3)));
}

/** Throughput per copy and per device, and the cost of a million samples when priced, on one line. */
export function formatEfficiency(efficiency: Efficiency): string {
  const priced = efficiency.pricePerHour === null ? '' : ` · ${formatCostPerMillion(efficiency)} per million samples at ${efficiency.pricePerHour} an hour`;
  return `${formatRate(efficiency.samplesPerSecondPerCopy)} samples/s per copy · ${formatRate(efficiency.samplesPerSecondPerDevice)} per ${DEVICE_NAMES[efficiency.deviceKind]} (${devicesOf(efficiency)})${priced}`;
}

