import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InferbenchError, firstLine } from '../core/errors.js';
import { RESULT_SCHEMA_VERSION, type BenchmarkResult } from './benchmark-result.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import { migrateResult, PREVIOUS_RESULT_SCHEMA_VERSION } from './migrate-result.js';

const summary = z.object({ count: z.number(), minNs: z.number(), maxNs: z.number(), meanNs: z.number(), percentilesNs: z.record(z.string(), z.number()) });

/** The fields readers rely on; the rest of the layout is carried along unchanged. */
const resultShape = z.looseObject({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  startedAt: z.string(),
  settings: z.looseObject({ model: z.string(), batchSize: z.number(), scenario: z.string() }),
  model: z.looseObject({ name: z.string(), sha256: z.string() }),
  inputs: z.looseObject({ batchSize: z.number() }),
  backend: z.looseObject({ name: z.string(), copies: z.number() }),
  measurement: z.looseObject({
    completedQueries: z.number(),
    completedRequests: z.number(),
    elapsedNs: z.number(),
    latency: summary,
    queue: summary,
    compute: summary,
    throughput: z.looseObject({ samplesPerSecond: z.number(), queriesPerSecond: z.number(), requestsPerSecond: z.number() }),
    errors: z.looseObject({ total: z.number(), timeouts: z.number(), byKind: z.record(z.string(), z.looseObject({ count: z.number(), example: z.string() })) }),
    stability: z.looseObject({ stable: z.boolean() }),
    firstInference: z.looseObject({ latencyNs: z.array(z.number()), computeNs: z.array(z.number()) }),
    windows: z.array(z.looseObject({ index: z.number(), startNs: z.number(), endNs: z.number(), completedQueries: z.number() })),
    histograms: z.object({ latency: z.string(), queue: z.string(), compute: z.string(), sendDelay: z.string() }),
  }),
  efficiency: z.looseObject({ samplesPerSecondPerCopy: z.number(), costPerMillionSamples: z.number().nullable() }),
  verdict: z.looseObject({ valid: z.boolean() }),
  environment: z.looseObject({ inferbench: z.string() }),
});

/**
 * Checks that `value`, read from `source`, is a result of this schema version, or of the previous one
 * (migrated to this one); one line names what is wrong.
 */
export function parseResult(value: unknown, source: string): BenchmarkResult {
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof value !== 'object' || value === null || version === undefined) {
    throw new InferbenchError('RESULT_INVALID', `${source} is not an inferbench result (no schemaVersion); pass a JSON file written by 'inferbench run'`);
  }
  if (version !== RESULT_SCHEMA_VERSION && version !== PREVIOUS_RESULT_SCHEMA_VERSION) {
    throw new InferbenchError(
      'RESULT_INVALID',
      `${source} has result schema version ${JSON.stringify(version)}, but this inferbench reads versions ${PREVIOUS_RESULT_SCHEMA_VERSION} and ${RESULT_SCHEMA_VERSION}; rerun the benchmark with this version`,
    );
  }
  const current = migrateResult(value as Readonly<Record<string, unknown>>);
  const parsed = resultShape.safeParse(current);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InferbenchError('RESULT_INVALID', `${source} is not a valid result: ${issue.path.join('.') || 'the top level'} ${issue.message.toLowerCase()}`);
  }
  const result = current as unknown as BenchmarkResult;
  for (const [name, encoded] of Object.entries(result.measurement.histograms)) {
    try {
      LatencyHistogram.decode(encoded);
    } catch (error) {
      throw new InferbenchError('RESULT_INVALID', `${source} is not a valid result: its ${name} histogram cannot be decoded (${firstLine(error)})`, { cause: error });
    }
  }
  return result;
}

/** Reads and checks a result file written by `inferbench run` (or `merge`, or a sweep). */
export async function readResultFile(path: string): Promise<BenchmarkResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InferbenchError('INVALID_OPTION', `cannot read result file ${path}: ${firstLine(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InferbenchError('RESULT_INVALID', `${path} is not valid JSON (${firstLine(error)}); pass a result file written by 'inferbench run'`, { cause: error });
  }
  return parseResult(json, path);
}
