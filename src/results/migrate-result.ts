import { parseScenario } from '../options/scenarios.js';

/** The result layout before this one, which this version still reads. */
export const PREVIOUS_RESULT_SCHEMA_VERSION = 2;

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** `object` with its keys renamed by `names` where present; anything else as it is. */
function renameKeys(object: unknown, names: Readonly<Record<string, string>>): unknown {
  if (!isObject(object)) return object;
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [names[key] ?? key, value]));
}

/** A scenario in the spelling of this version: MLPerf's `Server` became `server`. */
function scenarioOf(object: unknown): unknown {
  if (!isObject(object) || typeof object.scenario !== 'string') return object;
  return { ...object, scenario: parseScenario(object.scenario) ?? object.scenario };
}

/**
 * A result of the previous layout in this one. Version 2 named scenarios as MLPerf does (`Server`,
 * `SingleStream`) and, before 1.0, called `requestsPerQuery` samplesPerQuery and `inputCount`
 * sampleCount; version 3 names them as the API does. Other versions are returned as they are.
 */
export function migrateResult(value: Json): Json {
  if (value.schemaVersion !== PREVIOUS_RESULT_SCHEMA_VERSION) return value;
  return {
    ...value,
    schemaVersion: PREVIOUS_RESULT_SCHEMA_VERSION + 1,
    settings: scenarioOf(renameKeys(value.settings, { samplesPerQuery: 'requestsPerQuery', sampleCount: 'inputCount' })),
    inputs: renameKeys(value.inputs, { sampleCount: 'inputCount' }),
    measurement: scenarioOf(value.measurement),
  };
}
