import { z } from "zod";

/**
 * Typed definitions of the custom resources the program creates, written from the upstream
 * CRDs (Traefik chart 41.x, Traefik v3.7, `traefik.io/v1alpha1`). They cover the fields the
 * program may use, strictly: an unknown field, which the API server would prune or reject, is
 * an error here. `@kubernetes-models/traefik` is not used: its last Node 20 build (0.2.4)
 * models Traefik 2.10 (no `observability`, `syntax`, ServersTransportTCP).
 * CI also validates against the full upstream schemas when `../shared/schemas` is present.
 */

const metadata = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/),
  namespace: z.string(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const intOrString = z.union([z.number().int(), z.string()]);

/** A `traefik.io/v1alpha1` object of `kind` with `spec`. */
function traefik<K extends string, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({ apiVersion: z.literal("traefik.io/v1alpha1"), kind: z.literal(kind), metadata, spec });
}

/** The fields every Traefik route shares. */
const routeBase = {
  match: z.string().min(1),
  priority: z.number().int().optional(),
  syntax: z.enum(["v2", "v3"]).optional(),
  middlewares: z.array(z.strictObject({ name: z.string(), namespace: z.string().optional() })).optional(),
};

const httpService = z.strictObject({
  name: z.string(),
  namespace: z.string().optional(),
  kind: z.enum(["Service", "TraefikService"]).optional(),
  port: intOrString.optional(),
  scheme: z.string().optional(),
  serversTransport: z.string().optional(),
  passHostHeader: z.boolean().optional(),
  weight: z.number().int().optional(),
  nativeLB: z.boolean().optional(),
});

const tls = z.strictObject({
  secretName: z.string().optional(),
  certResolver: z.string().optional(),
  options: z.strictObject({ name: z.string(), namespace: z.string().optional() }).optional(),
  store: z.strictObject({ name: z.string(), namespace: z.string().optional() }).optional(),
  domains: z.array(z.strictObject({ main: z.string().optional(), sans: z.array(z.string()).optional() })).optional(),
});

export const IngressRoute = traefik(
  "IngressRoute",
  z.strictObject({
    entryPoints: z.array(z.string()).min(1),
    routes: z
      .array(z.strictObject({ ...routeBase, kind: z.literal("Rule").optional(), services: z.array(httpService).min(1) }))
      .min(1),
    tls: tls.optional(),
  }),
);

const tcpService = z.strictObject({
  name: z.string(),
  namespace: z.string().optional(),
  port: intOrString,
  weight: z.number().int().optional(),
  proxyProtocol: z.strictObject({ version: z.number().int() }).optional(),
  nativeLB: z.boolean().optional(),
});

export const IngressRouteTCP = traefik(
  "IngressRouteTCP",
  z.strictObject({
    entryPoints: z.array(z.string()).min(1),
    routes: z.array(z.strictObject({ ...routeBase, services: z.array(tcpService).min(1) })).min(1),
    tls: z
      .strictObject({
        passthrough: z.boolean().optional(),
        secretName: z.string().optional(),
        certResolver: z.string().optional(),
      })
      .optional(),
  }),
);

export const Middleware = traefik(
  "Middleware",
  z.union([
    z.strictObject({
      headers: z.strictObject({
        accessControlAllowCredentials: z.boolean().optional(),
        accessControlAllowHeaders: z.array(z.string()).optional(),
        accessControlAllowMethods: z.array(z.string()).optional(),
        accessControlAllowOriginList: z.array(z.string()).optional(),
        accessControlAllowOriginListRegex: z.array(z.string()).optional(),
        accessControlExposeHeaders: z.array(z.string()).optional(),
        accessControlMaxAge: z.number().int().optional(),
        addVaryHeader: z.boolean().optional(),
        customRequestHeaders: z.record(z.string(), z.string()).optional(),
        customResponseHeaders: z.record(z.string(), z.string()).optional(),
      }),
    }),
    z.strictObject({
      redirectRegex: z.strictObject({ regex: z.string(), replacement: z.string(), permanent: z.boolean().optional() }),
    }),
    z.strictObject({
      redirectScheme: z.strictObject({ scheme: z.string(), permanent: z.boolean().optional(), port: z.string().optional() }),
    }),
    z.strictObject({ stripPrefix: z.strictObject({ prefixes: z.array(z.string()).min(1) }) }),
  ]),
);

