import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { isCoreApiVersion, validateCoreObject } from "../support/core-schema";
import { validateCustomObject } from "../support/crd-schemas";
import { upstreamCrdsAvailable, validateUpstream } from "../support/upstream-crds";
import { MONITORING_VOLUMES } from "../../components/monitoring/values";
import { PRIVILEGED_ALLOWED } from "../../policy/checks";
import { readManifests, readResources, reasonedBranchImages, STACKS, type RenderedObject } from "../support/stacks";

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]);
const PINNED_IMAGE = /^[a-z0-9./_-]+:(v?\d+(\.\d+)*([.-][0-9A-Za-z.]+)*)(@sha256:[0-9a-f]{64})?$/;

function podSpecs(manifests: RenderedObject[]) {
  return manifests
    .filter((m) => WORKLOAD_KINDS.has(m.object.kind))
    .map((m) => {
      const spec = (m.object as any).spec;
      const template = m.object.kind === "CronJob" ? spec.jobTemplate.spec.template : spec.template;
      return { m, template, pod: template.spec, long: m.object.kind !== "Job" && m.object.kind !== "CronJob" };
    });
}

describe.each(STACKS)("stack %s", (stack) => {
  const dir = () => join(inject("renderDir"), stack);

  it("renders Kubernetes objects and one resource entry per registration", () => {
    const manifests = readManifests(dir());
    expect(manifests.length).toBeGreaterThan(20);
    const resources = readResources(dir());
    expect(resources.find((r) => r.type === "pulumi:pulumi:Stack")?.name).toBe(`faf-${stack}`);
    const keys = resources.map((r) => `${r.type}::${r.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  // The first call loads kubernetes-models' validators (tens of seconds on a busy machine).
  it("validates every core object against kubernetes-models, unknown fields rejected", { timeout: 240_000 }, () => {
    const problems = readManifests(dir())
      .filter((m) => isCoreApiVersion(m.object.apiVersion))
      .flatMap((m) => validateCoreObject(m.object).map((e) => `${m.file}: ${e}`));
    expect(problems).toEqual([]);
  });

  it("validates every custom resource against its typed definition, unknown fields rejected", () => {
    const custom = readManifests(dir()).filter((m) => !isCoreApiVersion(m.object.apiVersion));
    expect(custom.length).toBeGreaterThan(0);
    expect(custom.flatMap((m) => validateCustomObject(m.object).map((e) => `${m.file}: ${e}`))).toEqual([]);
  });

  it.skipIf(!upstreamCrdsAvailable)("validates every custom resource against the upstream CRD schema (../shared)", () => {
    const problems = readManifests(dir())
      .filter((m) => !isCoreApiVersion(m.object.apiVersion))
      .flatMap((m) => {
        const errors = validateUpstream(m.object);
        return errors === undefined ? [`${m.file}: no upstream schema`] : errors.map((e) => `${m.file}: ${e}`);
      });
    expect(problems).toEqual([]);
  });

  it("puts nothing in the default namespace and files every object under its namespace", () => {
    for (const m of readManifests(dir())) {
      expect(m.object.metadata.namespace, m.file).not.toBe("default");
      expect(m.file.startsWith(`${m.object.metadata.namespace ?? "_cluster"}/`), m.file).toBe(true);
    }
  });

  it("gives every container CPU and memory requests and a memory limit", () => {
    for (const { m, pod } of podSpecs(readManifests(dir()))) {
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(c.resources?.requests?.cpu, `${m.file} ${c.name}`).toBeTruthy();
        expect(c.resources?.requests?.memory, `${m.file} ${c.name}`).toBeTruthy();
        expect(c.resources?.limits?.memory, `${m.file} ${c.name}`).toBeTruthy();
      }
    }
  });

  it("gives every long-running server readiness and liveness probes on declared ports", () => {
    for (const { m, pod, long } of podSpecs(readManifests(dir()))) {
      if (!long) continue;
      for (const c of pod.containers) {
        // A container without ports (a queue worker) serves nothing: no readiness to report, and
        // any probe it has must be a command, which the port check below enforces.
        if ((c.ports ?? []).length > 0) {
          expect(c.readinessProbe, `${m.file} readiness`).toBeTruthy();
          expect(c.livenessProbe, `${m.file} liveness`).toBeTruthy();
        }
        const declared = new Set((c.ports ?? []).flatMap((p: any) => [p.name, p.containerPort]));
        for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe].filter(Boolean)) {
          const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
          if (port !== undefined) expect(declared.has(port), `${m.file} probe port ${port}`).toBe(true);
        }
      }
    }
  });

  it("pins every image to a release tag, except the branch builds the catalogue gives a reason for", () => {
    const reasoned = reasonedBranchImages();
    for (const { m, pod } of podSpecs(readManifests(dir()))) {
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        if (!reasoned.has(String(c.image))) expect(c.image, m.file).toMatch(PINNED_IMAGE);
      }
    }
  });

  it("runs every pod non-root, without privilege escalation, with all capabilities dropped, but the policy pack's listed exceptions", () => {
    for (const { m, pod } of podSpecs(readManifests(dir()))) {
      // Listed with its reason in policy/checks.ts (the replay share's mounter); test/apps/host-mounts.test.ts checks it.
      if (`${m.object.metadata.namespace ?? ""}/${m.object.metadata.name}` in PRIVILEGED_ALLOWED) continue;
      expect(pod.securityContext?.runAsNonRoot, m.file).toBe(true);
      expect(pod.securityContext?.seccompProfile?.type, m.file).toBe("RuntimeDefault");
      expect(pod.hostNetwork ?? false, m.file).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext?.allowPrivilegeEscalation, m.file).toBe(false);
        expect(c.securityContext?.capabilities?.drop, m.file).toEqual(["ALL"]);
      }
    }
  });

  it("selects every workload's pods with a NetworkPolicy that has both policy types", () => {
    const manifests = readManifests(dir());
    // The workload's own policy (namespace-wide ones select every pod with an empty selector).
    const policies = manifests
      .filter((m) => m.object.kind === "NetworkPolicy")
      .map((m) => m.object as any)
      .filter((p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length > 0);
    for (const { m, template } of podSpecs(manifests)) {
      const labels = template.metadata.labels as Record<string, string>;
      const policy = policies.find(
        (p) =>
          p.metadata.namespace === m.object.metadata.namespace &&
          Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
      );
      expect(policy, m.file).toBeTruthy();
      expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    }
  });

  it("never lets a PodDisruptionBudget block a drain", () => {
    for (const m of readManifests(dir()).filter((x) => x.object.kind === "PodDisruptionBudget")) {
      const spec = (m.object as any).spec;
      expect(spec.maxUnavailable, m.file).toBeGreaterThanOrEqual(1);
      expect(spec.unhealthyPodEvictionPolicy, m.file).toBe("AlwaysAllow");
    }
  });

  it("sends every route to a Service and port that exist", () => {
    // Services that upstream charts create (not expanded in the render), with their ports.
    const fromCharts = new Map([
      ["argocd/argocd-server", { spec: { ports: [{ port: 80 }, { port: 443 }] } }],
      ["faf-ops/grafana", { spec: { ports: [{ port: 80 }] } }],
    ]);
    const manifests = readManifests(dir());
    const services = new Map(
      manifests
        .filter((m) => m.object.kind === "Service")
        .map((m) => [`${String(m.object.metadata.namespace)}/${m.object.metadata.name}`, m.object as any]),
    );
    for (const m of manifests.filter((x) => x.object.kind === "IngressRoute" || x.object.kind === "IngressRouteTCP")) {
      for (const route of (m.object as any).spec.routes) {
        for (const target of route.services) {
          const key = `${target.namespace ?? m.object.metadata.namespace}/${target.name}`;
          const service = services.get(key) ?? fromCharts.get(key);
          expect(service, `${m.file} -> ${target.name}`).toBeTruthy();
          expect(
            service.spec.ports.map((p: any) => p.port),
            `${m.file} -> ${target.name}:${target.port}`,
          ).toContain(target.port);
        }
      }
    }
  });

  it("shows no secret value in resources.json", () => {
    const text = JSON.stringify(readResources(dir()));
    expect(text).not.toMatch(/1b47061264138c4ac30d75fd1eb44270/);
  });
});

describe("stack differences", () => {
  const deployment = (stack: string, name: string) =>
    readManifests(join(inject("renderDir"), stack)).find(
      (m) => m.object.kind === "Deployment" && m.object.metadata.name === name,
    )!.object as any;

  it("runs faf-api twice in prod and once in test and local", () => {
    expect(deployment("prod", "faf-api").spec.replicas).toBe(2);
    expect(deployment("test", "faf-api").spec.replicas).toBe(1);
    expect(deployment("local", "faf-api").spec.replicas).toBe(1);
  });

  it("serves each stack's own domain", () => {
    const route = (stack: string) =>
      readManifests(join(inject("renderDir"), stack)).find(
        (m) => m.object.kind === "IngressRoute" && m.object.metadata.name === "faf-api",
      )!.object as any;
    expect(route("prod").spec.routes[0].match).toBe("Host(`api.faforever.com`)");
    expect(route("test").spec.routes[0].match).toBe("Host(`api.faforever.xyz`)");
    expect(route("local").spec.routes[0].match).toBe("Host(`api.faforever.localhost`)");
  });

  it("protects the namespaces in prod and test but not on a laptop", () => {
    const protectedNs = (stack: string) =>
      readResources(join(inject("renderDir"), stack)).filter(
        (r) => r.type === "kubernetes:core/v1:Namespace" && r.options?.protect === true,
      ).length;
    // prod also has the replay mounter's namespace.
    expect(protectedNs("prod")).toBe(6);
    expect(protectedNs("test")).toBe(5);
    expect(protectedNs("local")).toBe(0);
  });
});

describe("host steps", () => {
  const steps = (stack: string) =>
    readResources(join(inject("renderDir"), stack)).filter((r) => r.type === "command:remote:Command");

  it.each(["prod", "test"])("%s provisions its host in dependency order with the full scripts, secrets hidden", (stack) => {
    const list = steps(stack);
    const order = [
      "host-preflight",
      "host-datasets",
      "host-container-storage",
      "host-k3s-module",
      "host-ready",
      "host-kubeconfig",
      "host-certificates",
    ];
    // The data snapshot hangs off the datasets, outside the provisioning chain (it runs only when the data services change).
    expect(list.map((s) => s.name).sort()).toEqual([...order, "host-data-snapshot"].sort());
    order.slice(1).forEach((name, i) => expect(list.find((s) => s.name === name)!.dependsOn).toEqual([order[i]]));
    expect(list.find((s) => s.name === "host-data-snapshot")!.dependsOn).toEqual(["host-datasets"]);
    const datasets = list.find((s) => s.name === "host-datasets")!;
    expect(datasets.inputs.create).toContain("zfs create -p -o mountpoint=");
    expect(datasets.inputs.create).toContain("tank/faf/data/replays|/opt/faf/data/replays|500G|");
    expect(Object.values(datasets.inputs.connection as object).every((v) => v === "[secret]")).toBe(true);
    const provider = readResources(join(inject("renderDir"), stack)).find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs.kubeconfig).toBe("[secret]");
  });

  it("local has no host steps and a provider for its kube context", () => {
    expect(steps("local")).toEqual([]);
    const provider = readResources(join(inject("renderDir"), "local")).find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs).toEqual({ context: "default", clusterIdentifier: "default" });
  });
});

describe("prod storage", () => {
  it("has FAF's 16 volumes and 3 backup volumes retained at their paths, claims in their namespaces, all protected", () => {
    const dir = join(inject("renderDir"), "prod");
    const manifests = readManifests(dir);
    const pvs = manifests.filter((m) => m.object.kind === "PersistentVolume").map((m) => m.object as any);
    // Monitoring (on in prod) adds its own two volumes.
    expect(pvs).toHaveLength(19 + Object.keys(MONITORING_VOLUMES).length);
    expect(pvs.map((pv) => pv.metadata.name)).toEqual(
      expect.arrayContaining(["backups-mariadb", "backups-postgres", "backups-mongodb"]),
    );
    for (const pv of pvs) {
      expect(pv.spec.persistentVolumeReclaimPolicy).toBe("Retain");
      expect(pv.spec.local.path).toMatch(/^\/opt\/faf\/data\/[a-z0-9-]+$/);
    }
    expect(pvs.find((pv) => pv.metadata.name === "faf-featured-mods").spec.local.path).toBe(
      "/opt/faf/data/legacy-featured-mod-files",
    );
    const claims = manifests.filter((m) => m.object.kind === "PersistentVolumeClaim");
    // The operators' StatefulSets adopt these claims (`<template>-<statefulset>-0`), bound to FAF's volumes.
    expect(claims.map((m) => `${String(m.object.metadata.namespace)}/${m.object.metadata.name}`)).toEqual(
      expect.arrayContaining(["faf-infra/storage-mariadb-0", "faf-apps/persistence-rabbitmq-server-0", "faf-infra/postgres-pvc"]),
    );
    const options = readResources(dir).filter((r) => /PersistentVolume(Claim)?$/.test(r.type));
    expect(options).toHaveLength(2 * (19 + Object.keys(MONITORING_VOLUMES).length));
    for (const r of options) expect(r.options).toMatchObject({ protect: true, retainOnDelete: true });
  });
});

describe("prod isolation", () => {
  const manifests = () => readManifests(join(inject("renderDir"), "prod"));

  it("labels every namespace with a pinned Pod Security level, restricted for FAF's apps", () => {
    const namespaces = manifests().filter((m) => m.object.kind === "Namespace");
    expect(namespaces).toHaveLength(6);
    for (const ns of namespaces) {
      const labels = (ns.object.metadata as any).labels;
      expect(labels["pod-security.kubernetes.io/enforce"], ns.file).toMatch(/^(restricted|baseline|privileged)$/);
      expect(labels["pod-security.kubernetes.io/enforce-version"], ns.file).toBe("v1.33");
      expect((ns.object.metadata as any).annotations["faforever.com/pod-security-reason"], ns.file).toBeTruthy();
    }
    const apps = namespaces.find((n) => n.object.metadata.name === "faf-apps")!.object.metadata as any;
    expect(apps.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("denies all traffic by default in faf-apps, faf-infra and faf-ops, and admits DNS", () => {
    for (const namespace of ["faf-apps", "faf-infra", "faf-ops"]) {
      const deny = manifests().find((m) => m.file === `${namespace}/NetworkPolicy-default-deny.yaml`)?.object as any;
      expect(deny?.spec, namespace).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
      expect(
        manifests().some((m) => m.file === `${namespace}/NetworkPolicy-allow-dns.yaml`),
        namespace,
      ).toBe(true);
    }
  });

  it("serves Argo CD at argocd.faforever.com", () => {
    const route = manifests().find((m) => m.file === "argocd/IngressRoute-argocd-server.yaml")!.object as any;
    expect(route.spec.routes[0].match).toBe("Host(`argocd.faforever.com`)");
  });
});

describe.each(STACKS)("stack %s references", (stack) => {
  const manifests = () => readManifests(join(inject("renderDir"), stack));

  it("points every StatefulSet at an existing headless Service and every pod at an existing ServiceAccount", () => {
    const all = manifests();
    const find = (kind: string, ns: string | undefined, name: string) =>
      all.find((m) => m.object.kind === kind && m.object.metadata.namespace === ns && m.object.metadata.name === name)
        ?.object as any;
    for (const { m, pod } of podSpecs(all)) {
      expect(
        find("ServiceAccount", m.object.metadata.namespace, pod.serviceAccountName),
        `${m.file} serviceAccount`,
      ).toBeTruthy();
      if (m.object.kind === "StatefulSet") {
        const service = find("Service", m.object.metadata.namespace, (m.object as any).spec.serviceName);
        expect(service?.spec.clusterIP, `${m.file} serviceName`).toBe("None");
      }
    }
  });

  it("selects pods with every Service, and exposes no NodePort", () => {
    const all = manifests();
    const podLabels = podSpecs(all).map(({ m, template }) => ({
      ns: m.object.metadata.namespace,
      labels: template.metadata.labels,
    }));
    // Services an operator creates for a custom resource: `<kind>/<namespace>/<name>` -> the Service it makes.
    const operatorMade = all.flatMap((m) =>
      m.object.kind === "MariaDB" || m.object.kind === "RabbitmqCluster"
        ? [`${String(m.object.metadata.namespace)}/${m.object.metadata.name}`]
        : [],
    );
    const rendered = all
      .filter((m) => m.object.kind === "Service")
      .map((m) => `${String(m.object.metadata.namespace)}/${m.object.metadata.name}`);
    for (const service of all.filter((m) => m.object.kind === "Service")) {
      const spec = (service.object as any).spec;
      expect(spec.type, service.file).not.toBe("NodePort");
      if (spec.type === "ExternalName") {
        // A stable name must lead to a Service of this stack, never to nowhere.
        const [name = "", namespace = ""] = String(spec.externalName).split(".");
        expect([...rendered, ...operatorMade], `${service.file} -> ${String(spec.externalName)}`).toContain(
          `${namespace}/${name}`,
        );
        continue;
      }
      expect(spec.selector, `${service.file} has no selector`).toBeTruthy();
      const selected = podLabels.some(
        (p) =>
          p.ns === service.object.metadata.namespace && Object.entries(spec.selector ?? {}).every(([k, v]) => p.labels[k] === v),
      );
      expect(selected, `${service.file} selects no pods`).toBe(true);
    }
  });

  it("keeps secrets out of ConfigMaps", () => {
    // Keys that only look like secrets, each with the reason.
    const notSecrets: Record<string, string> = {
      STRATEGIES_ACCESS_TOKEN: "Hydra's token format (jwt), not a token",
      HYDRA_TOKEN_ISSUER: "the issuer URL tokens must name, not a token",
      IRC_TOKEN_TTL: "how long an IRC token lives, in seconds",
      PASSWORD_RESET_URL: "the website's password reset page",
      TOKEN_LIFESPAN: "how long the website keeps a login token, in seconds",
      PASSWORD_RESET_MAIL_TEMPLATE_PATH: "where the password reset mail's template is mounted",
      "config_mail_password-reset.html": "the password reset mail's template (its link is filled in by the service)",
      oauth__tokenURL: "Hydra's token endpoint for NodeBB's login, not a token",
      FAF_OAUTH_TOKEN_URL: "Hydra's token endpoint for the wiki's login, not a token",
    };
    for (const m of manifests().filter((x) => x.object.kind === "ConfigMap")) {
      for (const [key, value] of Object.entries((m.object as any).data ?? {})) {
        if (!(key in notSecrets)) expect(key, m.file).not.toMatch(/PASSWORD|SECRET|TOKEN|PRIVATE/i);
        expect(String(value), `${m.file} ${key}`).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
      }
    }
  });
});
