import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/cli.js';
import { tempDir } from './helpers/fixtures.js';

/** Two targets, each placed for every engine; results in S3 (an S3-compatible server on loopback), or in a folder. */
const CONFIG = {
  fixed: { sequenceLength: 16 },
  axes: { batchSizes: [2, 4] },
  image: 'inferbench:cpu',
  results: 's3://inferbench-fleet/run1',
  targets: {
    small: { device: 'cpu', costPerHour: 0.1, awsBatch: { jobQueue: 'queue-small' }, kubernetes: { namespace: 'bench' }, slurm: { partition: 'cpu' } },
    large: { device: 'cpu', costPerHour: 0.4, awsBatch: { jobQueue: 'queue-large' }, kubernetes: {}, slurm: { partition: 'big' } },
  },
};

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** A loopback API that records every request and answers with `answer(request)`, as the engine's API would. */
async function recordingServer(answer: (request: Recorded) => unknown): Promise<{ url: string; requests: Recorded[]; close: () => Promise<void> }> {
  const requests: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const recorded = { method: req.method!, path: req.url!, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
      requests.push(recorded);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(recorded)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const RESULTS = CONFIG.results;

const errorLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('inferbench:'));

describe('sweep submit', () => {
  const dir = tempDir();
  const config = join(dir, 'sweep.json');
  writeFileSync(config, JSON.stringify(CONFIG));
  // Slurm's nodes share a folder; a Kubernetes pod could not reach one without a claim.
  const inFolder = join(dir, 'folder.json');
  writeFileSync(inFolder, JSON.stringify({ ...CONFIG, results: join(dir, 'results') }));
  let batch: Awaited<ReturnType<typeof recordingServer>>;
  let kubernetes: Awaited<ReturnType<typeof recordingServer>>;
  let s3Server: S3rver;
  let s3Env: Record<string, string>;
  beforeAll(async () => {
    s3Server = new S3rver({ port: 0, address: '127.0.0.1', directory: tempDir(), silent: true });
    s3Env = { AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${(await s3Server.run()).port}`, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    const s3 = new S3Client({ region: 'us-east-1', endpoint: s3Env.AWS_ENDPOINT_URL_S3, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'inferbench-fleet' }));
    let submitted = 0;
    batch = await recordingServer((request) =>
      request.path.includes('registerjobdefinition') ? { jobDefinitionName: request.body.jobDefinitionName, jobDefinitionArn: 'arn:aws:batch:us-east-1:1:job-definition/x:1', revision: 1 } : { jobId: `job-${++submitted}`, jobName: request.body.jobName, jobArn: 'arn:aws:batch:us-east-1:1:job/x' },
    );
    kubernetes = await recordingServer((request) => request.body);
  });
  afterAll(async () => {
    await batch.close();
    await kubernetes.close();
    await s3Server.close();
  });

  it('registers the job definition and submits each array job, then the collect job depending on their ids, through the AWS SDK', async () => {
    const env = { ...s3Env, AWS_ENDPOINT_URL_BATCH: batch.url };
    const run = await runInProcess(['sweep', 'submit', '--config', config, '--engine', 'aws-batch', '--shards', '2'], { env });
    expect([run.exitCode, errorLines(run.stderr)]).toEqual([0, []]);
    expect(batch.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/registerjobdefinition', 'POST /v1/submitjob', 'POST /v1/submitjob', 'POST /v1/submitjob']);
    const [definition, small, large, collect] = batch.requests.map((r) => r.body);
    expect(definition).toMatchObject({ type: 'container', containerProperties: { image: 'inferbench:cpu', command: ['npx', 'inferbench', 'sweep', '--results', RESULTS] } });
    expect(small).toMatchObject({ jobQueue: 'queue-small', arrayProperties: { size: 2 }, containerOverrides: { environment: [{ name: 'INFERBENCH_TARGET', value: 'small' }, { name: 'INFERBENCH_SHARD_COUNT', value: '2' }] } });
    expect(large).toMatchObject({ jobQueue: 'queue-large', arrayProperties: { size: 2 } });
    expect(collect).toMatchObject({ dependsOn: [{ jobId: 'job-1' }, { jobId: 'job-2' }], containerOverrides: { command: ['npx', 'inferbench', 'sweep', 'collect', RESULTS, '-o', `${RESULTS}/report`] } });
    expect(run.stdout.split('\n')).toEqual(['small job-1', 'large job-2', 'collect job-3', `collect: inferbench sweep collect ${RESULTS}`]);
    // The plan lies beside the results before any job runs, for collect.
    const s3 = new S3Client({ region: 'us-east-1', endpoint: s3Env.AWS_ENDPOINT_URL_S3, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const stored = await (await s3.send(new GetObjectCommand({ Bucket: 'inferbench-fleet', Key: 'run1/plan.json' }))).Body!.transformToString();
    expect(JSON.parse(stored)).toMatchObject({ shards: { small: 2, large: 2 } });
  });

  it("creates each target's Indexed Job with the user's kubeconfig and context, and says to collect once they finish", async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        // Plain HTTP on loopback, which the client accepts only with TLS checks off.
        clusters: [{ name: 'loopback', cluster: { server: kubernetes.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'tester', user: { token: 'token-1' } }],
        contexts: [{ name: 'bench-context', context: { cluster: 'loopback', user: 'tester', namespace: 'team' } }],
        'current-context': 'bench-context',
      }),
    );
    // A folder of results needs a volume claim on Kubernetes: refused in one line before anything is created.
    const refused = await runInProcess(['sweep', 'submit', '--config', inFolder, '--engine', 'kubernetes'], { env: { KUBECONFIG: kubeconfig } });
    expect([refused.exitCode, errorLines(refused.stderr)]).toEqual([2, [expect.stringMatching(/^inferbench: target small stores its results in the folder .* give it \{ "kubernetes": \{ "resultsClaim"/)]]);
    expect(kubernetes.requests).toEqual([]);

    const run = await runInProcess(['sweep', 'submit', '--config', config, '--engine', 'kubernetes'], { env: { ...s3Env, KUBECONFIG: kubeconfig } });
    expect([run.exitCode, errorLines(run.stderr)]).toEqual([0, []]);
    // The target's namespace where it names one, else the context's.
    expect(kubernetes.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /apis/batch/v1/namespaces/bench/jobs', 'POST /apis/batch/v1/namespaces/team/jobs']);
    expect(kubernetes.requests.map((r) => r.body)).toMatchObject([
      { kind: 'Job', spec: { completionMode: 'Indexed', completions: 2, template: { spec: { containers: [{ command: ['npx', 'inferbench', 'sweep', '--results', RESULTS] }] } } } },
      { kind: 'Job', spec: { completionMode: 'Indexed', completions: 2 } },
    ]);
    expect(run.stdout.split('\n').at(-1)).toBe(`once the Jobs have finished: inferbench sweep collect ${RESULTS}`);
  });

  it('submits each Slurm array and the collect job after them with sbatch, and says so in one line without sbatch', async () => {
    const bin = tempDir();
    const log = join(bin, 'sbatch.log');
    // A stand-in for Slurm's sbatch: records its arguments, answers as --parsable does.
    writeFileSync(join(bin, 'sbatch'), `#!/bin/sh\necho "$@" >> '${log}'\nn=$(wc -l < '${log}')\necho "$((100 + n))"\n`, { mode: 0o755 });
    const run = await runInProcess(['sweep', 'submit', '--config', inFolder, '--engine', 'slurm'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect([run.exitCode, errorLines(run.stderr)]).toEqual([0, []]);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatch(/^--parsable \S+\/slurm-small\.sbatch$/);
    expect(calls[1]).toMatch(/^--parsable \S+\/slurm-large\.sbatch$/);
    expect(calls[2]).toMatch(/^--parsable --dependency=afterok:101:102 \S+\/slurm-collect\.sbatch$/);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual(['small 101', 'large 102', 'collect 103']);

    const without = await runInProcess(['sweep', 'submit', '--config', inFolder, '--engine', 'slurm'], { env: { PATH: bin.replace(/[^/]+$/, 'nowhere') } });
    expect([without.exitCode, errorLines(without.stderr)]).toEqual([2, ['inferbench: sbatch is not on the PATH; submit from a Slurm login node, or use inferbench sweep plan --emit slurm']]);
  });

  it('says in one line that there is no cluster to submit to, and refuses an unknown engine', async () => {
    const noCluster = await runInProcess(['sweep', 'submit', '--config', config, '--engine', 'kubernetes'], { env: { ...s3Env, KUBECONFIG: join(dir, 'no-kubeconfig') } });
    expect([noCluster.exitCode, errorLines(noCluster.stderr)]).toEqual([2, [expect.stringMatching(/^inferbench: no Kubernetes cluster to submit to: .*no-kubeconfig cannot be read .*; set KUBECONFIG to your cluster's kubeconfig$/)]]);
    const unknown = await runInProcess(['sweep', 'submit', '--config', config, '--engine', 'nomad']);
    expect([unknown.exitCode, errorLines(unknown.stderr)]).toEqual([2, ["inferbench: --engine must be 'aws-batch', 'kubernetes', 'slurm', got 'nomad'"]]);
  });
});
