import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, inject, it } from "vitest";
import { CATALOGUE } from "../../components/apps/catalogue";
import { dataSecretFolders } from "../../components/data/data-services";
import { protectCustomResourceDefinitions } from "../../components/platform/charts";
import { validateCustomObject } from "../support/crd-schemas";
import { readManifests, readResources, reasonedBranchImages, STACKS, type RenderedObject } from "../support/stacks";
import { upstreamCrdsAvailable, validateUpstream } from "../support/upstream-crds";

const dir = (stack: string) => join(inject("renderDir"), stack);
const kind = (manifests: RenderedObject[], k: string, api?: string) =>
  manifests
    .filter((m) => m.object.kind === k && (api === undefined || m.object.apiVersion.startsWith(api)))
    .map((m) => m.object as any);

/** Every `image` string anywhere in a value. */
function images(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(images);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "image" && typeof v === "string" ? [v] : images(v)));
}

describe("prod data layer", () => {
  const manifests = () => readManifests(dir("prod"));

  it("declares 5 MariaDB databases, the grants over every user, the vhost with 5 users and permissions, PostgreSQL's and MongoDB's users", () => {
    const m = manifests();
    expect(
      kind(m, "Database")
        .map((d) => d.spec.name)
        .sort(),
    ).toEqual(["ergochat", "faf-icebreaker", "faf-league", "faf_lobby", "fafwordpress"]);
    const users = kind(m, "User", "k8s.mariadb.com");
    const grants = kind(m, "Grant");
    expect(users.length).toBeGreaterThanOrEqual(8);
    expect(grants.length).toBeGreaterThanOrEqual(10);
    // Every grant is for a declared user, and every user has a grant.
    const names = users.map((u) => u.spec.name);
    expect(grants.every((g) => names.includes(g.spec.username))).toBe(true);
    expect(names.every((n) => grants.some((g) => g.spec.username === n))).toBe(true);

    expect(kind(m, "Vhost").map((v) => v.spec.name)).toEqual(["/faf-core"]);
    // The apps' five, besides FAF's admin (checked in restored.test.ts).
    const brokerUsers = kind(m, "User", "rabbitmq.com").filter((u) => u.metadata.name !== "rabbitmq-user-faf-admin");
    expect(brokerUsers).toHaveLength(5);
    const permissions = kind(m, "Permission").filter((p) => p.spec.userReference.name !== "rabbitmq-user-faf-admin");
    expect(permissions.map((p) => p.spec.userReference.name).sort()).toEqual(brokerUsers.map((u) => u.metadata.name).sort());
    expect(permissions.every((p) => p.spec.vhost === "/faf-core")).toBe(true);
    expect(
      kind(m, "Exchange")
        .map((e) => e.spec.name)
        .sort(),
    ).toEqual(["faf-debezium", "faf-lobby"]);

    const jobs = kind(m, "Job").map((j) => j.metadata.name as string);
    for (const user of ["postgres-user-hydra-", "postgres-user-wikijs-", "mongodb-user-nodebb-"]) {
      expect(
        jobs.some((name) => name.startsWith(user)),
        user,
      ).toBe(true);
    }
  });

  it("reads every database password from a key some workload's secret, or a data service's own folder, declares", () => {
    const declared = new Map([
      ...CATALOGUE.map((spec) => [spec.name, spec.secrets?.keys ?? []] as const),
      ...dataSecretFolders(["mariadb", "mongodb", "postgres", "rabbitmq"]).map((f) => [f.path.slice(1), f.keys] as const),
    ]);
    const read: string[] = [];
    for (const m of manifests()) {
      const object = m.object as any;
      const ref = object.kind === "User" && object.spec.passwordSecretKeyRef;
      if (ref) read.push(`${ref.name}/${ref.key}`);
      const copied = object.metadata.annotations?.["faforever.com/password-from"];
      if (copied) read.push(copied);
    }
    expect(read.length).toBeGreaterThanOrEqual(10 + 5 + 3);
    const undeclared = read.filter((ref) => {
      const [workload, key] = ref.split("/");
      return !(declared.get(workload!) ?? []).includes(key!);
    });
    expect(undeclared).toEqual([]);
  });

  it("makes faf-db-migrations a Job that every faf_lobby user's pods wait for, after the migrations user exists", () => {
    const resources = readResources(dir("prod"));
    const migrate = resources.find((r) => r.name === "faf-db-migrations-job-migrate")!;
    expect(migrate.type).toBe("kubernetes:batch/v1:Job");
    expect(migrate.dependsOn).toEqual(
      expect.arrayContaining([
        "data-mariadb-user-mariadb-faf-db-migrations",
        "data-mariadb-grant-mariadb-faf-db-migrations-faf-lobby",
      ]),
    );
    const lobbyUsers = CATALOGUE.filter(
      (spec) => spec.name !== "faf-db-migrations" && (spec.databases ?? []).some((db) => db.database === "faf_lobby"),
    );
    expect(lobbyUsers.map((s) => s.name)).toEqual(expect.arrayContaining(["faf-api", "faf-lobby-server", "faf-user-service"]));
    for (const spec of lobbyUsers) {
      // What runs: the controller, or the tasks or schedules of a workload without one.
      const running = resources.filter(
        (r) =>
          r.name === `${spec.name}-deployment` ||
          r.name === `${spec.name}-statefulset` ||
          r.name.startsWith(`${spec.name}-task-`) ||
          r.name.startsWith(`${spec.name}-schedule-`),
      );
      expect(running.length, spec.name).toBeGreaterThan(0);
      for (const r of running) expect(r.dependsOn, r.name).toContain("faf-db-migrations-job-migrate");
    }
    expect(lobbyUsers.map((s) => s.name)).toContain("faf-legacy-deployment");
  });

  it("orders each data object after what it needs, and each app after its own users", () => {
    const resources = readResources(dir("prod"));
    const deps = (name: string) => resources.find((r) => r.name === name)?.dependsOn ?? [];
    expect(deps("data-mariadb-server")).toEqual(
      expect.arrayContaining([
        "data-mariadb-operator",
        "data-mariadb-root-secret",
        "storage-pvc-mariadb",
        "storage-pvc-backups-mariadb",
      ]),
    );
    expect(deps("data-mariadb-operator")).toContain("data-mariadb-crds");
    // The operators do not wait for volumes; only the servers do.
    expect(deps("data-mariadb-operator")).not.toContain("storage-pvc-mariadb");
    expect(deps("data-mariadb-user-mariadb-faf-python-server")).toEqual(["data-mariadb-server"]);
    expect(deps("data-mariadb-grant-mariadb-faf-python-server-faf-lobby").sort()).toEqual([
      "data-mariadb-database-faf-lobby",
      "data-mariadb-user-mariadb-faf-python-server",
    ]);
    expect(deps("data-rabbitmq-cluster")).toEqual(expect.arrayContaining(["data-rabbitmq-operators", "storage-pvc-rabbitmq"]));
    expect(deps("data-rabbitmq-operators")).toContain("data-rabbitmq-cert-manager");
    expect(deps("data-rabbitmq-rabbitmq-user-faf-lobby-server")).toEqual(
      expect.arrayContaining(["data-rabbitmq-cluster", "data-rabbitmq-operators", "data-rabbitmq-credentials-faf-lobby-server"]),
    );
    expect(deps("data-rabbitmq-rabbitmq-permission-faf-lobby-server-faf-core").sort()).toEqual([
      "data-rabbitmq-rabbitmq-user-faf-lobby-server",
      "data-rabbitmq-vhost-faf-core",
    ]);
    expect(deps("faf-lobby-server-deployment")).toEqual(
      expect.arrayContaining([
        "data-mariadb-user-mariadb-faf-python-server",
        "data-mariadb-grant-mariadb-faf-python-server-faf-lobby",
        "data-rabbitmq-rabbitmq-user-faf-lobby-server",
        "data-rabbitmq-rabbitmq-permission-faf-lobby-server-faf-core",
      ]),
    );
    expect(deps("wikijs-deployment")).toContain("data-postgres-user-wikijs");
    expect(deps("data-postgres-user-wikijs").sort()).toEqual(["data-postgres-credentials-wikijs", "postgres-statefulset"]);
    // Nothing waits for a user it does not use.
    expect(deps("wikijs-deployment").some((d) => d.startsWith("data-mariadb") || d.startsWith("data-rabbitmq"))).toBe(false);
  });

  it("schedules nightly backups of MariaDB, PostgreSQL and MongoDB with the retention from the settings", () => {
    const m = manifests();
    const backup = kind(m, "Backup")[0];
    expect(backup.spec).toMatchObject({ schedule: { cron: "30 3 * * *" }, maxRetention: "336h" });
    expect(backup.spec.storage.volume.persistentVolumeClaim.claimName).toBe("backups-mariadb-pvc");
    const cron = kind(m, "CronJob").filter((c) => c.metadata.namespace === "faf-infra");
    expect(cron.map((c) => c.metadata.name).sort()).toEqual(["mongodb-backup", "postgres-backup"]);
    for (const c of cron) {
      expect(c.spec.schedule).toBe("30 3 * * *");
      expect(c.spec.concurrencyPolicy).toBe("Forbid");
      const env = c.spec.jobTemplate.spec.template.spec.containers[0].env;
      expect(env).toContainEqual({ name: "RETENTION_DAYS", value: "14" });
    }
  });

  it("renders a restore for each engine (not applied), valid like every other object", () => {
    const outputs = JSON.parse(readFileSync(join(dir("prod"), "outputs.json"), "utf8"));
    const restore = Object.fromEntries(
      Object.entries(outputs.restoreManifests as Record<string, string>).map(([k, v]) => [k, parse(v)]),
    );
    expect(Object.keys(restore).sort()).toEqual(["mariadb", "mongodb", "postgres"]);
    expect(restore.mariadb.kind).toBe("Restore");
    expect(validateCustomObject(restore.mariadb)).toEqual([]);
    if (upstreamCrdsAvailable) expect(validateUpstream(restore.mariadb)).toEqual([]);
    for (const engine of ["postgres", "mongodb"]) expect(restore[engine].kind).toBe("Job");
    // The render also writes them as files to apply, identical to the stack output.
    for (const engine of Object.keys(restore)) {
      expect(readFileSync(join(dir("prod"), "restore", `${engine}.yaml`), "utf8")).toBe(outputs.restoreManifests[engine]);
    }
    // Restores are outputs only: nothing in the render applies one.
    expect(kind(manifests(), "Restore")).toEqual([]);
    expect(kind(manifests(), "Job").some((j) => j.metadata.name.includes("restore"))).toBe(false);
  });

  it("protects the data services and keeps them on delete", () => {
    const resources = readResources(dir("prod"));
    for (const name of ["data-mariadb-server", "data-rabbitmq-cluster", "data-mariadb-crds"]) {
      expect(resources.find((r) => r.name === name)?.options, name).toMatchObject({ protect: true, retainOnDelete: true });
    }
    for (const r of resources.filter((x) => x.type === "kubernetes:k8s.mariadb.com/v1alpha1:Database")) {
      expect(r.options, r.name).toMatchObject({ protect: true, retainOnDelete: true });
    }
  });

  it("snapshots the databases' datasets on the host before any data service changes", () => {
    const resources = readResources(dir("prod"));
    const snapshot = resources.find((r) => r.name === "host-data-snapshot")!;
    expect(snapshot.type).toBe("command:remote:Command");
    expect(String(snapshot.inputs.create)).toContain("zfs snapshot");
    for (const name of ["data-mariadb-server", "data-rabbitmq-cluster", "postgres-statefulset", "mongodb-statefulset"]) {
      expect(resources.find((r) => r.name === name)?.dependsOn, name).toContain("host-data-snapshot");
    }
    // A laptop has no host to snapshot.
    expect(readResources(dir("local")).some((r) => r.name.includes("snapshot"))).toBe(false);
  });

  it("points every app at the stable names in faf-apps, never at where a server runs", () => {
    for (const m of readManifests(dir("prod")).filter(
      (x) => x.object.kind === "ConfigMap" && x.object.metadata.namespace === "faf-apps",
    )) {
      expect(JSON.stringify(m.object), m.file).not.toContain(".faf-infra.svc");
    }
    const api = kind(readManifests(dir("prod")), "ConfigMap").find((c) => c.metadata.name.startsWith("faf-api-env-"));
    expect(api.data.DATABASE_ADDRESS).toBe("mariadb.faf-apps.svc.cluster.local");
  });

  it("gives apps their data services' stable names in faf-apps", () => {
    const stable = kind(manifests(), "Service").filter((s) => s.spec.type === "ExternalName");
    expect(Object.fromEntries(stable.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s.spec.externalName]))).toEqual({
      "faf-apps/mariadb": "mariadb.faf-infra.svc.cluster.local",
      "faf-apps/mongodb": "mongodb.faf-infra.svc.cluster.local",
      "faf-apps/postgres": "postgres.faf-infra.svc.cluster.local",
    });
  });
});

