import { z } from 'zod';
import { InferbenchError } from '../core/errors.js';
import type { BenchmarkResult } from '../results/benchmark-result.js';
import { parseResult } from '../results/read-result.js';
import type { FleetConfiguration, FleetPlan } from './fleet-plan.js';

/** Version of a stored fleet result's envelope. */
export const FLEET_RESULT_VERSION = 1;

/** One configuration's result as a shard stores it: the run's result, and which plan and configuration it answers. */
export interface FleetResultObject {
  readonly inferbenchFleetResult: typeof FLEET_RESULT_VERSION;
  readonly planId: string;
  readonly configurationId: string;
  readonly target: string;
  readonly label: string;
  /** The shard that ran it, `i/N`. */
  readonly shard: string;
  readonly result: BenchmarkResult;
}

/** Where a configuration's result lies in the store: `<target>/<configuration id>.json`. */
export const resultKey = (configuration: Pick<FleetConfiguration, 'target' | 'id'>): string => `${configuration.target}/${configuration.id}.json`;

const envelopeShape = z.object({
  inferbenchFleetResult: z.literal(FLEET_RESULT_VERSION),
  planId: z.string(),
  configurationId: z.string(),
  target: z.string(),
  label: z.string(),
  shard: z.string(),
  result: z.unknown(),
});

const foreign = (source: string, why: string): InferbenchError =>
  new InferbenchError('RESULT_INVALID', `${source} is not a result of this fleet sweep (${why}); remove it, or collect from the location its plan wrote`);

/** A stored object read back and checked against the plan: whole, of this plan, for the configuration its key names. */
export function parseFleetResult(bytes: Buffer, source: string, plan: FleetPlan, configuration: FleetConfiguration): FleetResultObject {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw foreign(source, `not JSON: ${(error as Error).message}`);
  }
  const envelope = envelopeShape.safeParse(json);
  if (!envelope.success) throw foreign(source, 'no fleet result envelope');
  const { planId, configurationId, target } = envelope.data;
  if (planId !== plan.planId) throw foreign(source, `it answers plan ${planId}, not ${plan.planId}`);
  if (configurationId !== configuration.id || target !== configuration.target) throw foreign(source, `it holds configuration ${target}/${configurationId}`);
  return { ...envelope.data, inferbenchFleetResult: FLEET_RESULT_VERSION, result: parseResult(envelope.data.result, source) };
}

/** True when `bytes` hold a whole fleet result of a plan other than `plan`: not a broken write, but someone else's. */
export function isFleetResultOfAnotherPlan(bytes: Buffer, plan: FleetPlan): boolean {
  try {
    const envelope = envelopeShape.safeParse(JSON.parse(bytes.toString('utf8')));
    return envelope.success && envelope.data.planId !== plan.planId;
  } catch {
    return false;
  }
}
