import { describe, expect, it } from "vitest";
import { fafApi } from "../../components/apps/faf-api";
import { fafContent } from "../../components/apps/faf-content";
import { fafReplayServer } from "../../components/apps/faf-replay-server";
import { oryHydra } from "../../components/apps/ory-hydra";
import { fafDbMigrations } from "../../components/apps/faf-db-migrations";
import { allObjects, renderWorkload, type RenderContext } from "../../components/apps/render";
import type { WorkloadSpec } from "../../components/apps/spec";
import type { KubeObject } from "../../components/lib/kube";
import { serverContext } from "../support/render-context";

const prod = serverContext();

function objects(spec: WorkloadSpec, context: Partial<RenderContext> = {}): KubeObject[] {
  return allObjects(renderWorkload(spec, { ...prod, ...context })).map((r) => r.object);
}
function one(list: KubeObject[], kind: string, name?: string): any {
  const found = list.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ""}`).toHaveLength(1);
  return found[0];
}
const pod = (controller: any) => controller.spec.template.spec;
const container = (controller: any) => pod(controller).containers[0];

describe("faf-api", () => {
  const api = objects(fafApi, { required: [fafDbMigrations, oryHydra] });
  const deployment = one(api, "Deployment", "faf-api");

  it("runs 2 replicas in prod with a PDB that never blocks a drain, 1 elsewhere", () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(one(api, "PodDisruptionBudget").spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" });
    const test = objects(fafApi, { environment: "test" });
    expect(one(test, "Deployment").spec.replicas).toBe(1);
    expect(test.some((o) => o.kind === "PodDisruptionBudget")).toBe(false);
  });

  it("lets a stack setting override the replicas", () => {
    expect(one(objects(fafApi, { replicaOverride: 0 }), "Deployment").spec.replicas).toBe(0);
  });

  it("serves api.<domain> on port 8010 over TLS", () => {
    const route = one(api, "IngressRoute", "faf-api");
    expect(route.spec).toEqual({
      entryPoints: ["websecure"],
      routes: [{ kind: "Rule", match: "Host(`api.faforever.com`)", services: [{ name: "faf-api", port: 8010 }] }],
      tls: {},
    });
    expect(one(api, "Service").spec.ports).toEqual([{ name: "http", port: 8010, targetPort: "http", protocol: "TCP" }]);
  });

  it("probes the management port 8011 with FAF's timings", () => {
    const c = container(deployment);
    expect(c.ports).toContainEqual({ name: "management", containerPort: 8011, protocol: "TCP" });
    expect(c.startupProbe).toMatchObject({
      httpGet: { port: "management", path: "/actuator/health" },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      failureThreshold: 30,
    });
    expect(c.livenessProbe).toMatchObject({ periodSeconds: 60, timeoutSeconds: 5, failureThreshold: 2 });
    expect(c.readinessProbe).toMatchObject({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 });
  });

  it("mounts the content volumes, avatars through a subPath", () => {
    const mounts = container(deployment).volumeMounts;
    expect(mounts).toContainEqual({ name: "faf-content", mountPath: "/content/avatars", subPath: "avatars", readOnly: false });
    expect(mounts).toContainEqual({ name: "faf-maps", mountPath: "/content/maps", readOnly: false });
    expect(pod(deployment).volumes).toContainEqual({
      name: "faf-featured-mods",
      persistentVolumeClaim: { claimName: "faf-featured-mods-pvc" },
    });
  });

  it("projects its key files from its secret, readable by its group only", () => {
    expect(pod(deployment).volumes).toContainEqual({
      name: "secret-files-0",
      secret: {
        secretName: "faf-api",
        items: [
          { key: "PUBLIC.KEY", path: "public.key" },
          { key: "SECRET.KEY", path: "secret.key" },
        ],
        defaultMode: 0o440,
      },
    });
    const envNames = container(deployment).env.map((e: { name: string }) => e.name);
    expect(envNames).toContain("DATABASE_PASSWORD");
    expect(envNames).not.toContain("SECRET.KEY");
  });

  it("requests 1 CPU and 2Gi, limited to 10Gi and 3 CPUs", () => {
    expect(container(deployment).resources).toEqual({
      requests: { cpu: "1000m", memory: "2Gi" },
      limits: { cpu: "3000m", memory: "10Gi" },
    });
  });

  it("admits Traefik on 8010 and the scraper on 8011, and reaches only its data services, its requirements, DNS and the internet on 443", () => {
    const policy = one(api, "NetworkPolicy").spec;
    expect(policy.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } } }],
        ports: [{ protocol: "TCP", port: 8010 }],
      },
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "faf-ops" } },
            podSelector: { matchLabels: { "faforever.com/monitoring": "scraper" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 8011 }],
      },
    ]);
    const egressPorts = policy.egress.map((rule: any) => rule.ports.map((p: any) => p.port).join(","));
    expect(egressPorts).toEqual(["53,53", "3306", "5672", "4444,4445", "443"]);
  });
});

describe("faf-content", () => {
  const content = objects(fafContent);
  const deployment = one(content, "Deployment", "faf-content");

  it("serves content.<domain> and replay.<domain> through the replay redirect, then CORS", () => {
    const route = one(content, "IngressRoute").spec.routes[0];
    expect(route.match).toBe("(Host(`content.faforever.com`) || Host(`replay.faforever.com`))");
    expect(route.middlewares).toEqual([{ name: "faf-content-redirect-replay-subdomain" }, { name: "faf-content-cors" }]);
    expect(route.services).toEqual([{ name: "faf-content", port: 80 }]);
  });

  it("redirects replay.<domain>/<id> to the API's replay download", () => {
    expect(one(content, "Middleware", "faf-content-redirect-replay-subdomain").spec).toEqual({
      redirectRegex: {
        regex: "^(http|https)://replay\\.faforever.com/(\\d+)",
        replacement: "${1}://api.faforever.com/game/${2}/replay",
      },
    });
    expect(one(content, "Middleware", "faf-content-cors").spec.headers).toEqual({
      accessControlAllowMethods: ["GET"],
      accessControlAllowOriginList: ["*"],
      accessControlMaxAge: 60,
      addVaryHeader: false,
    });
  });

  it("runs nginx unprivileged on 8080 behind FAF's Service port 80, reading the volumes read-only", () => {
    expect(one(content, "Service").spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    expect(pod(deployment).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101 });
    const mounts = container(deployment).volumeMounts.filter((m: any) => m.name.startsWith("faf-"));
    expect(mounts.map((m: any) => m.mountPath)).toEqual([
      "/data",
      "/data/replays",
      "/data/maps",
      "/data/mods",
      "/data/legacy-featured-mod-files",
    ]);
    expect(mounts.every((m: any) => m.readOnly === true)).toBe(true);
  });

  it("mounts its nginx config from a ConfigMap named by its content", () => {
    const files = one(content, "ConfigMap");
    expect(files.metadata.name).toMatch(/^faf-content-files-[0-9a-f]{10}$/);
    expect(files.data["etc_nginx_conf.d_default.conf"]).toContain("listen 8080;");
    expect(container(deployment).volumeMounts).toContainEqual({
      name: "config-files",
      mountPath: "/etc/nginx/conf.d/default.conf",
      subPath: "etc_nginx_conf.d_default.conf",
      readOnly: true,
    });
  });
});

describe("faf-replay-server", () => {
  const replay = objects(fafReplayServer);
  const sts = one(replay, "StatefulSet", "faf-replay-server");

  it("is a StatefulSet with a headless Service and volumes kept when deleted or scaled", () => {
    expect(sts.spec.serviceName).toBe("faf-replay-server-headless");
    expect(one(replay, "Service", "faf-replay-server-headless").spec.clusterIP).toBe("None");
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
  });

  it("takes raw TCP on the replay-stream entry point and websockets on replay-ws.<domain>", () => {
    expect(one(replay, "IngressRouteTCP").spec).toEqual({
      entryPoints: ["replay-stream"],
      routes: [{ match: "HostSNI(`*`)", services: [{ name: "faf-replay-server", port: 15000 }] }],
    });
    expect(one(replay, "IngressRoute").spec.routes[0]).toMatchObject({
      match: "Host(`replay-ws.faforever.com`)",
      services: [{ name: "faf-replay-server", port: 15001 }],
    });
  });

  it("writes replays to the replays volume", () => {
    expect(container(sts).volumeMounts).toContainEqual({ name: "faf-replays", mountPath: "/data/replays", readOnly: false });
    expect(pod(sts).volumes).toContainEqual({ name: "faf-replays", persistentVolumeClaim: { claimName: "faf-replays-pvc" } });
  });

  it("fills its config file with the in-cluster database host", () => {
    const files = replay.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("faf-replay-server-files-")) as any;
    expect(files.data["config_config.yaml"]).toContain("  host: mariadb.faf-apps.svc.cluster.local\n");
    expect(container(sts).volumeMounts).toContainEqual({
      name: "config-files",
      mountPath: "/config/config.yaml",
      subPath: "config_config.yaml",
      readOnly: true,
    });
  });
});

describe("every workload", () => {
  const all = [fafApi, fafContent, fafReplayServer, oryHydra, fafDbMigrations].flatMap((spec) => objects(spec));
  const podSpecs = all.flatMap((o) => {
    const spec = o.spec as any;
    return o.kind === "Job" || o.kind === "Deployment" || o.kind === "StatefulSet" ? [spec.template.spec] : [];
  });

  it("runs as non-root with RuntimeDefault seccomp, no token and no privilege escalation", () => {
    for (const p of podSpecs) {
      expect(p.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(p.automountServiceAccountToken).toBe(false);
      for (const c of p.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ["ALL"] },
        });
      }
    }
  });

  it("has a read-only root filesystem unless the spec gives a reason", () => {
    for (const p of podSpecs) for (const c of p.containers) expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    const relaxed = objects({ ...fafContent, security: { exceptions: { writableRootFilesystem: "writes its pid file to /" } } });
    const d = one(relaxed, "Deployment");
    expect(container(d).securityContext.readOnlyRootFilesystem).toBe(false);
    expect(d.spec.template.metadata.annotations["security.faforever.com/writableRootFilesystem"]).toBe(
      "writes its pid file to /",
    );
  });

  it("renders the same objects for the same spec", () => {
    expect(objects(fafApi)).toEqual(objects(fafApi));
  });
});

describe("config changes", () => {
  it("roll the pods: a changed value gives the ConfigMap, and so the pod template, a new name", () => {
    const before = one(objects(fafApi), "Deployment");
    const after = one(objects({ ...fafApi, env: { ...fafApi.env, RECAPTCHA_ENABLED: "false" } }), "Deployment");
    const envFrom = (d: any) => container(d).envFrom[0].configMapRef.name;
    expect(envFrom(before)).toMatch(/^faf-api-env-[0-9a-f]{10}$/);
    expect(envFrom(after)).not.toBe(envFrom(before));
  });

  it("run a job again: the job's name carries the hash of what it runs", () => {
    const job = (spec: WorkloadSpec) => one(objects(spec), "Job").metadata.name;
    expect(job(oryHydra)).toMatch(/^ory-hydra-migrate-[0-9a-f]{8}$/);
    expect(job({ ...oryHydra, image: { ...oryHydra.image, tag: "v26.2.1" } })).not.toBe(job(oryHydra));
  });
});

describe("spec errors", () => {
  it("refuses a route to an undeclared port", () => {
    expect(() => objects({ ...fafContent, routes: [{ hosts: ["x"], port: "https" }] })).toThrow(
      'faf-content.routes[0]: no port named "https" (declared: http)',
    );
  });

  it("refuses a route through an undeclared middleware", () => {
    expect(() => objects({ ...fafContent, routes: [{ hosts: ["x"], port: "http", middlewares: ["auth"] }] })).toThrow(
      'faf-content.routes[0]: middleware "auth" is not declared in middlewares',
    );
  });
});

describe("labels", () => {
  it("carry the image version only on what runs the image, so a version bump touches nothing else", () => {
    const versioned = objects(fafReplayServer)
      .filter((o) => o.metadata.labels?.["app.kubernetes.io/version"] !== undefined)
      .map((o) => o.kind);
    expect(versioned).toEqual(["StatefulSet"]);
    expect(one(objects(fafReplayServer), "StatefulSet").spec.template.metadata.labels["app.kubernetes.io/version"]).toBe("0.4.1");
  });
});
