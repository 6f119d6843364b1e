import { fileURLToPath } from 'node:url';

/** A worker thread's module, and the arguments its thread needs to load it. */
export interface WorkerFile {
  /** Path of the module the thread loads. */
  readonly filename: string;
  /** The thread's `process.argv` additions. */
  readonly argv: readonly string[];
}

/**
 * The worker-thread module `name` beside the module at `moduleUrl`. Built code gets the compiled
 * `.js`; code run from its TypeScript source (the tests, the examples) gets a loader that compiles
 * the `.ts` in the thread, since a worker thread does not inherit its parent's loader.
 */
export function workerFile(name: string, moduleUrl: string): WorkerFile {
  if (!moduleUrl.endsWith('.ts')) return { filename: fileURLToPath(new URL(`./${name}.js`, moduleUrl)), argv: [] };
  return { filename: fileURLToPath(new URL('./ts-worker-loader.mjs', import.meta.url)), argv: [fileURLToPath(new URL(`./${name}.ts`, moduleUrl))] };
}
