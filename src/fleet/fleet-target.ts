import { z } from 'zod';
import { DEVICES } from '../options/run-options.js';

/** Where AWS Batch places a target's jobs. */
export interface AwsBatchPlacement {
  /** The job queue whose compute environment has this kind of machine. */
  readonly jobQueue: string;
  /** The container's share of the machine, as AWS Batch's `resourceRequirements` (VCPU, MEMORY in MiB, GPU). */
  readonly resourceRequirements?: readonly { readonly type: 'VCPU' | 'MEMORY' | 'GPU'; readonly value: string }[];
}

/** Where Kubernetes places a target's pods. */
export interface KubernetesPlacement {
  /** Namespace of the Jobs; default the kubeconfig context's, else `default`. */
  readonly namespace?: string;
  /** Labels of the nodes, e.g. `{ "node.kubernetes.io/instance-type": "inf2.xlarge" }`. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the pods tolerate, as Kubernetes writes them (`{ key, operator, value, effect }`). */
  readonly tolerations?: readonly Readonly<Record<string, string>>[];
  /** Resource requests and limits, e.g. `{ limits: { "aws.amazon.com/neuron": "1" } }` or `nvidia.com/gpu`. */
  readonly resources?: { readonly requests?: Readonly<Record<string, string>>; readonly limits?: Readonly<Record<string, string>> };
  /** The PersistentVolumeClaim mounted at the results folder, when the results go to a folder rather than S3. */
  readonly resultsClaim?: string;
  /** The pods' service account: on EKS, the one whose IAM role (IRSA) may write the results bucket. */
  readonly serviceAccountName?: string;
}

/** Where Slurm places a target's tasks. */
export interface SlurmPlacement {
  /** Partition (`--partition`). */
  readonly partition?: string;
  /** Generic resources (`--gres`), e.g. `gpu:1`. */
  readonly gres?: string;
  /** Wall-clock limit of one task (`--time`), e.g. `02:00:00`. */
  readonly time?: string;
}

/** A named kind of machine a fleet sweep runs on: its device, its price, and how each engine places a job there. */
export interface FleetTarget {
  /** The device configurations run on there. */
  readonly device: (typeof DEVICES)[number];
  /** Price of one machine per hour, for the cost per million inferences. */
  readonly costPerHour?: number;
  /** Container image of the jobs; default the plan's. */
  readonly image?: string;
  readonly awsBatch?: AwsBatchPlacement;
  readonly kubernetes?: KubernetesPlacement;
  readonly slurm?: SlurmPlacement;
}

/** The name of the one target of a sweep that lists none: the machine it runs on. */
export const LOCAL_TARGET = 'local';

const name = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, { error: 'must be 1 to 32 lower-case letters, digits and inner hyphens (it names jobs and folders)' })
  // Collect's reports go to report/ beside the targets' folders.
  .refine((target) => target !== 'report', { error: "must not be 'report', the name of collect's folder" });
const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });
const stringMap = z.record(z.string(), z.string(), { error: 'must map names to strings' });

/** The shape of a target in a sweep's config file. */
export const fleetTargetShape = z.strictObject({
  device: z.enum(DEVICES, { error: `must be one of ${DEVICES.join(', ')}` }),
  costPerHour: z.number({ error: 'must be a positive price per hour' }).positive({ error: 'must be a positive price per hour' }).optional(),
  image: text('a container image').optional(),
  awsBatch: z
    .strictObject({
      jobQueue: text('a job queue name'),
      resourceRequirements: z.array(z.strictObject({ type: z.enum(['VCPU', 'MEMORY', 'GPU'], { error: "must be 'VCPU', 'MEMORY' or 'GPU'" }), value: text('a number as a string') })).optional(),
    })
    .optional(),
  kubernetes: z
    .strictObject({
      namespace: text('a namespace').optional(),
      nodeSelector: stringMap.optional(),
      tolerations: z.array(stringMap).optional(),
      resources: z.strictObject({ requests: stringMap.optional(), limits: stringMap.optional() }).optional(),
      resultsClaim: text('a PersistentVolumeClaim name').optional(),
      serviceAccountName: text('a service account name').optional(),
    })
    .optional(),
  slurm: z.strictObject({ partition: text('a partition').optional(), gres: text('a gres such as gpu:1').optional(), time: text('a time limit such as 02:00:00').optional() }).optional(),
});

/** The targets of a sweep's config file, by name. */
export const fleetTargetsShape = z.record(name, fleetTargetShape, { error: 'must map target names to targets' }).refine((targets) => Object.keys(targets).length > 0, { error: 'must name at least one target' });