/** Infisical operator 0.11.x, `secrets.infisical.com/v1beta1` (the kinds FAF uses: universal auth, static secrets). */
function infisical<K extends string, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({ apiVersion: z.literal("secrets.infisical.com/v1beta1"), kind: z.literal(kind), metadata, spec });
}
const keyRef = z.strictObject({ name: z.string().min(1), namespace: z.string().min(1), key: z.string().min(1) });
const objectRef = z.strictObject({ name: z.string().min(1), namespace: z.string().min(1) });

export const InfisicalConnection = infisical(
  "InfisicalConnection",
  z.strictObject({ address: z.url(), tls: z.strictObject({ caCertificate: keyRef }).optional() }),
);

export const InfisicalAuth = infisical(
  "InfisicalAuth",
  z.strictObject({
    method: z.literal("universal"),
    infisicalConnectionRef: objectRef,
    universal: z.strictObject({ clientIdRef: keyRef, clientSecretRef: keyRef }),
  }),
);

export const InfisicalStaticSecret = infisical(
  "InfisicalStaticSecret",
  z.strictObject({
    infisicalAuthRef: objectRef,
    syncOptions: z.strictObject({ refreshInterval: z.string().regex(/^\d+[smh]$/), instantUpdates: z.boolean().optional() }),
    sources: z
      .array(
        z.strictObject({
          projectSlug: z.string().optional(),
          projectId: z.string().optional(),
          environmentSlug: z.string().min(1),
          secretPath: z.string().startsWith("/"),
          recursive: z.boolean().optional(),
        }),
      )
      .min(1),
    targets: z
      .array(
        z.strictObject({
          kind: z.enum(["Secret", "ConfigMap"]),
          name: z.string().min(1),
          namespace: z.string().min(1),
          creationPolicy: z.enum(["Owner", "Orphan"]).optional(),
          secretType: z.string().optional(),
          metadata: z
            .strictObject({ labels: z.record(z.string(), z.string()), annotations: z.record(z.string(), z.string()) })
            .optional(),
          template: z.strictObject({ engineVersion: z.literal("v1"), data: z.record(z.string(), z.string()) }).optional(),
        }),
      )
      .min(1),
  }),
);

/** Argo CD 3.4 (chart 10.1.x), `argoproj.io/v1alpha1`: the fields FAF's project and applications use. */
function argo<K extends string, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({ apiVersion: z.literal("argoproj.io/v1alpha1"), kind: z.literal(kind), metadata, spec });
}
const destination = z.strictObject({ server: z.url().optional(), name: z.string().optional(), namespace: z.string().optional() });

export const AppProject = argo(
  "AppProject",
  z.strictObject({
    description: z.string().optional(),
    sourceRepos: z.array(z.string()).min(1),
    destinations: z.array(destination).min(1),
    clusterResourceWhitelist: z.array(z.strictObject({ group: z.string(), kind: z.string() })).optional(),
    namespaceResourceWhitelist: z.array(z.strictObject({ group: z.string(), kind: z.string() })).optional(),
  }),
);

export const Application = argo(
  "Application",
  z.strictObject({
    project: z.string().min(1),
    source: z.strictObject({
      repoURL: z.string().min(1),
      targetRevision: z.string().optional(),
      path: z.string().optional(),
      directory: z
        .strictObject({ recurse: z.boolean().optional(), include: z.string().optional(), exclude: z.string().optional() })
        .optional(),
    }),
    destination,
    syncPolicy: z
      .strictObject({
        automated: z.strictObject({ prune: z.boolean().optional(), selfHeal: z.boolean().optional() }).optional(),
        syncOptions: z.array(z.string()).optional(),
      })
      .optional(),
  }),
);

