// Collect's rate over 1,000 stored results, from a folder and from an S3-compatible server on loopback (s3rver, as
// the tests use), each collected by a fresh `inferbench sweep collect` process whose peak resident memory is read
// with /usr/bin/time. Target: 1,000 results in under 10 s, under 300 MB. Run by scripts/bench.js through tsx, since
// the result stored is made by the tests' helper, with OpenSSL's legacy provider: s3rver's continuation tokens, which
// a listing of over 1,000 keys needs, are DES.
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { FLEET_PLAN_FILE, formatFleetPlan, planFleet } from '../src/fleet/fleet-plan.js';
import { FLEET_RESULT_VERSION, resultKey } from '../src/fleet/fleet-result.js';
import { syntheticResult } from '../test/helpers/synthetic-result.js';

const COUNT = 1000;
const BUCKET = 'inferbench-bench';
const work = mkdtempSync(join(tmpdir(), 'inferbench-bench-collect-'));
// A thousand configurations on one target: batch sizes 1 to 1000.
const plan = planFleet({ axes: { batchSizes: Array.from({ length: COUNT }, (_, i) => i + 1) }, costPerHour: 1 });
// One result stands for each configuration's: collect reads, checks and decodes each object all the same.
const result = syntheticResult({ latenciesNs: Array.from({ length: 2000 }, (_, i) => 1e6 + (i % 500) * 1e4), settings: { costPerHour: 1 } });
const objects = plan.configurations.map((configuration) => {
  const body = JSON.stringify({ inferbenchFleetResult: FLEET_RESULT_VERSION, planId: plan.planId, configurationId: configuration.id, target: configuration.target, label: configuration.label, shard: '1/1', result });
  return { key: resultKey(configuration), body };
});

/** Runs collect in a fresh process and reads its time and peak resident memory. */
async function collect(location: string, env: Record<string, string>): Promise<{ seconds: number; peakMiB: number }> {
  const started = performance.now();
  const run = await execa('/usr/bin/time', ['-f', '%M', 'node', 'dist/cli/main.js', 'sweep', 'collect', location, '-o', join(work, 'report')], { env, reject: false });
  const seconds = (performance.now() - started) / 1000;
  if (run.exitCode !== 0) throw new Error(`collect of ${location} failed: ${run.stderr}`);
  return { seconds, peakMiB: Number(run.stderr.trim().split('\n').at(-1)) / 1024 };
}

const show = (where: string, { seconds, peakMiB }: { seconds: number; peakMiB: number }): string =>
  `  ${where.padEnd(7)} ${seconds.toFixed(2)} s, ${Math.round(COUNT / seconds).toLocaleString('en-US')} results/s, peak resident ${peakMiB.toFixed(0)} MiB`;

const server = new S3rver({ port: 0, address: '127.0.0.1', directory: join(work, 's3'), silent: true });
try {
  const folder = join(work, 'folder');
  mkdirSync(join(folder, 'local'), { recursive: true });
  writeFileSync(join(folder, FLEET_PLAN_FILE), formatFleetPlan(plan));
  for (const { key, body } of objects) writeFileSync(join(folder, key), body);

  const { port } = await server.run();
  const env = { AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.AWS_ENDPOINT_URL_S3, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED' });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `run/${FLEET_PLAN_FILE}`, Body: formatFleetPlan(plan) }));
  for (let i = 0; i < objects.length; i += 50) await Promise.all(objects.slice(i, i + 50).map(({ key, body }) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `run/${key}`, Body: body }))));

  console.log(`sweep collect over ${COUNT.toLocaleString('en-US')} stored results (${(objects[0]!.body.length / 1024).toFixed(0)} KiB each), a fresh process each (target < 10 s, < 300 MB):`);
  console.log(show('folder', await collect(folder, {})));
  console.log(show('S3', await collect(`s3://${BUCKET}/run`, env)));
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
