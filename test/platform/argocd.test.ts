import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, inject, it } from "vitest";
import { SERVICE_NAMES } from "../../components/apps/catalogue";
import { fafApi } from "../../components/apps/faf-api";
import { argocdApplication, argocdIngressRoute, argocdValues, rbacPolicy } from "../../components/platform/argocd";
import { readManifests, readResources } from "../support/stacks";

const input = {
  environment: "prod" as const,
  baseDomain: "faforever.com",
  argocd: {
    enabled: true,
    oidcClientId: "argocd",
    rendersRepo: "https://github.com/FAForever/faf-infra.git",
    rendersRevision: "rendered",
  },
  access: { adminGroups: ["faf-infra-admins"], maintainerGroups: ["faf-app-maintainers"] },
  ingress: { entryPoints: ["websecure"], tls: {} },
};

describe("Argo CD", () => {
  const values = argocdValues(input) as any;

  it("signs in through FAF's Hydra with PKCE, the client secret from the argocd-oidc Secret", () => {
    expect(parse(values.configs.cm["oidc.config"])).toEqual({
      name: "FAF",
      issuer: "https://hydra.faforever.com",
      clientID: "argocd",
      clientSecret: "$argocd-oidc:clientSecret",
      requestedScopes: ["openid", "profile", "email"],
      requestedIDTokenClaims: { groups: { essential: true } },
      enablePKCEAuthentication: true,
    });
    expect(values.configs.cm["admin.enabled"]).toBe(true);
  });

  it("grants nothing by default, everything to admins and read and logs to maintainers", () => {
    expect(values.configs.rbac["policy.default"]).toBe("");
    const policy = rbacPolicy(input.access);
    expect(policy).toContain("g, faf-infra-admins, role:faf-admin");
    expect(policy).toContain("g, faf-app-maintainers, role:faf-maintainer");
    expect(policy).toContain("p, role:faf-maintainer, logs, get, faf/*, allow");
    expect(policy).not.toMatch(/role:faf-maintainer, applications, (sync|delete|\*)/);
  });

  it("runs without Helm hooks: the Redis Secret is made by the program, not the chart", () => {
    expect(values.redisSecretInit).toEqual({ enabled: false });
    expect(values.configs.params["server.insecure"]).toBe(true);
    expect(values.configs.cm["application.resourceTrackingMethod"]).toBe("annotation");
  });

  it("is served at argocd.<domain> with an h2c route for gRPC", () => {
    const routes = (argocdIngressRoute(input).spec as any).routes;
    expect(routes[0]).toEqual({
      kind: "Rule",
      match: "Host(`argocd.faforever.com`)",
      priority: 10,
      services: [{ name: "argocd-server", port: 80 }],
    });
    expect(routes[1].match).toBe("Host(`argocd.faforever.com`) && Header(`Content-Type`, `application/grpc`)");
    expect(routes[1].services).toEqual([{ name: "argocd-server", port: 80, scheme: "h2c" }]);
  });

  it("tracks each workload's rendered manifests without ever syncing them", () => {
    const app = argocdApplication(fafApi, input).spec as any;
    expect(app.syncPolicy).toBeUndefined();
    expect(app.source).toEqual({
      repoURL: "https://github.com/FAForever/faf-infra.git",
      targetRevision: "rendered",
      path: "rendered/prod/manifests",
      directory: { recurse: true, include: "{*/*-faf-api.yaml,*/*-faf-api-*.yaml}" },
    });
    expect(app.destination).toEqual({ server: "https://kubernetes.default.svc", namespace: "faf-apps" });
  });
});

describe("prod render", () => {
  const dir = () => join(inject("renderDir"), "prod");

  it("marks every workload object with its application's tracking id, so Argo CD shows it without owning it", () => {
    const deployment = readManifests(dir()).find((m) => m.object.kind === "Deployment" && m.object.metadata.name === "faf-api")!
      .object as any;
    expect(deployment.metadata.annotations["argocd.argoproj.io/tracking-id"]).toBe("faf-api:apps/Deployment:faf-apps/faf-api");
    const apps = readManifests(dir())
      .filter((m) => m.object.kind === "Application")
      .map((m) => m.object.metadata.name);
    // One Application per workload the prod stack selects (all of them); none for the data layer.
    expect(apps.sort()).toEqual([...SERVICE_NAMES].sort());
  });

  it("installs the pinned Traefik, Argo CD, Infisical, mariadb-operator, cert-manager and monitoring charts", () => {
    const charts = readResources(dir())
      .filter((r) => r.type === "kubernetes:helm.sh/v4:Chart")
      .map((r) => `${String(r.inputs.chart)}@${String(r.inputs.version)}`)
      .sort();
    expect(charts).toEqual([
      "alloy@1.11.1",
      "argo-cd@10.1.1",
      "cert-manager@v1.21.1",
      "grafana@12.11.1",
      "kube-state-metrics@8.4.0",
      "loki@18.11.0",
      "oci://ghcr.io/mariadb-operator/charts/mariadb-operator-crds@26.6.0",
      "oci://ghcr.io/mariadb-operator/charts/mariadb-operator@26.6.0",
      "secrets-operator@v0.11.5",
      "traefik@41.3.0",
      "victoria-metrics-alert@0.47.0",
      "victoria-metrics-single@0.45.0",
    ]);
  });
});
