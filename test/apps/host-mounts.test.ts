import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SERVICE_NAMES } from "../../components/apps/catalogue";
import { FAF_DEPLOY_SCRIPTS, fafLegacyDeployment } from "../../components/apps/faf-legacy-deployment";
import { GITOPS_STACK } from "../../components/apps/gitops-stack";
import { allObjects, renderWorkload, type RenderContext } from "../../components/apps/render";
import { replayMounter } from "../../components/apps/replay-mounter";
import type { WorkloadSpec } from "../../components/apps/spec";
import { POD_SECURITY } from "../../components/cluster/namespaces";
import { parseSettings, type RawConfig } from "../../components/config/parse";
import { buildProfile } from "../../components/config/profile";
import { readStackConfig } from "../../render/stack-file";
import { HOSTPATH_ALLOWED, POD_SECURITY_EXCEPTIONS, PRIVILEGED_ALLOWED } from "../../policy/checks";
import { ROOT } from "../support/cli";
import { readManifests, type RenderedObject } from "../support/stacks";
import { LOCAL_SETTINGS, SETTINGS_CONTEXT } from "../support/settings";
import { laptopContext, serverContext } from "../support/render-context";

const manifests = (stack: string) => readManifests(join(inject("renderDir"), stack));
const find = (list: RenderedObject[], kind: string, name: string): any =>
  list.find((m) => m.object.kind === kind && m.object.metadata.name === name)?.object;
/** The env ConfigMap a container reads, as a record. */
const envOf = (list: RenderedObject[], container: any): Record<string, string> =>
  find(list, "ConfigMap", container.envFrom[0].configMapRef.name).data;
/** A container's mount at `path`, with the claim (or host path) behind it. */
function mountAt(podSpec: any, path: string, container = podSpec.containers[0]) {
  const mount = container.volumeMounts.find((m: any) => m.mountPath === path);
  const volume = podSpec.volumes.find((v: any) => v.name === mount?.name);
  return { mount, claim: volume?.persistentVolumeClaim?.claimName as string | undefined, hostPath: volume?.hostPath };
}

