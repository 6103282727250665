import { replicasFor } from "../apps/render";
import type { ResourcesSpec, WorkloadSpec } from "../apps/spec";
import type { VolumeRow } from "../cluster/storage-table";
import type { Profile } from "../config/profile";
import { DATABASE_SERVER } from "../data/server";
import { MARIADB_RESOURCES } from "../data/mariadb";
import { RABBITMQ_RESOURCES } from "../data/rabbitmq";
import { DEDICATED_NAMESPACES, NAMESPACES, type DataServiceName, type NamespaceKey } from "../lib/names";
import { fqdn } from "../lib/template";
import { DEVELOP_DIR } from "./develop";
import { TCP_ENTRY_POINTS, TRAEFIK_RESOURCES } from "../platform/traefik";

/**
 * What a selection of services needs and costs: its volumes and namespaces, the workloads
 * added for it and why, where each answers, and the CPU and memory it requests against the
 * laptop's budget (`faf:budget`). Pure. `services: all` keeps the whole storage table and every
 * namespace (prod holds data for services the catalogue does not run yet), so only an explicit
 * list is trimmed.
 */

export type SelectionInput = Pick<
  Profile,
  "environment" | "baseDomain" | "services" | "requested" | "replicaOverrides" | "ingress" | "argocd" | "budget" | "develop"
>;

/** The volumes a data service's server and backups live on. */
const DATA_VOLUMES: Record<DataServiceName, string[]> = {
  mariadb: ["mariadb", "backups-mariadb"],
  postgres: ["postgres", "backups-postgres"],
  mongodb: ["mongodb", "backups-mongodb"],
  rabbitmq: ["rabbitmq"],
};

/** The rows of `table` the selection mounts, its data services keep their data on, and the platform's own (`always`). */
export function neededVolumes(
  input: Pick<SelectionInput, "services" | "requested">,
  table: Readonly<Record<string, VolumeRow>>,
  always: readonly string[],
): Record<string, VolumeRow> {
  if (input.requested === "all") return { ...table };
  const keys = new Set<string>(always);
  for (const spec of input.services.workloads) for (const mount of spec.volumes ?? []) keys.add(mount.volume);
  for (const service of input.services.dataServices) for (const key of DATA_VOLUMES[service]) keys.add(key);
  return Object.fromEntries(Object.entries(table).filter(([key]) => keys.has(key)));
}

/**
 * The namespaces a selection uses: FAF's own, Traefik's, and Argo CD's when it runs; `all`
 * keeps every one but a dedicated namespace none of whose workloads runs here.
 */
export function neededNamespaces(input: Pick<SelectionInput, "services" | "requested" | "argocd">): NamespaceKey[] {
  if (input.requested === "all") {
    const used = new Set(input.services.workloads.map((spec) => spec.namespace ?? "apps"));
    return (Object.keys(NAMESPACES) as NamespaceKey[]).filter((key) => !DEDICATED_NAMESPACES.includes(key) || used.has(key));
  }
  const keys: NamespaceKey[] = ["apps", "infra", "ops", "traefik"];
  for (const spec of input.services.workloads) if (spec.namespace && !keys.includes(spec.namespace)) keys.push(spec.namespace);
  if (input.argocd.enabled) keys.push("argocd");
  return keys;
}

/** CPU in millicores: `4` -> 4000, `0.5` -> 500, `250m` -> 250. */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}

const MEMORY_UNITS: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

/** Memory in MiB: `2Gi` -> 2048, `512Mi` -> 512. */
export function memoryMi(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  return Number(match[1]) * (MEMORY_UNITS[match[2] ?? "Mi"] ?? 1);
}

export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

export function formatMemory(mi: number): string {
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${Math.ceil(mi)}Mi`;
}

/** One line of the request total: who asks for how much. */
export interface RequestLine {
  name: string;
  replicas: number;
  cpu: string;
  memory: string;
}

export interface SelectionReport {
  /** What the stack file asks for (`all`, or names). */
  selected: string[] | "all";
  /** Workloads added because something selected requires them, with who requires them. */
  added: { name: string; requiredBy: string[] }[];
  /** Services that run on the developer's machine (`faf:develop`), with where their traffic goes. */
  developed: { name: string; target: string }[];
  dataServices: DataServiceName[];
  /** Public URLs by service. */
  urls: Record<string, string[]>;
  /** What each running pod requests (replicas x requests), and the total. */
  requests: { lines: RequestLine[]; cpu: string; memory: string };
  /** The laptop's budget, when set. */
  budget: { cpu: string; memory: string } | undefined;
}

/** The data servers' requests in this environment. */
function dataServerResources(service: DataServiceName, environment: Profile["environment"]): ResourcesSpec {
  const laptop = environment === "local";
  switch (service) {
    case "mariadb":
      return laptop ? MARIADB_RESOURCES.laptop : MARIADB_RESOURCES.production;
    case "rabbitmq":
      return laptop ? RABBITMQ_RESOURCES.laptop : RABBITMQ_RESOURCES.production;
    case "postgres":
    case "mongodb":
      return DATABASE_SERVER.resources;
  }
}

/** Replicas that run pods: none for a jobs-only workload or one that runs on the developer's machine. */
function runningReplicas(spec: WorkloadSpec, input: SelectionInput): number {
  if ((spec.controller ?? "Deployment") === "None" || input.develop[spec.name]) return 0;
  return replicasFor(spec, { environment: input.environment, replicaOverride: input.replicaOverrides[spec.name] });
}

/** Where a workload answers from outside the cluster. */
export function publicUrls(spec: WorkloadSpec, input: Pick<SelectionInput, "baseDomain" | "ingress">): string[] {
  // No certificate a browser trusts on a laptop (self-signed): Traefik serves plain HTTP too.
  const scheme = input.ingress.tls === undefined ? "http" : "https";
  return [
    ...(spec.routes ?? []).flatMap((route) =>
      route.hosts.map((host) => `${scheme}://${fqdn(host, input.baseDomain)}${route.pathPrefix ?? ""}`),
    ),
    ...(spec.tcpRoutes ?? []).map((route) => `tcp://${input.baseDomain}:${TCP_ENTRY_POINTS[route.entryPoint] ?? "?"}`),
  ];
}

