import { z } from "zod";
import { SOURCES_HINTS, sourcesSchema } from "./sources";
import { LEGACY_DEPLOYMENT_HINTS, legacyDeploymentSchema } from "./deploy-scripts";
import { addressProblem, cronProblem, dataPathProblem, datasetWithin, dnsNameProblem, kubernetesNameProblem } from "./formats";

/**
 * Every stack setting, as written under `config:` in `Pulumi.<stack>.yaml` with the `faf:`
 * prefix removed. Strict at every level: an unknown key is an error, not ignored.
 * Pure: no Pulumi import, so tests parse stack files directly.
 */

/** A string checked by one of `formats.ts`: the message says what it should be and what is wrong. */
function checked(expected: string, problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const why = problem(value);
    if (why) ctx.addIssue({ code: "custom", message: `expected ${expected}, but it ${why}` });
  });
}

const hostname = checked("a lower-case DNS name", dnsNameProblem);
/** A directory of data: absolute, normalised, never `/` itself. */
const absolutePath = checked("an absolute path", dataPathProblem);
/** A ZFS dataset or zvol name below the pool, such as `faf/data`. */
const datasetName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*(\/[A-Za-z0-9][A-Za-z0-9_.:-]*)*$/, {
  message: "expected a dataset path such as faf/data",
});

/** Kubernetes CPU: cores (`4`, `0.5`) or millicores (`500m`). */
const cpuQuantity = z.string().regex(/^(\d+(\.\d+)?|\d+m)$/, { message: 'expected CPU cores such as "4" or "500m"' });
/** Kubernetes memory in binary units (`8Gi`, `512Mi`). */
const memoryQuantity = z.string().regex(/^\d+(Ki|Mi|Gi|Ti)$/, { message: 'expected memory such as "8Gi" or "512Mi"' });
const port = z.number().int().min(1).max(65535);
const ipv4 = z.string().regex(/^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/, {
  message: "expected an IPv4 address such as 172.18.0.1",
});
/** `repository:tag` (`faf-java-api:dev`, `localhost:5000/faf-java-api:dev`), never `latest`. */
const imageReference = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, {
    message: "expected repository:tag such as faf-java-api:dev",
  })
  .refine((ref) => !ref.endsWith(":latest"), { message: "latest is pulled again on every start; tag your build (dev)" });

/**
 * The address pods reach the developer's machine at, by the kube context's tool, where the tool
 * has a usual one (docs/laptop.md says how to check it): the Docker network gateway of k3d and
 * kind (the first network Docker creates after its default bridge), minikube's
 * `host.minikube.internal` with the docker driver, Docker Desktop's `host.docker.internal`.
 */
export function developHostFor(context: string | undefined): string | undefined {
  if (context === undefined) return undefined;
  if (context.startsWith("k3d-") || context.startsWith("kind-")) return "172.18.0.1";
  if (context === "minikube") return "192.168.49.1";
  if (context === "docker-desktop") return "192.168.65.254";
  return undefined;
}

/** Settings that only make sense on a developer's own cluster, and why prod and test refuse them. */
export const LAPTOP_ONLY_SETTINGS = ["budget", "develop", "images", "seed"] as const;
const LAPTOP_ONLY_WHY: Record<(typeof LAPTOP_ONLY_SETTINGS)[number], string> = {
  budget: "FAF's hosts size their services for production",
  develop: "a service sent to a developer's machine would take real traffic there",
  images: "prod and test run the pinned, reviewed images",
  seed: "test accounts with known passwords must never exist on a real server",
};

/** Five cron fields (minute hour day-of-month month day-of-week), such as `30 3 * * *`, each in range. */
const cronSchedule = checked("a cron schedule", cronProblem);

/** Stands for a secret setting's value in the parsed settings; the value itself stays an Output. */
export const SECRET_VALUE = "[secret]";
/** Settings that hold secrets: read only with `requireSecret`, refused in plaintext. */
export const SECRET_SETTINGS = ["sshPrivateKey", "infisicalClientId", "infisicalClientSecret", "alertWebhookUrl"] as const;

