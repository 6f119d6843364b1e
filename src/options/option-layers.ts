import type { OptionDeclaration } from './option-kinds.js';
import { readOptionText, RUN_OPTIONS, SETTABLE_OPTIONS, type RunOptionName, type RunOptions } from './option-registry.js';

/** Where options come from besides their defaults, each layer a plain object of options. */
export interface OptionLayers {
  /** A config file: plain options, or a result's settings. */
  readonly config?: RunOptions;
  /** The workshop's environment variables, read by {@link optionsFromEnv}. */
  readonly env?: RunOptions;
  /** Flags. */
  readonly flags?: RunOptions;
}

const declarationOf = (name: string): OptionDeclaration | undefined => RUN_OPTIONS[name as RunOptionName];

/** A value that takes effect: false is how an on/off option says it is off. */
const isSet = (value: unknown): boolean => value !== undefined && value !== false;

/** Whether two options cannot be given together, as either declares. */
function exclusive(a: string, b: string): boolean {
  return (declarationOf(a)?.excludes ?? []).includes(b) || (declarationOf(b)?.excludes ?? []).includes(a);
}

/** `higher` over `lower`: what `lower` gives is kept unless `higher` sets it, or sets an option it cannot be given with. */
function over(lower: RunOptions, higher: RunOptions): RunOptions {
  const given = Object.entries(higher).filter(([, value]) => value !== undefined);
  const set = given.filter(([, value]) => isSet(value)).map(([name]) => name);
  const kept = Object.entries(lower).filter(([name]) => !set.some((h) => exclusive(h, name)));
  return Object.fromEntries([...kept, ...given]);
}

/**
 * The options in force. Precedence, lowest first: defaults (applied when the options are resolved) <
 * config file < environment < flags. A higher layer's option replaces what a lower one gives for it and
 * for the options it cannot be given with (`--duration-ms` replaces NUM_REQUESTS); an environment
 * variable applies only where its declaration says (NUM_THREADS: clients of the closed scenario).
 */
export function layerOptions({ config = {}, env = {}, flags = {} }: OptionLayers): RunOptions {
  const all = [config, env, flags].reduce(over, {});
  const applicableEnv = Object.fromEntries(Object.entries(env).filter(([name]) => declarationOf(name)?.envApplies?.(all) !== false));
  return [config, applicableEnv, flags].reduce(over, {});
}

/** The options the workshop's environment variables set (MODEL_NAME, BATCH_SIZE…), among `names`; an empty variable is unset. */
export function optionsFromEnv(env: Readonly<Record<string, string | undefined>>, names: readonly RunOptionName[] = SETTABLE_OPTIONS): RunOptions {
  const entries = names.flatMap((name) => {
    const variable = declarationOf(name)?.env;
    const text = variable === undefined ? undefined : env[variable];
    return variable === undefined || text === undefined || text === '' ? [] : [[name, readOptionText(name, variable, text)] as const];
  });
  return Object.fromEntries(entries);
}