describe("replay-mounter: FAF's replay share, mounted on prod's node", () => {
  const prod = () => manifests("prod");
  const daemonSet = () => find(prod(), "DaemonSet", "replay-mounter");

  it("mounts the share at <dataPath>/replays-old from a privileged DaemonSet that shares the data path back with the node", () => {
    const pod = daemonSet().spec.template.spec;
    expect(daemonSet().metadata.namespace).toBe("replay-mounter");
    const { mount, hostPath } = mountAt(pod, "/host-data");
    expect(hostPath).toEqual({ path: "/opt/faf/data", type: "Directory" });
    expect(mount.mountPropagation).toBe("Bidirectional");
    expect(envOf(prod(), pod.containers[0])).toMatchObject({
      MOUNT_TARGET: "/host-data/replays-old",
      MOUNT_OPTIONS: "ro,soft,vers=3.0,uid=1000,gid=1000,file_mode=0644,dir_mode=0755",
    });
    expect(pod.containers[0].command.join(" ")).toContain('mount -t cifs "$CIFS_SERVER" "$MOUNT_TARGET"');
    expect(pod.containers[0].securityContext.privileged).toBe(true);
    // On the node that holds the data (the PVs' label), as FAF pins it.
    expect(pod.nodeSelector).toEqual({ "openebs.io/nodeid": "fafprod3" });
  });

  it("explains its privilege where it is granted: on the pod, on its namespace, and in the policy pack", () => {
    const annotations = daemonSet().spec.template.metadata.annotations;
    expect(annotations["security.faforever.com/privileged"]).toMatch(/CAP_SYS_ADMIN.*Bidirectional/);
    expect(annotations["security.faforever.com/hostPath"]).toContain("data path");
    const namespace = find(prod(), "Namespace", "replay-mounter");
    expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(namespace.metadata.annotations["faforever.com/pod-security-reason"]).toContain("bidirectional propagation");
    expect(POD_SECURITY_EXCEPTIONS["replay-mounter"]?.level).toBe("privileged");
    expect(Object.keys(PRIVILEGED_ALLOWED)).toEqual(["replay-mounter/replay-mounter"]);
    expect(Object.keys(HOSTPATH_ALLOWED)).toEqual(["replay-mounter/replay-mounter"]);
    // Only namespace below baseline, and it holds nothing but the mounter.
    expect(Object.entries(POD_SECURITY).filter(([, p]) => p.level === "privileged")).toHaveLength(1);
    const inside = prod().filter((m) => m.object.metadata.namespace === "replay-mounter");
    expect(inside.length).toBeGreaterThan(0);
    for (const m of inside) {
      expect((m.object.metadata as any).labels?.["app.kubernetes.io/name"], m.file).toBe("replay-mounter");
    }
  });

  it("reads the share's address and credentials from Infisical's /replay-mounter folder, as FAF keeps them", () => {
    const sync = find(prod(), "InfisicalStaticSecret", "replay-mounter");
    expect(sync.metadata.namespace).toBe("replay-mounter");
    expect(sync.spec.sources[0].secretPath).toBe("/replay-mounter");
    const env = daemonSet().spec.template.spec.containers[0].env;
    for (const key of ["CIFS_SERVER", "CIFS_USERNAME", "CIFS_PASSWORD"]) {
      expect(env).toContainEqual({ name: key, valueFrom: { secretKeyRef: { name: "replay-mounter", key } } });
    }
    // The password reaches mount.cifs through its environment, never its command line.
    expect(daemonSet().spec.template.spec.containers[0].command.join(" ")).toContain('PASSWD="$CIFS_PASSWORD" mount');
  });

  it.each(["test", "local"])("is not on %s (FAF runs it on prod only), nor its namespace", (stack) => {
    const list = manifests(stack);
    expect(list.filter((m) => m.object.metadata.namespace === "replay-mounter").map((m) => m.file)).toEqual([]);
    expect(find(list, "Namespace", "replay-mounter")).toBeUndefined();
    const outputs = JSON.parse(readFileSync(join(inject("renderDir"), stack, "outputs.json"), "utf8"));
    expect(outputs.services).not.toContain("replay-mounter");
    expect(outputs.namespaceNames).not.toContain("replay-mounter");
  });

  it("is shown by Argo CD on prod: its project admits the mounter's namespace there, and only there", () => {
    const destinations = (stack: string) =>
      find(manifests(stack), "AppProject", "faf").spec.destinations.map((d: any) => d.namespace);
    expect(find(prod(), "Application", "replay-mounter").spec.destination.namespace).toBe("replay-mounter");
    expect(destinations("prod")).toEqual(["faf-*", "replay-mounter"]);
    expect(destinations("test")).toEqual(["faf-*"]);
  });

  it("is present in the gitops-stack table, as the workload it replaces", () => {
    expect(GITOPS_STACK["cluster/replay-mounter"]).toEqual({ where: "workload", workload: "replay-mounter" });
  });
});

describe("consumers of the node's mounts", () => {
  const content = () => find(manifests("prod"), "Deployment", "faf-content").spec.template.spec;

  it("gives faf-content its content volume at /data with HostToContainer propagation, read-only, as FAF mounts it", () => {
    const { mount, claim } = mountAt(content(), "/data");
    expect(claim).toBe("faf-content-pvc");
    expect(mount).toMatchObject({ readOnly: true, mountPropagation: "HostToContainer" });
  });

  it("keeps the replay server's vault as FAF mounts it (read-write, no propagation: the share is not below it)", () => {
    const server = find(manifests("prod"), "StatefulSet", "faf-replay-server").spec.template.spec;
    const { mount, claim } = mountAt(server, "/data/replays");
    expect(claim).toBe("faf-replays-pvc");
    expect(mount.readOnly).toBe(false);
    expect(mount.mountPropagation).toBeUndefined();
  });
});

describe("MongoDB's backup path", () => {
  it("mounts the backups dataset at /data/backup in the server, where FAF's dumps go and the nightly archives are", () => {
    const list = manifests("prod");
    const server = find(list, "StatefulSet", "mongodb").spec.template.spec;
    const { mount, claim } = mountAt(server, "/data/backup");
    expect(claim).toBe("backups-mongodb-pvc");
    expect(mount.readOnly).toBe(false);
    expect(mountAt(server, "/data/db")).toMatchObject({ claim: "mongodb-pvc", mount: { subPath: "data/db" } });
    const nightly = find(list, "CronJob", "mongodb-backup").spec.jobTemplate.spec.template.spec;
    expect(nightly.volumes.find((v: any) => v.name === "backups").persistentVolumeClaim.claimName).toBe(claim);
  });
});