export const ENVIRONMENTS = ["prod", "test", "local"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Builds the schema; `serviceNames` are the catalogue's names, so a typo in `services` is caught here. */
export function settingsSchema(serviceNames: readonly string[]) {
  const serviceName = z.string().refine((name) => serviceNames.includes(name), {
    message: `unknown service; known: ${serviceNames.join(", ")}`,
  });
  return z
    .strictObject({
      /** FAF's name for the environment: picks replicas, image tags, TLS and the secret source. */
      environment: z.enum(ENVIRONMENTS),
      /** The domain every public host hangs off (`api.<baseDomain>`, ...). */
      baseDomain: hostname,
      /** The machine's host name (`fafprod3`); required where FAF's data lives on a real host. */
      hostName: hostname.optional(),
      /** Reach an existing cluster through a kube context (a laptop). Exclusive with `host`. */
      kubernetes: z
        .strictObject({
          /** The kube context to deploy to (`kubectl config get-contexts`). */
          context: z.string().min(1),
          /** A kubeconfig file; the default is `$KUBECONFIG` or `~/.kube/config`. */
          kubeconfig: z.string().min(1).optional(),
        })
        .optional(),
      /** Provision k3s on FAF's NixOS/ZFS machine(s) over SSH. Exclusive with `kubernetes`. */
      host: z
        .strictObject({
          /** The ZFS pool that holds FAF's data (`zpool list`). */
          pool: z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]*$/),
          /** Datasets are `<pool>/<datasetParent>/<folder>`. */
          datasetParent: datasetName,
          /** Datasets are mounted at `<dataPath>/<folder>`. */
          dataPath: absolutePath.default("/opt/faf/data"),
          /** The zvol formatted ext4 for /var/lib/rancher (containerd's overlayfs cannot use ZFS). */
          containerStorage: z.strictObject({
            zvol: datasetName,
            size: z.string().regex(/^[1-9]\d*[GT]$/, { message: "expected a size of at least 1G, such as 200G" }),
          }),
          /** The NixOS configuration file that imports the generated module (written beside it). */
          nixosConfig: absolutePath
            .refine((path) => path.endsWith(".nix"), { message: "expected the path of a .nix file" })
            .default("/etc/nixos/configuration.nix"),
          /** How this host applies its configuration (FAF's hosts build a flake: `--flake /etc/nixos#fafprod3`). */
          rebuild: z
            .string()
            .regex(/^nixos-rebuild switch( --flake [A-Za-z0-9._/-]+#[A-Za-z0-9._-]+)?$/, {
              message: "expected nixos-rebuild switch [--flake <dir>#<host>]",
            })
            .default("nixos-rebuild switch"),
          /**
           * Let the module step switch the host even when its NixOS configuration holds other
           * changes that are not active yet (they are listed in the step's output). Off: such a
           * run stops before switching and names them.
           */
          applyOtherChanges: z.boolean().default(false),
          /** How long to wait for the API server and node after a change. */
          readyTimeoutSeconds: z.number().int().min(30).max(3600).default(600),
          /** The machines; one `server` today, `agent`s to join it later. */
          nodes: z
            .array(
              z.strictObject({
                name: hostname,
                role: z.enum(["server", "agent"]),
                /** The address SSH and the Kubernetes API are reached at; also a TLS SAN. */
                address: checked("a host name or an IP address", addressProblem),
                port: z.number().int().min(1).max(65535).default(22),
                user: z
                  .string()
                  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { message: "expected a Unix user name such as root" })
                  .default("root"),
                /** The host's public key (`ssh-keyscan -t ed25519 <address>`); connections to another key fail. */
                hostKey: z.string().regex(/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*$/, {
                  message: "expected an SSH public host key such as ssh-ed25519 AAAA...",
                }),
              }),
            )
            .min(1),
        })
        .optional(),
      /** The SSH private key for the hosts (secret). Without it the SSH agent ($SSH_AUTH_SOCK) is used. */
      sshPrivateKey: z.literal(SECRET_VALUE).optional(),
      /** Where application secrets come from: Infisical (synced in-cluster), or generated for a laptop. */
      secrets: z.discriminatedUnion("source", [
        z.strictObject({
          source: z.literal("infisical"),
          /** The Infisical API the operator and `secrets:check` talk to. */
          hostAPI: z
            .url({ protocol: /^https$/, error: "expected an https:// URL: the machine identity's credentials travel over it" })
            .default("https://app.infisical.com/api"),
          /** The project the operator reads (FAF: k3s-cluster-zj-th). */
          projectSlug: z.string().min(1),
          /** The same project's ID, which the SDK needs for `npm run secrets:check`. */
          projectId: z.string().min(1).optional(),
          /** The Infisical environment slug (prod, test). */
          environment: z.string().min(1),
        }),
        z.strictObject({ source: z.literal("generated") }),
      ]),
      /** The machine identity's universal-auth credentials (secrets), with secrets.source infisical. */
      infisicalClientId: z.literal(SECRET_VALUE).optional(),
      infisicalClientSecret: z.literal(SECRET_VALUE).optional(),
      /** Volumes on a laptop: under this directory of the node, optionally pinned to one node. */
      storage: z
        .strictObject({ dataPath: absolutePath, node: checked("a Kubernetes node name", kubernetesNameProblem).optional() })
        .optional(),
      /** Certificates for the HTTPS entry point. */
      tls: z
        .discriminatedUnion("mode", [
          /** A default certificate from a Secret in the traefik namespace (FAF's Cloudflare origin certificates). */
          z.strictObject({ mode: z.literal("secret"), secretName: checked("a Kubernetes Secret name", kubernetesNameProblem) }),
          /** Traefik's own Let's Encrypt resolver, its account on a managed volume. */
          z.strictObject({ mode: z.literal("letsencrypt"), email: z.email() }),
          /** Traefik's self-signed default certificate (a laptop). */
          z.strictObject({ mode: z.literal("self-signed") }),
        ])
        .default({ mode: "self-signed" }),
      /** The Traefik entry points sit behind Cloudflare: trust proxy protocol and forwarded headers from its ranges only. */
      behindCloudflare: z.boolean().default(false),
      /** Argo CD: a read-only view of every workload (health, logs, events, drift) behind FAF's login. */
      /**
       * Logical backups of MariaDB, PostgreSQL and MongoDB, written to the `backups-<engine>`
       * volumes (datasets `<dataPath>/backups-<engine>`). See docs/runbooks/restore-a-database.md.
       */
      backups: z
        .strictObject({
          /** Cron schedule (cluster time zone, UTC on FAF's hosts) of the nightly dumps. */
          schedule: cronSchedule.default("30 3 * * *"),
          /** Days a dump is kept before the next backup run deletes it. */
          retentionDays: z.int().min(1).max(365).default(14),
          /**
           * On a provisioned host: snapshot the data services' datasets (`@pulumi-<time>`) before
           * `pulumi up` changes one of them. Ignored where no host is provisioned.
           */
          zfsSnapshots: z.boolean().default(true),
          /** Days those `@pulumi-` snapshots are kept (each dataset's newest is always kept). */
          snapshotRetentionDays: z.int().min(1).max(3650).default(30),
        })
        .default({ schedule: "30 3 * * *", retentionDays: 14, zfsSnapshots: true, snapshotRetentionDays: 30 }),
      argocd: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** The OAuth client registered in Hydra for Argo CD (redirect https://argocd.<domain>/auth/callback). */
          oidcClientId: z.string().min(1).default("argocd"),
          /** Where CI publishes the renders that Argo CD compares the cluster with. */
          rendersRepo: z.url().default("https://github.com/FAForever/faf-infra.git"),
          rendersRevision: z.string().min(1).default("rendered"),
        })
        .default({
          enabled: true,
          oidcClientId: "argocd",
          rendersRepo: "https://github.com/FAForever/faf-infra.git",
          rendersRevision: "rendered",
        }),
      /** Who may do what: groups from FAF's login (the OIDC `groups` claim), for Argo CD and kubectl. */
      access: z
        .strictObject({
          adminGroups: z.array(z.string().min(1)).default([]),
          maintainerGroups: z.array(z.string().min(1)).default([]),
        })
        .default({ adminGroups: [], maintainerGroups: [] }),
      /**
       * Metrics, logs, dashboards and alerts in faf-ops (docs/decisions/020). On by default where
       * FAF's data lives (prod, test); optional and off by default on a laptop.
       */
      monitoring: z
        .strictObject({
          enabled: z.boolean().optional(),
          /** The OAuth client registered in Hydra for Grafana (redirect https://grafana.<domain>/login/generic_oauth). */
          oidcClientId: z.string().min(1).default("grafana"),
          /**
           * Where alerts go: a Discord webhook, or a Matrix room's webhook (hookshot). Its URL is a
           * secret: Infisical `/alertmanager` key `webhookUrl`, or faf:alertWebhookUrl with generated secrets.
           */
          receiver: z.strictObject({ type: z.enum(["discord", "matrix"]) }).optional(),
        })
        .default({ oidcClientId: "grafana" }),
      /** The alert receiver's webhook URL (secret), when secrets are generated rather than synced from Infisical. */
      alertWebhookUrl: z.literal(SECRET_VALUE).optional(),
      /** Which FAF services to run: `all`, or names; each one's dependencies are added. */
      services: z
        .union([
          z.literal("all"),
          z
            .array(serviceName)
            .min(1)
            .refine((names) => new Set(names).size === names.length, {
              message: "expected each service once; one is listed twice",
            }),
        ])
        .default("all"),
      /** Where upstream charts and release manifests come from instead of their public source (air-gapped, e2e). */
      sources: sourcesSchema,
      /** Where faf-legacy-deployment's tasks take the coop deploy build from (components/config/deploy-scripts.ts). */
      legacyDeployment: legacyDeploymentSchema,
      /** Per-service replica counts that override the workload's own (for example 0 to park one). */
      replicas: z.record(serviceName, z.number().int().min(0).max(10)).optional(),
      /** A laptop's room: the selection's CPU and memory requests must fit (docs/laptop.md). Local only. */
      budget: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity }).optional(),
      /**
       * Services that run as a process on the developer's machine: their Service sends traffic to
       * `host:port` instead of pods, and `pulumi up` writes the process's environment. Local only.
       */
      develop: z
        .record(
          serviceName,
          z.strictObject({
            /** The port the process listens on for the service's first exposed port. */
            port,
            /** Ports for its other exposed ports, by port name. @default each port's own number */
            ports: z.record(z.string(), port).optional(),
            /** The address pods reach the developer's machine at. @default by the kube context (docs/laptop.md) */
            host: ipv4.optional(),
          }),
        )
        .optional(),
      /** Locally built images that replace the pinned ones, `repository:tag` by service. Local only. */
      images: z.record(serviceName, imageReference).optional(),
      /** Test accounts, OAuth clients, maps, mods and featured mods after the migrations. Local only. */
      seed: z.boolean().optional(),
    })
    .superRefine((settings, ctx) => {
      if (settings.environment !== "local") {
        for (const key of LAPTOP_ONLY_SETTINGS) {
          if (settings[key] === undefined || settings[key] === false) continue;
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `only for a laptop stack (faf:environment local), never ${settings.environment}: ${LAPTOP_ONLY_WHY[key]}; remove it`,
          });
        }
      }
      if (settings.environment !== "local" && settings.hostName === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["hostName"],
          message: `required when environment is ${settings.environment}`,
          params: { missing: true },
        });
      }
      if ((settings.kubernetes === undefined) === (settings.host === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [settings.host ? "host" : "kubernetes"],
          message:
            settings.host === undefined
              ? "set faf:kubernetes (an existing cluster) or faf:host (provision one)"
              : "faf:kubernetes and faf:host are exclusive: keep one",
          params: { missing: settings.host === undefined, hideInput: true },
        });
      }
      // Both credentials (Pulumi manages the identity Secret) or neither (it exists already).
      if ((settings.infisicalClientId === undefined) !== (settings.infisicalClientSecret === undefined)) {
        const missing = settings.infisicalClientId === undefined ? "infisicalClientId" : "infisicalClientSecret";
        ctx.addIssue({
          code: "custom",
          path: [missing],
          message: "set both Infisical credentials, or neither",
          params: { missing: true },
        });
      }
      if (settings.kubernetes && settings.storage === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["storage"],
          message: "required with faf:kubernetes (where on the node volumes live)",
          params: { missing: true },
        });
      }
      monitoringIssues(settings).forEach((issue) => ctx.addIssue(issue));
      for (const [name, entry] of Object.entries(settings.develop ?? {})) {
        if (
          entry.host === undefined &&
          settings.environment === "local" &&
          developHostFor(settings.kubernetes?.context) === undefined
        ) {
          ctx.addIssue({
            code: "custom",
            path: ["develop", name, "host"],
            message: `the kube context "${settings.kubernetes?.context ?? ""}" is none of k3d-*, kind-*, minikube, docker-desktop, so the address pods reach your machine at is unknown`,
            params: { missing: true },
          });
        }
        if (settings.images?.[name] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["images", name],
            message: "the service runs on your machine (faf:develop), so no image of it runs; keep one of the two",
          });
        }
      }
      const nodes = settings.host?.nodes ?? [];
      const servers = nodes.filter((node) => node.role === "server");
      nodes.forEach((node, index) => {
        if (node.role === "agent") {
          ctx.addIssue({
            code: "custom",
            path: ["host", "nodes", index, "role"],
            message: "agent nodes are not provisioned yet; only the single server is",
            input: node.role,
          });
        }
      });
      if (settings.host && servers.length !== 1) {
        ctx.addIssue({
          code: "custom",
          path: ["host", "nodes"],
          message: `needs exactly one server node, has ${servers.length}`,
          params: { hideInput: true },
        });
      }
      if (settings.host) {
        const { pool, datasetParent, containerStorage } = settings.host;
        const zvol = `${pool}/${containerStorage.zvol}`;
        const parent = `${pool}/${datasetParent}`;
        if (datasetWithin(zvol, parent) || datasetWithin(parent, zvol)) {
          ctx.addIssue({
            code: "custom",
            path: ["host", "containerStorage", "zvol"],
            message: `the zvol ${zvol} must lie outside the data datasets' parent ${parent} (and not contain it): the datasets step lists everything below the parent as data`,
            input: containerStorage.zvol,
          });
        }
      }
      const server = servers[0];
      if (server && settings.hostName !== undefined && server.name !== settings.hostName) {
        ctx.addIssue({
          code: "custom",
          path: ["host", "nodes", nodes.indexOf(server), "name"],
          message: `the server node must be faf:hostName (${settings.hostName})`,
          input: server.name,
        });
      }
    });
}

