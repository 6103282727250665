import { contentHash, sortDeep } from "../lib/hash";
import type { KubeObject, Rendered } from "../lib/kube";
import { workloadLabels } from "../lib/labels";
import { DATA_SERVICES, NAMESPACES, workloadNamespace } from "../lib/names";
import { fillTemplate, fillTemplates, type TemplateContext } from "../lib/template";
import { networkPolicy } from "./network";
import { DEFAULT_UID, fileKey, initContainers, jobContainer, mainContainer, podSpec, type PodInputs } from "./pod";
import { ingressRoute, middlewares, tcpRoutes, type IngressSettings } from "./routes";
import { infisicalStaticSecret, type SecretSource } from "../platform/secret-sync";
import { tracked } from "../platform/tracking";
import type { WorkloadSpec } from "./spec";
import { OAUTH_SERVER, oauthClientsJob, type OAuthClient } from "./oauth-clients";
import type { DevelopTarget } from "../config/profile";
import { developedWorkload } from "../laptop/develop";

export interface RenderContext {
  environment: "prod" | "test" | "local";
  baseDomain: string;
  ingress: IngressSettings;
  imagePullPolicy: string;
  /** A replica count from the stack settings, overriding the spec's. */
  replicaOverride?: number;
  /** Selected workloads that require this one. */
  callers: readonly WorkloadSpec[];
  /** The specs of the workloads this one requires. */
  required: readonly WorkloadSpec[];
  /** Where its Secret comes from; `generated` secrets are created by the component, not rendered. */
  secretSource?: SecretSource;
  /** Annotate every object as part of the workload's Argo CD application. */
  argoTracking?: boolean;
  /** Hydra's OAuth clients this workload creates and updates before it starts (oauth-clients.ts). */
  oauthClients?: readonly OAuthClient[];
  /** The service runs on the developer's machine (`faf:develop`): no pods, traffic to this target. */
  develop?: DevelopTarget;
  /** The node's data path and the node that holds it, for specs that mount host directories. */
  storage?: { dataPath: string; node: string | undefined };
}

/**
 * A workload's objects in the order they must exist: `setup` (config, identity, policy,
 * middlewares) before `jobs`, jobs complete before the `controller` starts, `exposure`
 * (Service, routes, PDB) alongside.
 */
export interface RenderedWorkload {
  namespace: string;
  setup: Rendered[];
  jobs: Rendered[];
  /** Suspended CronJobs an admin triggers; like jobs, they wait for the workload's data users. */
  tasks: Rendered[];
  controller: Rendered | undefined;
  exposure: Rendered[];
}

/** The in-cluster DNS names `{{mariadb}}` etc. resolve to. */
export function templateContext(environment: string, baseDomain: string): TemplateContext {
  // The stable names in faf-apps (ExternalName Services where the server runs elsewhere), as
  // FAF's apps reach them today: moving a data service never changes an app's config.
  const host = (name: keyof typeof DATA_SERVICES) => `${DATA_SERVICES[name].service}.${NAMESPACES.apps}.svc.cluster.local`;
  return {
    baseDomain,
    environment,
    mariadb: host("mariadb"),
    postgres: host("postgres"),
    mongodb: host("mongodb"),
    rabbitmq: host("rabbitmq"),
  };
}

export function replicasFor(spec: WorkloadSpec, context: Pick<RenderContext, "environment" | "replicaOverride">): number {
  return context.replicaOverride ?? spec.replicas?.[context.environment] ?? 1;
}

