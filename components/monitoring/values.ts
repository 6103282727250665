import type { MonitoringProfile, Profile } from "../config/profile";
import { claimName } from "../cluster/storage-table";
import { STORAGE_CLASS } from "../cluster/storage";
import { MONITORING_ROLE_LABEL, NAMESPACES } from "../lib/names";
import { fqdn } from "../lib/template";

/**
 * The monitoring charts' values, one pure function per chart (docs/decisions/020). Release
 * names are explicit, so every Service name below is known: `<release>` for each chart.
 */

export const NAMESPACE = NAMESPACES.ops;

/** Helm release names, which are also the Services' names (each chart's fullname is its release). */
export const RELEASES = {
  victoriaMetrics: "victoria-metrics",
  vmalert: "vmalert",
  alertmanager: "alertmanager",
  kubeStateMetrics: "kube-state-metrics",
  loki: "loki",
  alloy: "alloy",
  grafana: "grafana",
} as const;

export const PORTS = {
  victoriaMetrics: 8428,
  vmalert: 8880,
  alertmanager: 9093,
  kubeStateMetrics: 8080,
  loki: 3100,
  grafana: 3000,
};

/** The label our NetworkPolicies select monitoring pods by (set through each chart's pod labels). */
export const ROLE_LABEL = MONITORING_ROLE_LABEL;
export type MonitoringRole = "scraper" | "rules" | "alertmanager" | "state" | "logs" | "collector" | "grafana" | "alert-test";
export const roleLabels = (role: MonitoringRole) => ({ [ROLE_LABEL]: role });

export const url = (release: keyof typeof RELEASES, port: number) => `http://${RELEASES[release]}.${NAMESPACE}.svc:${port}`;

/** The managed volumes monitoring adds to the storage table (the `grafana` row is FAF's, always present). */
export const MONITORING_VOLUMES = {
  "victoria-metrics": { folder: "victoria-metrics", size: "50Gi", namespace: NAMESPACES.ops, usage: "database" },
  // The Loki chart's StatefulSet `loki` claims `storage-loki-0`.
  loki: { folder: "loki", size: "50Gi", namespace: NAMESPACES.ops, usage: "bulk", claim: "storage-loki-0" },
} as const;

/** FAF's Loki kept 24h by default and 720h for streams labelled `loki_retention="long"` (faf-stack monitoring.yml); gitops-stack 168h. */
export const LOG_RETENTION = { default: "168h", long: "720h", longSelector: '{loki_retention="long"}' };
/** The pod label that puts a workload's logs on the long retention. */
export const LONG_RETENTION_LABEL = "faforever.com/log-retention";

const SIZES = {
  small: {
    metricsRetention: "7d",
    logRetention: "24h",
    scrapeInterval: "60s",
    vm: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    loki: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    small: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
    grafana: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "384Mi" } },
  },
  node: {
    // FAF's Prometheus kept 12 weeks (faf-stack monitoring.yml).
    metricsRetention: "12w",
    logRetention: LOG_RETENTION.default,
    scrapeInterval: "30s",
    vm: { requests: { cpu: "200m", memory: "512Mi" }, limits: { memory: "2Gi" } },
    loki: { requests: { cpu: "200m", memory: "512Mi" }, limits: { memory: "2Gi" } },
    small: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } },
    grafana: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
  },
} as const;

export function sizing(monitoring: MonitoringProfile) {
  return SIZES[monitoring.size];
}

/** Pod and container settings every monitoring pod gets: the restricted profile's fields. */
const RESTRICTED_POD = (uid: number) => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
});
const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

