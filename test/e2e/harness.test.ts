import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fakeNode, NODE } from "../../e2e/cluster";
import { Processes } from "../../e2e/processes";
import { checkWorkloads } from "../../e2e/run";
import { AWAITED_CUSTOM_RESOURCES, conditionStage, writeCustomResourceStages } from "../../e2e/stages";
import { SCHEMAS_DIR, crdsFor, plural, writeStandInCharts } from "../../e2e/stand-in-charts";
import { TOOLCHAIN_DIR, parseCheck, pinnedVersions, requiredPlugins, toolchainPlugins } from "../../e2e/toolchain";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "faf-e2e-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const goMod = (component: string) => fs.readFileSync(path.join(TOOLCHAIN_DIR, component, "go.mod"), "utf8");
const versions = pinnedVersions();
function version(key: string): string {
  const value = versions[key];
  if (!value) throw new Error(`${key} is not in versions.env`);
  return value;
}

describe("the pinned e2e toolchain", () => {
  it("builds the Pulumi CLI at the release our @pulumi/pulumi asks for, with sdk/v3 at the same tag", () => {
    const pulumi = requiredPlugins(); // also proves package.json is readable
    expect(pulumi.map((p) => p.name)).toEqual(["kubernetes", "random", "tls", "command"]);
    const deps = (
      JSON.parse(fs.readFileSync(path.join(TOOLCHAIN_DIR, "..", "..", "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      }
    ).dependencies;
    expect(version("PULUMI_VERSION")).toBe(deps["@pulumi/pulumi"]);
    expect(goMod("pulumi")).toContain(`github.com/pulumi/pulumi/pkg/v3 v${version("PULUMI_VERSION")}`);
    expect(goMod("pulumi")).toContain(`github.com/pulumi/pulumi/sdk/v3 v${version("PULUMI_VERSION")}`);
    expect(goMod("language-host")).toContain(`github.com/pulumi/pulumi/sdk/v3 v${version("PULUMI_VERSION")}`);
  });

  it("tells the engine each plugin under the version our npm SDK asks for", () => {
    const wanted = Object.fromEntries(requiredPlugins().map((p) => [p.name, p.version]));
    expect(version("KUBERNETES_PLUGIN_VERSION")).toBe(wanted.kubernetes);
    expect(version("RANDOM_PLUGIN_VERSION")).toBe(wanted.random);
    expect(version("TLS_PLUGIN_VERSION")).toBe(wanted.tls);
    expect(version("COMMAND_PLUGIN_VERSION")).toBe(wanted.command);
  });

  it("installs every plugin the program needs from the built toolchain, command included", () => {
    const dirs = { "kubernetes-provider": "/c/k8s", "stand-in-providers": "/c/stand-ins" };
    const installed = toolchainPlugins(dirs).map((p) => ({ name: p.name, version: p.version }));
    expect(installed).toEqual(expect.arrayContaining(requiredPlugins()));
    expect(toolchainPlugins(dirs).find((p) => p.name === "command")?.file).toBe("/c/stand-ins/bin/pulumi-resource-command");
  });

  it("replaces every staging module of k8s.io/kubernetes with the same release", () => {
    const mod = goMod("control-plane");
    expect(mod).toContain(`require k8s.io/kubernetes ${version("KUBERNETES_VERSION")}`);
    const staging = version("KUBERNETES_VERSION").replace(/^v1\./, "v0.");
    const replaces = [...mod.matchAll(/^\s+(k8s\.io\/\S+) => (\S+) (\S+)$/gm)];
    expect(replaces.length).toBeGreaterThan(30);
    for (const [, from, to, version] of replaces) {
      expect(to).toBe(from);
      expect(version).toBe(staging);
    }
  });

  it("builds etcd and kwok at the pinned tags", () => {
    for (const sibling of ["api", "client/pkg", "client", "pkg", "server"]) {
      expect(goMod("etcd")).toMatch(new RegExp(`go\\.etcd\\.io/etcd/${sibling}(/v3)? ${version("ETCD_VERSION")}`));
    }
    expect(goMod("kwok")).toContain(`sigs.k8s.io/kwok ${version("KWOK_VERSION")}`);
  });

  it("reads build.sh --check's component directories", () => {
    expect(parseCheck("etcd=/c/etcd-1\nkwok=/c/kwok-2\nnoise\n")).toEqual({ etcd: "/c/etcd-1", kwok: "/c/kwok-2" });
  });
});

describe("the harness's processes", () => {
  it("stops a process and what it forked, frees its ports and reports nothing left", async () => {
    const processes = new Processes(tmp);
    const port = await processes.freePort();
    const child = processes.start("forks", "sh", ["-c", "sleep 60 & sleep 60"]);
    expect(child.pid).toBeGreaterThan(0);
    expect(await processes.leftovers()).toEqual([`process group of forks (pid ${String(child.pid)})`]);
    await processes.stopAll(2_000);
    expect(await processes.leftovers()).toEqual([]);
    expect(port).toBeGreaterThan(0);
  });

  it("runs a command to its end, returning its output and keeping it in its log", async () => {
    const processes = new Processes(tmp);
    const result = await processes.run("echoer", "sh", ["-c", "echo out; echo err >&2; exit 3"], { env: process.env, cwd: tmp });
    expect(result).toEqual({ status: 3, stdout: "out\n", output: expect.stringContaining("err") as unknown });
    expect(processes.tail("echoer")).toContain("out");
    await processes.stopAll(500);
    expect(await processes.leftovers()).toEqual([]);
  });

  it("kills a process that ignores SIGTERM after its grace period", async () => {
    const processes = new Processes(tmp);
    processes.start("stubborn", "sh", ["-c", "trap '' TERM; sleep 60"]);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await processes.stopAll(500);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await processes.leftovers()).toEqual([]);
  });
});

describe("the throwaway cluster", () => {
  it("makes one fake node that kwok manages, sized by FAF_E2E_NODE_CPU/MEMORY", () => {
    const node = fakeNode() as {
      metadata: { name: string; annotations: Record<string, string> };
      status: { capacity: Record<string, string> };
    };
    expect(node.metadata.name).toBe(NODE.name);
    expect(node.metadata.annotations["kwok.x-k8s.io/node"]).toBe("fake");
    expect(node.status.capacity).toMatchObject({ cpu: NODE.cpu, memory: NODE.memory });
  });

  it("sets each awaited condition through a kwok stage that skips objects already True", () => {
    const stage = conditionStage("rabbitmq.com/v1beta1", "RabbitmqCluster", "AllReplicasReady") as {
      spec: {
        resourceRef: unknown;
        selector: { matchExpressions: { key: string; values?: string[] }[] };
        next: { statusTemplate: string };
      };
    };
    expect(stage.spec.resourceRef).toEqual({ apiGroup: "rabbitmq.com/v1beta1", kind: "RabbitmqCluster" });
    expect(stage.spec.selector.matchExpressions[1]).toMatchObject({
      key: '.status.conditions.[] | select( .type == "AllReplicasReady" ) | .status',
      values: ["True"],
    });
    expect(stage.spec.next.statusTemplate).toContain("- type: AllReplicasReady");
  });

  it("groups the custom resource stages by API group, with the resources discovery must list before each group's kwok starts", () => {
    const groups = writeCustomResourceStages(path.join(tmp, "stages"));
    expect(groups.map((g) => g.group)).toEqual(["k8s.mariadb.com", "rabbitmq.com"]);
    expect(groups[0]!.plurals).toEqual(["mariadbs", "databases", "users", "grants"]);
    // kwok resolves a stage's resource through discovery (/apis/<group>/<version>), not the CRD.
    expect(groups[0]!.apiVersions).toEqual(Array(4).fill("k8s.mariadb.com/v1alpha1"));
    expect(groups[1]!.apiVersions[0]).toBe("rabbitmq.com/v1beta1");
    expect(groups.flatMap((g) => g.files).every((f) => fs.readFileSync(f, "utf8").includes("kind: Stage"))).toBe(true);
  });

  it("names CRDs by their English plural", () => {
    expect(["MariaDB", "Policy", "OperatorPolicy", "IngressRoute", "TLSStore"].map(plural)).toEqual([
      "mariadbs",
      "policies",
      "operatorpolicies",
      "ingressroutes",
      "tlsstores",
    ]);
  });
});

describe.skipIf(!fs.existsSync(path.join(SCHEMAS_DIR, "index.json")))("the stand-in charts (from ../shared/schemas)", () => {
  it("carry a CRD for every custom resource the program waits on, each with one stored version", () => {
    const crds = crdsFor(["k8s.mariadb.com", "rabbitmq.com"]) as {
      spec: { group: string; names: { kind: string }; versions: { storage: boolean }[] };
    }[];
    for (const { apiVersion, kind } of AWAITED_CUSTOM_RESOURCES) {
      const crd = crds.find((c) => c.spec.group === apiVersion.split("/")[0] && c.spec.names.kind === kind);
      expect(crd, `${apiVersion} ${kind}`).toBeDefined();
      expect(crd!.spec.versions.filter((v) => v.storage)).toHaveLength(1);
    }
  });

  it("set every status field the CRD requires besides the condition (the API server refused a User's status without username)", () => {
    const crds = crdsFor(["k8s.mariadb.com", "rabbitmq.com"]) as {
      spec: {
        group: string;
        names: { kind: string };
        versions: { storage: boolean; schema: { openAPIV3Schema: { properties?: { status?: { required?: string[] } } } } }[];
      };
    }[];
    for (const { apiVersion, kind, condition, status } of AWAITED_CUSTOM_RESOURCES) {
      const crd = crds.find((c) => c.spec.group === apiVersion.split("/")[0] && c.spec.names.kind === kind)!;
      const required = crd.spec.versions.find((v) => v.storage)!.schema.openAPIV3Schema.properties?.status?.required ?? [];
      const stage = conditionStage(apiVersion, kind, condition, status) as { spec: { next: { statusTemplate: string } } };
      const fields = stage.spec.next.statusTemplate
        .split("\n")
        .filter((line) => /^[a-zA-Z]/.test(line))
        .map((line) => line.split(":")[0]);
      for (const field of required) expect(fields, `${kind} status.${field}`).toContain(field);
    }
  });

  it("point faf:sources at a local chart per pinned chart and a local copy per manifest", () => {
    const sources = writeStandInCharts(path.join(tmp, "charts"));
    for (const chart of Object.values(sources.charts ?? {})) expect(fs.existsSync(path.join(chart, "Chart.yaml"))).toBe(true);
    expect(fs.readdirSync(path.join(sources.charts!.traefik!, "crds")).length).toBeGreaterThan(5);
    expect(fs.readFileSync(sources.manifests!.rabbitmqClusterOperator!, "utf8")).toContain("kind: RabbitmqCluster");
  });
});

describe("the checks after up", () => {
  const ready = { type: "Ready", status: "True" };
  const cluster = (pods: unknown[], jobs: unknown[], events: unknown[]) => ({
    kubeconfig: "",
    context: "",
    get: (apiPath: string) =>
      Promise.resolve({ items: apiPath === "/api/v1/pods" ? pods : apiPath === "/apis/batch/v1/jobs" ? jobs : events }),
  });
  const meta = (name: string) => ({ name, namespace: "faf-apps" });

  it("passes when every pod is Ready or Succeeded and every Job complete", async () => {
    await expect(
      checkWorkloads(
        cluster(
          [
            { metadata: meta("api"), status: { phase: "Running", conditions: [ready] } },
            { metadata: meta("migrate-x"), status: { phase: "Succeeded" } },
          ],
          [{ metadata: meta("migrate"), status: { conditions: [{ type: "Complete", status: "True" }] } }],
          [],
        ),
      ),
    ).resolves.toBeUndefined();
  });

  it("names each pod not Ready, each Job not complete and each pod Pod Security refused", async () => {
    await expect(
      checkWorkloads(
        cluster(
          [{ metadata: meta("api"), status: { phase: "Pending", conditions: [] } }],
          [{ metadata: meta("migrate"), status: { conditions: [] } }],
          [
            {
              reason: "FailedCreate",
              message: 'pods "x" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true',
              involvedObject: { namespace: "faf-apps", name: "api-5d8f" },
            },
          ],
        ),
      ),
    ).rejects.toThrow(
      /pod faf-apps\/api not Ready\njob faf-apps\/migrate not complete\nPod Security refused a pod of faf-apps\/api-5d8f/,
    );
  });
});
