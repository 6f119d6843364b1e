import type { V1Container, V1Job, V1PodSpec } from '@kubernetes/client-node';
import { InferbenchError } from '../core/errors.js';
import { shellQuote } from '../core/shell-quote.js';
import { collectCommand, imageOf, jobName, shardCommand, shardEnvironment, type EmittedPlan } from './emit-plan.js';
import type { FleetPlan } from './fleet-plan.js';

/** Retries of one index (a pod lost with its node, say) before that index counts as failed; the retry resumes. */
const BACKOFF_LIMIT_PER_INDEX = 2;

/** Refuses a folder of results that a target's pods could not mount: it names no claim. */
function requireResultsVolume(plan: FleetPlan, target: string, results: string): void {
  if (results.startsWith('s3://') || plan.targets[target]!.kubernetes?.resultsClaim !== undefined) return;
  throw new InferbenchError('INVALID_OPTION', `target ${target} stores its results in the folder ${results}, which its pods must mount; give it { "kubernetes": { "resultsClaim": "<PersistentVolumeClaim>" } }, or use --results s3://bucket/prefix`);
}

/**
 * The pod spec of a target's jobs: its image, and for a folder of results the volume there; `placed`, on the target's
 * nodes with its resources (the collect Job needs no accelerator).
 */
function podSpec(plan: FleetPlan, target: string, results: string, container: Omit<V1Container, 'image' | 'name'>, placed: boolean): V1PodSpec {
  const { resultsClaim, serviceAccountName, ...placement } = plan.targets[target]!.kubernetes ?? {};
  const onVolume = !results.startsWith('s3://');
  return {
    restartPolicy: 'Never',
    ...(serviceAccountName ? { serviceAccountName } : {}),
    ...(placed && placement.nodeSelector ? { nodeSelector: { ...placement.nodeSelector } } : {}),
    ...(placed && placement.tolerations ? { tolerations: placement.tolerations.map((t) => ({ ...t })) } : {}),
    containers: [
      {
        name: 'inferbench',
        image: imageOf(plan, target, 'kubernetes'),
        ...container,
        ...(placed && placement.resources ? { resources: { ...placement.resources } } : {}),
        ...(onVolume ? { volumeMounts: [{ name: 'results', mountPath: results }] } : {}),
      },
    ],
    ...(onVolume ? { volumes: [{ name: 'results', persistentVolumeClaim: { claimName: resultsClaim! } }] } : {}),
  };
}

/** The Kubernetes Jobs of a plan: per target an Indexed Job of its shards, and the collect Job. */
export function kubernetesJobs(plan: FleetPlan, results: string): { readonly shardJobs: Readonly<Record<string, V1Job>>; readonly collectJob: V1Job } {
  // A claim lives in one namespace, and collect mounts one: a folder of results must be one volume for every target.
  const targets = Object.keys(plan.targets);
  for (const target of targets) requireResultsVolume(plan, target, results);
  const volumes = new Set(Object.values(plan.targets).map(({ kubernetes = {} }) => `${kubernetes.namespace ?? ''}/${kubernetes.resultsClaim ?? ''}`));
  if (!results.startsWith('s3://') && volumes.size > 1) {
    throw new InferbenchError('INVALID_OPTION', `the targets mount the folder of results from different claims or namespaces (${[...volumes].join(', ')}); give every target the same namespace and resultsClaim, or use --results s3://bucket/prefix`);
  }
  const labels = { 'app.kubernetes.io/name': 'inferbench', 'inferbench/plan': plan.planId };
  const metadata = (target: string, suffix: string, labelled: boolean) => {
    const namespace = plan.targets[target]!.kubernetes?.namespace;
    return { name: jobName(plan, suffix), ...(namespace ? { namespace } : {}), labels: labelled ? { ...labels, 'inferbench/target': target } : labels };
  };
  const shardJobs = Object.fromEntries(
    Object.keys(plan.targets).map((target): [string, V1Job] => {
      const count = plan.shards[target]!;
      const env = Object.entries(shardEnvironment(plan, target)).map(([name, value]) => ({ name, value }));
      return [
        target,
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: metadata(target, target, true),
          spec: {
            completionMode: 'Indexed',
            completions: count,
            parallelism: count,
            backoffLimitPerIndex: BACKOFF_LIMIT_PER_INDEX,
            // A shard's own failures (exit 1) fail its index at once: retrying would measure them again to no end.
            podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }] },
            template: { metadata: { labels: { ...labels, 'inferbench/target': target } }, spec: podSpec(plan, target, results, { command: shardCommand(results), env }, true) },
          },
        },
      ];
    }),
  );
  const first = Object.keys(plan.targets)[0]!;
  const collectJob: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(first, 'collect', false),
    spec: { backoffLimit: 1, template: { metadata: { labels }, spec: podSpec(plan, first, results, { command: collectCommand(results) }, false) } },
  };
  return { shardJobs, collectJob };
}

/** The files `sweep plan --emit kubernetes` writes (JSON manifests, which kubectl reads as YAML), and a script applying them in order. */
export function emitKubernetes(plan: FleetPlan, results: string): EmittedPlan {
  const { shardJobs, collectJob } = kubernetesJobs(plan, results);
  const files: Record<string, string> = {};
  for (const [target, job] of Object.entries(shardJobs)) files[`kubernetes-job-${target}.json`] = `${JSON.stringify(job, null, 2)}\n`;
  files['kubernetes-job-collect.json'] = `${JSON.stringify(collectJob, null, 2)}\n`;
  const names = Object.values(shardJobs).map((job) => `job/${job.metadata!.name!}`);
  const namespaceOf = (job: V1Job): string => (job.metadata!.namespace ? ` -n ${shellQuote(job.metadata!.namespace)}` : '');
  files['kubernetes-apply.sh'] = [
    '#!/bin/sh',
    "# Applies each target's Indexed Job, waits until every one has finished (complete or failed), then applies the collect Job.",
    'set -eu',
    'cd "$(dirname "$0")"',
    ...Object.keys(shardJobs).map((target) => `kubectl apply -f kubernetes-job-${target}.json`),
    // Until each Job is Complete or Failed: a finished Job can hold several true conditions, which kubectl wait's jsonpath refuses.
    ...Object.values(shardJobs).map(
      (job, i) => `until kubectl get${namespaceOf(job)} ${names[i]} -o jsonpath='{.status.conditions[?(@.type=="Complete")].status}{.status.conditions[?(@.type=="Failed")].status}' | grep -q True; do sleep 30; done`,
    ),
    'kubectl apply -f kubernetes-job-collect.json',
    '',
  ].join('\n');
  return { files, submit: 'sh kubernetes-apply.sh' };
}
