import { runChild } from '../../core/child-process.js';
import { InferbenchError } from '../../core/errors.js';
import { pythonCandidates } from '../../hardware/python-env.js';

/** Options of {@link findPython}. */
export interface FindPythonOptions {
  /** Only accept an interpreter that imports torch; false for the 'null' format. */
  readonly requireTorch: boolean;
  /** Python packages the interpreter must also have, e.g. `transformers` for an `hf:` model. */
  readonly requireModules?: readonly string[];
  /** Interpreter to use; when given it is the only candidate. */
  readonly pythonPath?: string;
  /** Environment to read INFERBENCH_PYTHON from; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Interpreters tried after INFERBENCH_PYTHON; default `python3`, then `/usr/bin/python3`. */
  readonly fallbackPythons?: readonly string[];
  /** Cancels the probes. */
  readonly signal?: AbortSignal;
}

/** The interpreter chosen for model copies. */
export interface FoundPython {
  /** Command or path that starts it. */
  readonly path: string;
  /** torch.__version__, when torch was required. */
  readonly torchVersion: string | undefined;
  /** The installed version of each required module, where its metadata says. */
  readonly moduleVersions: Readonly<Record<string, string>>;
}

/** Starting an interpreter can take seconds on a cold disk. */
const PROBE_TIMEOUT_MS = 60_000;

/**
 * Finds torch.__version__ without importing torch, which costs seconds of CPU at every run: torch/version.py is a
 * module of constants. A torch that is there but broken fails later, at the compile or the copy's start, in one line.
 */
const TORCH_VERSION_SCRIPT = [
  'spec = importlib.util.find_spec("torch")',
  'if spec is None or not spec.submodule_search_locations: sys.exit("no torch")',
  'path = os.path.join(list(spec.submodule_search_locations)[0], "version.py")',
  'version = importlib.util.spec_from_file_location("inferbench_torch_version", path)',
  'module = importlib.util.module_from_spec(version)',
  'version.loader.exec_module(module)',
  'found["torch"] = module.__version__',
].join('\n');

/** Exits non-zero unless each of `modules` is installed, found without importing it, and records its version. */
const modulesScript = (modules: readonly string[]): string =>
  modules
    .flatMap((name) => [
      `if importlib.util.find_spec(${JSON.stringify(name)}) is None: sys.exit("no ${name}")`,
      `try: found[${JSON.stringify(name)}] = importlib.metadata.version(${JSON.stringify(name)})`,
      'except Exception: pass',
    ])
    .join('\n');

/** Probes already run in this process, by `requireTorch` and candidate: each starts an interpreter. */
const probes = new Map<string, Promise<FoundPython | undefined>>();

function probe(path: string, requireTorch: boolean, modules: readonly string[], signal: AbortSignal | undefined): Promise<FoundPython | undefined> {
  const key = `${requireTorch}\0${modules.join()}\0${path}`;
  let found = probes.get(key);
  if (!found) {
    const script = [
      'import importlib.metadata, importlib.util, json, os, sys',
      'assert sys.version_info >= (3, 8)',
      'found = {}',
      modulesScript(modules),
      requireTorch ? TORCH_VERSION_SCRIPT : '',
      'print(json.dumps(found))',
    ].join('\n');
    found = runChild(path, ['-c', script], { what: `probing the Python interpreter ${path}`, timeoutMs: PROBE_TIMEOUT_MS, signal }).then((result) => {
      if (result.failed) return undefined;
      // The last line: a sitecustomize or a wrapper may print before the script does.
      let versions: Record<string, string>;
      try {
        versions = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, string>;
      } catch {
        return undefined; // not the probe's answer: a wrapper that ran something else
      }
      const { torch: torchVersion, ...moduleVersions } = versions;
      return { path, torchVersion, moduleVersions };
    });
    // A cancelled probe says nothing about the interpreter; let a later call retry it.
    found.catch(() => probes.delete(key));
    probes.set(key, found);
  }
  return found;
}

/**
 * The first interpreter that runs (and imports torch and has the other modules, when required): `pythonPath` alone when given,
 * else INFERBENCH_PYTHON, then `python3`, then `/usr/bin/python3` ({@link pythonCandidates}). The
 * error names every one tried.
 */
export async function findPython(options: FindPythonOptions): Promise<FoundPython> {
  const candidates = options.pythonPath === undefined ? pythonCandidates(options.env ?? process.env, options.fallbackPythons) : [options.pythonPath];
  const modules = options.requireModules ?? [];
  for (const candidate of candidates) {
    const found = await probe(candidate, options.requireTorch, modules, options.signal);
    if (found) return found;
  }
  const what = options.requireTorch ? `Python 3 that imports ${['torch', ...modules].join(' and ')}` : 'Python 3.8 or later';
  const tried = candidates.join(', ');
  const fix =
    modules.length > 0
      ? `pip install ${modules.join(' ')} for it (and torch if it lacks that) or set INFERBENCH_PYTHON to an interpreter that has them`
      : options.requireTorch
        ? 'install PyTorch for it (Debian/Ubuntu: apt-get install python3-torch; or pip install torch) or set INFERBENCH_PYTHON to an interpreter that has it'
        : 'install python3 or set INFERBENCH_PYTHON to an interpreter';
  throw new InferbenchError('INVALID_OPTION', `found no ${what} (tried ${tried}); ${fix}`);
}
