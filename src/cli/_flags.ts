import type { ArgsDef } from 'citty';
import { InferbenchError } from '../core/errors.js';
import { parseScenario, type Scenario } from '../options/scenarios.js';

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
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^[+]?\d+$/.test(raw.trim()) || value < min) {
    throw new InferbenchError('INVALID_OPTION', `${flag} must be an integer ≥ ${min}, got '${raw}'`);
  }
  return value;
}

const MS_PER_UNIT = { us: 1e-3, ms: 1, s: 1000, m: 60_000 } as const;

/**
 * A duration such as "30s", "1500ms", "2m", "500us" or a bare number of seconds, in milliseconds.
 * With `unitRequired` (latencies) a bare number is refused: "50" could mean seconds or milliseconds.
 */
export function parseDurationFlag(flag: string, raw: string | undefined, options: { unitRequired?: boolean } = {}): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m)?$/.exec(raw.trim());
  const unit = match?.[2] as keyof typeof MS_PER_UNIT | undefined;
  const value = match && (unit !== undefined || !options.unitRequired) ? Number(match[1]) * MS_PER_UNIT[unit ?? 's'] : 0;
  if (!(value > 0)) {
    const form = options.unitRequired ? 'a positive duration with a unit, such as 50ms, 2s or 500us' : 'a positive duration such as 30s, 1500ms or 2m';
    throw new InferbenchError('INVALID_OPTION', `${flag} must be ${form}, got '${raw}'`);
  }
  return value;
}

/** A positive number, e.g. a rate in queries per second. */
export function parsePositiveFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !(Number.isFinite(value) && value > 0)) throw new InferbenchError('INVALID_OPTION', `${flag} must be a positive number, got '${raw}'`);
  return value;
}

/** A fraction written as a percentage ("1%", "99%") or as a number between 0 and 1 ("0.01"). */
export function parseFractionFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = raw.trim();
  const value = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (text === '' || text === '%' || !(value > 0 && value < 1)) {
    throw new InferbenchError('INVALID_OPTION', `${flag} must be a percentage between 0 and 100 such as 1% or 99%, or a fraction such as 0.01; got '${raw}'`);
  }
  return value;
}

/** A scenario name, in MLPerf's spelling or kebab-case. */
export function parseScenarioFlag(raw: string | undefined): Scenario | undefined {
  if (raw === undefined || raw === '') return undefined;
  const scenario = parseScenario(raw);
  if (!scenario) throw new InferbenchError('INVALID_OPTION', `--scenario must be closed, open, single-stream, multi-stream, server or offline, got '${raw}'`);
  return scenario;
}

/** `0.5,0.5,0.5` as numbers. */
export function parseNumberListFlag(flag: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const values = raw.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  if (values.some((v) => !Number.isFinite(v))) {
    throw new InferbenchError('INVALID_OPTION', `${flag} takes numbers separated by commas, e.g. 0.5,0.5,0.5; got '${raw}'`);
  }
  return values;
}

/** `a=1,b=2` as a record, for flags that map names to values. */
export function parseAssignments(flag: string, raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined || raw === '') return undefined;
  return Object.fromEntries(
    raw.split(',').map((pair) => {
      const [key, value] = pair.split('=').map((s) => s.trim());
      if (!key || !value) throw new InferbenchError('INVALID_OPTION', `${flag} takes name=value pairs separated by commas, got '${raw}'`);
      return [key, value];
    }),
  );
}

/** `2,4,8` or the workshop's `"2 4 8"` as integers ≥ 1 (batch sizes, copies, clients). */
export function parseIntegerList(label: string, raw: string): number[] {
  const parts = raw.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new InferbenchError('INVALID_OPTION', `${label} lists no value; write e.g. 2,4,8`);
  return parts.map((p) => parseIntegerFlag(label, p, 1)!);
}

/** Refuses positional arguments for a command whose every value follows a flag. */
export function refuseArguments(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) {
    throw new InferbenchError('INVALID_OPTION', `unexpected argument '${positionals[0]}'; every value of 'inferbench ${command}' follows a flag`);
  }
}
