import { runTool, type RunToolOptions } from './run-tool.js';

/** Interpreters tried after INFERBENCH_PYTHON, in order: `python3` may be a shim without torch, so Debian's comes last. */
export const DEFAULT_PYTHON_CANDIDATES: readonly string[] = ['python3', '/usr/bin/python3'];

/** The interpreters inferbench tries, in order: INFERBENCH_PYTHON when set, then `fallbacks` (`python3`, `/usr/bin/python3`). */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env, fallbacks: readonly string[] = DEFAULT_PYTHON_CANDIDATES): string[] {
  const chosen = env.INFERBENCH_PYTHON;
  return [...new Set([...(chosen ? [chosen] : []), ...fallbacks])];
}

/** Options of {@link detectPython}. */
export interface DetectPythonOptions extends RunToolOptions {
  /** Interpreters tried after INFERBENCH_PYTHON; default {@link DEFAULT_PYTHON_CANDIDATES}. */
  readonly fallbackPythons?: readonly string[];
  /** Import torch to prove it loads (default true, ~1 s); false reads installed versions only, for reports. */
  readonly importTorch?: boolean;
}

/** Importing torch (and CUDA or Neuron plugins with it) can take far longer than a driver query. */
export const DEFAULT_PYTHON_TIMEOUT_MS = 30_000;

// Imports torch to prove it loads (unless only installed versions are asked); the other packages
// only by metadata, as importing torch_neuronx is slow.
const probe = (importTorch: boolean): string => `
import json, sys
from importlib import metadata
def version(dist):
    try:
        return metadata.version(dist)
    except Exception:
        return None
${importTorch ? `try:
    import torch
    torch_version = torch.__version__
except Exception:
    torch_version = None` : 'torch_version = version("torch")'}
print(json.dumps({"python": sys.version.split()[0], "torch": torch_version, "torchvision": version("torchvision"),
                  "torch_neuron": version("torch-neuron"), "torch_neuronx": version("torch-neuronx")}))
`;

/** A Python interpreter and the PyTorch packages it can use. */
export interface PythonInfo {
  /** The interpreter as it was run: INFERBENCH_PYTHON's value, "python3" or "/usr/bin/python3". */
  readonly executable: string;
  /** Python version, e.g. "3.10.12". */
  readonly pythonVersion: string;
  /** torch.__version__, e.g. "2.1.2+cu121"; undefined when torch does not import. */
  readonly torchVersion: string | undefined;
  /** Installed torchvision version. */
  readonly torchvisionVersion: string | undefined;
  /** Installed torch-neuron (Inf1) version. */
  readonly torchNeuronVersion: string | undefined;
  /** Installed torch-neuronx (Inf2, Trn1) version. */
  readonly torchNeuronxVersion: string | undefined;
}

/** The probe's JSON line as {@link PythonInfo}; undefined when it is not the probe's output. */
export function parsePythonProbe(executable: string, text: string): PythonInfo | undefined {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const pythonVersion = str(json?.python);
  if (pythonVersion === undefined) return undefined;
  return {
    executable,
    pythonVersion,
    torchVersion: str(json.torch),
    torchvisionVersion: str(json.torchvision),
    torchNeuronVersion: str(json.torch_neuron),
    torchNeuronxVersion: str(json.torch_neuronx),
  };
}

/** The first of {@link pythonCandidates} that imports torch, else the first that runs; undefined when none runs. */
export async function detectPython(options: DetectPythonOptions = {}): Promise<PythonInfo | undefined> {
  const candidates = pythonCandidates(options.env ?? process.env, options.fallbackPythons);
  let withoutTorch: PythonInfo | undefined;
  for (const executable of candidates) {
    const stdout = await runTool(executable, ['-c', probe(options.importTorch ?? true)], { ...options, timeoutMs: options.timeoutMs ?? DEFAULT_PYTHON_TIMEOUT_MS });
    const info = stdout === undefined ? undefined : parsePythonProbe(executable, stdout);
    if (info?.torchVersion !== undefined) return info;
    withoutTorch ??= info;
  }
  return withoutTorch;
}
