import { z } from 'zod';
import { MAX_TIMER_MS } from '../core/clock.js';
import { InferbenchError } from '../core/errors.js';

/** Help topics, in the order help and the README list them, each with its heading. */
export const OPTION_TOPICS = {
  model: 'Model',
  inputs: 'Inputs',
  device: 'Device',
  load: 'Load',
  stop: 'When to stop',
  statistics: 'Statistics',
  reporting: 'Reporting',
} as const;

/** The topic an option is listed under. */
export type OptionTopic = keyof typeof OPTION_TOPICS;

/**
 * How a difference in an option between two results matters: `configuration` changes what is
 * measured (such results cannot be merged); `context` is worth knowing when comparing.
 */
export type ComparedAs = 'configuration' | 'context';

/** Reads an option's value from text (a flag, an environment variable, a `--vary` value); undefined when the text is not of its form. */
export type TextParser = (text: string) => unknown;

/** An old flag spelling, kept for one release; its value keeps its old meaning. */
export interface OldFlag {
  /** The spelling without dashes, e.g. `requests`. */
  readonly name: string;
  /** Reads its value where that differs from the new flag (`--duration 30` was seconds). */
  readonly parse?: TextParser;
  /** What its text must be, with `parse`. */
  readonly form?: string;
  /** A one-letter alias that keeps the old meaning too (`-d 30` was 30 s). */
  readonly short?: string;
}

/** What an option's value is: its schema (type and bounds), and how it is read from text. */
export interface OptionKind<S extends z.ZodType = z.ZodType> {
  /** Type and bounds; its messages say what the value must be ("must be an integer ≥ 1"). */
  readonly schema: S;
  /** Reads the value from text; the schema then checks it. */
  readonly parse: TextParser;
  /** What the text must be, for the one line that refuses it: "an integer ≥ 1". */
  readonly form: string;
  /** How help shows the value (`n`, `time`); undefined for an on/off flag. */
  readonly valueHint: string | undefined;
  /** A flag that may be given more than once, each adding a value. */
  readonly repeatable?: boolean;
  /** The largest value, and what the text must be past it, where `form` leaves that limit unsaid (an integer's 2⁵³ − 1). */
  readonly ceiling?: { readonly value: number; readonly form: string };
}

/** What a declaration says beside its kind. */
export interface OptionDetails<Default> {
  /** The fixed default; options whose default depends on others say so in `defaultText` and are resolved by rules. */
  readonly default?: Default;
  /** One line of help, under 60 characters where it can be. */
  readonly help: string;
  /** The default as help and the README show it, when there is one. */
  readonly defaultText?: string;
  /** Where help lists it. */
  readonly topic: OptionTopic;
  /** One-letter flag. */
  readonly short?: string;
  /** The workshop's environment variable that sets it. */
  readonly env?: string;
  /** When the environment variable applies; elsewhere it is ignored (NUM_THREADS counts closed-loop clients only). */
  readonly envApplies?: (options: Readonly<Record<string, unknown>>) => boolean;
  /** Old flag spellings, kept for one release. */
  readonly oldFlags?: readonly OldFlag[];
  /** Whether a difference between two results matters, and how; undefined when it does not. */
  readonly compared?: ComparedAs;
  /** Options it cannot be given with: from a lower layer (config < environment < flags) they give way to it. */
  readonly excludes?: readonly string[];
  /** Set by other options (the scenario's percentile): no flag, and accepted back only with the value they give. */
  readonly derived?: boolean;
}

/** One run option, declared once: everything else (types, flags, help, checks) derives from it. */
export type OptionDeclaration<S extends z.ZodType = z.ZodType> = OptionKind<S> & Omit<OptionDetails<unknown>, 'default'>;

/** An option with a fixed default, or an optional one. */
export function option<S extends z.ZodType>(kind: OptionKind<S>, details: OptionDetails<z.output<S>> & { readonly default: z.output<S> }): OptionDeclaration<z.ZodDefault<S>>;
export function option<S extends z.ZodType>(kind: OptionKind<S>, details: OptionDetails<never>): OptionDeclaration<z.ZodOptional<S>>;
export function option<S extends z.ZodType>(kind: OptionKind<S>, details: OptionDetails<z.output<S>>): OptionDeclaration {
  const { default: fixed, ...rest } = details;
  const schema = fixed === undefined ? kind.schema.optional() : (kind.schema as z.ZodType).default(fixed as never);
  return { ...kind, ...rest, schema };
}

