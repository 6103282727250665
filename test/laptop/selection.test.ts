import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VOLUMES } from "../../components/cluster/storage-table";
import { NAMESPACES, type NamespaceKey } from "../../components/lib/names";
import { parseSettings, type RawConfig } from "../../components/config/parse";
import { buildProfile } from "../../components/config/profile";
import {
  budgetProblem,
  cpuMillis,
  formatCpu,
  formatMemory,
  memoryMi,
  neededNamespaces,
  neededVolumes,
  selectionReport,
} from "../../components/laptop/selection";
import { readStackConfig } from "../../render/stack-file";
import { ROOT } from "../support/cli";
import { laptopStack, renderStackText } from "../support/laptop";
import { readManifests, readResources } from "../support/stacks";
import { LOCAL_SETTINGS, SETTINGS_CONTEXT as context } from "../support/settings";

const raw: RawConfig = { ...LOCAL_SETTINGS, "faf:argocd": '{"enabled":false}' };

function profileOf(extra: RawConfig) {
  const result = parseSettings({ ...raw, ...extra }, context);
  if (!result.ok) throw new Error(result.message);
  return buildProfile(result.settings);
}

describe("a laptop stack that asks for faf-api", () => {
  let render: ReturnType<typeof renderStackText>;
  beforeAll(() => {
    render = renderStackText("api", laptopStack('  faf:services: [faf-api]\n  faf:budget:\n    cpu: "4"\n    memory: 8Gi'));
  });
  afterAll(() => render.cleanup());

  it("creates only the volumes its services mount and its data services keep their data on", () => {
    expect(render.code, render.stderr).toBe(0);
    const manifests = readManifests(render.out);
    const names = (kind: string) =>
      manifests
        .filter((m) => m.object.kind === kind)
        .map((m) => m.object.metadata.name)
        .sort();
    expect(names("PersistentVolume")).toEqual([
      "backups-mariadb",
      "backups-postgres",
      "faf-content",
      "faf-featured-mods",
      "faf-maps",
      "faf-mods",
      "mariadb",
      "postgres",
      "rabbitmq",
    ]);
    expect(names("PersistentVolumeClaim")).toEqual([
      "backups-mariadb-pvc",
      "backups-postgres-pvc",
      "faf-content-pvc",
      "faf-featured-mods-pvc",
      "faf-maps-pvc",
      "faf-mods-pvc",
      "persistence-rabbitmq-server-0",
      "postgres-pvc",
      "storage-mariadb-0",
    ]);
  });

  it("creates only the namespaces it uses: no Argo CD, no replay mounter", () => {
    const namespaces = readManifests(render.out)
      .filter((m) => m.object.kind === "Namespace")
      .map((m) => m.object.metadata.name)
      .sort();
    expect(namespaces).toEqual(["faf-apps", "faf-infra", "faf-ops", "traefik"]);
  });

  it("installs only the operators and data servers its data services need: MariaDB, RabbitMQ, PostgreSQL; no MongoDB, no Infisical", () => {
    const resources = readResources(render.out);
    const packages = resources
      .filter((r) => /helm\.sh|kustomize/.test(r.type))
      .map((r) => r.name)
      .sort();
    expect(packages).toEqual([
      "data-mariadb-crds",
      "data-mariadb-operator",
      "data-rabbitmq-cert-manager",
      "data-rabbitmq-operators",
      "traefik-chart",
    ]);
    const servers = readManifests(render.out)
      .filter((m) => ["StatefulSet", "MariaDB", "RabbitmqCluster"].includes(m.object.kind))
      .map((m) => `${m.object.kind}/${m.object.metadata.name}`)
      .sort();
    expect(servers).toEqual(["MariaDB/mariadb", "RabbitmqCluster/rabbitmq", "StatefulSet/postgres"]);
  });

  it("prints the selection, what was added and why, the URLs and the requests against the budget", () => {
    expect(render.stdout).toContain(
      [
        "Selected: faf-api",
        "  + faf-db-migrations (required by faf-api)",
        "  + ory-hydra (required by faf-api)",
        "Data services: mariadb, postgres, rabbitmq",
        "URLs:",
        "  ory-hydra: http://hydra.faforever.localhost",
        "  faf-api: http://api.faforever.localhost",
        "Requests: 1650m CPU / 3840Mi of 4 CPU / 8Gi (faf:budget)",
      ].join("\n"),
    );
  });

  it("gives the same report as the stack output `laptop`, which `pulumi up` prints at its end", () => {
    const outputs = JSON.parse(readFileSync(join(render.out, "outputs.json"), "utf8"));
    expect(outputs.laptop.selected).toEqual(["faf-api"]);
    expect(outputs.laptop.added).toEqual([
      { name: "faf-db-migrations", requiredBy: ["faf-api"] },
      { name: "ory-hydra", requiredBy: ["faf-api"] },
    ]);
    expect(outputs.laptop.urls["faf-api"]).toEqual(["http://api.faforever.localhost"]);
    expect(outputs.laptop.requests.cpu).toBe("1650m");
    expect(outputs.laptop.budget).toEqual({ cpu: "4", memory: "8Gi" });
    expect(render.stdout).toContain(outputs.laptop.summary.join("\n"));
  });
});

