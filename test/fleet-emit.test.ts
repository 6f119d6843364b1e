import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RegisterJobDefinitionCommandInput, SubmitJobCommandInput } from '@aws-sdk/client-batch';
import type { V1Container, V1Job } from '@kubernetes/client-node';
// The serializer the generated APIs (BatchV1Api.createNamespacedJob) write request bodies with; 1.4.0 does not export it
// from the package's root, whose package.json has no exports map to forbid the path.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetPlan } from '../src/fleet/fleet-plan.js';
import type { FleetResultObject } from '../src/fleet/fleet-result.js';
import { runInProcess } from './helpers/cli.js';
import { tempDir } from './helpers/fixtures.js';
import { syntheticResult } from './helpers/synthetic-result.js';

/**
 * What `inferbench sweep plan --emit …` writes, checked with the engines' own libraries and tools' grammar: the AWS
 * Batch requests typed and sent by the AWS SDK to a loopback server, the Kubernetes Jobs read and written back by the
 * Kubernetes client's serializer, the scripts parsed by the shell and run against stand-ins of `aws`, `kubectl` and
 * `sbatch` that record their arguments. Plans only: no model is run.
 */

/** Two kinds of machine, three batch sizes; `big-gpu` has a hyphen, which shell variables cannot hold. */
const CONFIG = {
  fixed: { sequenceLength: 16, queryCount: 12, warmupQueries: 2 },
  axes: { batchSizes: [1, 2, 4] },
  image: 'inferbench:cpu',
  targets: {
    small: {
      device: 'cpu',
      costPerHour: 0.1,
      awsBatch: { jobQueue: 'queue-small', resourceRequirements: [{ type: 'VCPU', value: '2' }] },
      kubernetes: { namespace: 'bench', nodeSelector: { 'node.kubernetes.io/instance-type': 'c7i.large' }, resources: { limits: { cpu: '2' } }, resultsClaim: 'inferbench-results' },
      slurm: { partition: 'cpu', time: '00:30:00' },
    },
    'big-gpu': {
      device: 'cuda',
      costPerHour: 1.2,
      awsBatch: { jobQueue: 'queue-gpu' },
      kubernetes: {
        namespace: 'bench',
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        resources: { limits: { 'nvidia.com/gpu': '1' } },
        resultsClaim: 'inferbench-results',
      },
      slurm: { partition: 'gpu', gres: 'gpu:1' },
    },
  },
};
type Config = typeof CONFIG;
const TARGETS = ['small', 'big-gpu'] as const;
const CONFIGURATIONS_PER_TARGET = CONFIG.axes.batchSizes.length;

/** The fault families' rule: one `inferbench:` line on stderr for a refusal, nothing else. */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('inferbench:'));
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const clone = (): Config => JSON.parse(JSON.stringify(CONFIG)) as Config;

/** Writes `config` to `dir` and runs `inferbench sweep plan` there, in this process. */
async function sweepPlan(dir: string, config: unknown, args: readonly string[], env: Record<string, string> = {}) {
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, 'sweep.json');
  writeFileSync(configPath, JSON.stringify(config));
  const run = await runInProcess(['sweep', 'plan', '--config', configPath, ...args], { env, cwd: dir });
  return { ...run, configPath };
}

/** A plan that must be written: its folder and plan.json. */
async function emitted(dir: string, engine: string, results: string, extra: readonly string[] = [], env: Record<string, string> = {}, config: unknown = CONFIG) {
  const planDir = join(dir, 'plan');
  const run = await sweepPlan(dir, config, ['--emit', engine, '-o', planDir, '--results', results, ...extra], env);
  expect([run.exitCode, errorLines(run.stderr)]).toEqual([0, []]);
  return { planDir, plan: readJson<FleetPlan>(join(planDir, 'plan.json')), stdout: run.stdout };
}

/**
 * A stand-in for an engine's command-line tool, first on the PATH it is run with: clearly not the tool. Each call is
 * one line of the log: its working directory and arguments, tab-separated. `reply` is shell that prints its answer,
 * with `$n` the call's number (from 1).
 */
