import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE } from "../../components/apps/catalogue";
import { DEVELOP_DIR, WRITE_FILES_COMMAND, developFiles } from "../../components/laptop/develop";
import { laptopStack, renderStackText } from "../support/laptop";
import { readManifests, readResources } from "../support/stacks";

const spec = (name: string) => CATALOGUE.find((s) => s.name === name)!;

describe("faf:develop for faf-api", () => {
  let render: ReturnType<typeof renderStackText>;
  beforeAll(() => {
    render = renderStackText("dev", laptopStack("  faf:services: [faf-api]\n  faf:develop:\n    faf-api:\n      port: 18010"));
  });
  afterAll(() => render.cleanup());

  const objects = () => readManifests(render.out).map((m) => m.object as any);
  const ofApi = () => objects().filter((o) => o.metadata.labels?.["app.kubernetes.io/name"] === "faf-api");

  it("runs no pod of faf-api: no Deployment, StatefulSet, Job or CronJob", () => {
    expect(render.code, render.stderr).toBe(0);
    const kinds = ofApi().map((o) => o.kind);
    expect(kinds.filter((k) => ["Deployment", "StatefulSet", "Job", "CronJob", "PodDisruptionBudget"].includes(k))).toEqual([]);
    // The rest of the selection still runs.
    expect(objects().some((o) => o.kind === "Deployment" && o.metadata.name === "ory-hydra")).toBe(true);
  });

  it("keeps its Service without a selector, and an EndpointSlice to the address k3d exposes on the process's port", () => {
    const service = objects().find((o) => o.kind === "Service" && o.metadata.name === "faf-api");
    expect(service.spec.selector).toBeUndefined();
    expect(service.spec.ports).toEqual([{ name: "http", port: 8010, targetPort: 18010, protocol: "TCP" }]);
    const slice = objects().find((o) => o.kind === "EndpointSlice");
    expect(slice.metadata.labels["kubernetes.io/service-name"]).toBe("faf-api");
    expect(slice.metadata.labels["endpointslice.kubernetes.io/managed-by"]).not.toBe("endpointslice-controller.k8s.io");
    expect(slice.addressType).toBe("IPv4");
    expect(slice.endpoints).toEqual([{ addresses: ["172.18.0.1"], conditions: { ready: true } }]);
    expect(slice.ports).toEqual([{ name: "http", port: 18010, protocol: "TCP" }]);
  });

  it("keeps its routes, Secret and data users", () => {
    const kinds = ofApi().map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(expect.arrayContaining(["IngressRoute/faf-api", "Secret/faf-api"]));
    const users = objects().filter((o) => o.kind === "User");
    expect(users.map((u) => u.metadata.name)).toEqual(expect.arrayContaining(["mariadb-faf-java-api", "rabbitmq-user-faf-api"]));
  });

  it("writes the env file on the developer's machine from a secret stdin", () => {
    const write = readResources(render.out).find((r) => r.name === "faf-api-develop-write")!;
    expect(write.type).toBe("command:local:Command");
    expect(write.inputs.create).toBe(WRITE_FILES_COMMAND);
    expect(write.inputs.stdin).toBe("[secret]");
    const outputs = JSON.parse(readFileSync(join(render.out, "outputs.json"), "utf8"));
    expect(outputs.laptop.developFiles).toEqual([
      ".faf-develop/faf-api.env",
      ".faf-develop/faf-api/config/mail/account-activation.html",
      ".faf-develop/faf-api/config/mail/password-reset.html",
      ".faf-develop/faf-api/config/mail/welcome-to-faf.html",
      ".faf-develop/faf-api/pki/public.key",
      ".faf-develop/faf-api/pki/secret.key",
    ]);
    expect(render.stdout).toContain(
      "  ~ faf-api runs on your machine: the cluster sends it to 172.18.0.1:18010; its environment is .faf-develop/faf-api.env",
    );
  });
});

