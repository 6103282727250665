import { reasonedBranchImages } from "../components/apps/catalogue";
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call --
   the checks read Kubernetes objects of every kind as untyped JSON, and guard each read. */
/**
 * The reliability checklist (docs/decisions/019) as pure checks over the resources a stack
 * registers. policy/index.ts runs them in `pulumi preview`/`up --policy-pack policy`; the tests
 * run them on each stack's offline render. No Pulumi import here.
 */

/** A resource as a policy sees it: type, logical name, inputs and the protect option. */
export interface CheckedResource {
  type: string;
  name: string;
  urn?: string;
  props: Record<string, unknown>;
  protect: boolean;
}

export interface Violation {
  policy: string;
  resource: string;
  urn?: string;
  message: string;
}

export interface Check {
  name: string;
  description: string;
  check(resources: readonly CheckedResource[]): Violation[];
}

type Obj = Record<string, any>;

/** Pod Security levels, weakest first. */
const LEVELS = ["privileged", "baseline", "restricted"] as const;
type Level = (typeof LEVELS)[number];

/**
 * Namespaces allowed below `restricted`, with the level they may have and why. Every other
 * namespace must enforce `restricted`.
 */
export const POD_SECURITY_EXCEPTIONS: Record<string, { level: Level; reason: string }> = {
  "faf-infra": { level: "baseline", reason: "the official database images start as root to own their data directories" },
  "faf-ops": { level: "baseline", reason: "the Infisical operator chart's pods are not verified against restricted" },
  argocd: { level: "baseline", reason: "not every Argo CD chart component is verified against restricted" },
  "replay-mounter": {
    level: "privileged",
    reason: "the CIFS watchdog mounts a share into the host with bidirectional propagation",
  },
};

/** NodePort Services allowed, by `namespace/name`, with the reason (none today: Traefik and ServiceLB expose ports). */
export const NODEPORT_ALLOWED: Record<string, string> = {};

/** Pods allowed a hostPath volume, by `namespace/workload`, with the reason. */
export const HOSTPATH_ALLOWED: Record<string, string> = {
  "replay-mounter/replay-mounter": "mounts FAF's replay share (CIFS) into the node's data path, where FAF's replays live",
};

/**
 * Pods allowed a privileged container or Bidirectional mount propagation (a mount made in the
 * pod reaching the node), by `namespace/workload`, with the reason. Their namespace enforces
 * Pod Security `privileged` (POD_SECURITY_EXCEPTIONS), and nothing else may live there.
 */
export const PRIVILEGED_ALLOWED: Record<string, string> = {
  "replay-mounter/replay-mounter":
    "mounting FAF's replay share needs CAP_SYS_ADMIN, and the mount reaches the node only through Bidirectional propagation, which Kubernetes allows privileged containers only",
};

/** Kinds that hold or guard data: protected wherever the stack provisions a real host (prod, test). */
export const DATA_KINDS = new Set([
  "Namespace",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "StorageClass",
  "MariaDB",
  "Database",
  "RabbitmqCluster",
]);

/** An env var or ConfigMap key that names a credential. */
const SENSITIVE_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|API_?KEY/i;
/** Names that only look like credentials, each with the reason. */
export const NOT_SECRETS: Record<string, string> = {
  STRATEGIES_ACCESS_TOKEN: "Hydra's token format (jwt), not a token",
  TOKEN_LIFESPAN: "how long the website's login token lives (a duration), not a token",
  HYDRA_TOKEN_ISSUER: "the issuer URL tokens must name, not a token",
  IRC_TOKEN_TTL: "how long an IRC token lives, in seconds",
  PASSWORD_RESET_URL: "the website's password reset page",
  PASSWORD_RESET_MAIL_TEMPLATE_PATH: "where the password reset mail's template is mounted",
  "config_mail_password-reset.html": "the password reset mail's template (the service fills in its link)",
  oauth__tokenURL: "Hydra's token endpoint for NodeBB's login, not a token",
  FAF_OAUTH_TOKEN_URL: "Hydra's token endpoint for the wiki's login, not a token",
};
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** A tag that names a release: not `latest`, not a bare name. */
const PINNED_IMAGE = /^[a-z0-9./_-]+(:[0-9A-Za-z][0-9A-Za-z._-]*)(@sha256:[0-9a-f]{64})?$|^[a-z0-9./_-]+@sha256:[0-9a-f]{64}$/;
const FLOATING_TAGS = /:(latest|main|master|develop|dev|edge|nightly|stable)$/;