describe("the laptop budget", () => {
  it("refuses a selection that does not fit, naming faf:budget, the totals and the biggest requests, without a stack trace", () => {
    const render = renderStackText(
      "small",
      laptopStack('  faf:services: [faf-api]\n  faf:budget:\n    cpu: "1"\n    memory: 2Gi'),
    );
    try {
      expect(render.code).toBe(2);
      expect(render.stderr).toContain("Invalid settings in Pulumi.small.yaml:");
      expect(render.stderr).toContain("faf:budget: the selection requests CPU 1650m > 1, memory 3840Mi > 2Gi");
      expect(render.stderr).toContain("the biggest: faf-api 1000m CPU / 2Gi");
      expect(render.stderr).toContain("pulumi config set --path faf:budget.memory <size> --stack small");
      expect(render.stderr).not.toMatch(/\n\s+at /);
    } finally {
      render.cleanup();
    }
  });

  it("counts replicas, data servers and Traefik; parks nothing that is set to 0 replicas", () => {
    const full = selectionReport(profileOf({ "faf:services": '["faf-api"]' }));
    const parked = selectionReport(profileOf({ "faf:services": '["faf-api"]', "faf:replicas": '{"faf-api":0}' }));
    expect(full.requests.lines.map((l) => l.name)).toEqual([
      "traefik",
      "mariadb",
      "postgres",
      "rabbitmq",
      "ory-hydra",
      "faf-api",
    ]);
    expect(cpuMillis(full.requests.cpu) - cpuMillis(parked.requests.cpu)).toBe(1000);
    expect(memoryMi(full.requests.memory) - memoryMi(parked.requests.memory)).toBe(2048);
  });

  it("passes a selection that fits, and any selection when no budget is set", () => {
    expect(budgetProblem(selectionReport(profileOf({ "faf:budget": '{"cpu":"4","memory":"12Gi"}' })), "P", "s")).toBeUndefined();
    expect(budgetProblem(selectionReport(profileOf({})), "P", "s")).toBeUndefined();
    expect(budgetProblem(selectionReport(profileOf({ "faf:budget": '{"cpu":"500m","memory":"12Gi"}' })), "P", "s")).toMatch(
      /CPU 3860m > 500m/,
    );
  });

  it("reads and writes Kubernetes quantities", () => {
    expect([cpuMillis("4"), cpuMillis("0.5"), cpuMillis("250m")]).toEqual([4000, 500, 250]);
    expect([memoryMi("2Gi"), memoryMi("512Mi"), memoryMi("1Ti")]).toEqual([2048, 512, 1024 * 1024]);
    expect([formatCpu(4000), formatCpu(1650), formatMemory(8192), formatMemory(3840)]).toEqual(["4", "1650m", "8Gi", "3840Mi"]);
  });

  it("fits the committed local stack (every service) in its own budget", () => {
    const config = readStackConfig(ROOT, "local");
    const result = parseSettings(config.config, { ...context, stackFile: config.stackFile });
    if (!result.ok) throw new Error(result.message);
    const report = selectionReport(buildProfile(result.settings));
    expect(report.budget).toBeDefined();
    expect(budgetProblem(report, config.stackFile, "local")).toBeUndefined();
  });
});

describe("what a selection keeps", () => {
  it("keeps the whole storage table and every namespace for `all`, but the replay mounter's where it does not run", () => {
    const all = profileOf({});
    expect(Object.keys(neededVolumes(all, VOLUMES, []))).toEqual(Object.keys(VOLUMES));
    expect(neededNamespaces(all)).toEqual((Object.keys(NAMESPACES) as NamespaceKey[]).filter((key) => key !== "replayMounter"));
  });

  it("gives a wiki-only stack PostgreSQL's volumes and nothing of MariaDB, RabbitMQ or the content", () => {
    const wiki = profileOf({ "faf:services": '["wikijs"]' });
    expect(Object.keys(neededVolumes(wiki, VOLUMES, ["traefik-acme"])).sort()).toEqual(["backups-postgres", "postgres"]);
  });
});