const trimmed = (text: string): string => text.trim();

/**
 * A value read from `text` as `kind` reads it, then checked by its schema; `label` names where the text
 * came from (`--batch-size`, `BATCH_SIZE`), so that the one line refusing it names what the user typed.
 */
export function readKindText(kind: Pick<OptionKind, 'schema' | 'parse' | 'form' | 'ceiling'>, label: string, text: string): unknown {
  const value = kind.parse(text);
  const checked = value === undefined ? undefined : kind.schema.safeParse(value);
  if (!checked?.success) {
    const pastCeiling = kind.ceiling !== undefined && typeof value === 'number' && value > kind.ceiling.value;
    throw new InferbenchError('INVALID_OPTION', `${label} must be ${pastCeiling ? kind.ceiling!.form : kind.form}, got '${text}'`);
  }
  return checked.data;
}

/**
 * An integer from `min` to `max`, by default the largest a number holds exactly (2⁵³ − 1): `1e20` is an integer, but
 * not one that survives as itself. Written in decimal, an exponent allowed (`1e6`).
 */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): OptionKind<z.ZodNumber> {
  const range = `an integer from ${min} to ${max}`;
  const form = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : range;
  const error = `must be ${form}`;
  return {
    // The ceiling first: past 2⁵³ − 1 the integer check fails too, and would hide the limit.
    schema: z.number({ error }).max(max, { error: `must be ${range}` }).int({ error }).min(min, { error }),
    parse: (text) => {
      const value = finite(text);
      return value !== undefined && Number.isInteger(value) ? value : undefined;
    },
    form,
    valueHint: 'n',
    ceiling: { value: max, form: range },
  };
}

/** Decimal notation only: `Number()` would also read `0x10` as 16, `0b1` and `Infinity`. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** A finite decimal number written as text; undefined for anything else. */
export const finite = (text: string): number | undefined => {
  const value = trimmed(text);
  return DECIMAL.test(value) && Number.isFinite(Number(value)) ? Number(value) : undefined;
};

/** Any finite number. */
export function number(valueHint: string): OptionKind<z.ZodNumber> {
  return { schema: z.number({ error: 'must be a number' }), parse: finite, form: 'a number', valueHint };
}

/** A number above 0, e.g. a rate or a price. */
export function positive(valueHint: string): OptionKind<z.ZodNumber> {
  const error = 'must be a positive number';
  return { schema: z.number({ error }).positive({ error }), parse: finite, form: 'a positive number', valueHint };
}

/** A number above 1: the largest ratio of the largest to the smallest window figure. */
export function ratioAboveOne(): OptionKind<z.ZodNumber> {
  const error = 'must be a number > 1 (1.1 allows 10% variation)';
  return { schema: z.number({ error }).gt(1, { error }), parse: finite, form: 'a number > 1, such as 1.1 for 10% variation', valueHint: 'ratio' };
}

const MS_PER_UNIT = { us: 1e-3, ms: 1, s: 1000, m: 60_000 } as const;
type TimeUnit = keyof typeof MS_PER_UNIT;

/** Reads `30s`, `1500ms`, `2m`, `500us`, or a bare number in `bareUnit` (none: a unit is required), as milliseconds. */
export function durationText(bareUnit: TimeUnit | undefined): TextParser {
  return (text) => {
    const match = /^(\d+(?:\.\d+)?)(us|ms|s|m)?$/.exec(trimmed(text));
    const unit = (match?.[2] as TimeUnit | undefined) ?? bareUnit;
    return match && unit !== undefined ? Number(match[1]) * MS_PER_UNIT[unit] : undefined;
  };
}

/**
 * A duration in milliseconds, from 0 when `allowZero` or from `minMs`, up to {@link MAX_TIMER_MS}; its flag takes a
 * unit, a bare number being milliseconds.
 */
