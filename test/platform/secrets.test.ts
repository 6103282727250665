import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { workloadNamespace } from "../../components/lib/names";
import { CATALOGUE, catalogueFor } from "../../components/apps/catalogue";
import { fafApi } from "../../components/apps/faf-api";
import { generationPlan } from "../../components/apps/generated-secret";
import { oryHydra } from "../../components/apps/ory-hydra";
import { templateContext } from "../../components/apps/render";
import { infisicalStaticSecret } from "../../components/platform/secret-sync";
import { infisicalAuthObjects, infisicalSite } from "../../components/platform/secrets";
import { readManifests, readResources } from "../support/stacks";

const ctx = templateContext("local", "faforever.localhost");
const withSecrets = CATALOGUE.filter((spec) => (spec.secrets?.keys.length ?? 0) > 0);
/** Those a laptop runs (the replay mounter is prod only). */
const localWithSecrets = catalogueFor("local").filter((spec) => (spec.secrets?.keys.length ?? 0) > 0);

describe("secret generation plan", () => {
  it("generates faf-api's key files as one RSA pair and every other key as a password", () => {
    const plan = generationPlan(fafApi, ctx);
    expect(plan.find((p) => p.key === "SECRET.KEY")).toEqual({ key: "SECRET.KEY", kind: "private-key", pair: "SECRET.KEY" });
    expect(plan.find((p) => p.key === "PUBLIC.KEY")).toEqual({ key: "PUBLIC.KEY", kind: "public-key", pair: "SECRET.KEY" });
    // LEAGUE_DATABASE_PASSWORD is an alias of DATABASE_PASSWORD (one user, one password), not a key.
    expect(plan.filter((p) => p.kind === "password")).toHaveLength(10);
    expect(plan.map((p) => p.key)).not.toContain("LEAGUE_DATABASE_PASSWORD");
  });

  it("derives Hydra's DSN from its generated database password and the in-cluster host", () => {
    expect(generationPlan(oryHydra, ctx).find((p) => p.key === "DSN")).toEqual({
      key: "DSN",
      kind: "derived",
      template: "postgres://hydra:{{secret:DB_PASSWORD}}@postgres.faf-apps.svc.cluster.local:5432/ory-hydra?sslmode=disable",
    });
  });

  it("refuses a derived value that refers to an undeclared key", () => {
    const bad = { ...oryHydra, secrets: { ...oryHydra.secrets!, generate: { derived: { DSN: "{{secret:NOPE}}" } } } };
    expect(() => generationPlan(bad, ctx)).toThrow(
      "ory-hydra.secrets.generate.derived.DSN: {{secret:NOPE}} must name a declared, non-derived key",
    );
  });
});

describe("Infisical objects", () => {
  it("sync /<workload> of the project's environment into the workload's own Secret, owned by the operator", () => {
    const sync = infisicalStaticSecret("faf-api", "faf-apps", {
      kind: "infisical",
      authRef: { name: "infisical-universal", namespace: "faf-ops" },
      projectSlug: "k3s-cluster-zj-th",
      environment: "prod",
    });
    expect(sync.spec).toEqual({
      infisicalAuthRef: { name: "infisical-universal", namespace: "faf-ops" },
      syncOptions: { refreshInterval: "60s", instantUpdates: false },
      sources: [{ projectSlug: "k3s-cluster-zj-th", environmentSlug: "prod", secretPath: "/faf-api" }],
      targets: [{ kind: "Secret", name: "faf-api", namespace: "faf-apps", creationPolicy: "Owner" }],
    });
  });

  it("authenticate with the machine identity's Secret through one connection", () => {
    const { connection, auth } = infisicalAuthObjects("https://app.infisical.com/api");
    expect(connection.spec).toEqual({ address: "https://app.infisical.com" });
    expect((auth.spec as any).universal.clientSecretRef).toEqual({
      name: "infisical-machine-identity",
      namespace: "faf-ops",
      key: "clientSecret",
    });
    expect(infisicalSite("https://infisical.example.org/api/")).toBe("https://infisical.example.org");
  });
});