function standIn(dir: string, tool: string, reply: string): { readonly path: string; readonly calls: () => string[][] } {
  const bin = join(dir, `stand-in-${tool}`);
  mkdirSync(bin, { recursive: true });
  const log = join(bin, 'calls.log');
  writeFileSync(log, '');
  writeFileSync(
    join(bin, tool),
    [
      '#!/bin/sh',
      `# STAND-IN for ${tool}, written by test/fleet-emit.test.ts: records its arguments and prints a made-up answer; it submits nothing.`,
      `{ printf '%s' "$(pwd -P)"; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'; } >> '${log}'`,
      `n=$(wc -l < '${log}'); n=$((n + 0))`,
      reply,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return {
    path: `${bin}:${process.env.PATH ?? ''}`,
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('\t')),
  };
}

/** Runs a script the plan wrote as its `submit` line says (`sh NAME`), from another folder, with `path` for PATH. */
const runScript = (script: string, path: string, cwd: string) => execa('sh', [script], { cwd, env: { PATH: path, HOME: process.env.HOME ?? '' }, extendEnv: false, reject: false, timeout: 30_000 });

/** The shell's own parse of a script, nothing run: `sh -n`, or `bash -n` for Slurm's batch scripts. */
async function parses(shell: 'sh' | 'bash', script: string): Promise<string> {
  const run = await execa(shell, ['-n', script], { reject: false });
  return `${run.exitCode}${run.stderr}`;
}

/** The value of each `name=value` in a container's environment. */
const envOf = (env: readonly { name?: string; value?: string }[] | undefined): Record<string, string | undefined> => Object.fromEntries((env ?? []).map((e) => [e.name, e.value]));

/** What the loopback server heard. */
interface Heard {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: string;
}

/**
 * A loopback server that records AWS Batch's RegisterJobDefinition and SubmitJob (restJson, /v1/…) and answers as Batch
 * answers; the plans' results locations are in an S3-compatible server (s3rver) on loopback too.
 */
const heard: Heard[] = [];
let server: Server;
let endpoint = '';
let s3Server: S3rver;
let s3Endpoint = '';
let s3: S3Client;
const savedEnv: Record<string, string | undefined> = {};
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
const BUCKET = 'inferbench-results';

beforeAll(async () => {
  // The S3 store reads its credentials through the SDK's chain, from this process's environment.
  for (const [name, value] of Object.entries(CREDENTIALS)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  let jobs = 0;
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      // S3's bucket-level requests (ListObjectsV2) come as /bucket/.
      const path = decodeURIComponent(url.pathname).replace(/(?<=.)\/$/, '');
      heard.push({ method: request.method ?? '', path, query: url.search, body });
      const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const xml = (status: number, text: string) => response.writeHead(status, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${text}`);
      if (request.method === 'POST' && path === '/v1/registerjobdefinition') {
        const { jobDefinitionName } = JSON.parse(body) as { jobDefinitionName: string };
        return json(200, { jobDefinitionName, jobDefinitionArn: `arn:aws:batch:us-east-1:000000000000:job-definition/${jobDefinitionName}:1`, revision: 1 });
      }
      if (request.method === 'POST' && path === '/v1/submitjob') {
        const { jobName } = JSON.parse(body) as { jobName: string };
        const jobId = `00000000-0000-4000-8000-${String(++jobs).padStart(12, '0')}`;
        return json(200, { jobId, jobName, jobArn: `arn:aws:batch:us-east-1:000000000000:job/${jobId}` });
      }
      return xml(400, '<Error><Code>NotImplemented</Code><Message>not served by this test</Message></Error>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s3Server = new S3rver({ port: 0, address: '127.0.0.1', directory: tempDir(), silent: true });
  s3Endpoint = `http://127.0.0.1:${(await s3Server.run()).port}`;
  s3 = new S3Client({ region: 'us-east-1', endpoint: s3Endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED' });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await s3Server.close();
});

/** The text of an object in the bucket, undefined when there is none. */
async function objectText(key: string): Promise<string | undefined> {
  try {
    return await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** The bodies the loopback server heard on `path` since `from`. */
const bodiesOn = (path: string, from: number): unknown[] => heard.slice(from).filter((h) => h.path === path).map((h) => JSON.parse(h.body) as unknown);

describe('sweep plan --emit aws-batch', () => {
  const dir = tempDir();
  const results = `s3://${BUCKET}/fleet-aws`;
  let planDir = '';
  let plan: FleetPlan;

  beforeAll(async () => {
    ({ planDir, plan } = await emitted(dir, 'aws-batch', results, ['--shards', '2'], { AWS_ENDPOINT_URL_S3: s3Endpoint }));
  });

  it('writes requests that type as the SDK inputs and that its BatchClient sends as written, the collect job depending on each array job', async () => {
    expect(plan.shards).toEqual({ small: 2, 'big-gpu': 2 });
    expect(readdirSync(planDir).sort()).toEqual(['aws-batch-job-definition.json', 'aws-batch-submit-big-gpu.json', 'aws-batch-submit-collect.json', 'aws-batch-submit-small.json', 'aws-batch-submit.sh', 'plan.json']);
    // The plan is beside the results too, so that collect knows what to expect.
    expect(await objectText('fleet-aws/plan.json')).toBe(readFileSync(join(planDir, 'plan.json'), 'utf8'));

    const definition = readJson<RegisterJobDefinitionCommandInput>(join(planDir, 'aws-batch-job-definition.json'));
    const shardJobs = Object.fromEntries(TARGETS.map((t) => [t, readJson<SubmitJobCommandInput>(join(planDir, `aws-batch-submit-${t}.json`))]));
    const collect = readJson<SubmitJobCommandInput>(join(planDir, 'aws-batch-submit-collect.json'));

    expect(definition.type).toBe('container');
    expect(definition.containerProperties?.image).toBe('inferbench:cpu');
    expect(definition.containerProperties?.command).toEqual(['npx', 'inferbench', 'sweep', '--results', results]);
    for (const target of TARGETS) {
      const job = shardJobs[target]!;
      expect(job.jobDefinition).toBe(definition.jobDefinitionName);
      expect(job.jobQueue).toBe(CONFIG.targets[target].awsBatch.jobQueue);
      expect(job.arrayProperties).toEqual({ size: plan.shards[target] });
      expect(envOf(job.containerOverrides?.environment)).toEqual({ INFERBENCH_TARGET: target, INFERBENCH_SHARD_COUNT: String(plan.shards[target]) });
      // Batch names: up to 128 letters, digits, hyphens and underscores.
      expect(job.jobName).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);
    }
    expect(shardJobs['small']!.containerOverrides?.resourceRequirements).toEqual([{ type: 'VCPU', value: '2' }]);
    expect(shardJobs['big-gpu']!.containerOverrides?.resourceRequirements).toBeUndefined();
    expect(collect.arrayProperties).toBeUndefined();
    expect(collect.dependsOn).toEqual([{ jobId: '__JOB_ID_SMALL__' }, { jobId: '__JOB_ID_BIG_GPU__' }]);
    expect(collect.containerOverrides?.command?.slice(0, 5)).toEqual(['npx', 'inferbench', 'sweep', 'collect', results]);

    // The SDK's serializer sends only the members its schema knows, at every depth: a body equal to the file means
    // that no member of the file is unknown to the API.
    const { BatchClient, RegisterJobDefinitionCommand, SubmitJobCommand } = await import('@aws-sdk/client-batch');
    const client = new BatchClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const from = heard.length;
    try {
      const registered = await client.send(new RegisterJobDefinitionCommand(definition));
      expect(registered.revision).toBe(1);
      const ids: Record<string, string> = {};
      for (const target of TARGETS) ids[target] = (await client.send(new SubmitJobCommand(shardJobs[target]!))).jobId!;
      const placeholders: Record<string, string> = { __JOB_ID_SMALL__: ids['small']!, __JOB_ID_BIG_GPU__: ids['big-gpu']! };
      const resolved: SubmitJobCommandInput = { ...collect, dependsOn: collect.dependsOn!.map((d) => ({ jobId: placeholders[d.jobId!]! })) };
      await client.send(new SubmitJobCommand(resolved));

      expect(heard.slice(from).map((h) => `${h.method} ${h.path}`)).toEqual(['POST /v1/registerjobdefinition', 'POST /v1/submitjob', 'POST /v1/submitjob', 'POST /v1/submitjob']);
      expect(bodiesOn('/v1/registerjobdefinition', from)).toEqual([definition]);
      expect(bodiesOn('/v1/submitjob', from)).toEqual([shardJobs['small'], shardJobs['big-gpu'], resolved]);
      expect((bodiesOn('/v1/submitjob', from)[2] as SubmitJobCommandInput).dependsOn).toEqual([{ jobId: ids['small'] }, { jobId: ids['big-gpu'] }]);
    } finally {
      client.destroy();
    }
  });

  it('writes a script that the shell parses and that submits through the AWS CLI, the collect job with the ids it printed', async () => {
    const script = join(planDir, 'aws-batch-submit.sh');
    expect(await parses('sh', script)).toBe('0');
    const aws = standIn(dir, 'aws', `case "$2" in submit-job) printf '00000000-0000-4000-8000-%012d\\n' "$n" ;; register-job-definition) printf '{"revision": 1}\\n' ;; esac`);
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const run = await runScript(script, aws.path, elsewhere);
    expect([run.exitCode, run.stderr]).toEqual([0, '']);

    const here = realpathSync(planDir);
    const submit = (file: string) => [here, 'batch', 'submit-job', '--cli-input-json', `file://${file}`, '--query', 'jobId', '--output', 'text'];
    expect(aws.calls()).toEqual([
      [here, 'batch', 'register-job-definition', '--cli-input-json', 'file://aws-batch-job-definition.json'],
      submit('aws-batch-submit-small.json'),
      submit('aws-batch-submit-big-gpu.json'),
      submit('aws-batch-submit-collect.resolved.json'),
    ]);
    // The collect job submitted is the written one with each placeholder replaced by the id its array job was given.
    const written = readJson<SubmitJobCommandInput>(join(planDir, 'aws-batch-submit-collect.json'));
    const submitted = readJson<SubmitJobCommandInput>(join(planDir, 'aws-batch-submit-collect.resolved.json'));
    expect(submitted).toEqual({ ...written, dependsOn: [{ jobId: '00000000-0000-4000-8000-000000000002' }, { jobId: '00000000-0000-4000-8000-000000000003' }] });
    expect(run.stdout).toBe('00000000-0000-4000-8000-000000000004');
  });

  it("runs the collect job's command, as the job runs it, to reports that outlive the job: beside the results in S3", async () => {
    // Every configuration stored, as the shards would have: collect has all it needs.
    for (const configuration of plan.configurations) {
      const object: FleetResultObject = {
        inferbenchFleetResult: 1,
        planId: plan.planId,
        configurationId: configuration.id,
        target: configuration.target,
        label: configuration.label,
        shard: '1/2',
        result: syntheticResult({ latenciesNs: Array.from({ length: 12 }, (_, i) => 2e6 + i * 1e4) }),
      };
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `fleet-aws/${configuration.target}/${configuration.id}.json`, Body: JSON.stringify(object) }));
    }
    const collect = readJson<SubmitJobCommandInput>(join(planDir, 'aws-batch-submit-collect.json'));
    const [npx, inferbench, ...args] = collect.containerOverrides!.command!;
    expect([npx, inferbench]).toEqual(['npx', 'inferbench']);
    // The container's working folder: gone when the job ends.
    const container = join(dir, 'collect-container');
    mkdirSync(container);
    const run = await runInProcess(args, { cwd: container, env: { AWS_ENDPOINT_URL_S3: s3Endpoint } });
    expect([run.exitCode, errorLines(run.stderr)]).toEqual([0, []]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'fleet-aws/report/' }));
    const reports = (listed.Contents ?? []).map((object) => object.Key!.slice('fleet-aws/'.length));
    expect({ inContainer: readdirSync(container), inResults: reports.sort() }).toEqual({ inContainer: [], inResults: ['report/fleet.csv', 'report/fleet.html', 'report/fleet.md'] });
  });
});

describe('sweep plan --emit kubernetes', () => {
  const dir = tempDir();

  /** A Job file read as the Kubernetes client reads one, and what its serializer writes back. */
  function readJob(path: string): { readonly json: unknown; readonly job: V1Job; readonly written: unknown } {
    const json = readJson<unknown>(path);
    const job = ObjectSerializer.deserialize(json, 'V1Job', '') as V1Job;
    return { json, job, written: JSON.parse(JSON.stringify(ObjectSerializer.serialize(job, 'V1Job', ''))) as unknown };
  }

  function checkJobs(planDir: string, plan: FleetPlan, results: string, onVolume: boolean): { readonly shardJobs: Record<string, V1Job>; readonly collect: V1Job } {
    const shardJobs: Record<string, V1Job> = {};
    for (const target of TARGETS) {
      const { json, job, written } = readJob(join(planDir, `kubernetes-job-${target}.json`));
      // Deserialized by V1Job's attribute map and serialized back: a member V1Job lacks would be gone.
      expect(written).toEqual(json);
      shardJobs[target] = job;
      const placement = CONFIG.targets[target].kubernetes;
      expect([job.apiVersion, job.kind, job.metadata?.namespace]).toEqual(['batch/v1', 'Job', placement.namespace]);
      // A Job's name is a label value and, with the index, each pod's hostname: a DNS label of at most 63 characters.
      expect(job.metadata?.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
      const spec = job.spec!;
      expect([spec.completionMode, spec.completions, spec.parallelism]).toEqual(['Indexed', plan.shards[target], plan.shards[target]]);
      expect(spec.backoffLimitPerIndex).toEqual(expect.any(Number));
      const pod = spec.template.spec!;
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.containers).toHaveLength(1);
      const container: V1Container = pod.containers[0]!;
      expect(container.image).toBe('inferbench:cpu');
      expect(container.command).toEqual(['npx', 'inferbench', 'sweep', '--results', results]);
      expect(envOf(container.env)).toEqual({ INFERBENCH_TARGET: target, INFERBENCH_SHARD_COUNT: String(plan.shards[target]) });
      expect(pod.nodeSelector).toEqual('nodeSelector' in placement ? placement.nodeSelector : undefined);
      expect(pod.tolerations).toEqual('tolerations' in placement ? placement.tolerations : undefined);
      expect(container.resources).toEqual(placement.resources);
      expect({ volumes: pod.volumes, mounts: container.volumeMounts }).toEqual(
        onVolume
          ? { volumes: [{ name: 'results', persistentVolumeClaim: { claimName: placement.resultsClaim } }], mounts: [{ name: 'results', mountPath: results }] }
          : { volumes: undefined, mounts: undefined },
      );
    }
    const { json, job: collect, written } = readJob(join(planDir, 'kubernetes-job-collect.json'));
    expect(written).toEqual(json);
    const pod = collect.spec!.template.spec!;
    const container = pod.containers[0]!;
    // The collect Job needs none of a target's machines.
    expect({ nodeSelector: pod.nodeSelector, tolerations: pod.tolerations, resources: container.resources }).toEqual({ nodeSelector: undefined, tolerations: undefined, resources: undefined });
    expect(collect.spec!.completionMode).toBeUndefined();
    expect(container.command?.slice(0, 5)).toEqual(['npx', 'inferbench', 'sweep', 'collect', results]);
    expect(pod.volumes?.map((v) => v.persistentVolumeClaim?.claimName)).toEqual(onVolume ? ['inferbench-results'] : undefined);
    expect(container.volumeMounts?.map((m) => m.mountPath)).toEqual(onVolume ? [results] : undefined);
    return { shardJobs, collect };
  }

  it('writes an Indexed Job per target that V1Job reads and writes back unchanged, its results folder on the claimed volume, and a script that applies them', async () => {
    const results = join(dir, 'results');
    const { planDir, plan } = await emitted(join(dir, 'folder'), 'kubernetes', results, ['--shards', '2']);
    expect(plan.shards).toEqual({ small: 2, 'big-gpu': 2 });
    const { shardJobs, collect } = checkJobs(planDir, plan, results, true);

    const script = join(planDir, 'kubernetes-apply.sh');
    expect(await parses('sh', script)).toBe('0');
    // `get` answers as for a finished Job: its Complete condition true (the Failed one absent).
    const kubectl = standIn(dir, 'kubectl', '[ "$1" = get ] && echo True; true');
    const run = await runScript(script, kubectl.path, dir);
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    const here = realpathSync(planDir);
    const wait = (job: V1Job) => [here, 'get', '-n', 'bench', `job/${job.metadata!.name!}`, '-o', 'jsonpath={.status.conditions[?(@.type=="Complete")].status}{.status.conditions[?(@.type=="Failed")].status}'];
    expect(kubectl.calls()).toEqual([
      [here, 'apply', '-f', 'kubernetes-job-small.json'],
      [here, 'apply', '-f', 'kubernetes-job-big-gpu.json'],
      wait(shardJobs['small']!),
      wait(shardJobs['big-gpu']!),
      [here, 'apply', '-f', 'kubernetes-job-collect.json'],
    ]);
    expect(collect.metadata?.name).toBe(`inferbench-${plan.planId}-collect`);
  });

  it('mounts no volume when the results are in S3', async () => {
    const results = `s3://${BUCKET}/fleet-k8s`;
    const { planDir, plan } = await emitted(join(dir, 's3'), 'kubernetes', results, [], { AWS_ENDPOINT_URL_S3: s3Endpoint });
    // Default: one shard per configuration.
    expect(plan.shards).toEqual({ small: CONFIGURATIONS_PER_TARGET, 'big-gpu': CONFIGURATIONS_PER_TARGET });
    checkJobs(planDir, plan, results, false);
    expect(await parses('sh', join(planDir, 'kubernetes-apply.sh'))).toBe('0');
  });
});

describe('sweep plan --emit slurm', () => {
  const dir = tempDir();

  it('writes a job array per target that bash parses, with its placement and variables, and a script that submits collect after every array', async () => {
    const results = join(dir, 'results');
    const { planDir, plan } = await emitted(dir, 'slurm', results, ['--shards', '2']);
    const batchScript = (name: string) => {
      const text = readFileSync(join(planDir, name), 'utf8');
      const lines = text.split('\n');
      // sbatch reads #SBATCH lines only before the first command.
      const firstCommand = lines.findIndex((line, i) => i > 0 && !line.startsWith('#'));
      return { text, options: lines.slice(1, firstCommand).filter((l) => l.startsWith('#SBATCH ')).map((l) => l.slice('#SBATCH '.length)), late: lines.slice(firstCommand).some((l) => l.startsWith('#SBATCH')) };
    };
    for (const target of TARGETS) {
      const name = `slurm-${target}.sbatch`;
      expect(await parses('bash', join(planDir, name))).toBe('0');
      const { text, options, late } = batchScript(name);
      expect(text.startsWith('#!/bin/bash\n')).toBe(true);
      expect(late).toBe(false);
      const slurm = CONFIG.targets[target].slurm;
      expect(options).toEqual(
        expect.arrayContaining([
          `--array=0-${plan.shards[target]! - 1}`,
          `--partition=${slurm.partition}`,
          ...('gres' in slurm ? [`--gres=${slurm.gres}`] : []),
          ...('time' in slurm ? [`--time=${slurm.time}`] : []),
        ]),
      );
      expect(options.filter((o) => /^--(gres|time)=/.test(o))).toHaveLength(1);
      expect(text).toContain(`\nexport INFERBENCH_TARGET=${target}\n`);
      expect(text).toContain(`\nexport INFERBENCH_SHARD_COUNT=${plan.shards[target]}\n`);
      expect(text).toContain(`\nexec npx inferbench sweep --results ${results}\n`);
    }
    expect(await parses('bash', join(planDir, 'slurm-collect.sbatch'))).toBe('0');
    const collect = batchScript('slurm-collect.sbatch');
    expect(collect.options.some((o) => o.startsWith('--array'))).toBe(false);
    expect(collect.text).toContain(`\nexec npx inferbench sweep collect ${results} -o ${results}/report\n`);

    const script = join(planDir, 'slurm-submit.sh');
    expect(await parses('sh', script)).toBe('0');
    const sbatch = standIn(dir, 'sbatch', 'echo $((4100 + n))');
    const run = await runScript(script, sbatch.path, dir);
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    const here = realpathSync(planDir);
    expect(sbatch.calls()).toEqual([
      [here, '--parsable', 'slurm-small.sbatch'],
      [here, '--parsable', 'slurm-big-gpu.sbatch'],
      [here, '--parsable', '--dependency=afterok:4101:4102', 'slurm-collect.sbatch'],
    ]);
    expect(run.stdout).toBe('4103');
  });
});

describe('sweep plan with bad input', () => {
  const dir = tempDir();
  const without = (edit: (config: Config) => void): Config => {
    const config = clone();
    edit(config);
    return config;
  };
  const TARGET_KEYS = ['device', 'costPerHour', 'image', 'awsBatch', 'kubernetes', 'slurm'];

  /** A case: its config, the flags after --config, and its one line; `keys`: the keys the line must list as the known ones. */
  const cases: [string, Config, (out: string, results: string) => string[], RegExp, string[]?][] = [
    ['an unknown engine', CONFIG, (o, r) => ['--emit', 'nomad', '-o', o, '--results', r], /^inferbench: --emit must be 'aws-batch', 'kubernetes', 'slurm', got 'nomad'$/],
    ['no --emit', CONFIG, (o, r) => ['-o', o, '--results', r], /^inferbench: give --emit aws-batch\|kubernetes\|slurm/],
    [
      'a target without an AWS Batch placement',
      without((c) => delete (c.targets['big-gpu'] as { awsBatch?: unknown }).awsBatch),
      (o, r) => ['--emit', 'aws-batch', '-o', o, '--results', r],
      /^inferbench: target big-gpu has no awsBatch placement; .*"jobQueue"/,
    ],
    [
      'a folder of results for Kubernetes without a claim',
      without((c) => delete (c.targets.small.kubernetes as { resultsClaim?: string }).resultsClaim),
      (o, r) => ['--emit', 'kubernetes', '-o', o, '--results', r],
      /^inferbench: target small stores its results in the folder .*; give it \{ "kubernetes": \{ "resultsClaim": .*s3:\/\//,
    ],
    ['no image for AWS Batch', without((c) => delete (c as { image?: string }).image), (o, r) => ['--emit', 'aws-batch', '-o', o, '--results', r], /^inferbench: target small has no container image for aws-batch; /],
    ['no image for Kubernetes', without((c) => delete (c as { image?: string }).image), (o, r) => ['--emit', 'kubernetes', '-o', o, '--results', r], /^inferbench: target small has no container image for kubernetes; /],
    ['--shards 0', CONFIG, (o, r) => ['--emit', 'slurm', '-o', o, '--results', r, '--shards', '0'], /^inferbench: --shards must be an integer ≥ 1, got '0'$/],
    [
      'a devices axis beside targets',
      without((c) => ((c.axes as { devices?: string[] }).devices = ['cpu', 'cuda'])),
      (o, r) => ['--emit', 'slurm', '-o', o, '--results', r],
      /^inferbench: a sweep with targets takes each target’s device from the target; drop the devices axis/,
    ],
    [
      'a placement written at the target, not under its engine',
      without((c) => ((c.targets.small as { nodeSelector?: unknown }).nodeSelector = { disk: 'ssd' })),
      (o, r) => ['--emit', 'kubernetes', '-o', o, '--results', r],
      /^inferbench: \S+sweep\.json: unknown key 'targets\.small\.nodeSelector'; the keys are (.+)$/,
      TARGET_KEYS,
    ],
    [
      'a misspelt key of an AWS Batch placement',
      without((c) => ((c.targets.small.awsBatch as { jobqueue?: string }).jobqueue = 'queue-x')),
      (o, r) => ['--emit', 'aws-batch', '-o', o, '--results', r],
      /^inferbench: \S+sweep\.json: unknown key 'targets\.small\.awsBatch\.jobqueue'; the keys are (.+)$/,
      ['jobQueue', 'resourceRequirements'],
    ],
  ];

  it.each(cases)('refuses %s in one line, exit 2, writing nothing', async (name, config, flags, message, keys) => {
    const caseDir = join(dir, name.replace(/\W+/g, '-'));
    const out = join(caseDir, 'plan');
    const results = join(caseDir, 'results');
    const run = await sweepPlan(caseDir, config, flags(out, results));
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n')).toEqual([expect.stringMatching(message)]);
    expect(run.stdout).toBe('');
    expect([existsSync(out), existsSync(results)]).toEqual([false, false]);
    // The known keys named are those of the object the unknown key is in, not the top level's.
    if (keys !== undefined) expect(message.exec(run.stderr)![1]!.split(', ').sort()).toEqual([...keys].sort());
  });
});

describe('sweep plan --shards', () => {
  const dir = tempDir();

  it('gives AWS Batch a single job, not an array, for one shard: arrays hold 2 to 10,000 children', async () => {
    const { planDir, plan } = await emitted(join(dir, 'one'), 'aws-batch', `s3://${BUCKET}/fleet-one`, ['--shards', '1'], { AWS_ENDPOINT_URL_S3: s3Endpoint });
    expect(plan.shards).toEqual({ small: 1, 'big-gpu': 1 });
    for (const target of TARGETS) {
      const job = readJson<SubmitJobCommandInput>(join(planDir, `aws-batch-submit-${target}.json`));
      expect(job).not.toHaveProperty('arrayProperties');
      expect(envOf(job.containerOverrides?.environment)).toEqual({ INFERBENCH_TARGET: target, INFERBENCH_SHARD_COUNT: '1' });
    }
  });

  it('gives each target the shards asked for, beyond its configurations too: the shards past them have nothing to do', async () => {
    const { planDir, plan, stdout } = await emitted(join(dir, 'many'), 'aws-batch', `s3://${BUCKET}/fleet-many`, ['--shards', '7'], { AWS_ENDPOINT_URL_S3: s3Endpoint });
    expect(plan.shards).toEqual({ small: 7, 'big-gpu': 7 });
    expect(stdout).toContain('on small (7 shards), big-gpu (7 shards)');
    for (const target of TARGETS) {
      const job = readJson<SubmitJobCommandInput>(join(planDir, `aws-batch-submit-${target}.json`));
      expect(job.arrayProperties).toEqual({ size: 7 });
      expect(envOf(job.containerOverrides?.environment)['INFERBENCH_SHARD_COUNT']).toBe('7');
    }
    const slurm = await emitted(join(dir, 'many-slurm'), 'slurm', join(dir, 'many-slurm', 'results'), ['--shards', '7']);
    expect(readFileSync(join(slurm.planDir, 'slurm-small.sbatch'), 'utf8')).toContain('\n#SBATCH --array=0-6\n');
  });
});
