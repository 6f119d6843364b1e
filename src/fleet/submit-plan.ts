import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild } from '../core/child-process.js';
import { InferbenchError, firstLine } from '../core/errors.js';
import { awsClientConfig } from './aws-client-config.js';
import type { FleetEngine } from './emit-plan.js';
import type { FleetPlan } from './fleet-plan.js';

/** What a submission did: the engine's ids of the jobs, by target (and `collect`). */
export interface SubmittedPlan {
  readonly jobIds: Readonly<Record<string, string>>;
  /** What the user still does, where the engine cannot chain it: Kubernetes has no dependency between Jobs. */
  readonly then?: string;
}

/** What {@link submitPlan} takes. */
export interface SubmitOptions {
  readonly plan: FleetPlan;
  readonly results: string;
  readonly engine: FleetEngine;
  /** The environment the engine's client reads (credentials, region, endpoints, KUBECONFIG); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

/** Submission waits no longer than this on an engine's API or `sbatch`. */
const SUBMIT_TIMEOUT_MS = 60_000;

/** What was submitted before a failure, so that the user can cancel it or let it run. */
const submittedSoFar = (jobIds: Readonly<Record<string, string>>): string =>
  Object.keys(jobIds).length === 0 ? '' : `; already submitted: ${Object.entries(jobIds).map(([job, id]) => `${job} ${id}`).join(', ')}`;

/** `request`, or a one-line failure once it has taken {@link SUBMIT_TIMEOUT_MS} or `signal` aborts. */
async function withinTime<T>(request: Promise<T>, what: string, signal: AbortSignal | undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InferbenchError('STORAGE_FAILED', `${what} got no answer in ${SUBMIT_TIMEOUT_MS / 1000} s; check the cluster's address in the kubeconfig`)), SUBMIT_TIMEOUT_MS);
    onAbort = () => reject(new InferbenchError('ABORTED', `${what} was cancelled`));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([request, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** Submits the plan's jobs with the engine's own client, each loaded only here: the AWS SDK, the Kubernetes client, `sbatch`. */
export async function submitPlan(options: SubmitOptions): Promise<SubmittedPlan> {
  switch (options.engine) {
    case 'aws-batch':
      return submitAwsBatch(options);
    case 'kubernetes':
      return submitKubernetes(options);
    case 'slurm':
      return submitSlurm(options);
  }
}

async function submitAwsBatch({ plan, results, env = process.env, signal }: SubmitOptions): Promise<SubmittedPlan> {
  const { BatchClient, RegisterJobDefinitionCommand, SubmitJobCommand } = await import('@aws-sdk/client-batch');
  const { awsBatchRequests, jobIdPlaceholder } = await import('./emit-aws-batch.js');
  const client = new BatchClient({ ...awsClientConfig(env, 'BATCH'), requestHandler: { requestTimeout: SUBMIT_TIMEOUT_MS, connectionTimeout: SUBMIT_TIMEOUT_MS } });
  const { jobDefinitions, shardJobs, collectJob } = awsBatchRequests(plan, results);
  const jobIds: Record<string, string> = {};
  const send = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'CredentialsProviderError') throw new InferbenchError('ACCESS_DENIED', `no AWS credentials to ${what}: ${firstLine(error)}; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, { cause: error });
      throw new InferbenchError('INVALID_OPTION', `AWS Batch refused to ${what}: ${name}: ${firstLine(error)}${submittedSoFar(jobIds)}`, { cause: error });
    }
  };
  for (const definition of jobDefinitions) await send(`register the job definition ${definition.jobDefinitionName}`, () => client.send(new RegisterJobDefinitionCommand(definition), { abortSignal: signal }));
  for (const [target, job] of Object.entries(shardJobs)) {
    jobIds[target] = (await send(`submit ${job.jobName}`, () => client.send(new SubmitJobCommand(job), { abortSignal: signal }))).jobId!;
  }
  const dependsOn = collectJob.dependsOn!.map((dependency) => ({ jobId: Object.entries(jobIds).find(([target]) => jobIdPlaceholder(target) === dependency.jobId)![1] }));
  jobIds['collect'] = (await send(`submit ${collectJob.jobName}`, () => client.send(new SubmitJobCommand({ ...collectJob, dependsOn }), { abortSignal: signal }))).jobId!;
  return { jobIds };
}

async function submitKubernetes({ plan, results, env = process.env, signal }: SubmitOptions): Promise<SubmittedPlan> {
  const { BatchV1Api, KubeConfig } = await import('@kubernetes/client-node');
  const { kubernetesJobs } = await import('./emit-kubernetes.js');
  const file = env['KUBECONFIG']?.split(':')[0] || join(env['HOME'] ?? homedir(), '.kube', 'config');
  const config = new KubeConfig();
  try {
    config.loadFromFile(file);
  } catch (error) {
    throw new InferbenchError('INVALID_OPTION', `no Kubernetes cluster to submit to: ${file} cannot be read (${firstLine(error)}); set KUBECONFIG to your cluster's kubeconfig`, { cause: error });
  }
  const context = config.getContextObject(config.getCurrentContext());
  if (context === null) throw new InferbenchError('INVALID_OPTION', `${file} names no current context; run kubectl config use-context NAME`);
  const api = config.makeApiClient(BatchV1Api);
  const { shardJobs } = kubernetesJobs(plan, results);
  const jobIds: Record<string, string> = {};
  for (const [target, job] of Object.entries(shardJobs)) {
    const namespace = job.metadata!.namespace ?? context.namespace ?? 'default';
    try {
      const created = await withinTime(api.createNamespacedJob({ namespace, body: job }), `creating the Job ${job.metadata!.name}`, signal);
      jobIds[target] = `${namespace}/${created.metadata?.name ?? job.metadata!.name!}`;
    } catch (error) {
      if (error instanceof InferbenchError) throw error;
      throw new InferbenchError('INVALID_OPTION', `the cluster of context ${context.name} refused the Job ${job.metadata!.name} in namespace ${namespace}: ${firstLine(error)}${submittedSoFar(jobIds)}`, { cause: error });
    }
  }
  return { jobIds, then: `once the Jobs have finished: inferbench sweep collect ${results}` };
}

async function submitSlurm({ plan, results, env = process.env, signal }: SubmitOptions): Promise<SubmittedPlan> {
  const { emitSlurm } = await import('./emit-slurm.js');
  const { files } = emitSlurm(plan, results);
  const dir = await mkdtemp(join(tmpdir(), 'inferbench-slurm-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const jobIds: Record<string, string> = {};
    const sbatch = async (args: readonly string[]): Promise<string> => {
      const run = await runChild('sbatch', ['--parsable', ...args], { what: `sbatch ${args.join(' ')}`, timeoutMs: SUBMIT_TIMEOUT_MS, env: { ...env }, extendEnv: false, ...(signal ? { signal } : {}) });
      if (run.exitCode === undefined && !run.timedOut) throw new InferbenchError('INVALID_OPTION', 'sbatch is not on the PATH; submit from a Slurm login node, or use inferbench sweep plan --emit slurm');
      if (run.timedOut) throw new InferbenchError('STORAGE_FAILED', `sbatch got no answer from Slurm in ${SUBMIT_TIMEOUT_MS / 1000} s${submittedSoFar(jobIds)}`);
      if (run.failed) throw new InferbenchError('INVALID_OPTION', `sbatch refused ${args.at(-1)}: ${run.stderr.trim().split('\n').at(-1) || `exit ${run.exitCode}`}${submittedSoFar(jobIds)}`);
      // --parsable prints "id" or "id;cluster".
      return run.stdout.trim().split(';')[0]!;
    };
    for (const target of Object.keys(plan.targets)) jobIds[target] = await sbatch([join(dir, `slurm-${target}.sbatch`)]);
    jobIds['collect'] = await sbatch([`--dependency=afterok:${Object.values(jobIds).join(':')}`, join(dir, 'slurm-collect.sbatch')]);
    return { jobIds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
