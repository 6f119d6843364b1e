import { runTool, type RunToolOptions } from './run-tool.js';

/** The fields asked of nvidia-smi, in the order {@link parseNvidiaSmiCsv} reads them. */
export const NVIDIA_SMI_ARGS: readonly string[] = [
  '--query-gpu=index,name,uuid,memory.total,driver_version',
  '--format=csv,noheader,nounits',
];

/** One NVIDIA GPU as nvidia-smi lists it. */
export interface NvidiaGpu {
  /** nvidia-smi's index, as CUDA_VISIBLE_DEVICES counts by default. */
  readonly index: number;
  /** Product name, e.g. "NVIDIA H100 80GB HBM3". */
  readonly name: string;
  /** Stable identifier, e.g. "GPU-5f0c…". */
  readonly uuid: string;
  /** Total device memory in bytes; undefined when the driver reports none ("[N/A]"). */
  readonly memoryBytes: number | undefined;
  /** Driver version, e.g. "550.54.15". */
  readonly driverVersion: string;
}

const MIB = 1024 * 1024;

/** The GPUs in nvidia-smi's `csv,noheader,nounits` output; lines that are not GPU rows are skipped. */
export function parseNvidiaSmiCsv(text: string): NvidiaGpu[] {
  const gpus: NvidiaGpu[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length < 5 || !/^\d+$/.test(fields[0]!)) continue;
    // The name is the only free-text field: whatever lies between index and the last three fields.
    const [driverVersion, memoryMiB, uuid] = [fields.pop()!, fields.pop()!, fields.pop()!];
    const memory = Number(memoryMiB);
    gpus.push({
      index: Number(fields[0]),
      name: fields.slice(1).join(', '),
      uuid,
      memoryBytes: memoryMiB !== '' && Number.isFinite(memory) ? memory * MIB : undefined,
      driverVersion,
    });
  }
  return gpus;
}

/** The NVIDIA GPUs nvidia-smi lists; none when it is missing or fails (no driver, no GPU). */
export async function detectNvidiaGpus(options: RunToolOptions = {}): Promise<NvidiaGpu[]> {
  const stdout = await runTool('nvidia-smi', NVIDIA_SMI_ARGS, options);
  return stdout === undefined ? [] : parseNvidiaSmiCsv(stdout);
}
