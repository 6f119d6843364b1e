import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where inferbench keeps generated models and compiled artifacts: `INFERBENCH_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/inferbench`, else `~/.cache/inferbench`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.INFERBENCH_CACHE_DIR) return resolve(env.INFERBENCH_CACHE_DIR);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'inferbench');
}
