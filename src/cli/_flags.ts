import type { ArgDef, ArgsDef } from 'citty';
import { InferbenchError } from '../core/errors.js';
import { fraction, integer, readKindText } from '../options/option-kinds.js';

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * citty accepts any flag; a benchmark with a mistyped flag would silently measure the wrong thing,
 * so every flag must be one the command defines.
 */
export function assertKnownFlags(command: string, rawArgs: readonly string[], args: ArgsDef): void {
  const known = new Set<string>(['help', 'h']);
  for (const [name, def] of Object.entries(args)) {
    const aliases = 'alias' in def ? [def.alias ?? []].flat() : [];
    for (const n of [name, ...aliases]) {
      known.add(camel(n));
      if (def.type === 'boolean') known.add(camel(`no-${n}`));
    }
  }
  for (const arg of rawArgs) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || /^-\d/.test(arg)) continue;
    const name = arg.replace(/^--?/, '').split('=')[0]!;
    if (!known.has(camel(name))) {
      throw new InferbenchError('INVALID_OPTION', `unknown option '${arg.split('=')[0]}'; run 'inferbench ${command} --help' to list the options`);
    }
  }
}

/**
 * A value flag's raw value, refusing what the parser makes of a missing value: '' for a flag given
 * last, and the next flag for one followed by a flag.
 */
export function flagValue(flag: string, raw: string | boolean | undefined): string | undefined {
  if (typeof raw !== 'string') return undefined;
  if (raw === '' || raw.startsWith('--')) throw new InferbenchError('INVALID_OPTION', `${flag} needs a value; run with --help for its form`);
  return raw;
}

/** A flag value that must be an integer ≥ `min`, named as the user typed it. */
export function parseIntegerFlag(flag: string, raw: string | undefined, min: number): number | undefined {
  return raw === undefined || raw === '' ? undefined : (readKindText(integer(min), flag, raw) as number);
}

/** A fraction written as a percentage ("1%", "99%") or as a number between 0 and 1 ("0.01"). */
export function parseFractionFlag(flag: string, raw: string | undefined): number | undefined {
  return raw === undefined || raw === '' ? undefined : (readKindText(fraction(), flag, raw) as number);
}

/** `2,4,8` or the workshop's `"2 4 8"` as integers ≥ 1 (batch sizes, copies, clients). */
function parseIntegerList(label: string, raw: string): number[] {
  const parts = raw.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new InferbenchError('INVALID_OPTION', `${label} lists no value; write e.g. 2,4,8`);
  return parts.map((p) => parseIntegerFlag(label, p, 1)!);
}

/**
 * The text of a list flag given by its flag or its old spelling, not both, with the spelling used;
 * undefined when neither is given. A flag given twice counts once, the last.
 */
export function listFlagText(flags: Readonly<Record<string, unknown>>, flag: string, oldFlag?: string): { readonly flag: string; readonly text: string } | undefined {
  const given = [flag, oldFlag].filter((f): f is string => f !== undefined && flags[f] !== undefined);
  if (given.length > 1) throw new InferbenchError('INVALID_OPTION', `--${oldFlag} is the old spelling of --${flag}; give one of them`);
  const used = given[0];
  const text = used === undefined ? undefined : flagValue(`--${used}`, [flags[used]].flat().at(-1) as string | boolean | undefined);
  return used === undefined || text === undefined ? undefined : { flag: used, text };
}

/** An integer list flag (`2,4,8`), by its flag or its old spelling, not both. */
export function integerListFlag(flags: Readonly<Record<string, unknown>>, flag: string, oldFlag?: string): number[] | undefined {
  const given = listFlagText(flags, flag, oldFlag);
  return given === undefined ? undefined : parseIntegerList(`--${given.flag}`, given.text);
}

/** An integer list in an environment variable, the workshop's way (`BATCH_SIZES="2 4 8"`); undefined when unset or empty. */
export function integerListEnv(env: Readonly<Record<string, string | undefined>>, variable: string): number[] | undefined {
  const text = env[variable];
  return text === undefined || text === '' ? undefined : parseIntegerList(variable, text);
}

/**
 * citty keeps the last value of a flag given twice; a flag whose values add up (`--vary`, `-t`) is
 * given every one, read from the raw arguments in order.
 */
export function withRepeatedFlags(flags: Readonly<Record<string, unknown>>, rawArgs: readonly string[], args: Readonly<Record<string, ArgDef>>): Record<string, unknown> {
  const withRepeats: Record<string, unknown> = { ...flags };
  for (const [name, def] of Object.entries(args)) {
    if ((def as { readonly repeatable?: boolean }).repeatable !== true) continue;
    const spellings = new Set([`--${name}`, ...('alias' in def ? [def.alias ?? []].flat() : []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`))]);
    const values: string[] = [];
    for (let i = 0; i < rawArgs.length && rawArgs[i] !== '--'; i += 1) {
      const arg = rawArgs[i]!;
      const equals = arg.indexOf('=');
      if (spellings.has(arg)) values.push(rawArgs[(i += 1)] ?? '');
      else if (arg.startsWith('--') && equals > 0 && spellings.has(arg.slice(0, equals))) values.push(arg.slice(equals + 1));
    }
    if (values.length > 0) withRepeats[name] = values;
  }
  return withRepeats;
}

/** Refuses positional arguments for a command whose every value follows a flag. */
export function refuseArguments(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) {
    throw new InferbenchError('INVALID_OPTION', `unexpected argument '${positionals[0]}'; every value of 'inferbench ${command}' follows a flag`);
  }
}

/** Where a command writes its result: a file, or a folder that gets a new name. */
export interface OutputTarget {
  /** The result file itself. */
  readonly file?: string;
  /** The folder of a new result file. */
  readonly dir?: string;
}

/**
 * `-o/--output-dir DIR` (the folder, as in every command that writes) or `--output FILE` (the file);
 * an `-o` ending in `.json` is the file, as it was before 1.0.
 */
export function outputTarget(flags: { readonly output?: unknown; readonly 'output-dir'?: unknown }): OutputTarget {
  const file = flagValue('--output', flags.output as string | undefined);
  const dir = flagValue('--output-dir', flags['output-dir'] as string | undefined);
  if (file !== undefined && dir !== undefined) throw new InferbenchError('INVALID_OPTION', 'give --output FILE or -o/--output-dir DIR, not both');
  return dir?.endsWith('.json') ? { file: dir } : { ...(file === undefined ? {} : { file }), ...(dir === undefined ? {} : { dir }) };
}