export type Settings = z.output<ReturnType<typeof settingsSchema>>;

/** Whether monitoring runs: as set, else on where FAF's data lives and off on a laptop. */
export function monitoringEnabled(settings: { environment: Environment; monitoring: { enabled?: boolean } }): boolean {
  return settings.monitoring.enabled ?? settings.environment !== "local";
}

/** A receiver needs its webhook secret; a webhook secret needs a receiver that sends to it. */
function monitoringIssues(settings: {
  environment: Environment;
  secrets: { source: string };
  monitoring: { enabled?: boolean; receiver?: { type: string } };
  alertWebhookUrl?: string;
}) {
  const issues: { code: "custom"; path: string[]; message: string; params?: { missing: boolean } }[] = [];
  const receiver = settings.monitoring.receiver;
  const enabled = monitoringEnabled(settings);
  if (receiver && !enabled) {
    issues.push({
      code: "custom",
      path: ["monitoring", "receiver"],
      message: "a receiver without monitoring sends nothing: set faf:monitoring.enabled true, or remove the receiver",
    });
  }
  if (receiver && enabled && settings.secrets.source === "generated" && settings.alertWebhookUrl === undefined) {
    issues.push({
      code: "custom",
      path: ["alertWebhookUrl"],
      message: `faf:monitoring.receiver (${receiver.type}) posts alerts to a webhook whose URL is this secret; with generated secrets it must be set`,
      params: { missing: true },
    });
  }
  if (settings.alertWebhookUrl !== undefined && settings.secrets.source !== "generated") {
    issues.push({
      code: "custom",
      path: ["alertWebhookUrl"],
      message:
        "with secrets from Infisical the webhook URL is read from Infisical (/alertmanager, key webhookUrl), never from the stack file; remove it",
    });
  } else if (settings.alertWebhookUrl !== undefined && !receiver) {
    issues.push({
      code: "custom",
      path: ["alertWebhookUrl"],
      message:
        "set, but no faf:monitoring.receiver sends to it; set faf:monitoring.receiver.type (discord or matrix) or remove it",
    });
  }
  return issues;
}