describe("faf-legacy-deployment's deploy build and working directory", () => {
  const task = (name: string) => {
    const list = manifests("prod");
    const cronJob = find(list, "CronJob", `faf-legacy-deployment-${name}`);
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    return { pod, container: pod.containers[0], env: envOf(list, pod.containers[0]) };
  };

  it.each([
    ["deploy-coop", "deployCoop", "/workspace/legacy-featured-mod-files", "faf-featured-mods-pvc"],
    ["deploy-coop-maps", "deployCoopMaps", "/workspace/output", "faf-maps-pvc"],
  ])(
    "runs %s as FAF does: in /workspace, the build copied there, gradle %s, its output volume below it",
    (name, gradle, output, claim) => {
      const { pod, container, env } = task(name);
      expect(container.workingDir).toBe("/workspace");
      const script = container.command[2] as string;
      expect(script).toContain("/* /workspace/");
      expect(script.trimEnd().endsWith(`exec gradle --no-daemon ${gradle}`)).toBe(true);
      expect(mountAt(pod, output).claim).toBe(claim);
      expect(mountAt(pod, "/workspace").mount).toBeDefined();
      expect(env).toMatchObject({ DATABASE_HOST: expect.stringContaining("mariadb"), DATABASE_NAME: "faf_lobby" });
      expect(container.env.map((e: any) => e.name)).toContain("DATABASE_PASSWORD");
    },
  );

  it("fetches FAF's deploy build at a pinned commit when the stack names no scripts directory", () => {
    const { container, env } = task("deploy-coop");
    expect(env).toMatchObject({
      DEPLOY_BUILD_REPOSITORY: "https://github.com/FAForever/gitops-stack.git",
      DEPLOY_BUILD_COMMIT: FAF_DEPLOY_SCRIPTS.commit,
      DEPLOY_BUILD_FOLDER: "apps/faf-legacy-deployment/scripts",
    });
    expect(FAF_DEPLOY_SCRIPTS.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(container.command[2]).toContain('fetch -q --depth 1 "$DEPLOY_BUILD_REPOSITORY" "$DEPLOY_BUILD_COMMIT"');
  });

  describe("with faf:legacyDeployment.scripts", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "faf-deploy-scripts-"));
      mkdirSync(join(dir, "good"));
      writeFileSync(join(dir, "good", "build.gradle.kts"), 'tasks.register("deployCoop") {}\n');
      writeFileSync(join(dir, "good", "Deployer.kt"), 'fun main() = println("deploy")\n');
      writeFileSync(join(dir, "good", ".hidden"), "left out\n");
      mkdirSync(join(dir, "no-build"));
      writeFileSync(join(dir, "no-build", "Deployer.kt"), "\n");
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const raw: RawConfig = {
      ...LOCAL_SETTINGS,
      "faf:argocd": '{"enabled":false}',
      "faf:services": '["faf-legacy-deployment"]',
    };
    const parse = (scripts: string) =>
      parseSettings({ ...raw, "faf:legacyDeployment": JSON.stringify({ scripts }) }, SETTINGS_CONTEXT);

    it("mounts the directory's files under /scripts and copies them into /workspace instead of fetching FAF's", () => {
      const result = parse(join(dir, "good"));
      if (!result.ok) throw new Error(result.message);
      const spec = buildProfile(result.settings).services.workloads.find((s) => s.name === fafLegacyDeployment.name)!;
      const objects = allObjects(renderWorkload(spec, laptopContext())).map((r) => r.object as any);
      const files = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("faf-legacy-deployment-files-"));
      expect(Object.keys(files.data).sort()).toEqual(["scripts_Deployer.kt", "scripts_build.gradle.kts"]);
      const container = objects.find((o) => o.metadata.name === "faf-legacy-deployment-deploy-coop").spec.jobTemplate.spec
        .template.spec.containers[0];
      expect(container.command[2]).toBe("set -eu\ncp /scripts/* /workspace/\nexec gradle --no-daemon deployCoop");
      expect(container.volumeMounts.map((m: any) => m.mountPath)).toContain("/scripts/build.gradle.kts");
      expect(Object.keys(spec.env ?? {}).filter((key) => key.startsWith("DEPLOY_BUILD_"))).toEqual([]);
    });

    it.each([
      ["no-build", "holds no build.gradle.kts"],
      ["missing", "does not exist"],
    ])("refuses a directory that %s, naming the key, the value and the fix", (name, why) => {
      const bad = join(dir, name);
      const result = parse(bad);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.message).toContain("faf:legacyDeployment.scripts");
      expect(result.message).toContain(why);
      expect(result.message).toContain(bad);
      expect(result.message).toContain("build.gradle.kts and its Kotlin sources");
    });

    it("refuses a relative path", () => {
      const result = parse("scripts");
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toContain("is not an absolute path");
    });
  });
});

