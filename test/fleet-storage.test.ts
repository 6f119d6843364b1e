import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetPlan } from '../src/fleet/fleet-plan.js';
import { runInProcess, spawnInferbench } from './helpers/cli.js';
import { tempDir, writeSmallBert } from './helpers/fixtures.js';

/** s3rver ships no types: the little of it the tests use. */
interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: { port: number; address: string; directory: string; silent: boolean }) => S3rverServer;

const dir = tempDir('inferbench-fleet-storage-');
// One compile cache for every shard of the file: each batch size's model is made once.
const cache = join(dir, 'cache');
// A one-layer BERT: the built-in one takes seconds to generate and compile per batch size, and these runs measure nothing.
const model = writeSmallBert(dir);

/** The smallest sweep: `batchSizes` of the small BERT, one target (`local`, a flags-only sweep's). */
const grid = (batchSizes: string): string[] => ['-m', model, '--tokenizer', 'bert-base-uncased', '--batch-size-list', batchSizes, '--sequence-length', '16', '--query-count', '12', '--warmup-queries', '2'];
/** Three configurations. */
const GRID = grid('1,2,4');
const LABELS = ['batchSize=1', 'batchSize=2', 'batchSize=4'];

/** The fault families' rule: one `inferbench:` line on stderr for a refusal. */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('inferbench:'));
/** A shard's summary, its last stdout line, without the results location. */
const summary = (stdout: string): string => stdout.trim().split('\n').at(-1)!.replace(/ · results .*/, '');
/** `text` matched as it is inside a RegExp. */
const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The rows of a collect's fleet.csv. */
const csvRows = (reportDir: string): Record<string, string>[] => parse(readFileSync(join(reportDir, 'fleet.csv'), 'utf8'), { columns: true }) as Record<string, string>[];