/** VictoriaMetrics single: stores and scrapes (the scrape file is our ConfigMap `scrapeConfigMap`). */
export function victoriaMetricsValues(monitoring: MonitoringProfile, scrapeConfigMap: string): Record<string, unknown> {
  const size = sizing(monitoring);
  return {
    server: {
      fullnameOverride: RELEASES.victoriaMetrics,
      retentionPeriod: size.metricsRetention,
      mode: "statefulSet",
      persistentVolume: { enabled: true, existingClaim: claimName("victoria-metrics") },
      scrape: { enabled: true, configMap: scrapeConfigMap },
      extraArgs: { "promscrape.streamParse": "true", "search.maxUniqueTimeseries": "300000" },
      podLabels: roleLabels("scraper"),
      resources: size.vm,
      podSecurityContext: { enabled: true, ...RESTRICTED_POD(65534) },
      securityContext: { enabled: true, ...RESTRICTED_CONTAINER },
    },
    // The chart's ClusterRole lets it discover pods and nodes and read the kubelet's metrics.
    rbac: { create: true },
  };
}

/** vmalert (rules from our ConfigMap `rulesConfigMap`) and Alertmanager (config from `alertmanagerConfigMap`). */
export function vmalertValues(
  monitoring: MonitoringProfile,
  baseDomain: string,
  rulesConfigMap: string,
  alertmanagerConfigMap: string,
  receiverSecret: string | undefined,
): Record<string, unknown> {
  const size = sizing(monitoring);
  return {
    server: {
      fullnameOverride: RELEASES.vmalert,
      datasource: { url: url("victoriaMetrics", PORTS.victoriaMetrics) },
      notifier: { url: url("alertmanager", PORTS.alertmanager) },
      // Every rule file of the ConfigMap (one key per file under components/monitoring/rules/).
      configMap: rulesConfigMap,
      extraArgs: { rule: ["/config/*.yaml"], "external.url": `https://${fqdn("grafana", baseDomain)}` },
      podLabels: roleLabels("rules"),
      resources: size.small,
      podSecurityContext: { enabled: true, ...RESTRICTED_POD(65534) },
      securityContext: { enabled: true, ...RESTRICTED_CONTAINER },
    },
    alertmanager: {
      enabled: true,
      fullnameOverride: RELEASES.alertmanager,
      configMap: alertmanagerConfigMap,
      podLabels: roleLabels("alertmanager"),
      resources: size.small,
      podSecurityContext: { enabled: true, ...RESTRICTED_POD(65534) },
      securityContext: { enabled: true, ...RESTRICTED_CONTAINER },
      // The webhook URL is a file from the receiver's Secret (`webhook_url_file`), never in the ConfigMap.
      ...(receiverSecret
        ? {
            extraVolumes: [{ name: "receiver", secret: { secretName: receiverSecret } }],
            extraVolumeMounts: [{ name: "receiver", mountPath: RECEIVER_MOUNT, readOnly: true }],
          }
        : {}),
    },
  };
}

export const RECEIVER_MOUNT = "/etc/alertmanager/receiver";
export const RECEIVER_KEY = "webhookUrl";

/** kube-state-metrics: object state for the pod, job, backup and data-service alerts. */
export function kubeStateMetricsValues(monitoring: MonitoringProfile): Record<string, unknown> {
  return {
    fullnameOverride: RELEASES.kubeStateMetrics,
    podLabels: roleLabels("state"),
    resources: sizing(monitoring).small,
    // Scraped by our own static job, not through annotations.
    prometheusScrape: false,
    collectors: ["cronjobs", "deployments", "jobs", "nodes", "persistentvolumeclaims", "pods", "statefulsets"],
    // kube_pod_container_resource_limits needs no label allowlist; the app label names the workload.
    metricLabelsAllowlist: ["pods=[app.kubernetes.io/name]"],
  };
}