/** Renders any workload spec into its Kubernetes objects. Pure and deterministic. */
export function renderWorkload(spec: WorkloadSpec, context: RenderContext): RenderedWorkload {
  const namespace = workloadNamespace(spec);
  const tctx = templateContext(context.environment, context.baseDomain);
  // The version label goes only on what runs the image; on every other object a version bump
  // would be diff noise in each review.
  const labels = (component: string) => workloadLabels(spec.name, component);
  const runLabels = (component: string) =>
    workloadLabels(spec.name, component, spec.image.tagFor?.[context.environment] ?? spec.image.tag);
  const setup: Rendered[] = [];

  const env = fillTemplates({ ...spec.env, ...spec.envFor?.[context.environment] }, tctx, `${spec.name}.env`);
  let envConfigMap: string | undefined;
  if (Object.keys(env).length > 0) {
    const data = sortedRecord(env);
    envConfigMap = `${spec.name}-env-${contentHash(data)}`;
    setup.push({ role: "env", object: configMap(envConfigMap, namespace, labels("config"), data) });
  }
  let filesConfigMap: string | undefined;
  if (spec.files?.length) {
    const data = sortedRecord(
      Object.fromEntries(
        spec.files.map((f) => [
          fileKey(f.path),
          fillTemplate(f.content, tctx, `${spec.name}.files[${f.path}]`, f.servicePlaceholders),
        ]),
      ),
    );
    filesConfigMap = `${spec.name}-files-${contentHash(data)}`;
    setup.push({ role: "files", object: configMap(filesConfigMap, namespace, labels("config"), data) });
  }

  setup.push({
    role: "serviceaccount",
    object: {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: spec.name, namespace, labels: labels("identity") },
      automountServiceAccountToken: false,
    },
  });
  setup.push({
    role: "networkpolicy",
    object: networkPolicy(spec, namespace, labels("network"), context.callers, context.required),
  });
  const syncsSecret = context.secretSource?.kind === "infisical" && (spec.secrets?.keys.length ?? 0) > 0;
  if (syncsSecret && context.secretSource?.kind === "infisical") {
    setup.push({ role: "secret-sync", object: infisicalStaticSecret(spec.name, namespace, context.secretSource) });
  }
  for (const object of middlewares(spec, namespace, labels("ingress"), tctx)) {
    setup.push({ role: `middleware-${object.metadata.name.slice(spec.name.length + 1)}`, object });
  }

  const podInputs: PodInputs = {
    spec,
    environment: context.environment,
    imagePullPolicy: context.imagePullPolicy,
    serviceAccountName: spec.name,
    envConfigMap,
    filesConfigMap,
    secretName: spec.name,
    ...(context.storage ? { dataPath: context.storage.dataPath, dataNode: context.storage.node } : {}),
  };
  const podAnnotations = podAnnotationsOf(spec);

  const jobs: Rendered[] = (spec.jobs ?? []).map((job) => {
    const template = {
      metadata: { labels: runLabels(`job-${job.name}`), annotations: podAnnotations },
      spec: podSpec(podInputs, jobContainer(podInputs, job), "Never"),
    };
    // The name carries the hash of what the job runs, so a new image or config runs it again
    // (a Job's template is immutable: an edit in place would be rejected).
    const name = `${spec.name}-${job.name}-${contentHash(template, 8)}`;
    return {
      role: `job-${job.name}`,
      object: {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name, namespace, labels: runLabels(`job-${job.name}`) },
        spec: {
          backoffLimit: job.backoffLimit ?? 2,
          activeDeadlineSeconds: job.activeDeadlineSeconds ?? 600,
          template,
        },
      },
    };
  });

  if (context.oauthClients?.length) {
    jobs.push({
      role: "job-oauth-clients",
      object: oauthClientsJob({
        workload: spec.name,
        namespace,
        labels: runLabels("job-oauth-clients"),
        serviceAccountName: spec.name,
        imagePullPolicy: context.imagePullPolicy,
        runAsUser: spec.security?.runAsUser ?? DEFAULT_UID,
        adminUrl: `http://${OAUTH_SERVER.workload}.${NAMESPACES.apps}.svc.cluster.local:${String(OAUTH_SERVER.adminPort)}`,
        context: tctx,
        clients: context.oauthClients,
      }),
    });
  }

  // Tasks: suspended CronJobs an admin triggers; the schedule (31 February) never fires on its own.
  const tasks: Rendered[] = (spec.tasks ?? []).map((task) => ({
    role: `task-${task.name}`,
    object: {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: `${spec.name}-${task.name}`, namespace, labels: runLabels(`task-${task.name}`) },
      spec: {
        schedule: "0 0 31 2 *",
        suspend: true,
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: task.backoffLimit ?? 0,
            activeDeadlineSeconds: task.activeDeadlineSeconds ?? 600,
            template: {
              metadata: { labels: runLabels(`task-${task.name}`), annotations: podAnnotations },
              spec: podSpec(podInputs, jobContainer(podInputs, task), "Never"),
            },
          },
        },
      },
    },
  }));

  for (const scheduled of spec.schedules ?? []) {
    tasks.push({
      role: `schedule-${scheduled.name}`,
      object: {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: `${spec.name}-${scheduled.name}`, namespace, labels: runLabels(`schedule-${scheduled.name}`) },
        spec: {
          schedule: scheduled.schedule,
          timeZone: "Etc/UTC",
          concurrencyPolicy: "Forbid",
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            spec: {
              backoffLimit: scheduled.backoffLimit ?? 2,
              activeDeadlineSeconds: scheduled.activeDeadlineSeconds ?? 600,
              template: {
                metadata: { labels: runLabels(`schedule-${scheduled.name}`), annotations: podAnnotations },
                spec: podSpec(podInputs, jobContainer(podInputs, scheduled), "Never"),
              },
            },
          },
        },
      },
    });
  }

  // The operator restarts the pods of annotated controllers when their synced Secret changes.
  const controllerAnnotations = syncsSecret ? { annotations: { "secrets.infisical.com/auto-reload": "true" } } : {};
  const controllerKind = spec.controller ?? "Deployment";
  const exposure: Rendered[] = [];
  let controller: Rendered | undefined;
  if (spec.environments && !spec.environments.includes(context.environment)) {
    throw new Error(`${spec.name} runs only in ${spec.environments.join(", ")}, not in ${context.environment}`);
  }
  if (controllerKind !== "None") {
    // A DaemonSet runs one pod per eligible node: no replica count, so no disruption budget either.
    const replicas = controllerKind === "DaemonSet" ? 1 : replicasFor(spec, context);
    const template = {
      metadata: { labels: runLabels("server"), annotations: podAnnotations },
      spec: podSpec(podInputs, mainContainer(podInputs), undefined, initContainers(podInputs)),
    };
    const selector = { matchLabels: { "app.kubernetes.io/name": spec.name, "app.kubernetes.io/instance": spec.name } };
    controller =
      controllerKind === "DaemonSet"
        ? {
            role: "daemonset",
            object: {
              apiVersion: "apps/v1",
              kind: "DaemonSet",
              metadata: { name: spec.name, namespace, labels: runLabels("server"), ...controllerAnnotations },
              spec: {
                revisionHistoryLimit: 5,
                selector,
                // The old pod stops before the new one starts: one pod per node, never two.
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
                template,
              },
            },
          }
        : controllerKind === "Deployment"
          ? {
              role: "deployment",
              object: {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: spec.name, namespace, labels: runLabels("server"), ...controllerAnnotations },
                spec: {
                  replicas,
                  revisionHistoryLimit: 5,
                  selector,
                  strategy:
                    spec.rollout === "recreate"
                      ? { type: "Recreate" }
                      : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                  template,
                },
              },
            }
          : {
              role: "statefulset",
              object: {
                apiVersion: "apps/v1",
                kind: "StatefulSet",
                metadata: { name: spec.name, namespace, labels: runLabels("server"), ...controllerAnnotations },
                spec: {
                  replicas,
                  revisionHistoryLimit: 5,
                  serviceName: `${spec.name}-headless`,
                  selector,
                  podManagementPolicy: "OrderedReady",
                  updateStrategy: { type: "RollingUpdate" },
                  persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                  template,
                },
              },
            };

    const exposed = (spec.ports ?? []).filter((port) => port.exposed !== false);
    if (exposed.length > 0) {
      exposure.push({ role: "service", object: service(spec.name, namespace, labels("server"), exposed, false) });
    }
    for (const extra of spec.extraServices ?? []) {
      const object = service(extra.name, namespace, labels("server"), exposed, false, spec.name);
      object.metadata.annotations = extra.annotations;
      exposure.push({ role: `service-${extra.name}`, object });
    }
    if (controllerKind === "StatefulSet") {
      exposure.push({
        role: "headless",
        object: service(`${spec.name}-headless`, namespace, labels("server"), spec.ports ?? [], true, spec.name),
      });
    }
    if (replicas > 1) {
      exposure.push({
        role: "pdb",
        object: {
          apiVersion: "policy/v1",
          kind: "PodDisruptionBudget",
          metadata: { name: spec.name, namespace, labels: labels("server") },
          spec: { maxUnavailable: 1, selector, unhealthyPodEvictionPolicy: "AlwaysAllow" },
        },
      });
    }
    const route = ingressRoute(spec, namespace, labels("ingress"), context.ingress, tctx);
    if (route) exposure.push({ role: "ingressroute", object: route });
    for (const object of tcpRoutes(spec, namespace, labels("ingress"))) {
      exposure.push({ role: `ingressroutetcp-${object.metadata.name.slice(spec.name.length + 1)}`, object });
    }
  } else if (spec.routes?.length || spec.tcpRoutes?.length || spec.ports?.length) {
    throw new Error(`${spec.name}: a workload without a controller cannot have ports or routes`);
  }

  const result: RenderedWorkload = { namespace, setup, jobs, tasks, controller, exposure };
  if (context.develop) return developedWorkload(spec, result, context.develop, context.callers, labels("server"));
  if (context.argoTracking) {
    const track = (r: Rendered): Rendered => ({ ...r, object: tracked(spec.name, r.object) });
    return {
      namespace,
      setup: setup.map(track),
      jobs: jobs.map(track),
      tasks: tasks.map(track),
      controller: controller && track(controller),
      exposure: exposure.map(track),
    };
  }
  return result;
}

