import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runRender } from "../support/cli";
import { readManifests, readResources, type RenderedObject } from "../support/stacks";

/** The services issue 14 added, as the prod render shows them. */
describe("prod render: FAF's services that were missing", () => {
  const dir = () => join(inject("renderDir"), "prod");
  const manifests = () => readManifests(dir());
  const find = (kind: string, name: string) =>
    manifests().find((m) => m.object.kind === kind && m.object.metadata.name === name)?.object as any;

  it("serves the inventory's hosts: www, apex, clans, voting, unitdb, ice-telemetry, forums, whoami", () => {
    const hosts = JSON.parse(readFileSync(join(dir(), "outputs.json"), "utf8")).publicHosts as string[];
    for (const host of ["www", "clans", "voting", "unitdb", "ice-telemetry", "forums", "whoami"]) {
      expect(hosts, host).toContain(`${host}.faforever.com`);
    }
    expect(hosts).toContain("faforever.com");
  });

  it("routes direct.<domain>/faf/unitsDB to the unit database with the prefix stripped, beside WordPress on direct.", () => {
    const route = find("IngressRoute", "faf-unitdb");
    const legacy = route.spec.routes.find((r: any) => String(r.match).includes("/faf/unitsDB"));
    expect(legacy.match).toContain("Host(`direct.faforever.com`)");
    expect(legacy.match).toContain("PathPrefix(`/faf/unitsDB`)");
    const middleware = find("Middleware", legacy.middlewares[0].name);
    expect(middleware.spec).toEqual({ stripPrefix: { prefixes: ["/faf/unitsDB"] } });
    expect(find("IngressRoute", "wordpress").spec.routes[0].match).toBe("Host(`direct.faforever.com`)");
  });

  it("calls unitdb's update once the server is up, with the token from its Secret", () => {
    const container = find("Deployment", "faf-unitdb").spec.template.spec.containers[0];
    expect(container.lifecycle.postStart.exec.command.join(" ")).toContain(
      "update.php?token=${UNITDB_UPGRADE_SECRET}&version=deploy%2Ffaf",
    );
    expect(container.env.map((e: any) => e.name)).toContain("UNITDB_UPGRADE_SECRET");
  });

  it("restarts the telemetry server at 2Gi, its known leak's limit", () => {
    const container = find("Deployment", "faf-telemetry-server").spec.template.spec.containers[0];
    expect(container.resources).toEqual({ requests: { cpu: "50m", memory: "1Gi" }, limits: { memory: "2Gi" } });
  });

  it("runs two whoami pods behind a plain and a sticky-cookie Service", () => {
    expect(find("Deployment", "whoami").spec.replicas).toBe(2);
    const sticky = find("Service", "whoami-sticky");
    expect(sticky.metadata.namespace).toBe("faf-ops");
    expect(sticky.metadata.annotations).toMatchObject({ "traefik.ingress.kubernetes.io/service.sticky.cookie": "true" });
    expect(sticky.spec.selector).toEqual(find("Service", "whoami").spec.selector);
  });

  it("keeps Hydra's janitor as a suspended task with FAF's lifespans", () => {
    const janitor = find("CronJob", "ory-hydra-janitor");
    expect(janitor.spec.suspend).toBe(true);
    expect(janitor.spec.jobTemplate.spec.template.spec.containers[0].args.slice(0, 4)).toEqual([
      "janitor",
      "--read-from-env",
      "--keep-if-younger",
      "230h",
    ]);
  });

  it("purges inactive players from the leaderboards daily, as a user that may only select and update faf_lobby", () => {
    const purge = find("CronJob", "faf-leaderboard-purge-purge");
    expect(purge.spec.suspend).toBeUndefined();
    expect(purge.spec.schedule).toBe("30 4 * * *");
    expect(purge.spec.concurrencyPolicy).toBe("Forbid");
    const grant = manifests().find(
      (m) => m.object.kind === "Grant" && (m.object as any).spec.username === "faf-leaderboard-purge",
    )!.object as any;
    expect(grant.spec).toMatchObject({ database: "faf_lobby", privileges: ["SELECT", "UPDATE"] });
  });

  it("gives mysqld-exporter its MariaDB user: PROCESS, REPLICATION CLIENT, SELECT on *.*, at most 3 connections", () => {
    const user = manifests().find((m) => m.object.kind === "User" && (m.object as any).spec.name === "faf-mysql-exporter")!
      .object as any;
    expect(user.spec.maxUserConnections).toBe(3);
    const grants = manifests()
      .filter((m) => m.object.kind === "Grant" && (m.object as any).spec.username === "faf-mysql-exporter")
      .map((m) => (m.object as any).spec);
    expect(grants.find((g) => g.database === "*")?.privileges).toEqual(["PROCESS", "REPLICATION CLIENT", "SELECT"]);
    // --collect.binlog_size reads the binary log FAF always writes.
    expect(find("MariaDB", "mariadb").spec.myCnf).toContain("log_bin=mysql-bin");
  });
});

