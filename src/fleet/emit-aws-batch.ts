import type { RegisterJobDefinitionCommandInput, SubmitJobCommandInput } from '@aws-sdk/client-batch';
import { InferbenchError } from '../core/errors.js';
import { collectCommand, imageOf, jobName, shardCommand, shardEnvironment, type EmittedPlan } from './emit-plan.js';
import type { FleetPlan } from './fleet-plan.js';

/** Attempts of each array child: a spot reclaim or a lost host is retried, and the retry resumes. */
const ATTEMPTS = 3;

const environmentList = (env: Readonly<Record<string, string>>) => Object.entries(env).map(([name, value]) => ({ name, value }));

/** Each target's AWS Batch placement, refused in one line where a target has none. */
function jobQueueOf(plan: FleetPlan, target: string): string {
  const placement = plan.targets[target]!.awsBatch;
  if (placement === undefined) throw new InferbenchError('INVALID_OPTION', `target ${target} has no awsBatch placement; give it { "awsBatch": { "jobQueue": "…" } } in the sweep config`);
  return placement.jobQueue;
}

/** The AWS Batch requests of a plan, as the SDK (and `aws batch … --cli-input-json`) takes them. */
export interface AwsBatchRequests {
  /** One job definition per image. */
  readonly jobDefinitions: readonly RegisterJobDefinitionCommandInput[];
  /** Per target, its array job (a single job when it has one shard: Batch arrays hold 2 to 10,000). */
  readonly shardJobs: Readonly<Record<string, SubmitJobCommandInput>>;
  /** The collect job; its `dependsOn` holds `__JOB_ID_<TARGET>__` placeholders that submission fills in. */
  readonly collectJob: SubmitJobCommandInput;
}

/** The shell variable that holds a target's array job id once submitted: `JOB_ID_INF2`. */
const jobIdVariable = (target: string): string => `JOB_ID_${target.replace(/-/g, '_').toUpperCase()}`;

/** The placeholder of a target's array job id in the collect job, replaced with the id once that job is submitted. */
export const jobIdPlaceholder = (target: string): string => `__${jobIdVariable(target)}__`;

/** The most jobs one AWS Batch job may depend on. */
const MAX_DEPENDENCIES = 20;

export function awsBatchRequests(plan: FleetPlan, results: string): AwsBatchRequests {
  const targets = Object.keys(plan.targets);
  if (targets.length > MAX_DEPENDENCIES) {
    throw new InferbenchError('INVALID_OPTION', `the plan has ${targets.length} targets, and an AWS Batch job depends on at most ${MAX_DEPENDENCIES}; split the sweep into several plans`);
  }
  const images = [...new Set(targets.map((t) => imageOf(plan, t, 'aws-batch')))];
  const definitionOf = (image: string): string => jobName(plan, images.length === 1 ? 'job' : `job-${images.indexOf(image) + 1}`);
  const jobDefinitions = images.map(
    (image): RegisterJobDefinitionCommandInput => ({
      jobDefinitionName: definitionOf(image),
      type: 'container',
      containerProperties: { image, command: shardCommand(results), resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '2048' }] },
      // A shard's own failures (exit 1) and an interruption (130) end the job; a lost host or a reclaimed spot
      // instance (no exit code) is retried, and the retry resumes.
      retryStrategy: { attempts: ATTEMPTS, evaluateOnExit: [{ onExitCode: '1', action: 'EXIT' }, { onExitCode: '130', action: 'EXIT' }, { onReason: '*', action: 'RETRY' }] },
      tags: { 'inferbench-plan': plan.planId },
    }),
  );
  const shardJobs = Object.fromEntries(
    targets.map((target): [string, SubmitJobCommandInput] => {
      const size = plan.shards[target]!;
      const requirements = plan.targets[target]!.awsBatch?.resourceRequirements;
      return [
        target,
        {
          jobName: jobName(plan, target),
          jobQueue: jobQueueOf(plan, target),
          jobDefinition: definitionOf(imageOf(plan, target, 'aws-batch')),
          ...(size > 1 ? { arrayProperties: { size } } : {}),
          containerOverrides: { environment: environmentList(shardEnvironment(plan, target)), ...(requirements ? { resourceRequirements: requirements.map((r) => ({ ...r })) } : {}) },
          tags: { 'inferbench-plan': plan.planId, 'inferbench-target': target },
        },
      ];
    }),
  );
  const collectJob: SubmitJobCommandInput = {
    jobName: jobName(plan, 'collect'),
    jobQueue: jobQueueOf(plan, targets[0]!),
    jobDefinition: definitionOf(images[0]!),
    // AWS Batch fails a job whose dependency failed: after a failed shard, run collect by hand; it names what is missing.
    dependsOn: targets.map((target) => ({ jobId: jobIdPlaceholder(target) })),
    containerOverrides: { command: collectCommand(results) },
    tags: { 'inferbench-plan': plan.planId },
  };
  // Last: a plan without placements or an image is told so first.
  if (!results.startsWith('s3://')) {
    throw new InferbenchError('INVALID_OPTION', `AWS Batch containers cannot reach the folder ${results}; store the results in S3 (--results s3://bucket/prefix)`);
  }
  return { jobDefinitions, shardJobs, collectJob };
}

/** The files `sweep plan --emit aws-batch` writes, and a script that submits them with the AWS CLI. */
export function emitAwsBatch(plan: FleetPlan, results: string): EmittedPlan {
  const { jobDefinitions, shardJobs, collectJob } = awsBatchRequests(plan, results);
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const files: Record<string, string> = {};
  jobDefinitions.forEach((definition, i) => (files[`aws-batch-job-definition${jobDefinitions.length === 1 ? '' : `-${i + 1}`}.json`] = json(definition)));
  for (const [target, job] of Object.entries(shardJobs)) files[`aws-batch-submit-${target}.json`] = json(job);
  files['aws-batch-submit-collect.json'] = json(collectJob);
  const script = [
    '#!/bin/sh',
    '# Submits the plan with the AWS CLI: the job definition, each target\'s array job, then the collect job that depends on them.',
    'set -eu',
    'cd "$(dirname "$0")"',
    ...Object.keys(files)
      .filter((f) => f.startsWith('aws-batch-job-definition'))
      .map((f) => `aws batch register-job-definition --cli-input-json file://${f} > /dev/null`),
    ...Object.keys(shardJobs).map((target) => `${jobIdVariable(target)}=$(aws batch submit-job --cli-input-json file://aws-batch-submit-${target}.json --query jobId --output text)`),
    `sed ${Object.keys(shardJobs).map((t) => `-e "s/${jobIdPlaceholder(t)}/$${jobIdVariable(t)}/"`).join(' ')} aws-batch-submit-collect.json > aws-batch-submit-collect.resolved.json`,
    'aws batch submit-job --cli-input-json file://aws-batch-submit-collect.resolved.json --query jobId --output text',
    '',
  ].join('\n');
  files['aws-batch-submit.sh'] = script;
  return { files, submit: 'sh aws-batch-submit.sh' };
}
