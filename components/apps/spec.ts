import type { VolumeKey } from "../cluster/storage-table";
import type { DataServiceName, NamespaceKey } from "../lib/names";

/**
 * What a FAF workload is, as data. One file per workload under `components/apps/` exports a
 * `WorkloadSpec`; `render.ts` turns any spec into Kubernetes objects. Every default is written
 * once, here, as `@default`. Strings may use `{{baseDomain}}` and `{{environment}}`.
 */
export interface WorkloadSpec {
  /** DNS-1123 name; also the name of its Service, Secret and pods' app label. */
  name: string;
  /** One line for reviewers and the Argo CD UI. */
  description: string;
  /** @default "apps" (faf-apps) */
  namespace?: NamespaceKey;
  /**
   * `StatefulSet` for a workload with a stable identity or that must never run twice at once
   * on the same data. `None` for a workload that is only jobs (migrations).
   * @default "Deployment"
   */
  controller?: "Deployment" | "StatefulSet" | "DaemonSet" | "None";
  /**
   * The environments this workload runs in; elsewhere the catalogue does not offer it (the
   * replay share's mounter exists only on prod, as in FAF).
   * @default every environment
   */
  environments?: readonly ("prod" | "test" | "local")[];
  /** A pinned tag; `latest` and branch names are rejected by the catalogue test. */
  image: Image;
  command?: string[];
  args?: string[];
  /** The container's working directory. @default the image's */
  workingDir?: string;
  /** Container ports. */
  ports?: PortSpec[];
  /** HTTP(S) routes through Traefik. */
  routes?: RouteSpec[];
  /** Raw TCP through a Traefik entry point. */
  tcpRoutes?: TcpRouteSpec[];
  /** Traefik middlewares this workload owns, by short name; routes refer to them by that name. */
  middlewares?: Record<string, MiddlewareSpec>;
  /** Plain environment; rendered into a ConfigMap whose name carries a content hash. */
  env?: Record<string, string>;
  /** Environment that only some environments get (merged over `env`). */
  envFor?: Partial<Record<"prod" | "test" | "local", Record<string, string>>>;
  /** Config files; rendered into a hashed ConfigMap and mounted file by file (subPath). */
  files?: FileSpec[];
  /** The keys this workload reads from its Secret (named like the workload), kept in sync from the secret store. */
  secrets?: SecretSpec;
  /** Managed volumes from the storage table. */
  volumes?: VolumeMountSpec[];
  /**
   * Directories of the node under the stack's data path (`<dataPath>/<folder>`), for what must
   * see the host itself rather than a volume (a mount made on the host). Needs
   * `security.exceptions.hostPath`; the pods run on the node that holds the data.
   */
  hostPaths?: HostPathMountSpec[];
  /** Writable scratch directories (emptyDir); the root filesystem is read-only. */
  scratch?: ScratchSpec[];
  /** Databases this workload connects to; the data layer creates them with the user and password key. */
  databases?: DatabaseSpec[];
  /** The RabbitMQ user this workload connects with. */
  broker?: BrokerSpec;
  /** Other workloads that must be up first and that this one calls (egress is admitted to them). */
  requires?: string[];
  /**
   * Workloads this one calls without waiting for them, where waiting would be a cycle (NodeBB
   * waits for the API; the API calls NodeBB). Egress is admitted when both are selected.
   */
  calls?: string[];
  /** Traffic to the internet (outside the cluster), with the reason. */
  internet?: { ports: number[]; reason: string };
  probes?: ProbesSpec;
  /** Pod annotations for the metrics scraper; the port must be a declared port. */
  metrics?: { port: string; path: string };
  resources: ResourcesSpec;
  /** Replicas per environment. @default 1 everywhere */
  replicas?: Partial<Record<"prod" | "test" | "local", number>>;
  /**
   * `rolling` starts a new pod before the old one stops (maxSurge 1, maxUnavailable 0);
   * `recreate` stops the old pod first, for workloads that must never run twice.
   * @default "rolling" for Deployments; StatefulSets always roll one pod at a time
   */
  rollout?: "rolling" | "recreate";
  /**
   * Steps that run to completion, in order, in every pod before the main container starts
   * (Kubernetes init containers): they see the workload's volumes and scratch directories.
   */
  init?: InitStepSpec[];
  /** Jobs that must complete before the workload starts (migrations). */
  jobs?: JobSpec[];
  /**
   * Jobs an admin starts by hand, kept as suspended CronJobs `<workload>-<name>`:
   * `kubectl -n <namespace> create job --from=cronjob/<workload>-<name> <workload>-<name>-<date>`.
   */
  tasks?: JobSpec[];
  /** Jobs on a schedule (CronJobs `<workload>-<name>`, one run at a time). */
  schedules?: ScheduledJobSpec[];
  /** A command run in the container right after it starts (Kubernetes `lifecycle.postStart`). */
  postStart?: string[];
  /**
   * More Services over the same pods and ports, each with its annotations (Traefik's sticky
   * cookie on `whoami-sticky`).
   */
  extraServices?: { name: string; annotations: Record<string, string> }[];
  /** Seconds a pod gets to finish its work on shutdown. @default 30 */
  terminationGracePeriodSeconds?: number;
  /** Who the container runs as, and any relaxation of the secure defaults, each with its reason. */
  security?: SecuritySpec;
}