// mariadb-operator 26.6 (`k8s.mariadb.com/v1alpha1`), the fields the program uses.
function mariadb<K extends string, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({ apiVersion: z.literal("k8s.mariadb.com/v1alpha1"), kind: z.literal(kind), metadata, spec });
}
const mariaDbRef = z.strictObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  waitForIt: z.boolean().optional(),
});
const secretKeyRef = z.strictObject({ name: z.string().min(1), key: z.string().min(1), generate: z.boolean().optional() });
const cleanupPolicy = z.enum(["Skip", "Delete"]);
const resources = z.strictObject({
  requests: z.record(z.string(), intOrString).optional(),
  limits: z.record(z.string(), intOrString).optional(),
});

export const MariaDB = mariadb(
  "MariaDB",
  z.strictObject({
    image: z.string().regex(/^[a-z0-9./_-]+:[0-9][0-9A-Za-z.-]*$/),
    imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).optional(),
    rootPasswordSecretKeyRef: secretKeyRef,
    port: z.number().int().optional(),
    replicas: z.literal(1),
    storage: z.strictObject({
      size: intOrString,
      storageClassName: z.string(),
      resizeInUseVolumes: z.boolean().optional(),
      pvcRetentionPolicy: z.strictObject({ whenDeleted: z.enum(["Retain", "Delete"]), whenScaled: z.enum(["Retain", "Delete"]) }),
    }),
    updateStrategy: z.strictObject({
      type: z.enum(["ReplicasFirstPrimaryLast", "RollingUpdate", "OnDelete", "Never"]),
      autoUpdateDataPlane: z.boolean().optional(),
    }),
    myCnf: z.string().startsWith("[mariadb]"),
    timeZone: z.string().optional(),
    resources,
    podSecurityContext: z.record(z.string(), z.unknown()).optional(),
    securityContext: z.record(z.string(), z.unknown()).optional(),
    service: z.strictObject({ type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]) }).optional(),
    inheritMetadata: z.strictObject({ labels: z.record(z.string(), z.string()).optional() }).optional(),
  }),
);

export const Database = mariadb(
  "Database",
  z.strictObject({
    mariaDbRef,
    name: z.string().min(1),
    characterSet: z.string(),
    collate: z.string(),
    cleanupPolicy,
  }),
);

export const MariaDBUser = mariadb(
  "User",
  z.strictObject({
    mariaDbRef,
    name: z.string().min(1).max(80),
    host: z.string().optional(),
    passwordSecretKeyRef: secretKeyRef,
    maxUserConnections: z.number().int().min(0).optional(),
    cleanupPolicy,
  }),
);

export const Grant = mariadb(
  "Grant",
  z.strictObject({
    mariaDbRef,
    username: z.string().min(1),
    host: z.string().optional(),
    database: z.string().min(1),
    table: z.string().min(1),
    privileges: z.array(z.string().regex(/^[A-Z ]+$/)).min(1),
    grantOption: z.boolean().optional(),
    cleanupPolicy,
  }),
);

export const Backup = mariadb(
  "Backup",
  z.strictObject({
    mariaDbRef,
    schedule: z.strictObject({ cron: z.string().regex(/^(\S+\s+){4}\S+$/), suspend: z.boolean().optional() }),
    maxRetention: z.string().regex(/^\d+h$/),
    compression: z.enum(["none", "bzip2", "gzip"]).optional(),
    storage: z.strictObject({ volume: z.strictObject({ persistentVolumeClaim: z.strictObject({ claimName: z.string() }) }) }),
    successfulJobsHistoryLimit: z.number().int().optional(),
    failedJobsHistoryLimit: z.number().int().optional(),
    backoffLimit: z.number().int().optional(),
    resources: resources.optional(),
  }),
);

export const Restore = mariadb(
  "Restore",
  z.strictObject({ mariaDbRef, backupRef: z.strictObject({ name: z.string() }), backoffLimit: z.number().int().optional() }),
);

// RabbitMQ cluster operator 2.22 and messaging topology operator 1.20 (`rabbitmq.com/v1beta1`).
function rabbitmq<K extends string, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({ apiVersion: z.literal("rabbitmq.com/v1beta1"), kind: z.literal(kind), metadata, spec });
}
const clusterRef = z.strictObject({ name: z.string().min(1), namespace: z.string().optional() });

