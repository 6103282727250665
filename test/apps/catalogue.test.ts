import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, SERVICE_NAMES, resolveServices } from "../../components/apps/catalogue";
import { RELEASE_TAG } from "../../components/apps/pod";
import type { WorkloadSpec } from "../../components/apps/spec";
import { isDns1123Label } from "../../components/lib/names";

const APPS_DIR = join(__dirname, "..", "..", "components", "apps");
/** Files of the apps folder that are machinery, not workload data. */
const MACHINERY = new Set([
  "catalogue.ts",
  "context.ts",
  "generated-secret.ts",
  "gitops-stack.ts",
  "network.ts",
  "oauth-clients.ts",
  "pod.ts",
  "render.ts",
  "routes.ts",
  "spec.ts",
  "workload.ts",
]);
const dataFiles = readdirSync(APPS_DIR).filter((f) => f.endsWith(".ts") && !MACHINERY.has(f));

const PINNED_TAG = RELEASE_TAG;

describe.each(CATALOGUE.map((spec) => [spec.name, spec] as [string, WorkloadSpec]))("workload %s", (_name, spec) => {
  it("has a DNS-1123 name", () => {
    expect(isDns1123Label(spec.name)).toBe(true);
  });

  it("pins its images to release tags, unless the image says why it follows a branch build", () => {
    const images = [
      spec.image,
      ...[...(spec.jobs ?? []), ...(spec.tasks ?? [])].flatMap((j) => (j.image ? [j.image] : [])),
      ...(spec.init ?? []).map((step) => step.image),
    ];
    for (const image of images) {
      const tags = [image.tag, ...Object.values(image.tagFor ?? {})];
      const branches = tags.filter((tag) => !PINNED_TAG.test(tag));
      if (image.branchTagReason === undefined) {
        expect(branches, `${spec.name}: branch tags without branchTagReason`).toEqual([]);
      } else {
        expect(branches.length, `${spec.name}: branchTagReason but every tag is a release`).toBeGreaterThan(0);
        expect(image.branchTagReason.length).toBeGreaterThan(20);
      }
      expect(tags.filter((tag) => tag === "latest" || tag === "")).toEqual([]);
    }
  });

  it("declares memory and CPU requests and a memory limit", () => {
    expect(spec.resources.requests.cpu).toMatch(/^\d+m?$/);
    expect(spec.resources.requests.memory).toMatch(/^\d+(Mi|Gi)$/);
    expect(spec.resources.limits.memory).toMatch(/^\d+(Mi|Gi)$/);
  });

  it("has readiness and liveness probes if it is a long-running server with ports", () => {
    if ((spec.controller ?? "Deployment") === "None") return;
    if ((spec.ports ?? []).length === 0) {
      // A worker without ports (a queue consumer) has no Service to be ready for and nothing to
      // probe over HTTP or TCP: only a command can check it, and its data file says why it has none.
      for (const probe of Object.values(spec.probes ?? {})) {
        expect(probe, "probe of a worker without ports").toHaveProperty("exec");
      }
      return;
    }
    expect(spec.probes?.readiness, "readiness").toBeTypeOf("object");
    expect(spec.probes?.liveness, "liveness").toBeTypeOf("object");
    expect(spec.probes?.liveness).not.toEqual(spec.probes?.readiness);
  });

  it("names ports within Kubernetes' 15-character limit, each once", () => {
    const names = (spec.ports ?? []).map((p) => p.name);
    for (const name of names) expect(name).toMatch(/^[a-z]([-a-z0-9]{0,13}[a-z0-9])?$/);
    expect(new Set(names).size).toBe(names.length);
  });

  it("declares every secret key its databases and broker read", () => {
    const keys = new Set(spec.secrets?.keys ?? []);
    for (const key of [...(spec.databases ?? []).map((d) => d.passwordKey), ...(spec.broker ? [spec.broker.passwordKey] : [])]) {
      expect(keys.has(key), key).toBe(true);
    }
  });
});

describe("catalogue", () => {
  it("has one data file per workload and no Kubernetes assembly in them", () => {
    expect(dataFiles.length).toBe(CATALOGUE.length);
    for (const file of dataFiles) {
      const text = readFileSync(join(APPS_DIR, file), "utf8");
      expect(text, file).not.toMatch(/apiVersion|@pulumi\/|kind:\s*"|containers|matchLabels/);
      expect(text.split("\n").length, `${file} is short`).toBeLessThan(140);
    }
  });

  it("routes every public host and path to one workload only", () => {
    const seen = new Map<string, string>();
    for (const spec of CATALOGUE) {
      for (const route of spec.routes ?? []) {
        for (const host of route.hosts) {
          const key = `${host}${route.pathPrefix ?? ""}`;
          expect(seen.get(key), `${key} claimed by ${String(seen.get(key))} and ${spec.name}`).toBeUndefined();
          seen.set(key, spec.name);
        }
      }
    }
  });

  it("names only known workloads as requirements, without cycles", () => {
    expect(() => resolveServices("all")).not.toThrow();
  });

  it("orders dependencies before the workloads that need them", () => {
    const order = resolveServices("all").workloads.map((w) => w.name);
    for (const spec of CATALOGUE) {
      for (const dependency of spec.requires ?? []) expect(order.indexOf(dependency)).toBeLessThan(order.indexOf(spec.name));
    }
  });

  it("names only known workloads it calls, and none it also requires", () => {
    for (const spec of CATALOGUE) {
      for (const name of spec.calls ?? []) {
        expect(SERVICE_NAMES, `${spec.name}.calls`).toContain(name);
        expect(spec.requires ?? [], `${spec.name} both requires and calls ${name}`).not.toContain(name);
      }
    }
  });

  it("names its database users in plain config, never in the secret (the data layer creates exactly those)", () => {
    for (const spec of CATALOGUE.filter((s) => (s.databases ?? []).length > 0)) {
      const userKeys = (spec.secrets?.keys ?? []).filter((key) => /(DB|DATABASE|FLYWAY|MYSQL).*(USER|USERNAME|LOGIN)$/.test(key));
      expect(userKeys, spec.name).toEqual([]);
    }
  });

  it("makes every faf_lobby user wait for the schema migrations", () => {
    for (const spec of CATALOGUE.filter((s) => s.name !== "faf-db-migrations")) {
      if ((spec.databases ?? []).some((db) => db.engine === "mariadb" && db.database === "faf_lobby")) {
        expect(spec.requires ?? [], spec.name).toContain("faf-db-migrations");
      }
    }
  });

  it("refuses a dependency cycle and says where it is", () => {
    const a = { ...CATALOGUE[0]!, name: "a", requires: ["b"] };
    const b = { ...CATALOGUE[0]!, name: "b", requires: ["a"] };
    expect(() => resolveServices(["a"], [a, b])).toThrow("dependency cycle: a -> b -> a");
  });

  it("refuses an unknown requirement and names who asked for it", () => {
    const a = { ...CATALOGUE[0]!, name: "a", requires: ["ghost"] };
    expect(() => resolveServices(["a"], [a])).toThrow('unknown service "ghost" (required by a)');
  });
});
