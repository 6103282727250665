import type { WorkloadSpec } from "../apps/spec";
import { portNamed } from "../apps/pod";
import { DATA_SERVICES, NAMESPACES, workloadNamespace } from "../lib/names";

/**
 * What is scraped, and which metric names each target produces. The scrape configuration is
 * derived from here, and the tests check every rule and dashboard query against `produces`:
 * a query naming a metric nobody exports is a dashboard that silently shows nothing.
 * Pure: no Pulumi import.
 */

/** How a FAF service's metrics endpoint is built, which decides the metric names it exports. */
export type MetricsRuntime = "spring" | "quarkus" | "python-lobby" | "rust-replay";

/** Micrometer's Prometheus registry (Spring Boot actuator and Quarkus). */
const MICROMETER = [
  "jvm_memory_used_bytes",
  "jvm_memory_max_bytes",
  "jvm_threads_live_threads",
  "jvm_gc_pause_seconds_sum",
  "jvm_gc_pause_seconds_count",
  "process_cpu_usage",
  "http_server_requests_seconds_count",
  "http_server_requests_seconds_sum",
];

/** Metric names per runtime: the client library's own, plus the service's (FAForever/server `server/metrics.py`, faf-rust-replayserver `src/metrics.rs`). */
export const RUNTIME_METRICS: Record<MetricsRuntime, readonly string[]> = {
  spring: [...MICROMETER, "hikaricp_connections_active", "hikaricp_connections_max"],
  quarkus: MICROMETER,
  "python-lobby": [
    "process_resident_memory_bytes",
    "process_cpu_seconds_total",
    "server_user_online",
    "server_user_connections",
    "server_user_logins_total",
    "server_game_active_games_total",
    "server_matchmaker_queue_players",
    "server_matchmaker_queue_matches",
    "server_rating_service_backlog",
  ],
  "rust-replay": [
    "process_resident_memory_bytes",
    "process_cpu_seconds_total",
    "replayserver_active_connections_count",
    "replayserver_running_replays_count",
    "replayserver_finished_replays_total",
    "replayserver_saved_replay_files_total",
    "replayserver_served_connections_total",
  ],
};

/**
 * The runtime of every FAF workload that declares `metrics`. A workload that declares metrics
 * and is missing here fails the catalogue test: its dashboard needs to know what it exports.
 */
export const SERVICE_RUNTIMES: Record<string, MetricsRuntime> = {
  "faf-api": "spring",
  "faf-user-service": "quarkus",
  "faf-icebreaker": "quarkus",
  "faf-lobby-server": "python-lobby",
  "faf-replay-server": "rust-replay",
};

/** Every scrape target also yields these (the scraper adds them). */
export const SCRAPE_METRICS = ["up", "scrape_duration_seconds", "scrape_samples_scraped"];

/** kube-state-metrics: object state (pods, jobs, cron jobs, stateful sets, limits). */
export const KUBE_STATE_METRICS = [
  "kube_pod_status_ready",
  "kube_pod_status_phase",
  "kube_pod_container_status_waiting_reason",
  "kube_pod_container_status_restarts_total",
  "kube_pod_container_resource_limits",
  "kube_pod_container_resource_requests",
  "kube_job_status_failed",
  "kube_job_owner",
  "kube_cronjob_status_last_successful_time",
  "kube_cronjob_status_last_schedule_time",
  "kube_cronjob_next_schedule_time",
  "kube_cronjob_created",
  "kube_statefulset_replicas",
  "kube_statefulset_status_replicas_ready",
  "kube_deployment_status_replicas_available",
  "kube_node_status_allocatable",
  "kube_persistentvolumeclaim_info",
];

/** The kubelet's cAdvisor endpoint: what each container uses. */
export const CADVISOR_METRICS = [
  "container_memory_working_set_bytes",
  "container_cpu_usage_seconds_total",
  "container_network_receive_bytes_total",
  "container_network_transmit_bytes_total",
];

/** The host's node exporter (NixOS service), with the k3s certificate textfile it reads. */
export const NODE_METRICS = [
  "node_cpu_seconds_total",
  "node_load1",
  "node_memory_MemTotal_bytes",
  "node_memory_MemAvailable_bytes",
  "node_filesystem_size_bytes",
  "node_filesystem_avail_bytes",
  "node_textfile_scrape_error",
  /** Written by the host's faf-k3s-cert-metrics timer (components/host/nix.ts). */
  "faf_k3s_certificate_not_after_seconds",
];

/** The host's ZFS exporter (NixOS `services.prometheus.exporters.zfs`, pdf/zfs_exporter). */
export const ZFS_METRICS = [
  "zfs_pool_allocated_bytes",
  "zfs_pool_size_bytes",
  "zfs_pool_health",
  "zfs_dataset_used_bytes",
  "zfs_dataset_available_bytes",
  "zfs_dataset_quota_bytes",
];

/** Traefik's Prometheus endpoint (chart default: entry point `metrics`, port 9100). */
export const TRAEFIK_METRICS = [
  "traefik_tls_certs_not_after",
  "traefik_entrypoint_requests_total",
  "traefik_service_requests_total",
  "traefik_service_request_duration_seconds_bucket",
];
export const TRAEFIK_METRICS_PORT = 9100;