export interface Image {
  repository: string;
  tag: string;
  /** Tag per environment where FAF runs different builds (test follows a branch build). */
  tagFor?: Partial<Record<"prod" | "test" | "local", string>>;
  /**
   * Why a tag here names a branch build instead of a release (the catalogue test rejects
   * branch tags without one, and a reason without a branch tag). docs/decisions/026.
   */
  branchTagReason?: string;
}

export interface PortSpec {
  /** IANA-style name (at most 15 characters); probes, routes and metrics refer to it. */
  name: string;
  port: number;
  /** @default "TCP" */
  protocol?: "TCP" | "UDP";
  /** Service port when it differs from the container port. @default port */
  servicePort?: number;
  /** Whether the Service exposes it; metrics and admin ports usually stay pod-only. @default true */
  exposed?: boolean;
}

export interface RouteSpec {
  /** Hosts relative to the base domain; `"@"` is the base domain itself. */
  hosts: string[];
  pathPrefix?: string;
  /** The port name this route sends to. */
  port: string;
  /** Names from `middlewares`, applied in this order. */
  middlewares?: string[];
  /**
   * Names from `middlewares` that only some environments apply, after `middlewares` (FAF's CORS
   * for front-ends on a developer's machine, on test only). A middleware no route of an
   * environment uses is not rendered there.
   */
  middlewaresFor?: Partial<Record<"prod" | "test" | "local", string[]>>;
  /** Traefik router priority, when two routes overlap (`api.` and `api./ice`). */
  priority?: number;
}

export interface TcpRouteSpec {
  /** A Traefik TCP entry point (`replay-stream` on 15000). */
  entryPoint: string;
  port: string;
}

/** The Traefik middleware kinds FAF uses; the fields are Traefik's own (traefik.io/v1alpha1). */
export type MiddlewareSpec =
  | { headers: HeadersMiddleware }
  | { redirectRegex: { regex: string; replacement: string; permanent?: boolean } }
  | { stripPrefix: { prefixes: string[] } };

export interface HeadersMiddleware {
  accessControlAllowMethods?: string[];
  accessControlAllowHeaders?: string[];
  accessControlAllowOriginList?: string[];
  accessControlAllowOriginListRegex?: string[];
  accessControlAllowCredentials?: boolean;
  accessControlMaxAge?: number;
  addVaryHeader?: boolean;
}

export interface FileSpec {
  /** Absolute path of the file inside the container. */
  path: string;
  content: string;
  /**
   * Placeholders the service fills itself (`{{username}}` in a mail template), left as they are;
   * any other unknown placeholder is still an error.
   */
  servicePlaceholders?: string[];
}

export interface SecretSpec {
  /** Every key the workload reads; the secret sync creates exactly these. */
  keys: string[];
  /** Keys exposed as environment variables. @default every key not in `files` */
  env?: string[];
  /** Keys projected as files (key files, certificates). */
  files?: { key: string; path: string }[];
  /**
   * Environment variables that read a declared key under another name. A database user has one
   * password, even where the app reads it through two settings (faf-api's league database).
   */
  aliases?: Record<string, string>;
  /**
   * Where no secret store is used (a laptop), every key is generated: a random password unless
   * listed here. `keyPairs` name an RSA private/public key pair in PEM; `derived` keys are
   * templates over other keys (`{{secret:DB_PASSWORD}}`) and the usual placeholders.
   */
  generate?: {
    keyPairs?: { privateKey: string; publicKey: string }[];
    derived?: Record<string, string>;
  };
}

export interface VolumeMountSpec {
  volume: VolumeKey;
  mountPath: string;
  subPath?: string;
  /** @default false */
  readOnly?: boolean;
  /**
   * `HostToContainer`: mounts made later on the node inside the volume's directory appear in the
   * container too (without it the container keeps the view it started with). Not with `subPath`.
   * @default none (Kubernetes' `None`)
   */
  propagation?: "HostToContainer";
}

