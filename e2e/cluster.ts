import { type ChildProcess, execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { stringify } from "yaml";

import { type Processes, waitFor } from "./processes";
import type { CustomResourceStages } from "./stages";

/** Where each control-plane binary lives (a toolchain directory, or names on PATH). */
export interface ClusterBinaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kwok: string;
  /** kwok's node and pod stages (copied from its module by the toolchain build). */
  kwokStages: string;
}

/** The fake node: FAF's host size is an assumption here (override with FAF_E2E_NODE_CPU/MEMORY). */
export const NODE = {
  name: "faf-e2e-node",
  cpu: process.env.FAF_E2E_NODE_CPU ?? "16",
  memory: process.env.FAF_E2E_NODE_MEMORY ?? "64Gi",
  pods: "250",
};

/** A cluster the e2e deploys to: its kubeconfig, context, and a way to read its API. */
export interface Cluster {
  kubeconfig: string;
  context: string;
  /** GET a path of the API server, parsed as JSON. */
  get(apiPath: string): Promise<unknown>;
}

const CONTEXT = "faf-e2e";

/**
 * Starts etcd, kube-apiserver (RBAC, Pod Security admission on as by default), kube-controller-manager,
 * kube-scheduler and kwok with one fake node, all on loopback, with every file under `dir`.
 * `processes` owns the processes; stopping them is the caller's.
 */
export async function startCluster(
  dir: string,
  bin: ClusterBinaries,
  processes: Processes,
  node: FakeNode = { name: NODE.name, labels: {} },
): Promise<Cluster> {
  const pki = path.join(dir, "pki");
  fs.mkdirSync(pki, { recursive: true });

  const [etcdClient, etcdPeer, apiPort, cmPort, schedPort, kwokPort] = (await Promise.all(
    Array.from({ length: 6 }, () => processes.freePort()),
  )) as [number, number, number, number, number, number];

  processes.start("etcd", bin.etcd, [
    "--name=e2e",
    `--data-dir=${path.join(dir, "etcd")}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
    "--listen-metrics-urls=",
    "--log-level=warn",
  ]);
  await waitFor("etcd", 60_000, async () => {
    processes.assertRunning("etcd");
    const response = await fetch(`http://127.0.0.1:${etcdClient}/health`);
    return response.ok;
  });

  // The service-account key pair and the admin's token (group system:masters).
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const saKey = path.join(pki, "sa.key");
  const saPub = path.join(pki, "sa.pub");
  fs.writeFileSync(saKey, privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });
  fs.writeFileSync(saPub, publicKey.export({ type: "spki", format: "pem" }));
  const token = randomBytes(24).toString("hex");
  const tokens = path.join(pki, "tokens.csv");
  fs.writeFileSync(tokens, `${token},faf-e2e-admin,faf-e2e-admin,"system:masters"\n`, { mode: 0o600 });

  processes.start("kube-apiserver", bin.kubeApiserver, [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${apiPort}`,
    "--endpoint-reconciler-type=none",
    `--cert-dir=${pki}`,
    `--token-auth-file=${tokens}`,
    "--authorization-mode=RBAC",
    // PodSecurity is in the default admission chain; these are named so that turning it off is visible.
    "--enable-admission-plugins=NamespaceLifecycle,ServiceAccount,PodSecurity,ResourceQuota,LimitRanger",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${saPub}`,
    `--service-account-signing-key-file=${saKey}`,
    "--service-cluster-ip-range=10.96.0.0/16",
    "--allow-privileged=true",
  ]);
  const cert = path.join(pki, "apiserver.crt");
  await waitFor("kube-apiserver's certificate", 120_000, () => {
    processes.assertRunning("kube-apiserver");
    return Promise.resolve(fs.existsSync(cert));
  });
  const ca = fs.readFileSync(cert);
  const server = `https://127.0.0.1:${apiPort}`;
  const get = (apiPath: string) => getJson(server, token, ca, apiPath);
  await waitFor("kube-apiserver /readyz", 180_000, async () => {
    processes.assertRunning("kube-apiserver");
    await get("/readyz");
    return true;
  });

  const kubeconfig = path.join(dir, "kubeconfig");
  fs.writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: CONTEXT, cluster: { server, "certificate-authority-data": ca.toString("base64") } }],
      users: [{ name: CONTEXT, user: { token } }],
      contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT } }],
      "current-context": CONTEXT,
    }),
    { mode: 0o600 },
  );

  processes.start("kube-controller-manager", bin.kubeControllerManager, [
    `--kubeconfig=${kubeconfig}`,
    "--leader-elect=false",
    "--bind-address=127.0.0.1",
    `--secure-port=${cmPort}`,
    `--service-account-private-key-file=${saKey}`,
    `--root-ca-file=${cert}`,
    "--use-service-account-credentials=false",
    // kwok keeps the node Ready; no cloud, no IPAM.
    "--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller",
  ]);
  processes.start("kube-scheduler", bin.kubeScheduler, [
    `--kubeconfig=${kubeconfig}`,
    "--leader-elect=false",
    "--bind-address=127.0.0.1",
    `--secure-port=${schedPort}`,
  ]);

  const stages = [
    ...fs
      .readdirSync(bin.kwokStages)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => path.join(bin.kwokStages, f)),
  ];
  processes.start("kwok", bin.kwok, [
    `--kubeconfig=${kubeconfig}`,
    "--manage-all-nodes=false",
    "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
    `--server-address=127.0.0.1:${kwokPort}`,
    "--node-ip=127.0.0.1",
    ...stages.map((s) => `--config=${s}`),
  ]);

  await postJson(server, token, ca, "/api/v1/nodes", fakeNode(node));
  await waitFor("the fake node to be Ready", 120_000, async () => {
    for (const name of ["kube-controller-manager", "kube-scheduler", "kwok"]) processes.assertRunning(name);
    const registered = (await get(`/api/v1/nodes/${node.name}`)) as {
      status?: { conditions?: { type: string; status: string }[] };
    };
    return registered.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  });
  await waitFor("the default ServiceAccount", 120_000, async () => {
    await get("/api/v1/namespaces/default/serviceaccounts/default");
    return true;
  });
  return { kubeconfig, context: CONTEXT, get };
}