describe("calls without waiting", () => {
  it("admits faf-api to NodeBB both ways in the policies, though NodeBB waits for faf-api", () => {
    const m = readManifests(dir("prod"));
    const policy = (name: string) =>
      kind(m, "NetworkPolicy").find((p) => p.metadata.name === name && p.metadata.namespace === "faf-apps");
    const egress = JSON.stringify(policy("faf-api").spec.egress);
    expect(egress).toContain('"app.kubernetes.io/name":"nodebb"');
    expect(JSON.stringify(policy("nodebb").spec.ingress)).toContain('"app.kubernetes.io/name":"faf-api"');
    const resources = readResources(dir("prod"));
    expect(resources.find((r) => r.name === "nodebb-deployment")?.dependsOn).toContain("faf-api-deployment");
    expect(resources.find((r) => r.name === "faf-api-deployment")?.dependsOn).not.toContain("nodebb-deployment");
  });
});

describe.each(STACKS)("stack %s images", (stack) => {
  it("uses no Bitnami image or chart, and pins every image, in objects and chart values", () => {
    const all = [...readManifests(dir(stack)).map((m) => m.object), ...readResources(dir(stack)).map((r) => r.inputs)];
    const text = JSON.stringify(all);
    expect(text).not.toMatch(/bitnami/i);
    const found = [...new Set(all.flatMap(images))];
    expect(found.length).toBeGreaterThan(5);
    const reasoned = reasonedBranchImages();
    for (const image of found.filter((i) => !reasoned.has(i)))
      expect(image, image).toMatch(/^[a-z0-9./_-]+:(v?\d+(\.\d+)*([.-][0-9A-Za-z.]+)*)(@sha256:[0-9a-f]{64})?$/);
  });
});

