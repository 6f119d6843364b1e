import { InferbenchError } from '../core/errors.js';
import { parseThresholds } from '../stats/thresholds.js';
import { defaultWarmupQueries, resolveLoadSettings, type LoadSettings } from './load-settings.js';
import { namesOf, RUN_OPTIONS, unknownOption, type RunOptions } from './option-registry.js';
import { apiName, checkOptions, optionsSchema, type SettingsOf } from './option-schema.js';
import type { DEVICE_OPTIONS, INPUT_OPTIONS, JUDGEMENT_OPTIONS, MODEL_OPTIONS } from './run-options.js';

/** Model input names by role, for text models whose inputs are not called input_ids, attention_mask, token_type_ids. */
export type InputNames = NonNullable<BenchmarkSettingsInput['inputNames']>;

/**
 * Settings as a user gives them; every field is optional and has a default. Each is declared once, in
 * the option registry (`RUN_OPTIONS` in src/options), with its flag, environment variable and help.
 */
export interface BenchmarkSettingsInput extends RunOptions {}

/** The options that are not the load generator's. */
type BenchmarkOnlyOptions = typeof MODEL_OPTIONS & typeof DEVICE_OPTIONS & typeof INPUT_OPTIONS & typeof JUDGEMENT_OPTIONS;

/**
 * Settings with every default applied and every value checked; reports carry them. Given back as
 * options (`runBenchmark(result.settings)`) they resolve to themselves and reproduce the run.
 */
export interface BenchmarkSettings extends SettingsOf<BenchmarkOnlyOptions>, Omit<LoadSettings, 'warmupQueries'> {
  /** Unrecorded warm-up queries. */
  readonly warmupQueries: number;
}

/** Phases of a benchmark, in order. */
export type BenchmarkPhase = 'model' | 'inputs' | 'compile' | 'load' | 'warmup' | 'measure';

const invalid = (message: string): InferbenchError => new InferbenchError('INVALID_OPTION', message);
const settingsSchema = optionsSchema(RUN_OPTIONS, true);
const SETTING_NAMES = namesOf(RUN_OPTIONS).filter((name) => name !== 'queryCount' && name !== 'durationMs');

/**
 * Validates settings once, at the API boundary; a bad value throws one line naming it. A combination that cannot be is
 * refused naming each option as `name` says (the CLI names the flags typed).
 */
export function resolveBenchmarkSettings(input: BenchmarkSettingsInput, name: (option: string) => string = apiName): BenchmarkSettings {
  const s = checkOptions(settingsSchema, input, { unknownKey: unknownOption });
  if (s.searchQps && s.rateQps !== undefined) throw invalid(`give ${name('rateQps')} or ${name('searchQps')}, not both: the search chooses the rate`);
  // Before the load settings resolve: the search's placeholder rate would be refused in another scenario, naming the rate.
  if (s.searchQps && s.scenario !== 'server') throw invalid(`${name('searchQps')} applies to the server scenario, not ${s.scenario}; set ${name('scenario')} to server`);
  // The load generator owns the rules for its own settings (scenarios, bounds, their defaults). The
  // search sets each trial's rate; a placeholder lets the server preset resolve without one.
  const load = resolveLoadSettings(s.searchQps ? { ...s, rateQps: 1 } : s, name);
  if (s.tensorrtFp16 && s.device !== 'tensorrt') {
    throw invalid(`${name('tensorrtFp16')} applies to TensorRT engines, not device ${s.device}; drop it, or set ${name('device')} to tensorrt`);
  }
  // Parsed now so that a bad threshold fails before anything is measured.
  parseThresholds(s.thresholds);
  // Every setting is present, undefined when unset, as its type says; queryCount and durationMs live on as the bounds they set.
  const given = Object.fromEntries(SETTING_NAMES.map((name) => [name, s[name]])) as SettingsOf<BenchmarkOnlyOptions>;
  return {
    ...given,
    ...load,
    rateQps: s.searchQps ? undefined : load.rateQps,
    warmupQueries: load.warmupQueries ?? defaultWarmupQueries(s.copies, load.requestsPerQuery),
  };
}
