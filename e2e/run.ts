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

import { type Cluster, externalCluster, type FakeNode, startCluster, watchCustomResourceStages } from "./cluster";
import { readStackConfig } from "../render/stack-file";
import { runProgram } from "../render/engine";
import { type StackFigures, writeFigures } from "./figures";
import { mutatingCalls, type ProdLikeHost, prodLikeNode, prodLikeSettings, startProdLikeHost, writeStackFile } from "./prod-like";
import { Processes } from "./processes";
import { writeCustomResourceStages } from "./stages";
import { writeStandInCharts } from "./stand-in-charts";
import { builtToolchain, clusterBinaries, pinnedVersions, requiredPlugins, toolchainPlugins } from "./toolchain";

const ROOT = path.resolve(__dirname, "..");
/**
 * The one-line change `pulumi preview --diff` must show alone: whoami's memory limit, in its
 * spec; the Deployment's property path as the engine's detailed diff names it.
 */
const ONE_LINE_CHANGE = {
  file: "components/apps/whoami.ts",
  from: 'limits: { memory: "64Mi" }',
  to: 'limits: { memory: "96Mi" }',
  object: "kubernetes:apps/v1:Deployment::whoami-deployment",
  property: "spec.template.spec.containers[0].resources.limits.memory",
};
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
  // Every program started from here keeps its temporary files in this run's directory, which
  // goes at the end: the kubernetes provider leaves a kubeconfig file in it per process.
  process.env.TMPDIR = path.join(tmp, "tmp");
  fs.mkdirSync(process.env.TMPDIR);
  // The processes of each phase (tools, then each stack's cluster), stopped newest first.
  const phases: Processes[] = [];
  let cleaned: Promise<string[]> | undefined;
  const cleanup = (): Promise<string[]> =>
    (cleaned ??= (async () => {
      for (const phase of [...phases].reverse()) await phase.stopAll();
      const kept = process.env.FAF_E2E_KEEP_LOGS;
      if (kept) fs.cpSync(path.join(tmp, "logs"), kept, { recursive: true });
      fs.rmSync(tmp, { recursive: true, force: true });
      const left = (await Promise.all(phases.map((phase) => phase.leftovers()))).flat();
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
    await run(tmp, phases, dirs, external);
  } catch (error) {
    status = 1;
    console.error(`e2e FAILED: ${error instanceof Error ? error.message : String(error)}`);
    for (const name of ["kube-apiserver", "kwok", "pulumi"]) {
      const tail = phases[0]?.tail(name, 15) ?? "(no log)";
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
  phases: Processes[],
  dirs: Record<string, string> | undefined,
  external: string | undefined,
): Promise<void> {
  const logs = path.join(tmp, "logs");
  const tools = new Processes(logs);
  phases.push(tools);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_HOME: path.join(tmp, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "faf-e2e",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // `npm run typecheck` checks the program before the e2e does (CI runs it first); the engine
    // then only transpiles. FAF_E2E_TYPECHECK=1 has every preview and up type-check, as Pulumi.yaml asks.
    ...(process.env.FAF_E2E_TYPECHECK === "1" ? {} : { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }),
  };
  // The prod-like stack signs with its configured key (faf:sshPrivateKey), never a developer's agent.
  delete env.SSH_AUTH_SOCK;
  fs.mkdirSync(path.join(tmp, "state"));
  if (dirs) {
    // Our CLI and language host first on PATH; plugins only from the toolchain.
    env.PATH = [path.join(dirs.pulumi!, "bin"), path.join(dirs["language-host"]!, "bin"), env.PATH].join(path.delimiter);
    env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
  }
  const pulumi: Pulumi = (args, what, options) => runPulumi(tools, args, what, env, options);
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

  const figures: StackFigures[] = [];
  const stacks = selectedStacks(process.env.FAF_E2E_STACKS);
  // Each stack gets its own throwaway cluster (both create FAF's namespaces); the first is
  // stopped before the second starts.
  if (stacks.includes("local")) {
    const local = new Processes(logs);
    phases.push(local);
    const localCluster = await clusterFor("local", tmp, local, dirs, external);
    const localFile = path.join(tmp, "Pulumi.e2e-local.yaml");
    writeStackFile(localFile, localSettings(tmp, localCluster.cluster, !external));
    const localStack = await initStack(pulumi, "e2e-local", localFile);
    figures.push(await deploy(localStack, localCluster, local, dirs, "local"));
    await oneLineChange(pulumi, tmp, localStack);
    await local.stopAll();
  }

  if (!stacks.includes("prod-like")) {
    log("prod-like stack: not selected (FAF_E2E_STACKS)");
  } else if (external) {
    log("prod-like stack: skipped (it needs the throwaway cluster: its host steps hand out that cluster's kubeconfig)");
  } else {
    const prod = new Processes(logs);
    phases.push(prod);
    const prodCluster = await clusterFor("prod-like", tmp, prod, dirs, external, prodLikeNode(ROOT));
    const { host, server } = await startProdLikeHost(ROOT, path.join(tmp, "prod-like"), prod, prodCluster.cluster.kubeconfig);
    log(`prod-like host: sshd on 127.0.0.1:${server.port}, simulated host in ${path.dirname(host.root)}`);
    const prodFile = path.join(tmp, "Pulumi.e2e-prod.yaml");
    writeStackFile(
      prodFile,
      prodLikeSettings(ROOT, server, { "faf:sources": writeStandInCharts(path.join(tmp, "charts-prod-like")) }),
    );
    const prodStack = await initStack(pulumi, "e2e-prod", prodFile);
    // The SSH key as an admin sets it: encrypted in the stack file with the stack's passphrase.
    await pulumi(
      ["config", "set", "--secret", ...prodStack.config, "faf:sshPrivateKey", "--", server.clientKey],
      "config set --secret faf:sshPrivateKey",
    );
    figures.push(await deploy(prodStack, prodCluster, prod, dirs, "prod-like"));
    const mutated = mutatingCalls(host).length;
    log(`prod-like host: ${mutated} mutating calls by the first up`);
    await pulumi(["up", "--yes", "--skip-preview", ...prodStack.common], "second up of the prod-like stack");
    const again = mutatingCalls(host).slice(mutated);
    if (again.length > 0) throw new E2eError(`the second pulumi up changed the host:\n${again.join("\n")}`);
    log("second up: no mutating host call");
    await refusedDestroy(pulumi, prodStack, host, prodCluster.cluster);
  }

  writeFigures({ at: new Date().toISOString(), stacks: figures });
  log(`figures: ${JSON.stringify(figures)} (npm run bench prints them)`);
}

/** A module of the program (index.ts, components/...), not of its dependencies or of the render engine that runs it. */
export function isProgramModule(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return (
    !relative.startsWith("..") &&
    !/^(node_modules|render)[\\/]/.test(relative) &&
    !relative.includes(`${path.sep}node_modules${path.sep}`)
  );
}

const STACKS = ["local", "prod-like"] as const;

/** FAF_E2E_STACKS: which of the two stacks to run (comma-separated; default both). */
export function selectedStacks(setting: string | undefined): (typeof STACKS)[number][] {
  if (!setting) return [...STACKS];
  const names = setting.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !(STACKS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new E2eError(`FAF_E2E_STACKS: unknown stack ${unknown.join(", ")} (the stacks: ${STACKS.join(", ")})`);
  return STACKS.filter((name) => names.includes(name));
}

type Pulumi = (args: string[], what: string, options?: { allowFailure?: boolean; cwd?: string }) => Promise<string>;

interface Stack {
  name: string;
  /** --stack, --config-file and the options every command takes. */
  common: string[];
  /** --stack and --config-file only (for `pulumi config`). */
  config: string[];
  pulumi: Pulumi;
}

interface ClusterPhase {
  cluster: Cluster;
  crStages: ReturnType<typeof writeCustomResourceStages> | undefined;
}

async function clusterFor(
  name: string,
  tmp: string,
  processes: Processes,
  dirs: Record<string, string> | undefined,
  external: string | undefined,
  node?: FakeNode,
): Promise<ClusterPhase> {
  if (external) {
    const cluster = externalCluster(external, process.env.FAF_E2E_CONTEXT ?? currentContext(external));
    log(`cluster: ${cluster.context} from ${external}`);
    return { cluster, crStages: undefined };
  }
  const started = performance.now();
  const crStages = writeCustomResourceStages(path.join(tmp, `stages-${name}`));
  const cluster = await startCluster(path.join(tmp, `cluster-${name}`), clusterBinaries(dirs!), processes, node);
  log(
    `${name} cluster: up in ${((performance.now() - started) / 1000).toFixed(1)}s (${JSON.stringify(pinnedVersions().KUBERNETES_VERSION)})`,
  );
  return { cluster, crStages };
}

/**
 * `pulumi stack init` writes the passphrase's salt to Pulumi.<stack>.yaml beside Pulumi.yaml (it
 * takes no --config-file): moved into the run's own stack file at once, so the repository stays clean.
 */
async function initStack(pulumi: Pulumi, name: string, file: string): Promise<Stack> {
  const projectStackFile = path.join(ROOT, `Pulumi.${name}.yaml`);
  if (fs.existsSync(projectStackFile)) throw new E2eError(`${projectStackFile} exists; the e2e will not overwrite it: remove it`);
  try {
    await pulumi(["stack", "init", name, "--non-interactive"], `stack init ${name}`);
  } finally {
    if (fs.existsSync(projectStackFile)) {
      const written = (parse(fs.readFileSync(projectStackFile, "utf8")) ?? {}) as Record<string, unknown>;
      fs.rmSync(projectStackFile);
      const ours = parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
      fs.writeFileSync(file, stringify({ ...written, ...ours }));
    }
  }
  const config = ["--stack", name, "--config-file", file];
  return { name, config, common: [...config, "--non-interactive", "--color=never"], pulumi };
}

/** Preview and up (timed), every workload checked, then a preview that must find nothing to do. */
async function deploy(
  stack: Stack,
  phase: ClusterPhase,
  processes: Processes,
  dirs: Record<string, string> | undefined,
  label: string,
): Promise<StackFigures> {
  const { pulumi, common } = stack;
  const renderStart = performance.now();
  const config = readStackConfig(ROOT, stack.name, path.dirname(common[3]!));
  // Node caches the program's modules: without this the second stack's render ran nothing (0.0s).
  for (const file of Object.keys(require.cache)) if (isProgramModule(file, ROOT)) delete require.cache[file];
  await runProgram(config, path.join(ROOT, "index.ts"));
  const renderMs = performance.now() - renderStart;
  const previewStart = performance.now();
  await pulumi(["preview", ...common], `preview of the ${label} stack`);
  const previewMs = performance.now() - previewStart;
  const upStart = performance.now();
  const upRun = pulumi(["up", "--yes", "--skip-preview", ...common], `up of the ${label} stack`);
  if (phase.crStages)
    await watchCustomResourceStages(
      phase.cluster,
      clusterBinaries(dirs!).kwok,
      processes,
      phase.crStages,
      upRun.catch(() => undefined),
    );
  const up = await upRun;
  const upMs = performance.now() - upStart;
  const resources = countResources(await pulumi(["stack", "export", "--stack", stack.name], "stack export"));
  log(
    `${label} up: ${resources} resources; render ${(renderMs / 1000).toFixed(1)}s, preview ${(previewMs / 1000).toFixed(1)}s, up ${(upMs / 1000).toFixed(1)}s`,
  );
  console.log(up.split("\n").slice(-12).join("\n"));
  await checkWorkloads(phase.cluster);
  await pulumi(["preview", "--expect-no-changes", ...common], `second preview of the ${label} stack (expects no changes)`);
  log(`${label}: second preview finds no changes`);
  return { stack: label, renderMs, previewMs, upMs, resources };
}

/**
 * A one-line change to a workload spec, in a copy of the project: `pulumi preview --diff` must
 * show that change, on that one object, and nothing else.
 */
async function oneLineChange(pulumi: Pulumi, tmp: string, stack: Stack): Promise<void> {
  const copy = path.join(tmp, "changed-project");
  fs.cpSync(ROOT, copy, {
    recursive: true,
    filter: (src) => !/\/(node_modules|\.git|rendered|\.bench)$/.test(src),
  });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
  const { file, from, to, object, property } = ONE_LINE_CHANGE;
  const target = path.join(copy, file);
  const text = fs.readFileSync(target, "utf8");
  if (text.split(from).length !== 2) throw new E2eError(`${file}: the one-line change expects "${from}" exactly once`);
  fs.writeFileSync(target, text.replace(from, to));
  const json = await pulumi(["preview", "--diff", "--json", ...stack.common], "preview --diff after a one-line change", {
    cwd: copy,
  });
  const steps =
    (JSON.parse(json) as { steps?: { op: string; urn: string; diffs?: string[]; detailedDiff?: Record<string, unknown> }[] })
      .steps ?? [];
  const changed = steps.filter((s) => s.op !== "same");
  const summary = changed.map((s) => `${s.op} ${s.urn} ${JSON.stringify(s.detailedDiff ?? s.diffs ?? {})}`);
  log(`one-line change (${file}: ${from.trim()} -> ${to.trim()}):\n  ${summary.join("\n  ")}`);
  const only = changed[0];
  const paths = Object.keys(only?.detailedDiff ?? {});
  if (
    changed.length !== 1 ||
    only?.op !== "update" ||
    !only.urn.endsWith(object) ||
    paths.length !== 1 ||
    paths[0] !== property
  ) {
    throw new E2eError(
      `a one-line change should update ${object}'s ${property} and nothing else; preview --diff shows:\n${summary.join("\n")}`,
    );
  }
  fs.rmSync(copy, { recursive: true, force: true });
}

/**
 * `pulumi destroy` of the prod-like stack. The engine deletes what is not protected (the
 * workloads) and refuses the protected data objects: it must fail, naming protection; every
 * dataset, PersistentVolume and claim, and each namespace holding a claim, must still be there.
 */
async function refusedDestroy(pulumi: Pulumi, stack: Stack, host: ProdLikeHost["host"], cluster: Cluster): Promise<void> {
  const before = host.datasets();
  const names = async (apiPath: string) =>
    ((await cluster.get(apiPath)) as { items: Item[] }).items.map((i) => `${i.metadata.namespace ?? ""}/${i.metadata.name}`);
  // The data objects: every PV and claim, and each namespace that holds a claim (an operator's
  // own namespace, such as rabbitmq-system, holds no data and goes with its manifests).
  const data = ["/api/v1/persistentvolumes", "/api/v1/persistentvolumeclaims"];
  const claimNamespaces = async () =>
    [...new Set((await names("/api/v1/persistentvolumeclaims")).map((claim) => claim.split("/")[0]!))].map(
      (ns) => `namespace ${ns}`,
    );
  const namespaceNames = async () => (await names("/api/v1/namespaces")).map((ns) => `namespace ${ns.slice(1)}`);
  const objectsBefore = [...(await Promise.all(data.map(names))).flat(), ...(await claimNamespaces())];
  const output = await pulumi(["destroy", "--yes", "--skip-preview", ...stack.common], "destroy of the prod-like stack", {
    allowFailure: true,
  });
  if (!/marked for protection|protected/i.test(output))
    throw new E2eError(`pulumi destroy of the prod-like stack was not refused by protection:\n${output.slice(-3000)}`);
  const destroyed = mutatingCalls(host).filter((call) => /^MUTATE zfs destroy/.test(call));
  const after = host.datasets();
  const lost = [...before.keys()].filter((name) => !after.has(name));
  if (destroyed.length > 0 || lost.length > 0)
    throw new E2eError(`pulumi destroy touched datasets: ${[...destroyed, ...lost].join(", ")}`);
  const objectsAfter = new Set([...(await Promise.all(data.map(names))).flat(), ...(await namespaceNames())]);
  const gone = objectsBefore.filter((name) => !objectsAfter.has(name));
  if (gone.length > 0) throw new E2eError(`pulumi destroy deleted data objects: ${gone.join(", ")}`);
  log(
    `destroy: refused by the protected objects; ${after.size} datasets and zvols, ${objectsBefore.length} PVs, claims and their namespaces all still there`,
  );
}

async function runPulumi(
  processes: Processes,
  args: string[],
  what: string,
  env: NodeJS.ProcessEnv,
  options: { allowFailure?: boolean; cwd?: string } = {},
): Promise<string> {
  let result;
  try {
    result = await processes.run("pulumi", "pulumi", args, { env, cwd: options.cwd ?? ROOT });
  } catch (error) {
    throw new E2eError(`${what}: ${error instanceof Error ? error.message : String(error)} (is pulumi on PATH?)`);
  }
  if (options.allowFailure) return result.output;
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
 * The local e2e stack's settings: the local stack's, pointed at this cluster, and (on the throwaway
 * cluster, which reaches no chart repository) with every upstream chart from a stand-in.
 */
function localSettings(tmp: string, cluster: Cluster, standIns: boolean): Record<string, unknown> {
  const local = parse(fs.readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
  const config: Record<string, unknown> = { ...local.config };
  config["faf:kubernetes"] = { context: cluster.context, kubeconfig: cluster.kubeconfig };
  if (standIns) config["faf:sources"] = writeStandInCharts(path.join(tmp, "charts"));
  return config;
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