/**
 * kwok resolves each stage's resource through API discovery when it starts and exits on one that
 * discovery does not list yet; the CRDs arrive during `pulumi up`, and discovery lists a CRD's
 * resource a moment after the CRD is accepted. So each group's stages get their own kwok
 * (managing no node), started once discovery lists every resource they name, and started again
 * if it exits all the same (at most `attempts` times). Resolves when `done` does.
 */
export async function watchCustomResourceStages(
  cluster: Cluster,
  kwok: string,
  processes: Processes,
  stages: CustomResourceStages[],
  done: Promise<unknown>,
  attempts = 5,
): Promise<void> {
  const waiting = new Map(stages.map((s) => [s.group, s]));
  const running = new Map<string, { stage: CustomResourceStages; child: ChildProcess; starts: number }>();
  let finished = false;
  void done.finally(() => (finished = true));
  const start = async (stage: CustomResourceStages, starts: number) => {
    const child = processes.start(`kwok-${stage.group}`, kwok, [
      `--kubeconfig=${cluster.kubeconfig}`,
      "--manage-all-nodes=false",
      // Manages no node: the first kwok has the node; this one only sets custom resources' conditions.
      "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=faf-e2e-none",
      `--server-address=127.0.0.1:${await processes.freePort()}`,
      ...stage.files.map((f) => `--config=${f}`),
    ]);
    running.set(stage.group, { stage, child, starts });
  };
  while (!finished) {
    for (const [group, stage] of waiting) {
      if (!(await discovered(cluster, stage))) continue;
      waiting.delete(group);
      await start(stage, 1);
    }
    for (const [group, { stage, child, starts }] of running) {
      if (child.exitCode === null && child.signalCode === null) continue;
      if (starts >= attempts)
        throw new Error(`kwok for ${group}'s stages exited ${starts} times:\n${processes.tail(`kwok-${group}`, 5)}`);
      await start(stage, starts + 1);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Whether API discovery lists every resource the group's stages name. */
async function discovered(cluster: Cluster, stage: CustomResourceStages): Promise<boolean> {
  for (const [i, plural] of stage.plurals.entries()) {
    const list = (await cluster.get(`/apis/${stage.apiVersions[i]!}`).catch(() => undefined)) as
      { resources?: { name: string }[] } | undefined;
    if (!list?.resources?.some((r) => r.name === plural)) return false;
  }
  return true;
}

/** The node as the cluster registers it: its name and labels (k3s's `--node-label`s on a host). */
export interface FakeNode {
  name: string;
  labels: Record<string, string>;
}

/** The Node object kwok manages (by its annotation). */
export function fakeNode(node: FakeNode = { name: NODE.name, labels: {} }): Record<string, unknown> {
  const resources = { cpu: NODE.cpu, memory: NODE.memory, pods: NODE.pods, "ephemeral-storage": "1Ti" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        ...node.labels,
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        type: "kwok",
      },
    },
    status: { allocatable: resources, capacity: resources },
  };
}

function request(server: string, token: string, ca: Buffer, method: string, apiPath: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      `${server}${apiPath}`,
      {
        method,
        ca,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(data ? { "content-type": "application/json" } : {}),
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 500) >= 300) return reject(new Error(`${method} ${apiPath}: ${String(res.statusCode)} ${text}`));
          try {
            resolve(text.startsWith("{") ? JSON.parse(text) : text);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${apiPath}: timed out`)));
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

function getJson(server: string, token: string, ca: Buffer, apiPath: string): Promise<unknown> {
  return request(server, token, ca, "GET", apiPath);
}

function postJson(server: string, token: string, ca: Buffer, apiPath: string, body: unknown): Promise<unknown> {
  return request(server, token, ca, "POST", apiPath, body);
}

/** A cluster the e2e did not start (FAF_E2E_KUBECONFIG): read through kubectl, which FAF's CI has. */
export function externalCluster(kubeconfig: string, context: string): Cluster {
  return {
    kubeconfig,
    context,
    get: (apiPath: string) => {
      const out = execFileSync("kubectl", ["--kubeconfig", kubeconfig, "--context", context, "get", "--raw", apiPath], {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      });
      return Promise.resolve(out.startsWith("{") ? (JSON.parse(out) as unknown) : out);
    },
  };
}
