import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE } from "../../components/apps/catalogue";
import { dataSecretFolders } from "../../components/data/data-services";
import { monitoringSecretFolders } from "../../components/monitoring/alerting";
import { expectedSecrets } from "../../components/platform/secret-sync";
import { checkSecrets, formatReport, infisicalLister } from "../../secrets/check";
import { ROOT } from "../support/cli";
import { startFakeInfisical, type FakeInfisical } from "./fake-infisical";
import { tempDir } from "../support/temp";

// A prod stack runs monitoring by default: Grafana's folder is read too (no receiver set).
const expected = [
  ...expectedSecrets(CATALOGUE, true),
  ...dataSecretFolders(["mariadb", "mongodb", "postgres", "rabbitmq"]),
  ...monitoringSecretFolders({ oidcClientId: "grafana", receiver: undefined, size: "node", hostMetrics: false }),
];
const total = expected.reduce((n, e) => n + e.keys.length, 0);
const complete = Object.fromEntries(expected.map((e) => [e.path, e.keys]));
const target = { projectId: "11111111-2222-3333-4444-555555555555", environment: "prod", clientId: "id", clientSecret: "secret" };

let fake: FakeInfisical;
beforeAll(async () => {
  const folders = { ...complete, "/faf-api": complete["/faf-api"]!.filter((k) => k !== "STEAM_API_KEY" && k !== "SECRET.KEY") };
  fake = await startFakeInfisical({ ...target, folders });
});
afterAll(async () => fake.close());

/** Runs the CLI as a person would (async: the fake server lives in this process). */
function runCheck(stack: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "secrets", "cli.ts"), stack], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("secrets:check against a fake Infisical API on loopback (the real SDK)", () => {
  it("expects every key each workload declares, in its own folder, plus Argo CD's", () => {
    expect(expected.find((e) => e.path === "/ory-hydra")).toEqual({
      path: "/ory-hydra",
      keys: [
        "BRACKMAN_DISCORD_SECRET",
        "DB_PASSWORD",
        "DSN",
        "FAFTOURNEY_SECRET",
        "FAFTRACKER_SECRET",
        "FAF_QAI_SECRET",
        "FA_METRICS_CLIENT_SECRET",
        "SECRETS_SYSTEM",
      ],
      reader: "ory-hydra",
    });
    expect(expected.map((e) => e.path)).toContain("/argocd-oidc");
    // The data services' own folders: their root passwords, as FAF keeps them today.
    expect(expected.filter((e) => ["/mariadb", "/postgres", "/mongodb"].includes(e.path)).map((e) => e.keys)).toEqual([
      ["MARIADB_ROOT_PASSWORD"],
      ["POSTGRES_PASSWORD"],
      ["MONGO_INITDB_ROOT_PASSWORD"],
    ]);
  });

  it("reports exactly the missing keys, by folder and reader", async () => {
    const list = await infisicalLister({ ...target, siteUrl: fake.url });
    const report = await checkSecrets(expected, list);
    expect(report.missing).toEqual([{ path: "/faf-api", reader: "faf-api", keys: ["SECRET.KEY", "STEAM_API_KEY"] }]);
    expect(formatReport(report, "Infisical")).toContain(
      `2 of ${total} secret keys are missing in Infisical:\n  /faf-api (read by faf-api): SECRET.KEY, STEAM_API_KEY`,
    );
  });

  it("authenticates with universal auth and never asks for secret values", () => {
    const lists = fake.requests.filter((r) => r.path === "/api/v3/secrets/raw");
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((r) => r.authorization === "Bearer fake-access-token" && r.query.viewSecretValue === "false")).toBe(true);
    expect(fake.requests.some((r) => r.method === "POST" && r.path === "/api/v1/auth/universal-auth/login")).toBe(true);
  });

  it("fails on wrong credentials", async () => {
    await expect(infisicalLister({ ...target, clientSecret: "wrong", siteUrl: fake.url })).rejects.toThrow();
  });

  it("as a command: exits 1 and names the missing keys, or 0 when all are there", async () => {
    const dir = tempDir("faf-check-");
    const stack = (folder: string) =>
      `config:\n  faf:environment: prod\n  faf:baseDomain: faforever.com\n  faf:hostName: fafprod3\n  faf:kubernetes: {context: x}\n  faf:storage: {dataPath: /data}\n  faf:secrets: {source: infisical, projectSlug: k3s, projectId: ${target.projectId}, environment: ${folder}}\n`;
    writeFileSync(join(dir, "Pulumi.check.yaml"), stack("prod"));
    const env = {
      FAF_STACK_DIR: dir,
      INFISICAL_SITE_URL: fake.url,
      INFISICAL_CLIENT_ID: "id",
      INFISICAL_CLIENT_SECRET: "secret",
    };
    const missing = await runCheck("check", env);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("/faf-api (read by faf-api): SECRET.KEY, STEAM_API_KEY");

    const full = await startFakeInfisical({ ...target, folders: complete });
    try {
      const ok = await runCheck("check", { ...env, INFISICAL_SITE_URL: full.url });
      expect(ok.stdout).toContain(`All ${total} secret keys are present`);
      expect(ok.code).toBe(0);
    } finally {
      await full.close();
    }
  });

  it("as a command: exits 2 without credentials, naming the variables", async () => {
    const result = await runCheck("prod", { INFISICAL_CLIENT_ID: "", INFISICAL_CLIENT_SECRET: "" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("faf:secrets.projectId is not set in Pulumi.prod.yaml");
  });
});
