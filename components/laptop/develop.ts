import type { RenderedWorkload } from "../apps/render";
import { templateContext } from "../apps/render";
import type { WorkloadSpec } from "../apps/spec";
import type { DevelopTarget } from "../config/profile";
import type { KubeObject, Rendered } from "../lib/kube";
import { DATA_SERVICES, type DataServiceName } from "../lib/names";
import { fillTemplate, fillTemplates, type TemplateContext } from "../lib/template";

/**
 * `faf:develop`: a service that runs as a process on the developer's machine. The cluster keeps
 * its Service (same name, same ports), routes, Secret and data users, but runs no pod of it: the
 * Service has no selector, and an EndpointSlice sends its traffic to the machine as pods reach it.
 * The process gets its environment from a file `pulumi up` writes (docs/laptop.md). Pure.
 */

/** Where `pulumi up` writes the files a developed service's process reads, relative to the project. */
export const DEVELOP_DIR = ".faf-develop";

/** The label that marks an EndpointSlice the program manages (never the EndpointSlice controller's). */
export const DEVELOP_MANAGER = "faforever.com/develop";

function exposedPorts(spec: WorkloadSpec) {
  return (spec.ports ?? []).filter((port) => port.exposed !== false);
}

/** Why a service cannot run on the developer's machine, or undefined. */
export function developProblem(spec: WorkloadSpec, target: DevelopTarget): string | undefined {
  const exposed = exposedPorts(spec);
  if ((spec.controller ?? "Deployment") === "None" || exposed.length === 0) {
    return `faf:develop.${spec.name}: ${spec.name} serves nothing (no exposed port), so nothing can be sent to your machine; run it in the cluster. Fix: pulumi config rm --path faf:develop.${spec.name}`;
  }
  const unknown = Object.keys(target.ports).filter((name) => !exposed.some((port) => port.name === name));
  if (unknown.length > 0) {
    return `faf:develop.${spec.name}.ports: ${unknown.join(", ")} is not an exposed port of ${spec.name} (${exposed.map((p) => p.name).join(", ")}). Fix: use one of those names`;
  }
  return undefined;
}

/** Each exposed port of the service and the port of the process on the machine that serves it. */
export function developPorts(spec: WorkloadSpec, target: DevelopTarget) {
  return exposedPorts(spec).map((port, index) => ({
    name: port.name,
    servicePort: port.servicePort ?? port.port,
    hostPort: index === 0 ? target.port : (target.ports[port.name] ?? port.port),
    protocol: port.protocol ?? "TCP",
  }));
}

/**
 * The workload's objects with its pods taken out: no controller, jobs or tasks (their pods would
 * be the service's own), its Service without a selector, an EndpointSlice to the machine, and an
 * egress rule that lets the workloads calling it (default-deny in faf-apps) reach that address.
 */
export function developedWorkload(
  spec: WorkloadSpec,
  rendered: RenderedWorkload,
  target: DevelopTarget,
  callers: readonly WorkloadSpec[],
  labels: Record<string, string>,
): RenderedWorkload {
  const { namespace } = rendered;
  const ports = developPorts(spec, target);
  const service: KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: spec.name, namespace, labels },
    spec: {
      type: "ClusterIP",
      // No selector: the EndpointSlice below is the Service's only endpoint.
      ports: ports.map((p) => ({ name: p.name, port: p.servicePort, targetPort: p.hostPort, protocol: p.protocol })),
    },
  };
  const slice: KubeObject = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: `${spec.name}-develop`,
      namespace,
      labels: { ...labels, "kubernetes.io/service-name": spec.name, "endpointslice.kubernetes.io/managed-by": DEVELOP_MANAGER },
    },
    addressType: "IPv4",
    endpoints: [{ addresses: [target.host], conditions: { ready: true } }],
    ports: ports.map((p) => ({ name: p.name, port: p.hostPort, protocol: p.protocol })),
  };
  const sameNamespace = callers.filter((caller) => (caller.namespace ?? "apps") === (spec.namespace ?? "apps"));
  const egress: Rendered[] =
    sameNamespace.length === 0
      ? []
      : [
          {
            role: "develop-egress",
            object: {
              apiVersion: "networking.k8s.io/v1",
              kind: "NetworkPolicy",
              metadata: { name: `${spec.name}-develop-callers`, namespace, labels },
              spec: {
                podSelector: {
                  matchExpressions: [
                    { key: "app.kubernetes.io/name", operator: "In", values: sameNamespace.map((c) => c.name).sort() },
                  ],
                },
                policyTypes: ["Egress"],
                egress: [
                  {
                    to: [{ ipBlock: { cidr: `${target.host}/32` } }],
                    ports: ports.map((p) => ({ protocol: p.protocol, port: p.hostPort })),
                  },
                ],
              },
            },
          },
        ];
  const keep = rendered.exposure.filter((r) => !["service", "headless", "pdb"].includes(r.role));
  return {
    namespace,
    setup: rendered.setup,
    jobs: [],
    tasks: [],
    controller: undefined,
    exposure: [{ role: "service", object: service }, { role: "endpointslice", object: slice }, ...egress, ...keep],
  };
}

