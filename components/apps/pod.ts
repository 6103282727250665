import type * as k8s from "@pulumi/kubernetes";
import { claimName } from "../cluster/storage-table";
import type { Image, InitStepSpec, JobSpec, PortSpec, ProbeSpec, ResourcesSpec, WorkloadSpec } from "./spec";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** The UID/GID a workload runs as unless its spec says otherwise (no image user is root-free by default). */
export const DEFAULT_UID = 10001;
/** emptyDir size unless the spec says otherwise. */
export const DEFAULT_SCRATCH = "256Mi";

export interface PodInputs {
  spec: WorkloadSpec;
  environment: "prod" | "test" | "local";
  imagePullPolicy: string;
  serviceAccountName: string;
  /** Name of the hashed ConfigMap holding `env`, if any. */
  envConfigMap?: string;
  /** Name of the hashed ConfigMap holding `files`, if any. */
  filesConfigMap?: string;
  /** Name of the Secret holding the workload's keys. */
  secretName: string;
}

export function imageRef(image: Image, environment: PodInputs["environment"]): string {
  return `${image.repository}:${image.tagFor?.[environment] ?? image.tag}`;
}

/** A tag that names a release: no `latest`, no branch names such as `main` or `develop`. */
export const RELEASE_TAG = /^v?\d+(\.\d+)*([.-][0-9A-Za-z.]+)*$/;

/**
 * A branch build (a reasoned exception, `Image.branchTagReason`) is pulled on every pod start, so
 * a restart runs the branch's newest build (docs/decisions/026); release tags keep the stack's policy.
 */
export function pullPolicyFor(image: Image, environment: PodInputs["environment"], policy: string): string {
  const tag = image.tagFor?.[environment] ?? image.tag;
  return image.branchTagReason !== undefined && !RELEASE_TAG.test(tag) ? "Always" : policy;
}

/** ConfigMap key of a config file: its path with separators made key-safe. */
export function fileKey(path: string): string {
  return path.replace(/^\/+/, "").replace(/[^-._a-zA-Z0-9]/g, "_");
}

/**
 * The pod template shared by the workload's controller and its jobs. `init` containers (the
 * controller's, see `initContainers`) get the same mounts as the main container.
 */
export function podSpec(inputs: PodInputs, container: Container, restartPolicy?: "Never", init: Container[] = []): PodSpec {
  const { spec } = inputs;
  const uid = spec.security?.runAsUser ?? DEFAULT_UID;
  const gid = spec.security?.runAsGroup ?? uid;
  const { volumes, mounts } = volumesOf(inputs);
  return {
    serviceAccountName: inputs.serviceAccountName,
    // No workload here talks to the Kubernetes API; a token in the pod would only be a liability.
    automountServiceAccountToken: false,
    // Service links inject one variable per Service in the namespace; nothing here reads them.
    enableServiceLinks: false,
    ...(restartPolicy ? { restartPolicy } : {}),
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: gid,
      fsGroup: spec.security?.fsGroup ?? gid,
      // Chowning 500 GiB of replays on every start would take hours: only fix the top directory.
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    },
    ...(init.length > 0
      ? { initContainers: init.map((step) => ({ ...step, volumeMounts: mounts.length > 0 ? mounts : undefined })) }
      : {}),
    containers: [{ ...container, volumeMounts: mounts.length > 0 ? mounts : undefined }],
    volumes: volumes.length > 0 ? volumes : undefined,
  };
}

/** The workload's main container. */
export function mainContainer(inputs: PodInputs): Container {
  const { spec } = inputs;
  const ports = spec.ports ?? [];
  return {
    name: spec.name,
    ...containerBase(inputs, spec.image, spec.command, spec.args, spec.resources),
    ports: ports.length > 0 ? ports.map(containerPort) : undefined,
    startupProbe: spec.probes?.startup ? probe(spec.probes.startup, ports, spec.name) : undefined,
    livenessProbe: spec.probes?.liveness ? probe(spec.probes.liveness, ports, spec.name) : undefined,
    readinessProbe: spec.probes?.readiness ? probe(spec.probes.readiness, ports, spec.name) : undefined,
    ...(spec.postStart ? { lifecycle: { postStart: { exec: { command: spec.postStart } } } } : {}),
  };
}

/** A job's container: the workload's image, environment and mounts unless the job overrides them. */
export function jobContainer(inputs: PodInputs, job: JobSpec): Container {
  const { spec } = inputs;
  const container = containerBase(
    inputs,
    job.image ?? spec.image,
    job.command ?? spec.command,
    job.args,
    job.resources ?? spec.resources,
  );
  const extra = Object.entries(job.env ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  const env = [...((container.env as k8s.types.input.core.v1.EnvVar[] | undefined) ?? []), ...extra];
  return { name: job.name, ...container, env: env.length > 0 ? env : undefined };
}

/**
 * The workload's init steps that run in this environment, as containers: the step's image and
 * resources, the workload's plain environment plus the step's own, and only the Secret keys the
 * step names. Same hardening as every container.
 */
export function initContainers(inputs: PodInputs): Container[] {
  const { spec } = inputs;
  return (spec.init ?? [])
    .filter((step) => step.only === undefined || step.only.environments.includes(inputs.environment))
    .map((step) => initContainer(inputs, step));
}

function initContainer(inputs: PodInputs, step: InitStepSpec): Container {
  const { spec } = inputs;
  const keys = spec.secrets?.keys ?? [];
  for (const key of step.secretKeys ?? []) {
    if (!keys.includes(key)) {
      throw new Error(
        `${spec.name}.init.${step.name}.secretKeys: "${key}" is not one of the workload's secret keys (${keys.join(", ") || "none"}); declare it in secrets.keys`,
      );
    }
  }
  const base = containerBase(inputs, step.image, step.command, step.args, step.resources);
  const plain = Object.entries(step.env ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
  const secret = [...(step.secretKeys ?? [])]
    .sort()
    .map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: inputs.secretName, key } } }));
  const env = [...plain, ...secret];
  return { name: step.name, ...base, env: env.length > 0 ? env : undefined };
}

