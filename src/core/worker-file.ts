import { fileURLToPath } from 'node:url';
import { builtModule } from './source-build.js';

/** A worker thread's module, and the arguments its thread needs to load it. */
export interface WorkerFile {
  /** Path of the module the thread loads. */
  readonly filename: string;
  /** The thread's `process.argv` additions. */
  readonly argv: readonly string[];
}

/**
 * The worker-thread module `name` beside the module at `moduleUrl`. Built code gets the compiled `.js`. Code run from
 * its TypeScript source (the tests, the examples) gets the checkout's build of the same module when that build is
 * current, else a loader that compiles the `.ts` in the thread, since a worker thread does not inherit its parent's
 * loader: that costs each thread about 0.4 s of CPU, and a test suite starts hundreds.
 */
export function workerFile(name: string, moduleUrl: string): WorkerFile {
  if (!moduleUrl.endsWith('.ts')) return { filename: fileURLToPath(new URL(`./${name}.js`, moduleUrl)), argv: [] };
  const source = fileURLToPath(new URL(`./${name}.ts`, moduleUrl));
  const built = builtModule(source);
  if (built !== undefined) return { filename: built, argv: [] };
  return { filename: fileURLToPath(new URL('./ts-worker-loader.mjs', import.meta.url)), argv: [source] };
}
