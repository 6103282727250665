import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { checkAll, CHECKS, type CheckedResource } from "../../policy/checks";
import { checkedResources, packPolicies } from "../../policy/pack";
import { readResources, STACKS } from "../support/stacks";

/** A stack's render as the policy pack sees a preview: every resource, its inputs and protect. */
function rendered(stack: string): CheckedResource[] {
  return readResources(join(inject("renderDir"), stack)).map((r) => ({
    type: r.type,
    name: r.name,
    props: structuredClone(r.inputs),
    protect: r.options?.protect === true,
  }));
}

const kube = (resources: CheckedResource[], kind: string, name: string, namespace?: string): Record<string, any> => {
  const found = resources.find((r) => {
    const p = r.props as any;
    return p.kind === kind && p.metadata?.name === name && (namespace === undefined || p.metadata?.namespace === namespace);
  });
  if (!found) throw new Error(`no ${kind} ${name} in the render`);
  return found.props as Record<string, any>;
};

const byResource = (resources: CheckedResource[], kind: string, name: string) =>
  resources.find((r) => (r.props as any).kind === kind && (r.props as any).metadata?.name === name)!;

const container = (resources: CheckedResource[], name = "faf-api") =>
  kube(resources, "Deployment", name).spec.template.spec.containers[0];

/** The messages of the violations a change to prod's render causes, by policy. */
function seeded(change: (resources: CheckedResource[]) => void): string[] {
  const resources = rendered("prod");
  change(resources);
  return checkAll(resources).map((v) => `${v.policy}: ${v.message}`);
}

describe("policy pack on the renders", () => {
  it.each(STACKS)("passes every check on the %s stack's render", (stack) => {
    expect(checkAll(rendered(stack))).toEqual([]);
  });

  it("reports through Pulumi's policy API: one mandatory stack policy per check, violations with their URN", () => {
    const policies = packPolicies();
    expect(policies.map((p) => p.name)).toEqual(CHECKS.map((c) => c.name));
    expect(policies.every((p) => p.enforcementLevel === "mandatory")).toBe(true);
    const resources = rendered("prod").map((r) => ({
      ...r,
      urn: `urn:pulumi:prod::faf::${r.type}::${r.name}`,
      opts: { protect: r.protect },
    }));
    container(resources).image = "faforever/faf-java-api:latest";
    const reported: [string, string | undefined][] = [];
    const pinned = policies.find((p) => p.name === "pinned-images")!;
    void pinned.validateStack({ resources } as any, (message, urn) => reported.push([message, urn]));
    expect(reported).toEqual([
      [
        "Deployment faf-apps/faf-api: container faf-api image faforever/faf-java-api:latest is not pinned to a release tag",
        "urn:pulumi:prod::faf::kubernetes:apps/v1:Deployment::faf-api-deployment",
      ],
    ]);
    expect(checkedResources({ resources } as any).find((r) => r.name === "faf-api")?.protect).toBe(false);
  });
});

