import Table from 'cli-table3';
import type { HardwareInfo } from '../hardware/detect-hardware.js';
import { plural } from '../core/format.js';

const GIB = 1024 ** 3;

/** Bytes as GiB with one decimal, e.g. "79.6 GiB"; "?" when unknown. */
const formatGiB = (bytes: number | undefined): string => (bytes === undefined ? '? GiB' : `${(bytes / GIB).toFixed(1)} GiB`);

/** "1 device" or "2 devices". */

/** The hardware as a two-column table: one row per CPU, GPU, Neuron device, provider list and Python. */
export function formatHardwareReport(info: HardwareInfo): string {
  const table = new Table({
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  table.push(['cpu', `${info.cpuModel} · ${plural(info.cpuCores, 'logical core')}`]);
  table.push(['instance', info.instanceType ?? 'unknown']);
  if (info.nvidiaGpus.length === 0) table.push(['gpu', 'none']);
  for (const gpu of info.nvidiaGpus) {
    table.push([`gpu ${gpu.index}`, `${gpu.name} · ${formatGiB(gpu.memoryBytes)} · driver ${gpu.driverVersion} · ${gpu.uuid}`]);
  }
  const { neuron } = info;
  if (neuron === undefined) {
    table.push(['neuron', 'none']);
  } else {
    const cores = neuron.coreCount === undefined ? 'NeuronCores unknown' : plural(neuron.coreCount, 'NeuronCore');
    table.push(['neuron', `${plural(neuron.devices.length, 'device')} · ${cores} (from ${neuron.source})`]);
    for (const device of neuron.devices) {
      const parts = [device.coreCount === undefined ? '? NeuronCores' : plural(device.coreCount, 'NeuronCore')];
      if (device.memoryBytes !== undefined) parts.push(formatGiB(device.memoryBytes));
      if (device.pciBdf !== undefined) parts.push(device.pciBdf);
      table.push([`neuron ${device.index}`, parts.join(' · ')]);
    }
  }
  const providers = info.ortProviders.map((p) => (p.available ? p.name : `${p.name} (library not installed)`));
  table.push(['onnxruntime', providers.join(', ')]);
  const { python } = info;
  if (python === undefined) {
    table.push(['python', 'none']);
  } else {
    table.push(['python', `${python.executable} · ${python.pythonVersion}`]);
    const packages: [string, string | undefined][] = [
      ['torch', python.torchVersion],
      ['torchvision', python.torchvisionVersion],
      ['torch-neuron', python.torchNeuronVersion],
      ['torch-neuronx', python.torchNeuronxVersion],
    ];
    for (const [name, version] of packages) table.push([name, version ?? 'not installed']);
  }
  return table.toString();
}