describe("prod render", () => {
  const dir = () => join(inject("renderDir"), "prod");

  it("syncs a Secret for every workload that reads secrets, and creates no application Secret itself", () => {
    const manifests = readManifests(dir());
    const inApps = manifests.filter(
      (m) => m.object.kind === "InfisicalStaticSecret" && m.object.metadata.namespace === workloadNamespace(fafApi),
    );
    // A workload's own sync, or a copy of one of its passwords for the broker (named by its annotation).
    const copies = inApps.filter((m) => (m.object.metadata as any).annotations?.["faforever.com/password-from"]);
    // And Argo CD's client secret, which Hydra's client reconcile reads in faf-apps (decision 024).
    const syncs = inApps
      .filter((m) => !copies.includes(m))
      .map((m) => m.object.metadata.name)
      .filter((name) => name !== "argocd-oidc");
    expect(syncs.sort()).toEqual(
      withSecrets
        .filter((s) => workloadNamespace(s) === workloadNamespace(fafApi))
        .map((s) => s.name)
        .sort(),
    );
    // Workloads elsewhere (mysqld-exporter in faf-ops) sync in their own namespace.
    for (const spec of withSecrets.filter((s) => workloadNamespace(s) !== workloadNamespace(fafApi))) {
      const sync = manifests.find((m) => m.object.kind === "InfisicalStaticSecret" && m.object.metadata.name === spec.name);
      expect(sync?.object.metadata.namespace, spec.name).toBe(workloadNamespace(spec));
    }
    expect(inApps.map((m) => m.object.metadata.name)).toContain("argocd-oidc");
    expect(copies.map((m) => m.object.metadata.name).every((name) => name.startsWith("rabbitmq-user-"))).toBe(true);
    expect(manifests.filter((m) => m.object.kind === "Secret").map((m) => m.object.metadata.name)).toEqual([]);
  });

  it("contains no literal secret value: no Secret data, no secret-looking env values, no generated values", () => {
    const text = JSON.stringify(readResources(dir()));
    for (const m of readManifests(dir())) {
      const object = m.object as any;
      if (object.kind === "Secret") {
        for (const value of Object.values({ ...object.data, ...object.stringData })) expect(value, m.file).toBe("[secret]");
      }
      for (const container of object.spec?.template?.spec?.containers ?? []) {
        for (const env of container.env ?? []) {
          if (/PASSWORD|SECRET|TOKEN|KEY/i.test(env.name)) expect(env.value, `${m.file} ${env.name}`).toBeUndefined();
        }
      }
    }
    expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    expect(readResources(dir()).filter((r) => r.type.startsWith("random:") || r.type.startsWith("tls:"))).toEqual([]);
  });

  it("restarts a workload's pods when its synced Secret changes", () => {
    const api = readManifests(dir()).find((m) => m.object.kind === "Deployment" && m.object.metadata.name === "faf-api")!
      .object as any;
    expect(api.metadata.annotations["secrets.infisical.com/auto-reload"]).toBe("true");
  });
});

describe("local render", () => {
  const dir = () => join(inject("renderDir"), "local");

  it("generates every declared secret key into a Secret of the workload's name", () => {
    const secrets = readManifests(dir()).filter((m) => m.object.kind === "Secret");
    for (const spec of localWithSecrets) {
      const secret = secrets.find((m) => m.object.metadata.name === spec.name)?.object as any;
      expect(secret, spec.name).toBeTruthy();
      expect(Object.keys(secret.stringData).sort(), spec.name).toEqual([...spec.secrets!.keys].sort());
    }
    expect(
      readResources(dir())
        .filter((r) => r.type === "tls:index/privateKey:PrivateKey")
        .map((r) => r.inputs),
    ).toEqual(
      localWithSecrets.flatMap((spec) => spec.secrets?.generate?.keyPairs ?? []).map(() => ({ algorithm: "RSA", rsaBits: 2048 })),
    );
  });

  it("has no Infisical objects", () => {
    const infisical = readResources(dir()).filter(
      (r) => r.type.includes("infisical") || (r.type.includes("helm") && r.inputs.chart === "secrets-operator"),
    );
    expect(infisical).toEqual([]);
  });
});