/** Every file under `dir`, hidden ones included, with its bytes: what a refusal must leave as it was. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [path.slice(dir.length + 1), readFileSync(path, 'base64')];
      })
      .sort(([a], [b]) => (a! < b! ? -1 : 1)),
  );
}

describe('a fleet sweep whose results are in S3 (an S3-compatible server on 127.0.0.1, through the AWS SDK)', () => {
  const bucket = 'inferbench-fleet-results';
  let server: S3rverServer;
  let client: S3Client;
  let env: Record<string, string>;

  beforeAll(async () => {
    // As the CLI does before it makes a client: the SDK's notice about Node 22 is none of these tests' output.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    server = new S3rver({ port: 0, address: '127.0.0.1', directory: join(dir, 's3rver'), silent: true });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    env = { AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  const keys = async (): Promise<string[]> => ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!).sort();

  it('stores one object per configuration beside the plan from two shards, and collects them into one report', async () => {
    // One shard a process of its own, the other in this one: each reaches S3 with the credentials of its environment.
    const args = (shard: string) => ['sweep', ...GRID, '--results', `s3://${bucket}/run1`, '--shard', shard, '--cache-dir', cache];
    const shards = await Promise.all([spawnInferbench(args('1/2'), { env }), runInProcess(args('2/2'), { env })]);
    expect(shards.map((r) => [r.exitCode, errorLines(r.stderr)])).toEqual([
      [0, []],
      [0, []],
    ]);
    expect(shards.map((r) => r.stdout.trim().split('\n').at(-1))).toEqual([
      `shard 1/2 of local: 1 measured, 0 stored earlier, 0 failed · results s3://${bucket}/run1`,
      `shard 2/2 of local: 2 measured, 0 stored earlier, 0 failed · results s3://${bucket}/run1`,
    ]);

    const planObject = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'run1/plan.json' }));
    const plan = JSON.parse(await planObject.Body!.transformToString()) as FleetPlan;
    expect(plan.configurations.map((c) => `${c.target} ${c.label}`)).toEqual(LABELS.map((l) => `local ${l}`));
    expect(await keys()).toEqual(['run1/plan.json', ...plan.configurations.map((c) => `run1/local/${c.id}.json`)].sort());

    const report = join(dir, 's3-report');
    const collect = await runInProcess(['sweep', 'collect', `s3://${bucket}/run1`, '-o', report], { env });
    expect([collect.exitCode, errorLines(collect.stderr)]).toEqual([0, []]);
    const rows = csvRows(report);
    expect(rows.map((r) => [r['target'], r['configuration'], r['configuration_id'], r['runs']])).toEqual(plan.configurations.map((c) => ['local', c.label, c.id, '1']));
    expect(rows.every((r) => Number(r['samples_per_second']) > 0)).toBe(true);
    const markdown = readFileSync(join(report, 'fleet.md'), 'utf8');
    expect(markdown).toContain(`# Fleet sweep ${plan.planId}`);
    expect(markdown).toContain('3 of 3 configurations found.');
    for (const label of LABELS) expect(markdown).toMatch(new RegExp(`^\\| ${label}( \\(best\\))? \\| `, 'm'));
    expect(markdown).not.toContain('## Missing');
    // Collect reads; it writes nothing into the bucket.
    expect(await keys()).toEqual(['run1/plan.json', ...plan.configurations.map((c) => `run1/local/${c.id}.json`)].sort());
  }, 120_000);

  it('refuses a shard of another plan into the same S3 prefix, naming the plan.json there; the objects stay', async () => {
    const before = await keys();
    const run = await runInProcess(['sweep', ...grid('1,8'), '--results', `s3://${bucket}/run1`, '--shard', '1/2', '--cache-dir', cache], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n')).toEqual([expect.stringMatching(new RegExp(`^inferbench: ${literally(`s3://${bucket}/run1/plan.json`)} is the plan of another sweep \\(plan [0-9a-f]{16}, this one [0-9a-f]{16}\\)`))]);
    expect(run.stdout).toBe('');
    expect(await keys()).toEqual(before);
  });

  it('refuses a bucket that does not exist in one line naming it, and creates nothing', async () => {
    const before = await keys();
    const run = await runInProcess(['sweep', ...GRID, '--results', 's3://no-such-inferbench-bucket/run1', '--shard', '1/2', '--cache-dir', cache], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n')).toEqual([expect.stringMatching(/^inferbench: the bucket no-such-inferbench-bucket does not exist/)]);
    expect(run.stdout).toBe('');
    const buckets = await client.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name)).toEqual([bucket]);
    expect(await keys()).toEqual(before);
  });

  // FAILS against src as it is (src/cli/sweep-shard-command.ts): a shard run from flags stores a plan of one shard
  // per configuration, whatever --shard i/N it ran as, so collect names shard 2/3 in a sweep run as 1/2 and 2/2.
  it('says which configuration is missing and the shard that should have made it, with exit 1', async () => {
    const planObject = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'run1/plan.json' }));
    const { configurations } = JSON.parse(await planObject.Body!.transformToString()) as FleetPlan;
    // Shard 2/2 ran batch sizes 2 and 4; as if its first had never been stored.
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `run1/local/${configurations[1]!.id}.json` }));
    const report = join(dir, 's3-partial-report');
    const collect = await runInProcess(['sweep', 'collect', `s3://${bucket}/run1`, '-o', report], { env });
    expect(collect.exitCode).toBe(1);
    expect(errorLines(collect.stderr)).toEqual(['inferbench: 1 of 3 configurations are missing, e.g. local batchSize=2 (shard 2/2); rerun those shards, then collect again']);
    const markdown = readFileSync(join(report, 'fleet.md'), 'utf8');
    expect(markdown).toContain('2 of 3 configurations found, 1 missing.');
    expect(markdown).toContain(`- local batchSize=2 (id ${configurations[1]!.id}): shard 2/2 of local did not store it`);
    expect(csvRows(report).map((r) => r['configuration'])).toEqual(['batchSize=1', 'batchSize=4']);
  });
});

describe('a fleet sweep whose results are in a folder', () => {
  const results = join(dir, 'results');
  const local = join(results, 'local');
  const report = join(dir, 'folder-report');
  /** The objects collect sees: results, never hidden files (writes in progress or cut short). */
  const visible = (): string[] => (existsSync(local) ? readdirSync(local).filter((name) => !name.startsWith('.')).sort() : []);
  const plan = (): FleetPlan => JSON.parse(readFileSync(join(results, 'plan.json'), 'utf8')) as FleetPlan;
  const shardArgs = ['sweep', ...GRID, '--results', results, '--shard', '1/1', '--cache-dir', cache];

  it('resumes a shard killed with SIGKILL mid-configuration: what it stored is kept, the rest measured, nothing twice or in part', async () => {
    const child = spawnInferbench(shardArgs);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Until the first result is stored and the second configuration has started; the test's timeout bounds the wait.
    while (!(visible().length >= 1 && stderr.includes('local batchSize=2\n'))) {
      if (child.exitCode !== null) throw new Error(`the shard ended before its second configuration started: ${stderr}`);
      await sleep(10);
    }
    child.kill('SIGKILL');
    const killed = await child;
    expect(killed.signal).toBe('SIGKILL');

    const stored = visible();
    // The first, perhaps the second if it finished as the signal came; never the third, which had not started.
    expect(stored.length === 1 || stored.length === 2).toBe(true);
    const ids = plan().configurations.map((c) => `${c.id}.json`);
    expect(stored).toEqual(ids.slice(0, stored.length).sort());
    // A write cut short by a kill leaves its temporary file: hidden, so no reader takes it for a result.
    const partial = readFileSync(join(local, stored[0]!), 'utf8');
    writeFileSync(join(local, `.${ids[2]}.0f0e8d2c-1b1a-4c3d-9e8f-7a6b5c4d3e2f.tmp`), partial.slice(0, partial.length / 2));

    const rerun = await runInProcess(shardArgs);
    expect([rerun.exitCode, errorLines(rerun.stderr)]).toEqual([0, []]);
    expect(summary(rerun.stdout)).toBe(`shard 1/1 of local: ${3 - stored.length} measured, ${stored.length} stored earlier, 0 failed`);
    expect(rerun.stdout.split('\n').filter((line) => line.endsWith('(stored earlier)'))).toHaveLength(stored.length);
    expect(visible()).toEqual([...ids].sort());

    const collect = await runInProcess(['sweep', 'collect', results, '-o', report]);
    expect([collect.exitCode, errorLines(collect.stderr)]).toEqual([0, []]);
    // One row per configuration, each from one run: nothing stored twice, nothing partial merged in.
    expect(csvRows(report).map((r) => [r['configuration'], r['configuration_id'], r['runs']])).toEqual(plan().configurations.map((c) => [c.label, c.id, '1']));
  }, 120_000);

  // The cases below refuse one input each on the folder the test above completed, and leave it as it was.

  it('refuses a shard of another plan into the same results, naming the plan.json there', async () => {
    const before = snapshot(results);
    const run = await runInProcess(['sweep', ...grid('1,8'), '--results', results, '--shard', '1/2', '--cache-dir', cache]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n')).toEqual([expect.stringMatching(new RegExp(`^inferbench: ${literally(join(results, 'plan.json'))} is the plan of another sweep \\(plan ${plan().planId}, this one [0-9a-f]{16}\\)`))]);
    expect(run.stdout).toBe('');
    expect(snapshot(results)).toEqual(before);
  });

  it('refuses a target named in the environment that the plan lacks', async () => {
    const before = snapshot(results);
    // No axes: the shard reads the plan stored beside the results.
    const run = await runInProcess(['sweep', '--results', results, '--cache-dir', cache], { env: { INFERBENCH_TARGET: 'nope' } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n')).toEqual(["inferbench: INFERBENCH_TARGET names target 'nope', which the sweep lacks; its targets are local"]);
    expect(snapshot(results)).toEqual(before);
  });

  it('refuses an AWS Batch array index beyond the array', async () => {
    const before = snapshot(results);
    const run = await runInProcess(['sweep', '--results', results, '--cache-dir', cache], { env: { AWS_BATCH_JOB_ARRAY_INDEX: '5', AWS_BATCH_JOB_ARRAY_SIZE: '2' } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n')).toEqual(['inferbench: AWS_BATCH_JOB_ARRAY_INDEX: shard 6 is out of range; shards are numbered 1 to 2']);
    expect(snapshot(results)).toEqual(before);
  });

  it('refuses to collect a foreign object under a target folder, naming it', async () => {
    const foreign = join(local, '0123456789abcdef.json');
    writeFileSync(foreign, readFileSync(join(local, `${plan().configurations[0]!.id}.json`)));
    const before = snapshot(results);
    const collect = await runInProcess(['sweep', 'collect', results, '-o', join(dir, 'foreign-report')]);
    expect(collect.exitCode).toBe(2);
    expect(collect.stderr.split('\n')).toEqual([`inferbench: ${foreign} answers no configuration of plan ${plan().planId}; remove it, or collect from the location its own plan wrote`]);
    expect(existsSync(join(dir, 'foreign-report'))).toBe(false);
    expect(snapshot(results)).toEqual(before);
    rmSync(foreign);
  });

  it('refuses to collect a stored result that is not JSON, naming it; a rerun of its shard replaces it', async () => {
    const { configurations } = plan();
    const broken = join(local, `${configurations[2]!.id}.json`);
    writeFileSync(broken, '{"inferbenchFleetResult": 1, "planId": "');
    const before = snapshot(results);
    const collect = await runInProcess(['sweep', 'collect', results, '-o', join(dir, 'broken-report')]);
    expect(collect.exitCode).toBe(2);
    expect(collect.stderr.split('\n')).toEqual([expect.stringMatching(new RegExp(`^inferbench: ${literally(broken)} is not a result of this fleet sweep \\(not JSON: `))]);
    expect(snapshot(results)).toEqual(before);

    const rerun = await runInProcess(shardArgs);
    expect([rerun.exitCode, errorLines(rerun.stderr)]).toEqual([0, []]);
    expect(summary(rerun.stdout)).toBe('shard 1/1 of local: 1 measured, 2 stored earlier, 0 failed');
    expect(JSON.parse(readFileSync(broken, 'utf8'))).toMatchObject({ planId: plan().planId, configurationId: configurations[2]!.id, label: 'batchSize=4' });
    const again = await runInProcess(['sweep', 'collect', results, '-o', join(dir, 'broken-report')]);
    expect([again.exitCode, errorLines(again.stderr)]).toEqual([0, []]);
  }, 60_000);
});
