import type { WorkloadSpec } from "./spec";

export const mysqldExporter: WorkloadSpec = {
  name: "mysqld-exporter",
  description: "MariaDB metrics for the monitoring (faf-stack's mysql-exporter): status, binary log, table and user statistics",
  namespace: "ops",
  image: { repository: "prom/mysqld-exporter", tag: "v0.16.0" },
  // faf-stack's collectors (the server runs with userstat and query_response_time for them).
  args: [
    "--mysqld.address={{mariadb}}:3306",
    "--mysqld.username=faf-mysql-exporter",
    "--collect.binlog_size",
    "--collect.auto_increment.columns",
    "--collect.info_schema.processlist",
    "--collect.info_schema.tables",
    "--collect.info_schema.tablestats",
    "--collect.info_schema.userstats",
    "--collect.info_schema.query_response_time",
  ],
  ports: [{ name: "metrics", port: 9104, exposed: false }],
  secrets: { keys: ["MYSQLD_EXPORTER_PASSWORD"] },
  databases: [
    {
      engine: "mariadb",
      database: "faf_lobby",
      user: "faf-mysql-exporter",
      passwordKey: "MYSQLD_EXPORTER_PASSWORD",
      privileges: ["SELECT"],
      serverPrivileges: {
        privileges: ["PROCESS", "REPLICATION CLIENT", "SELECT"],
        reason: "the exporter reads the process list, the binary log's size and every schema's statistics",
      },
      // faf-stack's limit: a stuck scrape never takes the connections the services need.
      maxUserConnections: 3,
    },
  ],
  // Its grant on faf_lobby waits for the schema, as every faf_lobby user does.
  requires: ["faf-db-migrations"],
  probes: {
    liveness: { tcp: { port: "metrics" }, periodSeconds: 20, failureThreshold: 3 },
    readiness: { http: { port: "metrics", path: "/" }, periodSeconds: 10, failureThreshold: 2 },
  },
  metrics: { port: "metrics", path: "/metrics" },
  resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "128Mi" } },
};
