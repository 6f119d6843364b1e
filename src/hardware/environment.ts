import { readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import * as ort from 'onnxruntime-node';

/** The machine and software a result was measured on. */
export interface Environment {
  /** Operating system, e.g. "linux 6.1.0". */
  readonly os: string;
  /** CPU architecture, e.g. "x64". */
  readonly arch: string;
  /** CPU model name as the OS reports it. */
  readonly cpuModel: string;
  /** Logical cores available to this process. */
  readonly cpuCores: number;
  /** Physical memory in bytes. */
  readonly memoryBytes: number;
  /** Node.js version. */
  readonly node: string;
  /** onnxruntime-node version. */
  readonly onnxruntime: string;
  /** inferbench version. */
  readonly inferbench: string;
}

/** This package's version, read from its package.json. */
export const INFERBENCH_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Describes this machine; cheap, no external commands. */
export function collectEnvironment(): Environment {
  return {
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpuCores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.versions.node,
    onnxruntime: ort.env.versions.node ?? 'unknown',
    inferbench: INFERBENCH_VERSION,
  };
}