describe("the develop env file", () => {
  const values: Record<string, string> = Object.fromEntries(
    (spec("faf-api").secrets?.keys ?? []).map((key) => [key, `value-of-${key}`]),
  );
  values.DATABASE_PASSWORD = "it's $secret";
  const files = developFiles(spec("faf-api"), "local", "faforever.localhost", values);

  it("gives the process everything the container gets: plain settings, secrets, aliases, with data services on loopback", () => {
    const dir = mkdtempSync(join(tmpdir(), "faf-develop-"));
    try {
      const file = join(dir, "api.env");
      writeFileSync(file, files[`${DEVELOP_DIR}/faf-api.env`]!);
      const result = spawnSync("bash", ["-c", `set -a; . ${file}; set +a; env -0`], { encoding: "utf8", env: {} });
      expect(result.status, result.stderr).toBe(0);
      const env = Object.fromEntries(
        result.stdout
          .split("\0")
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      expect(env.DATABASE_ADDRESS).toBe("127.0.0.1");
      expect(env.LEAGUE_DATABASE_ADDRESS).toBe("127.0.0.1");
      expect(env.RABBIT_HOST).toBe("127.0.0.1");
      expect(env.DATABASE_USERNAME).toBe("faf-java-api");
      expect(env.DATABASE_PASSWORD).toBe("it's $secret");
      expect(env.LEAGUE_DATABASE_PASSWORD).toBe("it's $secret");
      expect(env.RABBIT_PASSWORD).toBe("value-of-RABBIT_PASSWORD");
      expect(env.FAF_DOMAIN).toBe("faforever.localhost");
      // Key files are files, not environment.
      expect(env["SECRET.KEY"]).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says which port-forwards bring the data services to loopback, and where the container's files are", () => {
    const text = files[`${DEVELOP_DIR}/faf-api.env`]!;
    expect(text).toContain("#   kubectl -n faf-infra port-forward svc/mariadb 3306:3306");
    expect(text).toContain("#   kubectl -n faf-apps port-forward svc/rabbitmq 5672:5672");
    expect(text).toContain("#   /pki/secret.key -> .faf-develop/faf-api/pki/secret.key (secret SECRET.KEY)");
    expect(files[".faf-develop/faf-api/pki/secret.key"]).toBe("value-of-SECRET.KEY");
  });

  it("points generated values that name an in-cluster data service at loopback (Hydra's DSN)", () => {
    const hydra = developFiles(spec("ory-hydra"), "local", "faforever.localhost", {
      DSN: "postgres://hydra:pw@postgres.faf-apps.svc.cluster.local:5432/ory-hydra?sslmode=disable",
      DB_PASSWORD: "pw",
      SECRETS_SYSTEM: "s",
    });
    expect(hydra[`${DEVELOP_DIR}/ory-hydra.env`]).toContain("DSN='postgres://hydra:pw@127.0.0.1:5432/ory-hydra?sslmode=disable'");
  });

  it("templates config files for the machine: the lobby's config names loopback for MariaDB and RabbitMQ", () => {
    const lobby = developFiles(
      spec("faf-lobby-server"),
      "local",
      "faforever.localhost",
      Object.fromEntries((spec("faf-lobby-server").secrets?.keys ?? []).map((k) => [k, "x"])),
    );
    const config = lobby[".faf-develop/faf-lobby-server/config/config.yaml"]!;
    expect(config).toContain('DB_SERVER: "127.0.0.1"');
    expect(config).toContain('MQ_SERVER: "127.0.0.1"');
  });

  it("is written by the command pulumi up runs, owner-only", () => {
    const dir = mkdtempSync(join(tmpdir(), "faf-develop-"));
    try {
      const result = spawnSync("sh", ["-c", WRITE_FILES_COMMAND], { cwd: dir, input: JSON.stringify(files), encoding: "utf8" });
      expect(result.status, result.stderr).toBe(0);
      expect(readFileSync(join(dir, ".faf-develop/faf-api.env"), "utf8")).toBe(files[".faf-develop/faf-api.env"]);
      expect(readFileSync(join(dir, ".faf-develop/faf-api/pki/public.key"), "utf8")).toBe("value-of-PUBLIC.KEY");
      expect(statSync(join(dir, ".faf-develop/faf-api.env")).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("faf:develop and faf:images settings", () => {
  it("refuses a service that serves nothing (the migrations job)", () => {
    const render = renderStackText(
      "bad",
      laptopStack("  faf:services: [faf-api]\n  faf:develop:\n    faf-db-migrations:\n      port: 1"),
    );
    try {
      expect(render.code).toBe(2);
      expect(render.stderr).toContain("faf:develop.faf-db-migrations: faf-db-migrations serves nothing (no exposed port)");
    } finally {
      render.cleanup();
    }
  });

  it("refuses a service that is not selected", () => {
    const render = renderStackText(
      "bad",
      laptopStack("  faf:services: [wikijs]\n  faf:develop:\n    faf-api:\n      port: 8010"),
    );
    try {
      expect(render.code).toBe(2);
      expect(render.stderr).toContain("faf:develop.faf-api: faf-api is not in faf:services");
    } finally {
      render.cleanup();
    }
  });

  it("runs a locally built image instead of the pinned one, in the pods and the version label", () => {
    const render = renderStackText("img", laptopStack("  faf:services: [faf-api]\n  faf:images:\n    faf-api: faf-java-api:dev"));
    try {
      expect(render.code, render.stderr).toBe(0);
      const deployment = readManifests(render.out).find(
        (m) => m.object.kind === "Deployment" && m.object.metadata.name === "faf-api",
      )!.object as any;
      expect(deployment.spec.template.spec.containers[0].image).toBe("faf-java-api:dev");
      expect(deployment.spec.template.spec.containers[0].imagePullPolicy).toBe("IfNotPresent");
      expect(deployment.metadata.labels["app.kubernetes.io/version"]).toBe("dev");
    } finally {
      render.cleanup();
    }
  });
});