/** Every object of a rendered workload, in creation order. */
export function allObjects(rendered: RenderedWorkload): Rendered[] {
  return [
    ...rendered.setup,
    ...rendered.jobs,
    ...rendered.tasks,
    ...(rendered.controller ? [rendered.controller] : []),
    ...rendered.exposure,
  ];
}

function podAnnotationsOf(spec: WorkloadSpec): Record<string, string> | undefined {
  const annotations: Record<string, string> = {};
  if (spec.metrics) {
    const port = (spec.ports ?? []).find((p) => p.name === spec.metrics?.port);
    if (!port) throw new Error(`${spec.name}.metrics: no port named "${spec.metrics.port}"`);
    annotations["prometheus.io/scrape"] = "true";
    annotations["prometheus.io/port"] = String(port.port);
    annotations["prometheus.io/path"] = spec.metrics.path;
  }
  for (const [exception, reason] of Object.entries(spec.security?.exceptions ?? {})) {
    annotations[`security.faforever.com/${exception}`] = reason;
  }
  return Object.keys(annotations).length > 0 ? annotations : undefined;
}

function configMap(name: string, namespace: string, labels: Record<string, string>, data: Record<string, string>): KubeObject {
  // Immutable: the name changes with the content, so the object itself never needs to.
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, labels }, immutable: true, data };
}

function service(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  ports: NonNullable<WorkloadSpec["ports"]>,
  headless: boolean,
  selectorName = name,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels },
    spec: {
      type: "ClusterIP",
      ...(headless ? { clusterIP: "None", publishNotReadyAddresses: true } : {}),
      selector: { "app.kubernetes.io/name": selectorName, "app.kubernetes.io/instance": selectorName },
      ports: ports.map((port) => ({
        name: port.name,
        port: headless ? port.port : (port.servicePort ?? port.port),
        targetPort: port.name,
        protocol: port.protocol ?? "TCP",
      })),
    },
  };
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return sortDeep(record) as Record<string, string>;
}
