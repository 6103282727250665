import type { DataServiceName } from "../lib/names";
import { debezium } from "./debezium";
import { ergochat } from "./ergochat";
import { fafApi } from "./faf-api";
import { fafContent } from "./faf-content";
import { fafDbMigrations } from "./faf-db-migrations";
import { fafIcebreaker } from "./faf-icebreaker";
import { fafLeagueService } from "./faf-league-service";
import { fafLegacyDeployment } from "./faf-legacy-deployment";
import { fafLobbyServer } from "./faf-lobby-server";
import { fafPolicyServer } from "./faf-policy-server";
import { fafReplayServer } from "./faf-replay-server";
import { fafUserService } from "./faf-user-service";
import { fafVoting } from "./faf-voting";
import { fafWebsite } from "./faf-website";
import { nodebb } from "./nodebb";
import { oryHydra } from "./ory-hydra";
import { oauthClientsWorkload } from "./oauth-clients-workload";
import { fafTelemetryServer } from "./faf-telemetry-server";
import { fafPhpbb3Archive } from "./faf-phpbb3-archive";
import { fafQai } from "./faf-qai";
import { fafUnitdb } from "./faf-unitdb";
import { whoami } from "./whoami";
import { mysqldExporter } from "./mysqld-exporter";
import { fafLeaderboardPurge } from "./faf-leaderboard-purge";
import { replayMounter } from "./replay-mounter";
import type { WorkloadSpec } from "./spec";
import { wikijs } from "./wikijs";
import { wordpress } from "./wordpress";

/** Every FAF workload the program knows. Add a workload by adding its data file here. */
export const CATALOGUE: readonly WorkloadSpec[] = [
  fafTelemetryServer,
  fafPhpbb3Archive,
  fafQai,
  fafUnitdb,
  whoami,
  mysqldExporter,
  fafLeaderboardPurge,
  debezium,
  ergochat,
  fafApi,
  fafContent,
  fafDbMigrations,
  fafIcebreaker,
  fafLeagueService,
  fafLegacyDeployment,
  fafLobbyServer,
  fafPolicyServer,
  fafReplayServer,
  replayMounter,
  fafUserService,
  fafVoting,
  fafWebsite,
  nodebb,
  oryHydra,
  oauthClientsWorkload,
  wikijs,
  wordpress,
];

export const SERVICE_NAMES: readonly string[] = CATALOGUE.map((spec) => spec.name);

/** The workloads an environment runs: those without `environments`, and those that name it. */
export function catalogueFor(
  environment: "prod" | "test" | "local",
  catalogue: readonly WorkloadSpec[] = CATALOGUE,
): WorkloadSpec[] {
  return catalogue.filter((spec) => !spec.environments || spec.environments.includes(environment));
}

export interface ServiceSelection {
  /** The workloads to run, dependencies before dependents. */
  workloads: WorkloadSpec[];
  /** Names added because something selected requires them. */
  added: string[];
  /** The data services the selected workloads need. */
  dataServices: DataServiceName[];
}

/**
 * Expands a selection with every dependency (transitively) and orders it so that each
 * workload comes after what it requires. Throws on an unknown name or a cycle.
 */
export function resolveServices(
  selection: "all" | readonly string[],
  catalogue: readonly WorkloadSpec[] = CATALOGUE,
): ServiceSelection {
  const byName = new Map(catalogue.map((spec) => [spec.name, spec]));
  const requested = selection === "all" ? catalogue.map((spec) => spec.name) : [...selection];
  const ordered: WorkloadSpec[] = [];
  const state = new Map<string, "visiting" | "done">();

  const visit = (name: string, path: string[]): void => {
    const spec = byName.get(name);
    if (!spec) {
      const via = path.length > 0 ? ` (required by ${path.join(" -> ")})` : "";
      const elsewhere = CATALOGUE.find((s) => s.name === name && s.environments !== undefined);
      if (elsewhere) throw new Error(`service "${name}"${via} runs only in ${elsewhere.environments!.join(", ")}`);
      throw new Error(`unknown service "${name}"${via}; known: ${[...byName.keys()].join(", ")}`);
    }
    const seen = state.get(name);
    if (seen === "done") return;
    if (seen === "visiting") throw new Error(`dependency cycle: ${[...path, name].join(" -> ")}`);
    state.set(name, "visiting");
    for (const dependency of [...(spec.requires ?? [])].sort()) visit(dependency, [...path, name]);
    state.set(name, "done");
    ordered.push(spec);
  };
  for (const name of [...requested].sort()) visit(name, []);

  const dataServices = new Set<DataServiceName>();
  for (const spec of ordered) {
    for (const db of spec.databases ?? []) dataServices.add(db.engine);
    if (spec.broker) dataServices.add("rabbitmq");
  }
  return {
    workloads: ordered,
    added: ordered.map((spec) => spec.name).filter((name) => !requested.includes(name)),
    dataServices: [...dataServices].sort(),
  };
}

/** For each workload, the selected workloads that call it (its NetworkPolicy admits them). */
export function callersOf(workloads: readonly WorkloadSpec[]): Map<string, WorkloadSpec[]> {
  const callers = new Map<string, WorkloadSpec[]>(workloads.map((spec) => [spec.name, []]));
  for (const spec of workloads) {
    for (const dependency of [...(spec.requires ?? []), ...(spec.calls ?? [])]) callers.get(dependency)?.push(spec);
  }
  return callers;
}

/**
 * The images the catalogue runs from a branch build on purpose (`Image.branchTagReason`, each
 * reasoned in its data file): the only ones allowed an unpinned tag in a render.
 */
export function reasonedBranchImages(catalogue: readonly WorkloadSpec[] = CATALOGUE): Set<string> {
  return new Set(
    catalogue.flatMap((spec) =>
      spec.image.branchTagReason === undefined
        ? []
        : [spec.image.tag, ...Object.values(spec.image.tagFor ?? {})].map((tag) => `${spec.image.repository}:${tag}`),
    ),
  );
}