function containerBase(
  inputs: PodInputs,
  image: Image,
  command: string[] | undefined,
  args: string[] | undefined,
  resources: ResourcesSpec,
): Omit<Container, "name"> {
  const { spec } = inputs;
  const fileKeys = new Set((spec.secrets?.files ?? []).map((f) => f.key));
  const secretEnv = spec.secrets?.env ?? (spec.secrets?.keys ?? []).filter((key) => !fileKeys.has(key));
  const aliases = Object.entries(spec.secrets?.aliases ?? {});
  for (const [name, key] of aliases) {
    if (!(spec.secrets?.keys ?? []).includes(key)) {
      throw new Error(`${spec.name}.secrets.aliases.${name}: "${key}" is not one of the workload's secret keys`);
    }
  }
  return {
    image: imageRef(image, inputs.environment),
    imagePullPolicy: pullPolicyFor(image, inputs.environment, inputs.imagePullPolicy),
    ...(command ? { command } : {}),
    ...(args ? { args } : {}),
    envFrom: inputs.envConfigMap ? [{ configMapRef: { name: inputs.envConfigMap } }] : undefined,
    env:
      secretEnv.length + aliases.length > 0
        ? [...secretEnv.map((key) => [key, key] as const), ...aliases]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([name, key]) => ({ name, valueFrom: { secretKeyRef: { name: inputs.secretName, key } } }))
        : undefined,
    resources: {
      requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
      limits: { memory: resources.limits.memory, ...(resources.limits.cpu ? { cpu: resources.limits.cpu } : {}) },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: spec.security?.exceptions?.writableRootFilesystem === undefined,
      capabilities: { drop: ["ALL"] },
    },
  };
}

function containerPort(port: PortSpec) {
  return { name: port.name, containerPort: port.port, protocol: port.protocol ?? "TCP" };
}

/** Finds a declared port by name; a probe or route on an undeclared port is a spec error. */
export function portNamed(ports: readonly PortSpec[], name: string, where: string): PortSpec {
  const port = ports.find((p) => p.name === name);
  if (!port) throw new Error(`${where}: no port named "${name}" (declared: ${ports.map((p) => p.name).join(", ") || "none"})`);
  return port;
}

function probe(spec: ProbeSpec, ports: readonly PortSpec[], where: string): Probe {
  const timing = {
    initialDelaySeconds: spec.initialDelaySeconds,
    periodSeconds: spec.periodSeconds ?? 10,
    timeoutSeconds: spec.timeoutSeconds ?? 1,
    failureThreshold: spec.failureThreshold ?? 3,
  };
  if ("http" in spec) {
    return { httpGet: { port: portNamed(ports, spec.http.port, where).name, path: spec.http.path }, ...timing };
  }
  if ("tcp" in spec) return { tcpSocket: { port: portNamed(ports, spec.tcp.port, where).name }, ...timing };
  return { exec: { command: spec.exec }, ...timing };
}

function volumesOf(inputs: PodInputs): { volumes: Volume[]; mounts: VolumeMount[] } {
  const { spec } = inputs;
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];

  if (inputs.filesConfigMap && spec.files?.length) {
    volumes.push({ name: "config-files", configMap: { name: inputs.filesConfigMap } });
    for (const file of spec.files) {
      mounts.push({ name: "config-files", mountPath: file.path, subPath: fileKey(file.path), readOnly: true });
    }
  }

  // Secret files are grouped per directory: one projected secret volume each.
  const byDir = new Map<string, { key: string; path: string }[]>();
  for (const file of spec.secrets?.files ?? []) {
    const dir = file.path.slice(0, file.path.lastIndexOf("/")) || "/";
    byDir.set(dir, [...(byDir.get(dir) ?? []), { key: file.key, path: file.path.slice(dir.length + 1) }]);
  }
  [...byDir.entries()].forEach(([dir, items], index) => {
    const name = `secret-files-${index}`;
    // 0440: readable by the pod's group only; key files must not be world-readable.
    volumes.push({ name, secret: { secretName: inputs.secretName, items, defaultMode: 0o440 } });
    mounts.push({ name, mountPath: dir, readOnly: true });
  });

  const claims = [...new Set((spec.volumes ?? []).map((v) => v.volume))];
  for (const volume of claims) {
    volumes.push({ name: volume, persistentVolumeClaim: { claimName: claimName(volume) } });
  }
  for (const mount of spec.volumes ?? []) {
    mounts.push({
      name: mount.volume,
      mountPath: mount.mountPath,
      ...(mount.subPath ? { subPath: mount.subPath } : {}),
      readOnly: mount.readOnly ?? false,
    });
  }

  (spec.scratch ?? []).forEach((scratch, index) => {
    const name = `scratch-${index}`;
    volumes.push({ name, emptyDir: { sizeLimit: scratch.sizeLimit ?? DEFAULT_SCRATCH } });
    mounts.push({ name, mountPath: scratch.mountPath });
  });
  return { volumes, mounts };
}