/** Loki in one binary on the `loki` volume, filesystem storage, 7 days (30 for the long label). */
export function lokiValues(monitoring: MonitoringProfile): Record<string, unknown> {
  const size = sizing(monitoring);
  return {
    fullnameOverride: RELEASES.loki,
    deploymentMode: "Monolithic",
    loki: {
      auth_enabled: false,
      commonConfig: { replication_factor: 1 },
      storage: { type: "filesystem" },
      schemaConfig: {
        configs: [
          {
            from: "2024-01-01",
            store: "tsdb",
            object_store: "filesystem",
            schema: "v13",
            index: { prefix: "index_", period: "24h" },
          },
        ],
      },
      compactor: {
        retention_enabled: true,
        delete_request_store: "filesystem",
        compaction_interval: "10m",
        retention_delete_delay: "2h",
      },
      limits_config: {
        retention_period: size.logRetention,
        retention_stream: [{ selector: LOG_RETENTION.longSelector, priority: 1, period: LOG_RETENTION.long }],
      },
    },
    singleBinary: {
      replicas: 1,
      podLabels: roleLabels("logs"),
      resources: size.loki,
      affinity: null,
      // Single binary with no rules: the chart's rules sidecar has nothing to load.
      sidecar: false,
      persistence: { enabled: true, storageClass: STORAGE_CLASS, size: MONITORING_VOLUMES.loki.size },
    },
    read: { replicas: 0 },
    write: { replicas: 0 },
    backend: { replicas: 0 },
    gateway: { enabled: false },
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    lokiCanary: { enabled: false },
    test: { enabled: false },
    minio: { enabled: false },
    monitoring: { selfMonitoring: { enabled: false }, serviceMonitor: { enabled: false } },
  };
}

/**
 * Alloy's pipeline: every FAF namespace's pod logs, read through the Kubernetes API (no host
 * mount), labelled namespace/pod/container/app, the long-retention label carried over.
 */
export function alloyConfig(namespaces: readonly string[]): string {
  const names = [...namespaces].sort().map((n) => JSON.stringify(n));
  const label = `__meta_kubernetes_pod_label_${LONG_RETENTION_LABEL.replace(/[./-]/g, "_")}`;
  return `discovery.kubernetes "pods" {
  role = "pod"
  namespaces {
    names = [${names.join(", ")}]
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "app"
  }
  rule {
    source_labels = ["${label}"]
    target_label  = "loki_retention"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.write.local.receiver]
}

loki.write "local" {
  endpoint {
    url = "${url("loki", PORTS.loki)}/loki/api/v1/push"
  }
}
`;
}

/** Alloy as one pod (a Deployment): logs come through the API server, so no host access is needed (docs/decisions/021). */
export function alloyValues(monitoring: MonitoringProfile, namespaces: readonly string[]): Record<string, unknown> {
  return {
    fullnameOverride: RELEASES.alloy,
    crds: { create: false },
    alloy: {
      configMap: { create: true, content: alloyConfig(namespaces) },
      mounts: { varlog: false, dockercontainers: false, extra: [{ name: "storage", mountPath: "/tmp/alloy" }] },
      enableReporting: false,
      resources: sizing(monitoring).small,
      securityContext: RESTRICTED_CONTAINER,
      storagePath: "/tmp/alloy",
    },
    controller: {
      type: "deployment",
      replicas: 1,
      podLabels: roleLabels("collector"),
      volumes: { extra: [{ name: "storage", emptyDir: {} }] },
    },
    global: { podSecurityContext: RESTRICTED_POD(473) },
  };
}

export type GrafanaInput = Pick<Profile, "environment" | "baseDomain" | "access"> & { monitoring: MonitoringProfile };

/** Grafana's role from FAF login groups (JMESPath on the `groups` claim): admins Admin, maintainers Editor, others refused. */
export function grafanaRoleExpression(access: Profile["access"]): string {
  const any = (groups: readonly string[]) => groups.map((g) => `contains(groups[*], '${g.replace(/'/g, "\\'")}')`).join(" || ");
  const parts: string[] = [];
  if (access.adminGroups.length > 0) parts.push(`(${any(access.adminGroups)}) && 'Admin'`);
  if (access.maintainerGroups.length > 0) parts.push(`(${any(access.maintainerGroups)}) && 'Editor'`);
  // No mapped group: an empty role, which role_attribute_strict turns into "login refused".
  return parts.length > 0 ? `${parts.join(" || ")} || ''` : "''";
}