/** RabbitMQ's built-in Prometheus plugin. */
export const RABBITMQ_METRICS = [
  "rabbitmq_queue_messages_ready",
  "rabbitmq_queue_messages_unacked",
  "rabbitmq_connections",
  "rabbitmq_channels",
  "rabbitmq_process_resident_memory_bytes",
];
export const RABBITMQ_METRICS_PORT = 15692;

/** The host exporters' ports (host network; the NixOS firewall opens them to the pod network only). */
export const HOST_EXPORTER_PORTS = { node: 9100, zfs: 9134 } as const;
/** The kubelet's port on the node. */
export const KUBELET_PORT = 10250;

export interface ScrapeJob {
  /** The `job` label of its series. */
  job: string;
  /** The Prometheus-format scrape configuration. */
  config: Record<string, unknown>;
  /** The metric names it yields (beyond {@link SCRAPE_METRICS}). */
  produces: readonly string[];
}

/** Keep pods whose app label is `app` in `namespace`, and scrape `port` at `path`. */
function podJob(job: string, namespace: string, app: string, port: number, path: string): Record<string, unknown> {
  return {
    job_name: job,
    metrics_path: path,
    kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [namespace] } }],
    relabel_configs: [
      { source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], regex: app, action: "keep" },
      { source_labels: ["__meta_kubernetes_pod_phase"], regex: "Running", action: "keep" },
      {
        source_labels: ["__meta_kubernetes_pod_ip"],
        regex: "(.+)",
        target_label: "__address__",
        replacement: `$1:${port}`,
      },
      { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
      { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
    ],
  };
}

/** The kubelet and the host exporters, reached at the node's address. */
function nodeJob(job: string, port: number, https: boolean, path = "/metrics"): Record<string, unknown> {
  return {
    job_name: job,
    metrics_path: path,
    ...(https
      ? {
          scheme: "https",
          // k3s's kubelet serves a certificate of its own CA, not the service account's.
          tls_config: { insecure_skip_verify: true },
          bearer_token_file: "/var/run/secrets/kubernetes.io/serviceaccount/token",
        }
      : {}),
    kubernetes_sd_configs: [{ role: "node" }],
    relabel_configs: [
      {
        source_labels: ["__meta_kubernetes_node_address_InternalIP"],
        regex: "(.+)",
        target_label: "__address__",
        replacement: `$1:${port}`,
      },
      { source_labels: ["__meta_kubernetes_node_name"], target_label: "node" },
    ],
  };
}

export interface ScrapeInput {
  /** The selected workloads; those that declare `metrics` are scraped. */
  workloads: readonly WorkloadSpec[];
  /** Whether the selected workloads run RabbitMQ (its Prometheus plugin is scraped). */
  rabbitmq: boolean;
  /** The host's exporters run (a provisioned host). */
  hostMetrics: boolean;
  /** kube-state-metrics' Service, `<name>.<namespace>.svc:<port>`. */
  kubeStateMetrics: string;
}

/** Every scrape job of a stack. Workloads without `metrics` are never scraped. */
export function scrapeJobs(input: ScrapeInput): ScrapeJob[] {
  const jobs: ScrapeJob[] = [];
  for (const spec of [...input.workloads].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!spec.metrics) continue;
    const runtime = SERVICE_RUNTIMES[spec.name];
    if (!runtime) {
      throw new Error(
        `${spec.name}.metrics: no runtime in SERVICE_RUNTIMES (components/monitoring/targets.ts); add what it exports`,
      );
    }
    const port = portNamed(spec.ports ?? [], spec.metrics.port, `${spec.name}.metrics`).port;
    jobs.push({
      job: spec.name,
      config: podJob(spec.name, workloadNamespace(spec), spec.name, port, spec.metrics.path),
      produces: RUNTIME_METRICS[runtime],
    });
  }
  if (input.rabbitmq) {
    jobs.push({
      job: "rabbitmq",
      config: podJob("rabbitmq", DATA_SERVICES.rabbitmq.namespace, "rabbitmq", RABBITMQ_METRICS_PORT, "/metrics"),
      produces: RABBITMQ_METRICS,
    });
  }
  jobs.push(
    {
      job: "traefik",
      config: podJob("traefik", NAMESPACES.traefik, "traefik", TRAEFIK_METRICS_PORT, "/metrics"),
      produces: TRAEFIK_METRICS,
    },
    {
      job: "kube-state-metrics",
      config: { job_name: "kube-state-metrics", static_configs: [{ targets: [input.kubeStateMetrics] }] },
      produces: KUBE_STATE_METRICS,
    },
    { job: "cadvisor", config: nodeJob("cadvisor", KUBELET_PORT, true, "/metrics/cadvisor"), produces: CADVISOR_METRICS },
  );
  if (input.hostMetrics) {
    jobs.push(
      { job: "node", config: nodeJob("node", HOST_EXPORTER_PORTS.node, false), produces: NODE_METRICS },
      { job: "zfs", config: nodeJob("zfs", HOST_EXPORTER_PORTS.zfs, false), produces: ZFS_METRICS },
    );
  }
  return jobs;
}

/** The scrape file VictoriaMetrics reads (`-promscrape.config`). */
export function scrapeConfig(jobs: readonly ScrapeJob[], interval: string): Record<string, unknown> {
  return { global: { scrape_interval: interval }, scrape_configs: jobs.map((job) => job.config) };
}