export function selectionReport(input: SelectionInput): SelectionReport {
  const workloads = input.services.workloads;
  const added = input.services.added.map((name) => ({
    name,
    requiredBy: workloads.filter((spec) => (spec.requires ?? []).includes(name)).map((spec) => spec.name),
  }));
  const lines: RequestLine[] = [];
  let cpu = 0;
  let memory = 0;
  const count = (name: string, replicas: number, resources: ResourcesSpec) => {
    if (replicas === 0) return;
    lines.push({ name, replicas, cpu: resources.requests.cpu, memory: resources.requests.memory });
    cpu += replicas * cpuMillis(resources.requests.cpu);
    memory += replicas * memoryMi(resources.requests.memory);
  };
  count("traefik", 1, TRAEFIK_RESOURCES);
  for (const service of input.services.dataServices) count(service, 1, dataServerResources(service, input.environment));
  for (const spec of workloads) count(spec.name, runningReplicas(spec, input), spec.resources);
  const urls: Record<string, string[]> = {};
  for (const spec of workloads) {
    const list = publicUrls(spec, input);
    if (list.length > 0) urls[spec.name] = list;
  }
  return {
    selected: input.requested === "all" ? "all" : [...input.requested],
    added,
    developed: Object.entries(input.develop).map(([name, target]) => ({ name, target: `${target.host}:${target.port}` })),
    dataServices: [...input.services.dataServices],
    urls,
    requests: { lines, cpu: formatCpu(cpu), memory: formatMemory(memory) },
    budget: input.budget,
  };
}

/**
 * Why the selection does not fit the laptop's budget, or undefined when it fits (or no budget is
 * set). Names the setting, the totals and the biggest requests, and the ways out.
 */
export function budgetProblem(report: SelectionReport, stackFile: string, stack: string): string | undefined {
  const budget = report.budget;
  if (!budget) return undefined;
  const over: string[] = [];
  if (cpuMillis(report.requests.cpu) > cpuMillis(budget.cpu)) over.push(`CPU ${report.requests.cpu} > ${budget.cpu}`);
  if (memoryMi(report.requests.memory) > memoryMi(budget.memory))
    over.push(`memory ${report.requests.memory} > ${budget.memory}`);
  if (over.length === 0) return undefined;
  const biggest = [...report.requests.lines]
    .sort((a, b) => memoryMi(b.memory) * b.replicas - memoryMi(a.memory) * a.replicas)
    .slice(0, 3)
    .map((line) => `${line.name} ${line.replicas > 1 ? `${line.replicas} x ` : ""}${line.cpu} CPU / ${line.memory}`);
  return [
    `Invalid settings in ${stackFile}:`,
    `  - faf:budget: the selection requests ${over.join(", ")} (faf:budget in ${stackFile}); the biggest: ${biggest.join(", ")}.` +
      ` Fix: select fewer services (pulumi config set --path 'faf:services[0]' <name> --stack ${stack}),` +
      ` park one (faf:replicas), run one on your machine (faf:develop), or raise the budget` +
      ` (pulumi config set --path faf:budget.memory <size> --stack ${stack}) if your machine has the room.`,
  ].join("\n");
}

/** The report as the lines printed after a render and shown by `pulumi stack output laptop`. */
export function reportLines(report: SelectionReport): string[] {
  const lines = [`Selected: ${report.selected === "all" ? "all services" : report.selected.join(", ")}`];
  for (const { name, requiredBy } of report.added) lines.push(`  + ${name} (required by ${requiredBy.join(", ")})`);
  for (const { name, target } of report.developed) {
    lines.push(
      `  ~ ${name} runs on your machine: the cluster sends it to ${target}; its environment is ${DEVELOP_DIR}/${name}.env`,
    );
  }
  lines.push(`Data services: ${report.dataServices.join(", ") || "none"}`);
  const urlEntries = Object.entries(report.urls);
  if (urlEntries.length > 0) {
    lines.push("URLs:");
    for (const [name, list] of urlEntries) lines.push(`  ${name}: ${list.join(" ")}`);
  }
  const budget = report.budget ? ` of ${report.budget.cpu} CPU / ${report.budget.memory} (faf:budget)` : " (no faf:budget set)";
  lines.push(`Requests: ${report.requests.cpu} CPU / ${report.requests.memory}${budget}`);
  return lines;
}