export const GRAFANA_SECRET = "grafana";
export const GRAFANA_SECRET_KEYS = { adminUser: "admin-user", adminPassword: "admin-password", oidc: "oidcClientSecret" };
export const DASHBOARD_PROVIDER = "faf";

/** Grafana at grafana.<domain> behind FAF's login (Hydra), on the `grafana` volume, with provisioned data sources and dashboards. */
export function grafanaValues(input: GrafanaInput, dashboardsConfigMap: string): Record<string, unknown> {
  const host = fqdn("grafana", input.baseDomain);
  const hydra = `https://${fqdn("hydra", input.baseDomain)}`;
  return {
    fullnameOverride: RELEASES.grafana,
    podLabels: roleLabels("grafana"),
    resources: sizing(input.monitoring).grafana,
    persistence: { enabled: true, existingClaim: claimName("grafana") },
    // fsGroup owns the volume; the chart's root chown init container is not needed (and not baseline-clean).
    initChownData: { enabled: false },
    securityContext: RESTRICTED_POD(472),
    // The admin fallback: FAF's `/grafana` folder in Infisical (admin-user, admin-password), or generated.
    admin: {
      existingSecret: GRAFANA_SECRET,
      userKey: GRAFANA_SECRET_KEYS.adminUser,
      passwordKey: GRAFANA_SECRET_KEYS.adminPassword,
    },
    envValueFrom: {
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: GRAFANA_SECRET, key: GRAFANA_SECRET_KEYS.oidc } },
    },
    "grafana.ini": {
      server: { domain: host, root_url: `https://${host}` },
      analytics: { reporting_enabled: false, check_for_updates: false },
      security: { angular_support_enabled: false, cookie_secure: input.environment !== "local" },
      users: { allow_sign_up: false },
      "auth.anonymous": { enabled: false },
      "auth.generic_oauth": {
        enabled: true,
        name: "FAF",
        allow_sign_up: true,
        client_id: input.monitoring.oidcClientId,
        scopes: "openid profile email",
        auth_url: `${hydra}/oauth2/auth`,
        token_url: `${hydra}/oauth2/token`,
        api_url: `${hydra}/userinfo`,
        use_pkce: true,
        login_attribute_path: "preferred_username",
        groups_attribute_path: "groups",
        role_attribute_path: grafanaRoleExpression(input.access),
        // Anyone may hold a FAF account: without an admin or maintainer group, no login.
        role_attribute_strict: true,
        allow_assign_grafana_admin: false,
      },
    },
    datasources: {
      "datasources.yaml": {
        apiVersion: 1,
        datasources: [
          {
            name: "VictoriaMetrics",
            uid: "metrics",
            type: "prometheus",
            url: url("victoriaMetrics", PORTS.victoriaMetrics),
            access: "proxy",
            isDefault: true,
          },
          { name: "Loki", uid: "logs", type: "loki", url: url("loki", PORTS.loki), access: "proxy" },
          {
            name: "Alertmanager",
            uid: "alerts",
            type: "alertmanager",
            url: url("alertmanager", PORTS.alertmanager),
            access: "proxy",
            jsonData: { implementation: "prometheus" },
          },
        ],
      },
    },
    dashboardProviders: {
      "dashboardproviders.yaml": {
        apiVersion: 1,
        providers: [
          {
            name: DASHBOARD_PROVIDER,
            orgId: 1,
            folder: "FAF",
            type: "file",
            // Dashboards are code: an edit in the UI is not kept.
            disableDeletion: true,
            allowUiUpdates: false,
            options: { path: `/var/lib/grafana/dashboards/${DASHBOARD_PROVIDER}` },
          },
        ],
      },
    },
    dashboardsConfigMaps: { [DASHBOARD_PROVIDER]: dashboardsConfigMap },
    sidecar: { dashboards: { enabled: false }, datasources: { enabled: false } },
    testFramework: { enabled: false },
    // Traefik serves it; our IngressRoute and NetworkPolicy say who reaches it.
    ingress: { enabled: false },
    service: { type: "ClusterIP", port: 80, targetPort: PORTS.grafana },
  };
}
