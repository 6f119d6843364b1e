import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// For code run from its TypeScript source (a checkout's tests and examples) only: where the checkout's build is.
const SOURCE_ROOT = fileURLToPath(new URL('../', import.meta.url));
const REPOSITORY_ROOT = join(SOURCE_ROOT, '..');
const BUILD_ROOT = join(REPOSITORY_ROOT, 'dist');

let buildCurrent: boolean | undefined;

/**
 * True when the checkout's dist/ was built from its current sources: every module of src/ has its compiled file, no
 * older than the source, no compiled module lacks its source, and no build setting changed since. `npm ci` builds it
 * (the prepare script). Checked once per process.
 */
export function isBuildCurrent(): boolean {
  buildCurrent ??= checkBuild();
  return buildCurrent;
}

function checkBuild(): boolean {
  if (!existsSync(BUILD_ROOT)) return false;
  const sources = readdirSync(SOURCE_ROOT, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const builtAfter = (source: string): boolean => {
    const compiled = join(BUILD_ROOT, source.replace(/\.ts$/, '.js'));
    return existsSync(compiled) && statSync(compiled).mtimeMs >= statSync(join(SOURCE_ROOT, source)).mtimeMs;
  };
  const compiled = readdirSync(BUILD_ROOT, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  const hasSource = (module: string): boolean => existsSync(join(SOURCE_ROOT, module.replace(/\.js$/, '.ts')));
  return sources.every(builtAfter) && compiled.every(hasSource) && statSync(BUILD_ROOT).mtimeMs >= statSync(join(REPOSITORY_ROOT, 'tsconfig.json')).mtimeMs;
}

/** The compiled module of `sourcePath`, a `.ts` file under src/, when the build is current. */
export function builtModule(sourcePath: string): string | undefined {
  return isBuildCurrent() ? join(BUILD_ROOT, relative(SOURCE_ROOT, sourcePath).replace(/\.ts$/, '.js')) : undefined;
}
