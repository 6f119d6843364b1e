import type { BooleanArgDef, StringArgDef } from 'citty';
import { InferbenchError } from '../core/errors.js';
import { OPTION_TOPICS, type OldFlag } from '../options/option-kinds.js';
import { optionNamed, readOptionText, RUN_OPTIONS, SETTABLE_OPTIONS, type RunOptionName, type RunOptions } from '../options/option-registry.js';
import { flagOf, type OptionNamer } from '../options/option-schema.js';
import { flagValue } from './_flags.js';

/** A flag as citty takes it, with what help and the README show beside it. */
export type OptionArgDef = (StringArgDef | BooleanArgDef) & {
  /** The help heading it goes under: a run option's topic; none for a command's own flag. */
  readonly group?: string;
  /** The environment variable that sets it. */
  readonly env?: string;
  /** Its default, as shown. */
  readonly defaultText?: string;
  /** What it does, without the default and the variable that `description` adds. */
  readonly help?: string;
  /** For an old spelling: the flag that replaces it. */
  readonly replacedBy?: string;
  /** Given more than once, each value adds up (read by withRepeatedFlags). */
  readonly repeatable?: boolean;
};

/** The help heading of old flag spellings. */
export const OLD_SPELLINGS = 'Old spellings (kept for one release)';

/** An old spelling of `flag`, listed under {@link OLD_SPELLINGS}. */
export function oldSpelling(flag: string, kind: 'boolean' | 'value' | 'repeatable', note?: string, short?: string): OptionArgDef {
  const description = `Old spelling of --${flag}${note === undefined ? '' : `; ${note}`}`;
  const common = { description, group: OLD_SPELLINGS, replacedBy: `--${flag}`, ...(short === undefined ? {} : { alias: short }) };
  return kind === 'boolean' ? { type: 'boolean', ...common } : { type: 'string', valueHint: 'value', ...common, ...(kind === 'repeatable' ? { repeatable: true } : {}) };
}

/** "Samples per request (default 4) [env BATCH_SIZE]". */
const describe = (help: string, defaultText: string | undefined, env: string | undefined): string =>
  `${help}${defaultText === undefined ? '' : ` (default ${defaultText})`}${env === undefined ? '' : ` [env ${env}]`}`;

/**
 * The flags of run options `names`, generated from their declarations: each under its name in
 * kebab-case with its one-letter alias, grouped by topic; then their old spellings.
 */
export function optionArgs(names: readonly RunOptionName[] = SETTABLE_OPTIONS): Record<string, OptionArgDef> {
  const topics = Object.keys(OPTION_TOPICS);
  const byTopic = [...names].sort((a, b) => topics.indexOf(RUN_OPTIONS[a].topic) - topics.indexOf(RUN_OPTIONS[b].topic));
  const current = byTopic.map((name): [string, OptionArgDef] => {
    const { valueHint, short, help, defaultText, env, topic, repeatable } = RUN_OPTIONS[name];
    const common = {
      // An on/off flag is off unless given: its default goes without saying.
      description: describe(help, valueHint === undefined ? undefined : defaultText, env),
      help,
      group: OPTION_TOPICS[topic],
      ...(env ? { env } : {}),
      ...(defaultText ? { defaultText } : {}),
      ...(short ? { alias: short } : {}),
      ...(repeatable ? { repeatable } : {}),
    };
    return [flagOf(name), valueHint === undefined ? { type: 'boolean', ...common } : { type: 'string', valueHint, ...common }];
  });
  const old = byTopic.flatMap((name) =>
    (RUN_OPTIONS[name].oldFlags ?? []).map((o): [string, OptionArgDef] => {
      const { valueHint, repeatable } = RUN_OPTIONS[name];
      return [o.name, oldSpelling(flagOf(name), valueHint === undefined ? 'boolean' : repeatable ? 'repeatable' : 'value', o.form && `takes ${o.form}`, o.short)];
    }),
  );
  return Object.fromEntries([...current, ...old]);
}

/** The texts of a value flag, in the order given; a flag whose values add up arrives as a list. */
function flagTexts(flag: string, raw: unknown): string[] {
  return [raw].flat().map((value) => flagValue(`--${flag}`, value as string | boolean | undefined) ?? '');
}

/** How the user spelled each run option they gave by flag, as last typed: `-n`, `--query-count`, `--requests`. */
export type TypedFlags = Readonly<Partial<Record<RunOptionName, string>>>;

/** The run option a one-letter flag stands for, its own or an old spelling's (`-d`, the old `--duration`). */
const shortFlagOption = (letter: string): RunOptionName | undefined =>
  SETTABLE_OPTIONS.find((name) => RUN_OPTIONS[name].short === letter || RUN_OPTIONS[name].oldFlags?.some((old) => old.short === letter));

/** The flags in `rawArgs` that give run options, as typed: citty resolves `-n` to `--query-count` and forgets which was used. */
export function typedFlags(rawArgs: readonly string[]): TypedFlags {
  const typed: Partial<Record<RunOptionName, string>> = {};
  for (const arg of rawArgs) {
    if (arg === '--') break;
    const match = /^(--?)([A-Za-z][\w-]*)/.exec(arg);
    if (!match) continue;
    const [, dashes, spelled] = match as unknown as [string, string, string];
    const name = dashes === '--' ? optionNamed(spelled)?.name : shortFlagOption(spelled);
    if (name !== undefined) typed[name] = `${dashes}${spelled}`;
  }
  return typed;
}

/**
 * How the command line names run options when refusing a combination of them: as the user gave each (the flag typed,
 * the environment variable, the config file's key), and one not given by its flag.
 */
export function commandLineNames(typed: TypedFlags, given: { readonly env: RunOptions; readonly config: RunOptions }): OptionNamer {
  return (name) => {
    const key = name as RunOptionName;
    const declaration = RUN_OPTIONS[key];
    if (declaration === undefined) return name;
    const flag = typed[key];
    if (flag !== undefined) return flag;
    if (given.env[key] !== undefined && declaration.env !== undefined) return declaration.env;
    return given.config[key] !== undefined || declaration.derived === true ? name : `--${flagOf(name)}`;
  };
}

/**
 * The run options that parsed flags give, among `names`: each by its flag or an old spelling, not both.
 * A value flag given twice counts once, the last, except where each adds a value (thresholds, given
 * every value by withRepeatedFlags). A bad value is refused naming the flag as `typed` says it was typed.
 */
export function optionsFromFlags(flags: Readonly<Record<string, unknown>>, names: readonly RunOptionName[] = SETTABLE_OPTIONS, typed: TypedFlags = {}): RunOptions {
  const entries = names.flatMap((name): [string, unknown][] => {
    const declaration = RUN_OPTIONS[name];
    const spellings: { readonly flag: string; readonly old?: OldFlag }[] = [{ flag: flagOf(name) }, ...(declaration.oldFlags ?? []).map((old) => ({ flag: old.name, old }))];
    const given = spellings.filter(({ flag }) => flags[flag] !== undefined);
    if (given.length === 0) return [];
    if (given.length > 1) throw new InferbenchError('INVALID_OPTION', `--${given[1]!.flag} is the old spelling of --${given[0]!.flag}; give one of them`);
    const { flag, old } = given[0]!;
    if (declaration.valueHint === undefined) return [[name, flags[flag] === true]];
    const values = flagTexts(flag, flags[flag]).map((text) => readOptionText(name, typed[name] ?? `--${flag}`, text, old));
    return [[name, declaration.repeatable === true ? values.flat() : values.at(-1)]];
  });
  return Object.fromEntries(entries);
}
