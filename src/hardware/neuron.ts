import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool, type RunToolOptions } from './run-tool.js';

/** neuron-ls's JSON flags, newest first: Neuron 2.34 replaced `--json-output` with `--output-format json`. */
export const NEURON_LS_JSON_ARGS: readonly (readonly string[])[] = [['--output-format', 'json'], ['--json-output']];

/** Where the Neuron driver publishes one directory per device. */
export const DEFAULT_NEURON_SYSFS_ROOT = '/sys/devices/virtual/neuron_device';

/** Where the Neuron driver creates /dev/neuronN. */
export const DEFAULT_DEV_ROOT = '/dev';

/** NeuronCores per device by instance family, for when only /dev/neuronN says a device exists. */
const CORES_PER_DEVICE: Readonly<Record<string, number>> = { inf1: 4, inf2: 2, trn1: 2, trn1n: 2 };

/** One Neuron device (an Inferentia or Trainium chip). */
export interface NeuronDevice {
  /** Device number, N of /dev/neuronN. */
  readonly index: number;
  /** NeuronCores on the device as the runtime addresses them; undefined when no source says. */
  readonly coreCount: number | undefined;
  /** Device memory in bytes; only neuron-ls reports it. */
  readonly memoryBytes: number | undefined;
  /** PCI address, e.g. "0000:00:1e.0"; only neuron-ls reports it. */
  readonly pciBdf: string | undefined;
}

/** What told us about the devices: neuron-ls, the driver's sysfs tree, or only the /dev nodes. */
export type NeuronSource = 'neuron-ls' | 'sysfs' | 'dev';

/** The machine's Neuron devices. */
export interface NeuronInfo {
  /** Devices in index order; never empty. */
  readonly devices: readonly NeuronDevice[];
  /** NeuronCores over all devices; undefined when any device's count is unknown. */
  readonly coreCount: number | undefined;
  /** Where the listing came from; neuron-ls is the most detailed. */
  readonly source: NeuronSource;
  /** EC2 instance type when neuron-ls names it, e.g. "inf2.xlarge". */
  readonly instanceType: string | undefined;
}

/** How to look for Neuron devices. */
export interface NeuronDetectOptions extends RunToolOptions {
  /** The driver's sysfs directory (default {@link DEFAULT_NEURON_SYSFS_ROOT}); tests point it at a temporary tree. */
  readonly sysfsRoot?: string;
  /** The directory holding neuronN device nodes (default {@link DEFAULT_DEV_ROOT}). */
  readonly devRoot?: string;
  /** The instance type, known from elsewhere: gives cores per device when only /dev nodes exist. */
  readonly instanceType?: string;
}

/** neuron-ls's JSON: devices and, in newer versions, the instance type. */
export interface NeuronLsListing {
  /** Devices in index order. */
  readonly devices: NeuronDevice[];
  /** EC2 instance type when neuron-ls names it. */
  readonly instanceType: string | undefined;
}

const asNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const asString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Reads either neuron-ls JSON format: `--json-output` prints an array of devices; `--output-format json`
 * (Neuron 2.34+) wraps the same device records in an object beside instance-wide fields.
 * Undefined when the text is not such JSON, e.g. a table from a version that ignored the flag.
 */
export function parseNeuronLsJson(text: string): NeuronLsListing | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const top = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const records = Array.isArray(json) ? json : top?.neuron_devices;
  if (!Array.isArray(records)) return undefined;
  const devices: NeuronDevice[] = [];
  let instanceType = asString(top?.instance_type);
  for (const record of records as Record<string, unknown>[]) {
    const index = asNumber(record?.neuron_device);
    if (index === undefined) continue;
    devices.push({ index, coreCount: asNumber(record.nc_count), memoryBytes: asNumber(record.memory_size), pciBdf: asString(record.bdf) });
    instanceType ??= asString(record.instance_type);
  }
  return { devices: devices.sort((a, b) => a.index - b.index), instanceType };
}

/** Indexes N of the entries named `neuronN` in `dir`; empty when it does not exist. */
async function neuronIndexes(dir: string): Promise<number[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.flatMap((name) => /^neuron(\d+)$/.exec(name)?.[1] ?? []).map(Number).sort((a, b) => a - b);
}

/** A device's cores from sysfs: its core_count file, else its neuron_coreN directories. */
async function sysfsCoreCount(deviceDir: string): Promise<number | undefined> {
  const text = await readFile(join(deviceDir, 'core_count'), 'utf8').catch(() => undefined);
  if (text !== undefined && /^\d+$/.test(text.trim())) return Number(text.trim());
  const names = await readdir(deviceDir).catch(() => [] as string[]);
  const cores = names.filter((name) => /^neuron_core\d+$/.test(name)).length;
  return cores > 0 ? cores : undefined;
}

const totalCores = (devices: readonly NeuronDevice[]): number | undefined =>
  devices.every((d) => d.coreCount !== undefined) ? devices.reduce((sum, d) => sum + d.coreCount!, 0) : undefined;

/**
 * The machine's Neuron devices: from neuron-ls when it runs, else from the driver's sysfs tree, else by
 * counting /dev/neuronN. Undefined when none of them shows a device.
 */
export async function detectNeuron(options: NeuronDetectOptions = {}): Promise<NeuronInfo | undefined> {
  for (const args of NEURON_LS_JSON_ARGS) {
    const stdout = await runTool('neuron-ls', args, options);
    const listing = stdout === undefined ? undefined : parseNeuronLsJson(stdout);
    if (listing && listing.devices.length > 0) {
      return { devices: listing.devices, coreCount: totalCores(listing.devices), source: 'neuron-ls', instanceType: listing.instanceType };
    }
  }
  const familyCores = CORES_PER_DEVICE[options.instanceType?.split('.')[0] ?? ''];
  const sysfsRoot = options.sysfsRoot ?? DEFAULT_NEURON_SYSFS_ROOT;
  const fromSysfs = await neuronIndexes(sysfsRoot);
  const [indexes, source]: [number[], NeuronSource] =
    fromSysfs.length > 0 ? [fromSysfs, 'sysfs'] : [await neuronIndexes(options.devRoot ?? DEFAULT_DEV_ROOT), 'dev'];
  if (indexes.length === 0) return undefined;
  const devices = await Promise.all(
    indexes.map(async (index): Promise<NeuronDevice> => ({
      index,
      coreCount: (source === 'sysfs' ? await sysfsCoreCount(join(sysfsRoot, `neuron${index}`)) : undefined) ?? familyCores,
      memoryBytes: undefined,
      pciBdf: undefined,
    })),
  );
  return { devices, coreCount: totalCores(devices), source, instanceType: undefined };
}
