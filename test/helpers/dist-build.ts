import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isBuildCurrent } from '../../src/core/source-build.js';

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Whether dist/ was current when the test process started. */
export const DIST_CURRENT = isBuildCurrent();

/** tsx's loader by absolute path, since a bare `--import tsx` resolves from the working directory. */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Node's arguments that run one of examples/ (a path from the repository's root): its `import 'inferbench'` reaches
 * the build in dist/ when that is current, else the TypeScript source.
 */
export function exampleNodeArgs(example: string): string[] {
  return [...(DIST_CURRENT ? [] : ['--conditions=inferbench-source']), '--import', TSX_LOADER, join(ROOT, example)];
}