describe("local data layer", () => {
  it("runs the same data services with laptop resources and generated passwords shared with the apps", () => {
    const m = readManifests(dir("local"));
    const mariadb = kind(m, "MariaDB")[0];
    expect(mariadb.spec.resources.limits.memory).toBe("1Gi");
    expect(mariadb.spec.myCnf).toContain("innodb_buffer_pool_size=256M");
    expect(kind(m, "InfisicalStaticSecret")).toEqual([]);
    const copies = kind(m, "Secret").filter((s) => s.metadata.annotations?.["faforever.com/password-from"]);
    expect(copies.map((s) => s.metadata.name)).toEqual(expect.arrayContaining(["rabbitmq-user-faf-api", "postgres-user-wikijs"]));
    for (const copy of copies) expect(Object.keys(copy.stringData).sort()).toEqual(["password", "username"]);
    // The copy and the app's own Secret read one generated value: one RandomPassword per key.
    const passwords = readResources(dir("local")).filter((r) => r.type === "random:index/randomPassword:RandomPassword");
    expect(passwords.filter((r) => r.name === "faf-api-secret-rabbit-password")).toHaveLength(1);
  });
});

describe("tasks", () => {
  it("keeps the legacy deployment's coop jobs as suspended CronJobs an admin triggers, after its database user", () => {
    const m = readManifests(dir("prod"));
    const tasks = kind(m, "CronJob").filter((c) => c.metadata.name.startsWith("faf-legacy-deployment-"));
    expect(tasks.map((t) => t.metadata.name).sort()).toEqual([
      "faf-legacy-deployment-deploy-coop",
      "faf-legacy-deployment-deploy-coop-maps",
    ]);
    for (const t of tasks) expect(t.spec).toMatchObject({ suspend: true, concurrencyPolicy: "Forbid" });
    const resources = readResources(dir("prod"));
    expect(resources.find((r) => r.name === "faf-legacy-deployment-task-deploy-coop")?.dependsOn).toEqual(
      expect.arrayContaining([
        "data-mariadb-user-mariadb-faf-legacy-deployment",
        "data-mariadb-grant-mariadb-faf-legacy-deployment-faf-lobby",
      ]),
    );
  });
});

describe("CRDs outlive what they define", () => {
  it("protects the RabbitMQ operators' CRDs in prod (a transform on their manifests), since deleting one deletes the protected RabbitmqCluster; not on a laptop", () => {
    const operators = (stack: string) => readResources(dir(stack)).find((r) => r.name === "data-rabbitmq-operators")!;
    expect(operators("prod").options).toMatchObject({ transforms: 1 });
    expect(operators("local").options).not.toHaveProperty("transforms");
  });

  it("the transform protects and keeps on delete a CustomResourceDefinition, and leaves every other object alone", () => {
    const args = (type: string) => ({ type, name: "x", props: { a: 1 }, opts: { parent: undefined } }) as never;
    const crd = protectCustomResourceDefinitions(args("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")) as {
      props: unknown;
      opts: Record<string, unknown>;
    };
    expect(crd.props).toEqual({ a: 1 });
    expect(crd.opts).toMatchObject({ protect: true, retainOnDelete: true });
    expect(protectCustomResourceDefinitions(args("kubernetes:apps/v1:Deployment"))).toBeUndefined();
  });
});
