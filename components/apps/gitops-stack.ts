import type { ChartKey } from "../platform/charts";

/**
 * Every chart of FAF's gitops-stack (`apps/`, `infra/`, `ops/`, `cluster/`) and where it is
 * here: a workload data file, a pinned platform chart or table, or replaced or left out with
 * the reason. The catalogue test fails when a chart is in neither.
 */
export type GitopsChart =
  | { where: "workload"; workload: string }
  | { where: "platform"; chart: ChartKey | "storage-table" }
  | { where: "replaced"; by: string; reason: string }
  | { where: "absent"; reason: string };

const workload = (name: string): GitopsChart => ({ where: "workload", workload: name });
const stableName = (engine: string): GitopsChart => ({
  where: "replaced",
  by: `the data layer's stable name \`${engine}\` in faf-apps (components/data/common.ts stableName)`,
  reason: "the same ExternalName Service, made by the data layer for the engines the selection needs",
});

export const GITOPS_STACK: Record<`${"apps" | "infra" | "ops" | "cluster"}/${string}`, GitopsChart> = {
  "apps/debezium": workload("debezium"),
  "apps/ergochat": workload("ergochat"),
  "apps/faf-api": workload("faf-api"),
  "apps/faf-content": workload("faf-content"),
  "apps/faf-db-migrations": workload("faf-db-migrations"),
  "apps/faf-icebreaker": workload("faf-icebreaker"),
  "apps/faf-league-service": workload("faf-league-service"),
  "apps/faf-legacy-deployment": workload("faf-legacy-deployment"),
  "apps/faf-lobby-server": workload("faf-lobby-server"),
  "apps/faf-mariadb": stableName("mariadb"),
  "apps/faf-mongodb": stableName("mongodb"),
  "apps/faf-phpbb3-archive": workload("faf-phpbb3-archive"),
  "apps/faf-policy-server": workload("faf-policy-server"),
  "apps/faf-postgres": stableName("postgres"),
  "apps/faf-qai": workload("faf-qai"),
  "apps/faf-replay-server": workload("faf-replay-server"),
  "apps/faf-telemetry-server": workload("faf-telemetry-server"),
  "apps/faf-unitdb": workload("faf-unitdb"),
  "apps/faf-user-service": workload("faf-user-service"),
  "apps/faf-voting": workload("faf-voting"),
  "apps/faf-website": workload("faf-website"),
  "apps/nodebb": workload("nodebb"),
  "apps/ory-hydra": workload("ory-hydra"),
  "apps/rabbitmq": {
    where: "replaced",
    by: "the RabbitMQ cluster and topology operators (components/data/rabbitmq.ts)",
    reason: "users, vhosts and permissions as objects instead of rabbitmqadmin jobs (decision 012)",
  },
  "apps/wikijs": workload("wikijs"),
  "apps/wordpress": workload("wordpress"),
  "infra/clusterroles": {
    where: "replaced",
    by: "one ServiceAccount per workload without a token, and the data layer's own jobs",
    reason: "nothing reads other apps' Secrets any more: the read-every-Secret role is not needed",
  },
  "infra/mariadb": {
    where: "replaced",
    by: "mariadb-operator (components/data/mariadb.ts)",
    reason: "databases, users, grants and backups as objects (decision 011)",
  },
  "infra/mongodb": {
    where: "replaced",
    by: "the data layer's StatefulSet and setup Job (components/data/mongodb.ts)",
    reason: "the same official image, with setup jobs and backups (decision 013)",
  },
  "infra/postgres": {
    where: "replaced",
    by: "the data layer's StatefulSet and setup Job (components/data/postgres.ts)",
    reason: "the same official image, with setup jobs and backups (decision 013)",
  },
  "ops/infisical": { where: "platform", chart: "infisical" },
  "ops/keel": {
    where: "absent",
    reason: "Pulumi is the only writer of workloads; test follows branch builds by pulling them (decision 026)",
  },
  "ops/monitoring": {
    where: "absent",
    reason: "the monitoring stack is its own piece of work; pods carry scrape annotations and mysqld-exporter is ready for it",
  },
  "ops/whoami": workload("whoami"),
  "cluster/argocd": { where: "platform", chart: "argocd" },
  "cluster/replay-mounter": workload("replay-mounter"),
  "cluster/storage": { where: "platform", chart: "storage-table" },
  "cluster/traefik": { where: "platform", chart: "traefik" },
};