export const RabbitmqCluster = rabbitmq(
  "RabbitmqCluster",
  z.strictObject({
    replicas: z.literal(1),
    image: z.string().regex(/^[a-z0-9./_-]+:[0-9][0-9A-Za-z.-]*$/),
    persistence: z.strictObject({ storageClassName: z.string(), storage: intOrString }),
    resources,
    rabbitmq: z
      .strictObject({ additionalPlugins: z.array(z.string()).optional(), additionalConfig: z.string().optional() })
      .optional(),
    service: z.strictObject({ type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]) }).optional(),
    terminationGracePeriodSeconds: z.number().int().optional(),
    override: z
      .strictObject({ statefulSet: z.strictObject({ spec: z.strictObject({ template: z.record(z.string(), z.unknown()) }) }) })
      .optional(),
  }),
);

export const Vhost = rabbitmq(
  "Vhost",
  z.strictObject({ name: z.string().min(1), rabbitmqClusterReference: clusterRef, deletionPolicy: z.enum(["delete", "retain"]) }),
);

export const RabbitmqUser = rabbitmq(
  "User",
  z.strictObject({
    tags: z.array(z.enum(["management", "policymaker", "monitoring", "administrator"])),
    importCredentialsSecret: z.strictObject({ name: z.string().min(1) }),
    rabbitmqClusterReference: clusterRef,
  }),
);

export const Permission = rabbitmq(
  "Permission",
  z.strictObject({
    vhost: z.string().min(1),
    userReference: z.strictObject({ name: z.string().min(1) }),
    permissions: z.strictObject({ configure: z.string(), read: z.string(), write: z.string() }),
    rabbitmqClusterReference: clusterRef,
  }),
);

export const Exchange = rabbitmq(
  "Exchange",
  z.strictObject({
    name: z.string().min(1),
    vhost: z.string().min(1),
    type: z.enum(["topic", "direct", "fanout", "headers"]),
    durable: z.boolean(),
    autoDelete: z.boolean(),
    rabbitmqClusterReference: clusterRef,
  }),
);

/** The typed definition for a custom kind, by `apiVersion/kind`. */
export const CRD_SCHEMAS: Record<string, z.ZodType> = {
  "traefik.io/v1alpha1/IngressRoute": IngressRoute,
  "traefik.io/v1alpha1/IngressRouteTCP": IngressRouteTCP,
  "traefik.io/v1alpha1/Middleware": Middleware,
  "secrets.infisical.com/v1beta1/InfisicalConnection": InfisicalConnection,
  "secrets.infisical.com/v1beta1/InfisicalAuth": InfisicalAuth,
  "secrets.infisical.com/v1beta1/InfisicalStaticSecret": InfisicalStaticSecret,
  "argoproj.io/v1alpha1/AppProject": AppProject,
  "argoproj.io/v1alpha1/Application": Application,
  "k8s.mariadb.com/v1alpha1/MariaDB": MariaDB,
  "k8s.mariadb.com/v1alpha1/Database": Database,
  "k8s.mariadb.com/v1alpha1/User": MariaDBUser,
  "k8s.mariadb.com/v1alpha1/Grant": Grant,
  "k8s.mariadb.com/v1alpha1/Backup": Backup,
  "k8s.mariadb.com/v1alpha1/Restore": Restore,
  "rabbitmq.com/v1beta1/RabbitmqCluster": RabbitmqCluster,
  "rabbitmq.com/v1beta1/Vhost": Vhost,
  "rabbitmq.com/v1beta1/User": RabbitmqUser,
  "rabbitmq.com/v1beta1/Permission": Permission,
  "rabbitmq.com/v1beta1/Exchange": Exchange,
};

export function validateCustomObject(object: Record<string, unknown>): string[] {
  const schema = CRD_SCHEMAS[`${String(object.apiVersion)}/${String(object.kind)}`];
  if (!schema) return [`no typed definition for ${String(object.apiVersion)}/${String(object.kind)}`];
  const result = schema.safeParse(object);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}