describe("policy pack on a render seeded with each violation", () => {
  it("fails an image on latest, and one without a tag", () => {
    expect(
      seeded((rs) => {
        container(rs).image = "faforever/faf-java-api:latest";
        container(rs, "faf-user-service").image = "faforever/faf-user-service";
      }),
    ).toEqual([
      "pinned-images: Deployment faf-apps/faf-api: container faf-api image faforever/faf-java-api:latest is not pinned to a release tag",
      "pinned-images: Deployment faf-apps/faf-user-service: container faf-user-service image faforever/faf-user-service is not pinned to a release tag",
    ]);
  });

  it("fails a container without a memory limit or a CPU request", () => {
    expect(
      seeded((rs) => {
        delete container(rs).resources.limits.memory;
        delete container(rs).resources.requests.cpu;
      }),
    ).toEqual(["requests-and-memory-limits: Deployment faf-apps/faf-api: container faf-api has no requests.cpu, limits.memory"]);
  });

  it("fails a server without a readiness probe", () => {
    expect(seeded((rs) => delete container(rs).readinessProbe)).toEqual([
      "server-probes: Deployment faf-apps/faf-api: container faf-api serves ports but has no readiness probe",
    ]);
  });

  it("fails a namespace below restricted without an exception, one without its reason, and a pod that breaks restricted", () => {
    const found = seeded((rs) => {
      kube(rs, "Namespace", "traefik").metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
      delete kube(rs, "Namespace", "faf-infra").metadata.annotations["faforever.com/pod-security-reason"];
      container(rs).securityContext.allowPrivilegeEscalation = true;
    });
    expect(found).toEqual([
      "pod-security-levels: Namespace faf-infra enforces baseline without a faforever.com/pod-security-reason",
      "pod-security-levels: Namespace traefik enforces baseline, below restricted without a listed exception (policy/checks.ts POD_SECURITY_EXCEPTIONS)",
      "pod-security-levels: Deployment faf-apps/faf-api breaks restricted, which faf-apps enforces: faf-api: allowPrivilegeEscalation is not false",
    ]);
  });

  it("fails an unprotected volume claim or database on a stack with a host, not on a laptop", () => {
    const found = seeded((rs) => {
      byResource(rs, "PersistentVolumeClaim", "faf-replays-pvc").protect = false;
      byResource(rs, "MariaDB", "mariadb").protect = false;
    });
    expect(found.sort()).toEqual([
      "protected-data: MariaDB faf-infra/mariadb holds data but is not protected (protect: true)",
      "protected-data: PersistentVolumeClaim faf-apps/faf-replays-pvc holds data but is not protected (protect: true)",
    ]);
    expect(rendered("local").some((r) => r.protect)).toBe(false);
  });

  it("fails a password written as an env literal and a ConfigMap key that names a token", () => {
    const found = seeded((rs) => {
      container(rs).env = [...(container(rs).env ?? []), { name: "DATABASE_PASSWORD", value: "hunter2" }];
      const cm = rs.find(
        (r) => (r.props as any).kind === "ConfigMap" && (r.props as any).metadata.name.startsWith("faf-api-env-"),
      )!;
      (cm.props as any).data.GITHUB_TOKEN = "ghp_literal";
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toBe(
      "no-secret-literals: Deployment faf-apps/faf-api: container faf-api sets DATABASE_PASSWORD to a literal (use secretKeyRef)",
    );
    expect(found[1]).toMatch(
      /^no-secret-literals: ConfigMap faf-apps\/faf-api-env-[0-9a-f]{10}: key GITHUB_TOKEN names a credential/,
    );
  });

  it("fails a NodePort Service and a hostPath volume outside the allow-lists", () => {
    const found = seeded((rs) => {
      kube(rs, "Service", "faf-api", "faf-apps").spec.type = "NodePort";
      kube(rs, "Deployment", "faf-api").spec.template.spec.volumes = [{ name: "host", hostPath: { path: "/etc" } }];
    });
    expect(found).toEqual([
      "no-nodeport-or-hostpath: Service faf-apps/faf-api is a NodePort Service (not in NODEPORT_ALLOWED)",
      "no-nodeport-or-hostpath: Deployment faf-apps/faf-api: volume host mounts host path /etc (not in HOSTPATH_ALLOWED)",
    ]);
  });

  it("fails a privileged container and Bidirectional propagation outside the allow-list, and lets the replay mounter have both", () => {
    const found = seeded((rs) => {
      container(rs).securityContext = { privileged: true };
      container(rs, "faf-user-service").volumeMounts = [{ name: "x", mountPath: "/data", mountPropagation: "Bidirectional" }];
    });
    expect([...found].sort()).toEqual(
      [
        "no-privileged-pods: Deployment faf-apps/faf-api: container faf-api is privileged (not in PRIVILEGED_ALLOWED)",
        "pod-security-levels: Deployment faf-apps/faf-api breaks restricted, which faf-apps enforces: faf-api: allowPrivilegeEscalation is not false",
        "pod-security-levels: Deployment faf-apps/faf-api breaks restricted, which faf-apps enforces: faf-api: capabilities do not drop ALL",
        "pod-security-levels: Deployment faf-apps/faf-api breaks restricted, which faf-apps enforces: faf-api: privileged",
        "no-privileged-pods: Deployment faf-apps/faf-user-service: container faf-user-service propagates mounts at /data back to the node (Bidirectional) (not in PRIVILEGED_ALLOWED)",
      ].sort(),
    );
    const mounter = kube(rendered("prod"), "DaemonSet", "replay-mounter", "replay-mounter").spec.template.spec;
    expect(mounter.containers[0].securityContext.privileged).toBe(true);
    expect(mounter.containers[0].volumeMounts[0].mountPropagation).toBe("Bidirectional");
  });
});
