/**
 * npm run e2e: the program against the real Pulumi engine and a real API server.
 *
 * With the toolchain built (npm run e2e:toolchain) it starts a throwaway cluster on loopback
 * (etcd, kube-apiserver, controller-manager, scheduler, kwok) in a temporary directory. With
 * FAF_E2E_KUBECONFIG (and FAF_E2E_CONTEXT) it uses that cluster instead, and any `pulumi` on PATH
 * (FAF's GitHub Actions: the official CLI against kind or k3d). Every process it starts is
 * stopped and every file removed on exit, success or failure, within FAF_E2E_TIMEOUT_MINUTES
 * (default 45); it then checks that nothing is left and fails if something is.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parse, stringify } from "yaml";

import { type Cluster, externalCluster, startCluster, watchCustomResourceStages } from "./cluster";
import { writeFigures } from "./figures";
import { Processes } from "./processes";
import { writeCustomResourceStages } from "./stages";
import { writeStandInCharts } from "./stand-in-charts";
import { builtToolchain, clusterBinaries, pinnedVersions, requiredPlugins, toolchainPlugins } from "./toolchain";

const ROOT = path.resolve(__dirname, "..");
const STACK = "e2e-local";
const TIMEOUT_MS = Number(process.env.FAF_E2E_TIMEOUT_MINUTES ?? "45") * 60_000;

function log(message: string): void {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

class E2eError extends Error {}

async function main(): Promise<number> {
  const external = process.env.FAF_E2E_KUBECONFIG;
  const toolchain = builtToolchain();
  if (!external && "missing" in toolchain) {
    console.error(
      `e2e: the toolchain is not built:\n${toolchain.missing}\nRun npm run e2e:toolchain, or set FAF_E2E_KUBECONFIG to use a cluster of yours.`,
    );
    return 2;
  }
  const dirs = "dirs" in toolchain ? toolchain.dirs : undefined;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "faf-e2e-"));
  fs.mkdirSync(path.join(tmp, "logs"));
  const processes = new Processes(path.join(tmp, "logs"));
  let cleaned: Promise<string[]> | undefined;
  const cleanup = (): Promise<string[]> =>
    (cleaned ??= (async () => {
      await processes.stopAll();
      const kept = process.env.FAF_E2E_KEEP_LOGS;
      if (kept) fs.cpSync(path.join(tmp, "logs"), kept, { recursive: true });
      fs.rmSync(tmp, { recursive: true, force: true });
      const left = await processes.leftovers();
      if (fs.existsSync(tmp)) left.push(`directory ${tmp}`);
      return left;
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    void cleanup().then(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const deadline = setTimeout(() => {
    log(`timed out after ${TIMEOUT_MS / 60_000} minutes: stopping`);
    void cleanup().then(() => process.exit(124));
  }, TIMEOUT_MS);

  let status = 0;
  try {
    await run(tmp, processes, dirs, external);
  } catch (error) {
    status = 1;
    console.error(`e2e FAILED: ${error instanceof Error ? error.message : String(error)}`);
    for (const name of ["kube-apiserver", "kwok", "pulumi"]) {
      const tail = processes.tail(name, 15);
      if (tail !== "(no log)") console.error(`--- last lines of ${name}'s log ---\n${tail}`);
    }
  } finally {
    clearTimeout(deadline);
    const left = await cleanup();
    if (left.length > 0) {
      console.error(`e2e: left behind: ${left.join(", ")}`);
      status = 1;
    } else {
      log("clean: no process, port or directory of this run is left");
    }
  }
  return status;
}

async function run(
  tmp: string,
  processes: Processes,
  dirs: Record<string, string> | undefined,
  external: string | undefined,
): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_HOME: path.join(tmp, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "faf-e2e",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  fs.mkdirSync(path.join(tmp, "state"));
  if (dirs) {
    // Our CLI and language host first on PATH; plugins only from the toolchain.
    env.PATH = [path.join(dirs.pulumi!, "bin"), path.join(dirs["language-host"]!, "bin"), env.PATH].join(path.delimiter);
    env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
  }
  const pulumi = (args: string[], what: string) => runPulumi(processes, args, what, env);
  log(`pulumi: ${(await pulumi(["version"], "pulumi version")).trim()}`);

  if (dirs) {
    for (const plugin of toolchainPlugins(dirs)) {
      await pulumi(
        ["plugin", "install", "resource", plugin.name, plugin.version, "--file", plugin.file],
        `install ${plugin.name}`,
      );
    }
    const installed = await pulumi(["plugin", "ls", "--json"], "plugin ls");
    const have = (JSON.parse(installed) as { name: string; version: string }[]).map((p) => `${p.name}@${p.version}`);
    const lacking = requiredPlugins().filter((p) => !have.includes(`${p.name}@${p.version}`));
    if (lacking.length > 0) {
      throw new E2eError(
        `the program needs plugins the toolchain does not provide: ${lacking.map((p) => `${p.name} ${p.version}`).join(", ")} ` +
          `(the module proxy serves no version of their providers; docs/decisions/016-real-engine-toolchain.md)`,
      );
    }
  }

  let cluster: Cluster;
  let crStages: ReturnType<typeof writeCustomResourceStages> | undefined;
  if (external) {
    cluster = externalCluster(external, process.env.FAF_E2E_CONTEXT ?? currentContext(external));
    log(`cluster: ${cluster.context} from ${external}`);
  } else {
    const started = performance.now();
    crStages = writeCustomResourceStages(path.join(tmp, "stages"));
    cluster = await startCluster(path.join(tmp, "cluster"), clusterBinaries(dirs!), processes);
    log(
      `cluster: up in ${((performance.now() - started) / 1000).toFixed(1)}s (${JSON.stringify(pinnedVersions().KUBERNETES_VERSION)})`,
    );
  }

  const config = stackConfig(tmp, cluster, !external);
  // `stack init` writes the passphrase's salt to Pulumi.<stack>.yaml beside Pulumi.yaml (it takes
  // no --config-file): moved into the run's own stack file at once, so the repository stays clean.
  const projectStackFile = path.join(ROOT, `Pulumi.${STACK}.yaml`);
  if (fs.existsSync(projectStackFile)) throw new E2eError(`${projectStackFile} exists; the e2e will not overwrite it: remove it`);
  try {
    await pulumi(["stack", "init", STACK, "--non-interactive"], "stack init");
  } finally {
    if (fs.existsSync(projectStackFile)) {
      const written = (parse(fs.readFileSync(projectStackFile, "utf8")) ?? {}) as Record<string, unknown>;
      fs.rmSync(projectStackFile);
      const ours = parse(fs.readFileSync(config, "utf8")) as Record<string, unknown>;
      fs.writeFileSync(config, stringify({ ...written, ...ours }));
    }
  }
  const common = ["--stack", STACK, "--config-file", config, "--non-interactive", "--color=never"];

  const previewStart = performance.now();
  await pulumi(["preview", ...common], "preview");
  const previewMs = performance.now() - previewStart;
  const upStart = performance.now();
  const upRun = pulumi(["up", "--yes", "--skip-preview", ...common], "up");
  if (crStages)
    await watchCustomResourceStages(
      cluster,
      clusterBinaries(dirs!).kwok,
      processes,
      crStages,
      upRun.catch(() => undefined),
    );
  const up = await upRun;
  const upMs = performance.now() - upStart;
  const resources = countResources(await pulumi(["stack", "export", "--stack", STACK], "stack export"));
  log(`up: ${resources} resources; preview ${(previewMs / 1000).toFixed(1)}s, up ${(upMs / 1000).toFixed(1)}s`);
  console.log(up.split("\n").slice(-12).join("\n"));

  await checkWorkloads(cluster);

  await pulumi(["preview", "--expect-no-changes", ...common], "second preview (expects no changes)");
  log("second preview: no changes");
  const figures = { stack: "local", previewMs, upMs, resources };
  writeFigures({ at: new Date().toISOString(), stacks: [figures] });
  log(`figures: ${JSON.stringify(figures)} (npm run bench prints them)`);
}

async function runPulumi(processes: Processes, args: string[], what: string, env: NodeJS.ProcessEnv): Promise<string> {
  let result;
  try {
    result = await processes.run("pulumi", "pulumi", args, { env, cwd: ROOT });
  } catch (error) {
    throw new E2eError(`${what}: ${error instanceof Error ? error.message : String(error)} (is pulumi on PATH?)`);
  }
  if (result.status !== 0) {
    throw new E2eError(`${what} exited ${String(result.status)}:\n${result.output.trimEnd().split("\n").slice(-40).join("\n")}`);
  }
  return result.stdout;
}

function currentContext(kubeconfig: string): string {
  const doc = parse(fs.readFileSync(kubeconfig, "utf8")) as { "current-context"?: string };
  if (!doc["current-context"]) throw new E2eError(`${kubeconfig} has no current-context: set FAF_E2E_CONTEXT`);
  return doc["current-context"];
}

/**
 * The e2e stack's settings: the local stack's, pointed at this cluster, and (on the throwaway
 * cluster, which reaches no chart repository) with every upstream chart from a stand-in.
 */