export function duration(options: { readonly allowZero?: boolean; readonly minMs?: number } = {}): OptionKind<z.ZodNumber> {
  const least = options.minMs !== undefined ? `a duration from ${options.minMs}ms` : options.allowZero ? 'a duration ≥ 0' : 'a positive duration';
  const range = options.minMs !== undefined ? `from ${options.minMs}` : options.allowZero ? '≥ 0' : 'above 0';
  const error = `must be a number of milliseconds ${range} and at most ${MAX_TIMER_MS} (about 24 days)`;
  const base = z.number({ error }).max(MAX_TIMER_MS, { error });
  return {
    schema: options.minMs !== undefined ? base.min(options.minMs, { error }) : options.allowZero ? base.nonnegative({ error }) : base.positive({ error }),
    parse: durationText('ms'),
    form: `${least} up to about 24 days, such as 30s, 1500ms or 2m (a bare number is milliseconds)`,
    valueHint: 'time',
  };
}

/** A fraction between 0 and 1, also written as a percentage: `1%` or `0.01`. */
export function fraction(): OptionKind<z.ZodNumber> {
  const error = 'must be a fraction between 0 and 1 (e.g. 0.99)';
  return {
    schema: z.number({ error }).gt(0, { error }).lt(1, { error }),
    parse: (text) => {
      const percent = trimmed(text).endsWith('%') ? finite(trimmed(text).slice(0, -1)) : undefined;
      return percent === undefined ? finite(text) : percent / 100;
    },
    form: 'a percentage between 0 and 100 such as 1% or 99%, or a fraction such as 0.01',
    valueHint: '%',
  };
}

/** On or off: a flag without a value; `true`/`false` (or 1/0) in the environment and in `--vary`. */
export function onOff(): OptionKind<z.ZodBoolean> {
  const words: Readonly<Record<string, boolean>> = { true: true, '1': true, yes: true, false: false, '0': false, no: false };
  return { schema: z.boolean({ error: 'must be true or false' }), parse: (text) => words[trimmed(text).toLowerCase()], form: 'true or false', valueHint: undefined };
}

/** `a`, `b` or `c`, as text. */
export const listOfWords = (values: readonly string[]): string => (values.length === 1 ? values[0]! : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`);

/** One of a few words. */
export function choice<const T extends readonly [string, ...string[]]>(values: T): OptionKind<z.ZodEnum<{ [K in T[number]]: K }>> {
  const form = listOfWords(values.map((v) => `'${v}'`));
  return { schema: z.enum(values, { error: `must be ${form}` }), parse: trimmed, form, valueHint: values.join('|') };
}

/** Non-empty text, such as a path or a name. */
export function text(valueHint: string, error = 'must be non-empty text'): OptionKind<z.ZodString> {
  return { schema: z.string({ error }).min(1, { error }), parse: (t) => t, form: 'non-empty text', valueHint };
}

/** Texts, one per flag given, e.g. threshold expressions. */
export function texts(valueHint: string): OptionKind<z.ZodReadonly<z.ZodArray<z.ZodString>>> {
  const error = 'must be a list of texts';
  return { schema: z.array(z.string({ error }), { error }).readonly(), parse: (t) => [t], form: 'text', valueHint, repeatable: true };
}

/** Numbers separated by commas, each checked by `each`: `length` of them when given, else at least one. */
export function numbers(
  each: z.ZodNumber,
  options: { readonly what: string; readonly example: readonly number[]; readonly valueHint: string; readonly length?: number },
): OptionKind<z.ZodReadonly<z.ZodArray<z.ZodNumber>>> {
  const error = `must list ${options.what}, e.g. [${options.example.join(', ')}]`;
  const list = z.array(each, { error });
  return {
    schema: (options.length === undefined ? list.min(1, { error }) : list.length(options.length, { error })).readonly(),
    parse: (t) => {
      const values = t.split(',').map(finite);
      return values.every((v) => v !== undefined) ? values : undefined;
    },
    form: `${options.what} separated by commas, e.g. ${options.example.join(',')}`,
    valueHint: options.valueHint,
  };
}

/** `name=value` pairs separated by commas, as a record; each value read by `value`. */
export function assignments<S extends z.ZodType>(schema: S, value: (text: string) => unknown, options: { readonly form: string; readonly valueHint: string }): OptionKind<S> {
  return {
    schema,
    parse: (t) => {
      const pairs = t.split(',').map((pair) => pair.split('=').map(trimmed));
      return pairs.every((p) => p.length === 2 && p[0] !== '' && p[1] !== '') ? Object.fromEntries(pairs.map(([k, v]) => [k, value(v!)])) : undefined;
    },
    form: options.form,
    valueHint: options.valueHint,
  };
}