describe("a laptop stack with only faf-website", () => {
  let dir = "";
  let objects: RenderedObject[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "faf-website-"));
    writeFileSync(
      join(dir, "Pulumi.web.yaml"),
      "config:\n  faf:environment: local\n  faf:baseDomain: faforever.localhost\n  faf:kubernetes:\n    context: default\n" +
        "  faf:storage:\n    dataPath: /var/lib/faf-data\n  faf:secrets:\n    source: generated\n  faf:services: [faf-website]\n",
    );
    const result = runRender(["web", "--stack-dir", dir, "--out", join(dir, "out")]);
    expect(result.code, result.stderr).toBe(0);
    objects = readManifests(join(dir, "out"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("renders the website with Hydra and its login pages, the API, WordPress and the data services they need", () => {
    const deployments = objects.filter((m) => m.object.kind === "Deployment").map((m) => m.object.metadata.name);
    expect(deployments).toEqual(expect.arrayContaining(["faf-website", "ory-hydra", "faf-user-service", "faf-api", "wordpress"]));
    const outputs = JSON.parse(readFileSync(join(dir, "out", "outputs.json"), "utf8"));
    expect(outputs.dataServices).toEqual(["mariadb", "postgres", "rabbitmq"]);
    expect(objects.some((m) => m.object.kind === "MariaDB")).toBe(true);
  });

  it("registers the website's two OAuth clients before the website starts, with secrets generated in its Secret", () => {
    const resources = readResources(join(dir, "out"));
    const job = resources.find((r) => r.name === "faf-website-job-oauth-clients")!;
    expect(job.dependsOn).toContain("ory-hydra-deployment");
    expect(resources.find((r) => r.name === "faf-website-deployment")!.dependsOn).toContain("faf-website-job-oauth-clients");
    const script = (
      objects.find((m) => m.object.kind === "Job" && m.object.metadata.name.startsWith("faf-website-oauth-clients-"))!
        .object as any
    ).spec.template.spec.containers[0].command[2] as string;
    expect(script).toContain("https://www.faforever.localhost/callback");
    expect(script).toContain("b9f62a18-faae-43cc-a9b7-e15613e00273");
    const secret = resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name.startsWith("faf-website"))!;
    expect(JSON.stringify(secret.inputs)).toContain("OAUTH_CLIENT_SECRET");
  });
});

describe("branch builds", () => {
  it("pulls a reasoned branch build on every start, and keeps release tags on the stack's policy", () => {
    const test = readManifests(join(inject("renderDir"), "test"));
    const container = (name: string) =>
      (test.find((m) => m.object.kind === "Deployment" && m.object.metadata.name === name)!.object as any).spec.template.spec
        .containers[0];
    expect(container("faf-website")).toMatchObject({ image: "faforever/faf-website:develop", imagePullPolicy: "Always" });
    expect(container("faf-api").imagePullPolicy).toBe("IfNotPresent");
    const prod = readManifests(join(inject("renderDir"), "prod"));
    const website = (prod.find((m) => m.object.kind === "Deployment" && m.object.metadata.name === "faf-website")!.object as any)
      .spec.template.spec.containers[0];
    expect(website).toMatchObject({ image: "faforever/faf-website:v2.4.2", imagePullPolicy: "IfNotPresent" });
  });
});

describe("what the ported lobby server lost", () => {
  it("runs FAF's build with the native WebSocket listener that ws. and lobby. route to, not the release before it", () => {
    const prod = readManifests(join(inject("renderDir"), "prod"));
    const deployment = prod.find((m) => m.object.kind === "Deployment" && m.object.metadata.name === "faf-lobby-server")!
      .object as any;
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe("faforever/faf-python-server:feat-login-avatar-id-sync");
    expect(container.ports.find((p: any) => p.containerPort === 8003).name).toBe("websocket");
    const route = prod.find((m) => m.object.kind === "IngressRoute" && m.object.metadata.name === "faf-lobby-server")!
      .object as any;
    expect(route.spec.routes[0].match).toBe("(Host(`lobby.faforever.com`) || Host(`ws.faforever.com`))");
    expect(route.spec.routes[0].services[0].port).toBe(8003);
  });
});