function stackConfig(tmp: string, cluster: Cluster, standIns: boolean): string {
  const local = parse(fs.readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
  const config: Record<string, unknown> = { ...local.config };
  config["faf:kubernetes"] = { context: cluster.context, kubeconfig: cluster.kubeconfig };
  if (standIns) config["faf:sources"] = writeStandInCharts(path.join(tmp, "charts"));
  const file = path.join(tmp, `Pulumi.${STACK}.yaml`);
  fs.writeFileSync(file, stringify({ config }));
  return file;
}

function countResources(exported: string): number {
  const state = JSON.parse(exported) as { deployment?: { resources?: unknown[] } };
  return state.deployment?.resources?.length ?? 0;
}

interface Condition {
  type: string;
  status: string;
}
interface Item {
  metadata: { name: string; namespace?: string; ownerReferences?: { kind: string }[] };
  status?: { conditions?: Condition[]; phase?: string; succeeded?: number };
}

/** Every pod Ready (or a Job's pod Succeeded), every Job complete, no pod refused by Pod Security. */
export async function checkWorkloads(cluster: Cluster): Promise<void> {
  const pods = ((await cluster.get("/api/v1/pods")) as { items: Item[] }).items;
  const notReady = pods.filter(
    (p) =>
      p.status?.phase !== "Succeeded" && !(p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
  );
  const jobs = ((await cluster.get("/apis/batch/v1/jobs")) as { items: Item[] }).items;
  const incomplete = jobs.filter((j) => !(j.status?.conditions ?? []).some((c) => c.type === "Complete" && c.status === "True"));
  const events = (
    (await cluster.get("/api/v1/events")) as {
      items: { reason?: string; message?: string; involvedObject: { namespace?: string; name: string } }[];
    }
  ).items;
  const refused = events.filter((e) => e.reason === "FailedCreate" && /PodSecurity/.test(e.message ?? ""));
  const name = (i: Item) => `${i.metadata.namespace ?? ""}/${i.metadata.name}`;
  log(
    `pods: ${pods.length - notReady.length}/${pods.length} Ready or Succeeded; jobs: ${jobs.length - incomplete.length}/${jobs.length} complete`,
  );
  const problems = [
    ...notReady.map((p) => `pod ${name(p)} not Ready`),
    ...incomplete.map((j) => `job ${name(j)} not complete`),
    ...refused.map(
      (e) => `Pod Security refused a pod of ${e.involvedObject.namespace ?? ""}/${e.involvedObject.name}: ${e.message ?? ""}`,
    ),
  ];
  if (problems.length > 0) throw new E2eError(problems.join("\n"));
  log("Pod Security admission: no pod refused");
}

// Only when run as a script (tests import its functions).
if (require.main === module) {
  void main().then((status) => process.exit(status));
}