export interface HostPathMountSpec {
  /** The folder under the stack's data path; `""` is the data path itself. */
  folder: string;
  mountPath: string;
  /** @default false */
  readOnly?: boolean;
  /**
   * `Bidirectional`: mounts the container makes there appear on the node and in every pod that
   * mounts the directory with `HostToContainer`; Kubernetes allows it to privileged containers only.
   * @default none
   */
  propagation?: "HostToContainer" | "Bidirectional";
}

export interface ScratchSpec {
  mountPath: string;
  /** @default "256Mi" */
  sizeLimit?: string;
}

export interface DatabaseSpec {
  engine: Exclude<DataServiceName, "rabbitmq">;
  database: string;
  user: string;
  /** The key of this workload's Secret that holds the password. */
  passwordKey: string;
  /** MariaDB privileges on the database. @default ["ALL PRIVILEGES"] */
  privileges?: string[];
  /** MariaDB privileges on every database (`*.*`), with the reason: replication for change capture. */
  serverPrivileges?: { privileges: string[]; reason: string };
  /** MariaDB: at most this many connections at once. @default 0 (no limit: FAF's services pool their own) */
  maxUserConnections?: number;
}

export interface BrokerSpec {
  vhost: string;
  user: string;
  passwordKey: string;
  /** Exchanges this workload publishes to; the data layer declares them (durable) in `vhost`. */
  exchanges?: { name: string; type: "topic" | "direct" | "fanout" | "headers" }[];
}

export type ProbeCheck = { http: { port: string; path: string } } | { tcp: { port: string } } | { exec: string[] };

export type ProbeSpec = ProbeCheck & {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
};

export interface ProbesSpec {
  /** Holds liveness and readiness back until the process is up (slow JVM starts). */
  startup?: ProbeSpec;
  /** Restarts a wedged process. */
  liveness?: ProbeSpec;
  /** Takes the pod out of the Service while it cannot serve. */
  readiness?: ProbeSpec;
}

export interface ResourcesSpec {
  requests: { cpu: string; memory: string };
  /** A memory limit is required; a CPU limit only throttles, so it is optional. */
  limits: { memory: string; cpu?: string };
}

export interface JobSpec {
  /** Short name; the Job is `<workload>-<name>-<hash>`, so a change runs it again. */
  name: string;
  /** @default the workload's image */
  image?: Image;
  command?: string[];
  args?: string[];
  /** Extra environment on top of the workload's. */
  env?: Record<string, string>;
  /** @default the workload's `workingDir` */
  workingDir?: string;
  /** @default the workload's resources */
  resources?: ResourcesSpec;
  /** @default 2 */
  backoffLimit?: number;
  /** @default 600 */
  activeDeadlineSeconds?: number;
}

export interface InitStepSpec {
  /** Short name: the init container's name. */
  name: string;
  /** A pinned tag, like the workload's (Renovate finds `image: { repository, tag }` here too). */
  image: Image;
  command?: string[];
  args?: string[];
  /**
   * Environment of this step only, on top of the workload's plain environment (its ConfigMap).
   * The workload's Secret is not passed: only `secretKeys`.
   */
  env?: Record<string, string>;
  /** Keys of the workload's Secret this step reads, as environment variables; nothing else of it. */
  secretKeys?: string[];
  resources: ResourcesSpec;
  /**
   * The environments that run it, with the reason the others do not (a laptop has no licence
   * key or GitHub token). @default every environment
   */
  only?: { environments: ("prod" | "test" | "local")[]; reason: string };
}

export interface ScheduledJobSpec extends JobSpec {
  /** Cron syntax, in UTC. */
  schedule: string;
}

export interface SecuritySpec {
  /** @default 10001 */
  runAsUser?: number;
  /** @default runAsUser */
  runAsGroup?: number;
  /** Group that owns mounted volumes. @default runAsGroup */
  fsGroup?: number;
  /** Relaxations of the secure defaults; each value is the reason, shown on the pod. */
  exceptions?: {
    /** The image writes outside its scratch directories. */
    writableRootFilesystem?: string;
    /** The pod mounts directories of the node (`hostPaths`); the policy pack lists it too. */
    hostPath?: string;
    /**
     * The container runs as root, privileged (every capability, the node's devices, no seccomp):
     * only for what must change the node itself, such as a mount propagated back to it. Its
     * namespace enforces Pod Security `privileged` and the policy pack lists the workload.
     */
    privileged?: string;
  };
}
