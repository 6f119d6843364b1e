import { z } from 'zod';
import { InferbenchError } from '../core/errors.js';
import type { OptionDeclaration } from './option-kinds.js';

/** Declarations by name. */
export type Declarations = Readonly<Record<string, OptionDeclaration>>;

/** Options as a user gives them: each optional, of the type its schema takes. */
export type OptionsOf<D extends Declarations> = { readonly [K in keyof D]?: z.input<D[K]['schema']> };

/** Options resolved: each of the type its schema gives, those in `Always` never undefined. */
export type SettingsOf<D extends Declarations, Always extends keyof D = never> = {
  readonly [K in keyof D]: K extends Always ? NonNullable<z.output<D[K]['schema']>> : z.output<D[K]['schema']>;
};

/** An option's flag: its name in kebab-case (`queryCount` → `query-count`). */
export const flagOf = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * How the one line refusing a combination of options names each: by its API name, or, on the command line, as the
 * user gave it (`-n`, `--requests`, NUM_REQUESTS).
 */
export type OptionNamer = (name: string) => string;

/** The API's names, for the API's refusals. */
export const apiName: OptionNamer = (name) => name;

/** An option as messages name it, for users of the API and of the CLI alike: `rateQps (--rate-qps)`. */
export const optionLabel = (name: string): string => `${name} (--${flagOf(name)})`;

/** The schema of an object of `declarations`; unknown keys are refused when `strict`, else dropped. */
export function optionsSchema<D extends Declarations>(declarations: D, strict: boolean): z.ZodObject<{ [K in keyof D]: D[K]['schema'] }> {
  const shape = Object.fromEntries(Object.entries(declarations).map(([name, d]) => [name, d.schema]));
  return (strict ? z.strictObject(shape) : z.object(shape)) as unknown as z.ZodObject<{ [K in keyof D]: D[K]['schema'] }>;
}

/** Where checked options come from, for the one line that refuses them. */
export interface CheckContext {
  /** The file they were read from, named first. */
  readonly source?: string;
  /** Names an unknown key (dotted), with the option meant when there is one. */
  readonly unknownKey?: (key: string) => string;
}

/**
 * Checks `input` against `schema`, at the API's boundary or in a config file: one line names the first
 * bad value by its API name, and how to fix it.
 */
export function checkOptions<S extends z.ZodType>(schema: S, input: unknown, { source, unknownKey = (key) => `unknown setting '${key}'` }: CheckContext = {}): z.output<S> {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.join('.');
  const detail =
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((k) => unknownKey([...issue.path, k].join('.'))).join(', ')
      : `${where === '' ? 'options' : where} ${issue.message}, got ${JSON.stringify(issue.input)}`;
  throw new InferbenchError('INVALID_OPTION', source === undefined ? detail : `${source}: ${detail}`);
}