const WORKLOAD_KINDS = new Set(["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]);

/** A Kubernetes object the program itself made (charts' objects carry Helm's label, and are reviewed as charts). */
function ownObject(r: CheckedResource): Obj | undefined {
  if (!r.type.startsWith("kubernetes:") || r.type.startsWith("kubernetes:helm.sh/")) return undefined;
  const p = r.props as Obj;
  if (typeof p.kind !== "string" || typeof p.metadata?.name !== "string") return undefined;
  return p.metadata?.labels?.["app.kubernetes.io/managed-by"] === "pulumi" || p.kind === "Namespace" ? p : undefined;
}

const where = (o: Obj) =>
  o.metadata?.namespace ? `${o.kind} ${o.metadata.namespace}/${o.metadata.name}` : `${o.kind} ${o.metadata.name}`;

interface Pod {
  resource: CheckedResource;
  object: Obj;
  spec: Obj;
  /** Runs until stopped (not a Job or CronJob). */
  long: boolean;
}

function pods(resources: readonly CheckedResource[]): Pod[] {
  const found: Pod[] = [];
  for (const resource of resources) {
    const o = ownObject(resource);
    if (!o || !WORKLOAD_KINDS.has(o.kind)) continue;
    const spec =
      o.kind === "Pod" ? o.spec : o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
    if (spec) found.push({ resource, object: o, spec, long: o.kind !== "Job" && o.kind !== "CronJob" });
  }
  return found;
}

const containers = (spec: Obj): Obj[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];

function violation(policy: string, resource: CheckedResource, message: string): Violation {
  return { policy, resource: resource.name, ...(resource.urn ? { urn: resource.urn } : {}), message };
}

/** Branch builds the catalogue runs on purpose, each with its reason in its data file. */
const REASONED_BRANCH_IMAGES = reasonedBranchImages();

export const pinnedImages: Check = {
  name: "pinned-images",
  description:
    "Every container image names a release tag (or a digest), never latest or a branch, except a branch build the catalogue gives a reason for.",
  check: (resources) =>
    pods(resources).flatMap(({ resource, object, spec }) =>
      containers(spec)
        .filter((c) => typeof c.image !== "string" || !REASONED_BRANCH_IMAGES.has(c.image))
        .filter((c) => typeof c.image !== "string" || !PINNED_IMAGE.test(c.image) || FLOATING_TAGS.test(c.image))
        .map((c) =>
          violation(
            "pinned-images",
            resource,
            `${where(object)}: container ${c.name} image ${String(c.image)} is not pinned to a release tag`,
          ),
        ),
    ),
};

export const resourceBudgets: Check = {
  name: "requests-and-memory-limits",
  description: "Every container requests CPU and memory and has a memory limit.",
  check: (resources) =>
    pods(resources).flatMap(({ resource, object, spec }) =>
      containers(spec).flatMap((c) => {
        const missing = [
          c.resources?.requests?.cpu ? undefined : "requests.cpu",
          c.resources?.requests?.memory ? undefined : "requests.memory",
          c.resources?.limits?.memory ? undefined : "limits.memory",
        ].filter(Boolean);
        return missing.length === 0
          ? []
          : [
              violation(
                "requests-and-memory-limits",
                resource,
                `${where(object)}: container ${c.name} has no ${missing.join(", ")}`,
              ),
            ];
      }),
    ),
};

export const serverProbes: Check = {
  name: "server-probes",
  description: "Every long-running container that serves a port has readiness and liveness probes.",
  check: (resources) =>
    pods(resources)
      .filter((p) => p.long)
      .flatMap(({ resource, object, spec }) =>
        (spec.containers ?? [])
          .filter((c: Obj) => (c.ports ?? []).length > 0 && (!c.readinessProbe || !c.livenessProbe))
          .map((c: Obj) =>
            violation(
              "server-probes",
              resource,
              `${where(object)}: container ${c.name} serves ports but has no ${!c.readinessProbe ? "readiness" : "liveness"} probe`,
            ),
          ),
      ),
};

/** What `restricted` asks of a pod, as far as the program sets it (docs: Pod Security Standards). */
function restrictedProblems(spec: Obj): string[] {
  const problems: string[] = [];
  for (const c of containers(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation is not false`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${c.name}: capabilities do not drop ALL`);
    if (sc.privileged === true) problems.push(`${c.name}: privileged`);
    if ((sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) !== true) problems.push(`${c.name}: runAsNonRoot is not true`);
    if (!(sc.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type)) problems.push(`${c.name}: no seccompProfile`);
  }
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push("host namespaces");
  return problems;
}

export const podSecurity: Check = {
  name: "pod-security-levels",
  description:
    "Every namespace enforces a pinned Pod Security level: restricted, or the listed exception with its reason; pods in restricted namespaces meet it.",
  check: (resources) => {
    const out: Violation[] = [];
    const levels = new Map<string, Level>();
    for (const resource of resources) {
      const o = ownObject(resource);
      if (o?.kind !== "Namespace") continue;
      const name = o.metadata.name as string;
      const labels = o.metadata.labels ?? {};
      const level = labels["pod-security.kubernetes.io/enforce"] as Level | undefined;
      if (!level || !LEVELS.includes(level)) {
        out.push(violation("pod-security-levels", resource, `Namespace ${name}: no pod-security.kubernetes.io/enforce level`));
        continue;
      }
      levels.set(name, level);
      if (!labels["pod-security.kubernetes.io/enforce-version"]) {
        out.push(violation("pod-security-levels", resource, `Namespace ${name}: enforce-version is not pinned`));
      }
      if (level === "restricted") continue;
      const exception = POD_SECURITY_EXCEPTIONS[name];
      if (!exception || LEVELS.indexOf(level) < LEVELS.indexOf(exception.level)) {
        out.push(
          violation(
            "pod-security-levels",
            resource,
            `Namespace ${name} enforces ${level}, below restricted without a listed exception (policy/checks.ts POD_SECURITY_EXCEPTIONS)`,
          ),
        );
      } else if (!o.metadata.annotations?.["faforever.com/pod-security-reason"]) {
        out.push(
          violation(
            "pod-security-levels",
            resource,
            `Namespace ${name} enforces ${level} without a faforever.com/pod-security-reason`,
          ),
        );
      }
    }
    for (const { resource, object, spec } of pods(resources)) {
      const namespace = object.metadata?.namespace as string | undefined;
      if (!namespace || levels.get(namespace) !== "restricted") continue;
      for (const problem of restrictedProblems(spec)) {
        out.push(
          violation(
            "pod-security-levels",
            resource,
            `${where(object)} breaks restricted, which ${namespace} enforces: ${problem}`,
          ),
        );
      }
    }
    return out;
  },
};

export const protectedData: Check = {
  name: "protected-data",
  description:
    "On a stack that provisions a host (prod, test), every namespace, volume, claim, storage class and database object is protected.",
  check: (resources) => {
    if (!resources.some((r) => r.type === "command:remote:Command")) return [];
    return resources
      .filter((r) => !r.protect)
      .map((r) => ({ r, o: ownObject(r) }))
      .filter(({ o }) => o && DATA_KINDS.has(o.kind))
      .map(({ r, o }) => violation("protected-data", r, `${where(o!)} holds data but is not protected (protect: true)`));
  },
};

export const noSecretLiterals: Check = {
  name: "no-secret-literals",
  description:
    "No credential is written as a literal: env values and ConfigMap keys that name one, and private keys anywhere in a ConfigMap.",
  check: (resources) => {
    const out: Violation[] = [];
    for (const { resource, object, spec } of pods(resources)) {
      for (const c of containers(spec)) {
        for (const env of c.env ?? []) {
          if (typeof env.value === "string" && env.value !== "" && SENSITIVE_NAME.test(env.name) && !(env.name in NOT_SECRETS)) {
            out.push(
              violation(
                "no-secret-literals",
                resource,
                `${where(object)}: container ${c.name} sets ${env.name} to a literal (use secretKeyRef)`,
              ),
            );
          }
          if (typeof env.value === "string" && PRIVATE_KEY.test(env.value)) {
            out.push(
              violation("no-secret-literals", resource, `${where(object)}: container ${c.name} has a private key in ${env.name}`),
            );
          }
        }
      }
    }
    for (const resource of resources) {
      const o = ownObject(resource);
      if (o?.kind !== "ConfigMap") continue;
      for (const [key, value] of Object.entries((o.data ?? {}) as Record<string, unknown>)) {
        if (SENSITIVE_NAME.test(key) && !(key in NOT_SECRETS)) {
          out.push(
            violation(
              "no-secret-literals",
              resource,
              `${where(o)}: key ${key} names a credential (put it in the workload's Secret)`,
            ),
          );
        }
        if (PRIVATE_KEY.test(String(value)))
          out.push(violation("no-secret-literals", resource, `${where(o)}: key ${key} holds a private key`));
      }
    }
    return out;
  },
};

export const hostExposure: Check = {
  name: "no-nodeport-or-hostpath",
  description: "No NodePort Service and no hostPath volume outside the allow-lists (policy/checks.ts).",
  check: (resources) => {
    const out: Violation[] = [];
    for (const resource of resources) {
      const o = ownObject(resource);
      if (o?.kind !== "Service" || o.spec?.type !== "NodePort") continue;
      const key = `${o.metadata.namespace}/${o.metadata.name}`;
      if (!(key in NODEPORT_ALLOWED))
        out.push(violation("no-nodeport-or-hostpath", resource, `${where(o)} is a NodePort Service (not in NODEPORT_ALLOWED)`));
    }
    for (const { resource, object, spec } of pods(resources)) {
      const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
      for (const volume of spec.volumes ?? []) {
        if (volume.hostPath && !(key in HOSTPATH_ALLOWED)) {
          out.push(
            violation(
              "no-nodeport-or-hostpath",
              resource,
              `${where(object)}: volume ${volume.name} mounts host path ${volume.hostPath.path} (not in HOSTPATH_ALLOWED)`,
            ),
          );
        }
      }
    }
    return out;
  },
};

export const privilegedPods: Check = {
  name: "no-privileged-pods",
  description:
    "No privileged container, no host namespace and no Bidirectional mount propagation outside the allow-list (policy/checks.ts PRIVILEGED_ALLOWED), in any namespace, whatever level it enforces.",
  check: (resources) => {
    const out: Violation[] = [];
    for (const { resource, object, spec } of pods(resources)) {
      if (`${object.metadata?.namespace}/${object.metadata?.name}` in PRIVILEGED_ALLOWED) continue;
      const problems = [
        ...(spec.hostNetwork || spec.hostPID || spec.hostIPC
          ? ["uses the node's namespaces (hostNetwork, hostPID or hostIPC)"]
          : []),
        ...containers(spec).flatMap((c) => [
          ...(c.securityContext?.privileged === true ? [`container ${c.name} is privileged`] : []),
          ...(c.volumeMounts ?? [])
            .filter((m: Obj) => m.mountPropagation === "Bidirectional")
            .map((m: Obj) => `container ${c.name} propagates mounts at ${m.mountPath} back to the node (Bidirectional)`),
        ]),
      ];
      for (const problem of problems) {
        out.push(violation("no-privileged-pods", resource, `${where(object)}: ${problem} (not in PRIVILEGED_ALLOWED)`));
      }
    }
    return out;
  },
};

export const CHECKS: readonly Check[] = [
  pinnedImages,
  resourceBudgets,
  serverProbes,
  podSecurity,
  protectedData,
  noSecretLiterals,
  hostExposure,
  privilegedPods,
];

/** Every violation of every check. */
export function checkAll(resources: readonly CheckedResource[]): Violation[] {
  return CHECKS.flatMap((c) => c.check(resources));
}