describe("what a spec may ask of the node", () => {
  const context = serverContext("prod", { storage: { dataPath: "/opt/faf/data", node: "fafprod3" } });
  const base: WorkloadSpec = {
    name: "probe",
    description: "a test workload",
    image: { repository: "docker.io/library/alpine", tag: "3.23" },
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
  };
  const render = (spec: Partial<WorkloadSpec>, extra: Partial<RenderContext> = {}) =>
    allObjects(renderWorkload({ ...base, ...spec }, { ...context, ...extra })).map((r) => r.object as any);

  it("refuses host directories without a reason", () => {
    expect(() => render({ hostPaths: [{ folder: "replays", mountPath: "/r" }] })).toThrow(
      "probe.hostPaths: mounting directories of the node needs security.exceptions.hostPath",
    );
  });

  it("refuses Bidirectional propagation outside a privileged container, and a folder outside the data path", () => {
    const exceptions = { hostPath: "a reason" };
    expect(() =>
      render({ hostPaths: [{ folder: "", mountPath: "/d", propagation: "Bidirectional" }], security: { exceptions } }),
    ).toThrow("Bidirectional propagation needs a privileged container");
    expect(() => render({ hostPaths: [{ folder: "../etc", mountPath: "/d" }], security: { exceptions } })).toThrow(
      'folder: "../etc" must be a folder below the data path',
    );
    expect(() =>
      render({ hostPaths: [{ folder: "x", mountPath: "/d" }], security: { exceptions } }, { storage: undefined }),
    ).toThrow("the stack has no data path");
  });

  it("refuses propagation on a subPath mount, which never sees later mounts", () => {
    expect(() =>
      render({ volumes: [{ volume: "faf-content", mountPath: "/a", subPath: "avatars", propagation: "HostToContainer" }] }),
    ).toThrow('HostToContainer propagation with subPath "avatars" never sees later mounts');
  });

  it("renders a DaemonSet without replicas or a disruption budget, and refuses an environment the spec does not run in", () => {
    const objects = render({ controller: "DaemonSet", replicas: { prod: 3 } });
    const daemonSet = objects.find((o) => o.kind === "DaemonSet");
    expect(daemonSet.spec.replicas).toBeUndefined();
    expect(daemonSet.spec.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(objects.some((o) => o.kind === "PodDisruptionBudget")).toBe(false);
    expect(() => render({ environments: ["prod"] }, { environment: "test" })).toThrow("probe runs only in prod, not in test");
  });

  it("keeps every other pod unprivileged, non-root and without host directories", () => {
    const pod = render({}).find((o) => o.kind === "Deployment").spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false });
    expect(pod.nodeSelector).toBeUndefined();
    expect(replayMounter.environments).toEqual(["prod"]);
  });

  it("refuses the mounter in a laptop's services and a replica count for it on prod, with the fix", () => {
    const local = readStackConfig(ROOT, "local");
    const context = { stack: "local", stackFile: local.stackFile, serviceNames: SERVICE_NAMES, secretKeys: [] as string[] };
    const asked = parseSettings({ ...local.config, "faf:services": '["replay-mounter"]' }, context);
    expect(asked.ok).toBe(false);
    if (!asked.ok) expect(asked.message).toContain("faf:services: replay-mounter runs only in prod, not in local");
    const prod = readStackConfig(ROOT, "prod");
    const counted = parseSettings(
      { ...prod.config, "faf:replicas": '{"replay-mounter":2}' },
      { ...context, stack: "prod", stackFile: prod.stackFile, secretKeys: prod.secretKeys },
    );
    expect(counted.ok).toBe(false);
    if (!counted.ok) expect(counted.message).toContain("faf:replicas.replay-mounter: replay-mounter runs one pod on the node");
  });
});