/** What a good value looks like, per setting path; shown in the fix. */
export const SETTING_HINTS: Record<string, string> = {
  environment: `one of ${ENVIRONMENTS.join(", ")}`,
  baseDomain: "a domain such as faforever.com",
  hostName: "the machine's host name, such as fafprod3",
  kubernetes: "a mapping with a context, such as {context: my-context}",
  host: "a mapping with pool, datasetParent, containerStorage and nodes (see README)",
  "host.pool": "the name of an imported ZFS pool, such as tank",
  "host.datasetParent": "a dataset path below the pool, such as faf/data",
  "host.nodes": "a list of nodes: {name, role: server, address, hostKey}",
  sshPrivateKey: "the key, encrypted: pulumi config set --secret faf:sshPrivateKey < ~/.ssh/id_ed25519",
  secrets: "{source: generated} on a laptop, or {source: infisical, projectSlug, environment}",
  infisicalClientId: "the machine identity's client ID, encrypted (pulumi config set --secret)",
  infisicalClientSecret: "the machine identity's client secret, encrypted (pulumi config set --secret)",
  storage: "a mapping such as {dataPath: /var/lib/faf-data}",
  tls: "{mode: secret, secretName: ...}, {mode: letsencrypt, email: ...} or {mode: self-signed}",
  "kubernetes.context": "a kube context name from `kubectl config get-contexts`",
  "kubernetes.kubeconfig": "the path of a kubeconfig file",
  services: 'all, or a list of service names such as ["faf-api"]',
  replicas: "a map of service name to replica count, such as {faf-api: 1}",
  budget: '{cpu: "4", memory: "8Gi"}: what your laptop gives the cluster',
  develop: "a map of service name to {port, host?}, such as {faf-api: {port: 8010}}",
  "develop.host": "the IPv4 address pods reach your machine at (docs/laptop.md: finding the host address)",
  images: "a map of service name to a local image, such as {faf-api: faf-java-api:dev}",
  seed: "true or false",
  "host.dataPath": "an absolute directory such as /opt/faf/data",
  "host.nixosConfig": "the absolute path of the NixOS configuration file, such as /etc/nixos/configuration.nix",
  "host.containerStorage.zvol": "a zvol path below the pool outside the data datasets, such as nixos/rancher",
  "host.containerStorage.size": "a size of at least 1G, such as 200G",
  "host.nodes.address": "the host name or IP address SSH reaches, such as fafprod3.faforever.com or 203.0.113.7",
  "host.readyTimeoutSeconds": "a number of seconds from 30 to 3600",
  "storage.dataPath": "an absolute directory such as /var/lib/faf-data",
  "secrets.hostAPI": "the https:// URL of the Infisical API, such as https://app.infisical.com/api",
  "tls.secretName": "the name of a TLS Secret in the traefik namespace, such as cloudflare-faf-com",
  "tls.email": "the e-mail address Let's Encrypt writes to",
  "backups.schedule": 'five cron fields such as "30 3 * * *"',
  "backups.retentionDays": "a number of days from 1 to 365",
  "backups.snapshotRetentionDays": "a number of days from 1 to 3650",
  monitoring: "a mapping such as {enabled: true, receiver: {type: discord}}",
  "monitoring.receiver": "{type: discord} or {type: matrix}, with its webhook URL as a secret",
  alertWebhookUrl:
    "the webhook URL, encrypted: pulumi config set --secret faf:alertWebhookUrl https://discord.com/api/webhooks/...",
  ...SOURCES_HINTS,
  ...LEGACY_DEPLOYMENT_HINTS,
};