/** The data services a workload connects to. */
function dataServicesOf(spec: WorkloadSpec): DataServiceName[] {
  const services = new Set<DataServiceName>((spec.databases ?? []).map((db) => db.engine));
  if (spec.broker) services.add("rabbitmq");
  return [...services].sort();
}

/** Data service addresses as the developer's machine reaches them: through `kubectl port-forward` on loopback. */
export function hostTemplateContext(environment: string, baseDomain: string): TemplateContext {
  return { baseDomain, environment, mariadb: "127.0.0.1", postgres: "127.0.0.1", mongodb: "127.0.0.1", rabbitmq: "127.0.0.1" };
}

/** `kubectl port-forward` for each data service the workload uses, on its usual port. */
export function portForwards(spec: WorkloadSpec): string[] {
  return dataServicesOf(spec).map((name) => {
    const { namespace, service, port } = DATA_SERVICES[name];
    return `kubectl -n ${namespace} port-forward svc/${service} ${port}:${port}`;
  });
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Every file the developed service's process needs, by path relative to the project: the env
 * file (its plain environment, secret keys and aliases, with data services on 127.0.0.1) and its
 * config and secret files under `.faf-develop/<service>/`, where the env file says they are.
 * `secrets` are the values of the workload's Secret.
 */
export function developFiles(
  spec: WorkloadSpec,
  environment: "prod" | "test" | "local",
  baseDomain: string,
  secrets: Readonly<Record<string, string>>,
): Record<string, string> {
  const host = hostTemplateContext(environment, baseDomain);
  const cluster = templateContext(environment, baseDomain);
  // Values generated for the cluster (Hydra's DSN) name in-cluster hosts: point them at loopback too.
  const toHost = (value: string) =>
    (["mariadb", "postgres", "mongodb", "rabbitmq"] as const).reduce(
      (text, name) => text.split(cluster[name]).join(host[name]),
      value,
    );
  const env: [string, string][] = Object.entries(
    fillTemplates({ ...spec.env, ...spec.envFor?.[environment] }, host, `${spec.name}.env`),
  );
  const fileKeys = new Set((spec.secrets?.files ?? []).map((f) => f.key));
  const secretEnv = spec.secrets?.env ?? (spec.secrets?.keys ?? []).filter((key) => !fileKeys.has(key));
  const secret = (key: string) => {
    const value = secrets[key];
    if (value === undefined) throw new Error(`${spec.name}: the Secret has no key ${key}`);
    return toHost(value);
  };
  for (const key of secretEnv) env.push([key, secret(key)]);
  for (const [name, key] of Object.entries(spec.secrets?.aliases ?? {})) env.push([name, secret(key)]);
  env.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const files: Record<string, string> = {};
  const local = (path: string) => `${DEVELOP_DIR}/${spec.name}${path}`;
  const mapped: string[] = [];
  for (const file of spec.files ?? []) {
    files[local(file.path)] = fillTemplate(file.content, host, `${spec.name}.files[${file.path}]`, file.servicePlaceholders);
    mapped.push(`#   ${file.path} -> ${local(file.path)}`);
  }
  for (const file of spec.secrets?.files ?? []) {
    files[local(file.path)] = secret(file.key);
    mapped.push(`#   ${file.path} -> ${local(file.path)} (secret ${file.key})`);
  }
  const forwards = portForwards(spec);
  const header = [
    `# ${spec.name} runs on this machine (faf:develop); written by pulumi up, do not edit.`,
    `# Load it into your shell or IDE run configuration: set -a; . ${DEVELOP_DIR}/${spec.name}.env; set +a`,
    ...(forwards.length > 0 ? ["# Its data services on 127.0.0.1, while these run:", ...forwards.map((f) => `#   ${f}`)] : []),
    ...(mapped.length > 0 ? ["# Files the container would have, here:", ...mapped] : []),
  ];
  files[`${DEVELOP_DIR}/${spec.name}.env`] = [...header, ...env.map(([k, v]) => `${k}=${shellQuote(v)}`), ""].join("\n");
  return files;
}

/**
 * The command `pulumi up` runs on the developer's machine to write the files: JSON on stdin
 * (secret in the state), each file owner-only. Node is there wherever the program runs.
 */
export const WRITE_FILES_COMMAND =
  'node -e \'const fs=require("fs"),path=require("path");' +
  'const files=JSON.parse(fs.readFileSync(0,"utf8"));' +
  "for(const [file,text] of Object.entries(files)){fs.mkdirSync(path.dirname(file),{recursive:true,mode:0o700});" +
  "fs.writeFileSync(file,text,{mode:0o600});fs.chmodSync(file,0o600);}'";
