import { LOAD_OPTIONS } from './load-options.js';
import { readKindText, type OldFlag, type OptionDeclaration } from './option-kinds.js';
import { checkOptions, flagOf, optionsSchema, type Declarations, type OptionsOf } from './option-schema.js';
import { DEVICE_OPTIONS, INPUT_OPTIONS, JUDGEMENT_OPTIONS, MODEL_OPTIONS } from './run-options.js';

/** Every run option, declared once, in the order reports and setting differences list them. */
export const RUN_OPTIONS = { ...MODEL_OPTIONS, ...LOAD_OPTIONS, ...DEVICE_OPTIONS, ...INPUT_OPTIONS, ...JUDGEMENT_OPTIONS };

/** The name of a run option, as the API spells it. */
export type RunOptionName = keyof typeof RUN_OPTIONS;

/** Every run option as a user gives it. */
export type RunOptions = OptionsOf<typeof RUN_OPTIONS>;

/** The names of `declarations`, in their order. */
export const namesOf = <D extends Declarations>(declarations: D): (keyof D & string)[] => Object.keys(declarations);

/** The options a flag or an environment variable may set: all but those set by others. */
export const SETTABLE_OPTIONS: readonly RunOptionName[] = namesOf(RUN_OPTIONS).filter((name) => RUN_OPTIONS[name].derived !== true);

/** The run option a name stands for: its API name, its flag, or an old flag spelling (with how that reads its text). */
export function optionNamed(name: string): { readonly name: RunOptionName; readonly oldFlag: OldFlag | undefined } | undefined {
  for (const option of namesOf(RUN_OPTIONS)) {
    if (RUN_OPTIONS[option].derived === true) continue;
    if (name === option || name === flagOf(option)) return { name: option, oldFlag: undefined };
    const oldFlag = RUN_OPTIONS[option].oldFlags?.find((old) => old.name === name);
    if (oldFlag) return { name: option, oldFlag };
  }
  return undefined;
}

/**
 * An option's value read from text and checked; `label` names where the text came from (`--batch-size`,
 * `BATCH_SIZE`), so that the one line refusing it names what the user typed.
 */
export function readOptionText(name: RunOptionName, label: string, text: string, oldFlag?: OldFlag): unknown {
  const declaration: OptionDeclaration = RUN_OPTIONS[name];
  return readKindText({ ...declaration, parse: oldFlag?.parse ?? declaration.parse, form: oldFlag?.form ?? declaration.form }, label, text);
}

/** "unknown setting 'requests'; the option is queryCount": an unknown key, and the option meant when it is a flag spelling. */
export function unknownOption(key: string): string {
  const meant = optionNamed(key);
  return `unknown setting '${key}'${meant ? `; the option is ${meant.name}` : ''}`;
}

const runOptionsSchema = optionsSchema(RUN_OPTIONS, true);

/** Checks options read from a file (`source`) before they are layered, naming the file and the option; gives them back as given. */
export function checkOptionsFile(input: unknown, source: string): RunOptions {
  checkOptions(runOptionsSchema, input, { source, unknownKey: unknownOption });
  return input as RunOptions;
}
