import type { WorkloadSpec } from "./spec";

/**
 * Change data capture: faf_lobby's binlog (MariaDB writes it ROW/FULL for this) to the
 * `faf-debezium` exchange. `${...}` are resolved by Debezium Server from the environment.
 * TODO(data): FAF's offset and schema-history file names under /debezium/data are not in the
 * inventory; these names start a fresh offset (snapshot.mode schema_only: from the current binlog).
 */
const PROPERTIES = `debezium.source.connector.class=io.debezium.connector.mysql.MySqlConnector
debezium.source.connector.adapter=mariadb
debezium.source.database.hostname={{mariadb}}
debezium.source.database.port=3306
debezium.source.database.user=\${MARIADB_USER}
debezium.source.database.password=\${MARIADB_PASSWORD}
debezium.source.database.server.id=10297102
debezium.source.database.include.list=\${MARIADB_DATABASE:faf}
debezium.source.topic.prefix=faf
debezium.source.snapshot.mode=schema_only
debezium.source.offset.storage.file.filename=/debezium/data/offsets.dat
debezium.source.offset.flush.interval.ms=0
debezium.source.schema.history.internal=io.debezium.storage.file.history.FileSchemaHistory
debezium.source.schema.history.internal.file.filename=/debezium/data/schema-history.dat
debezium.sink.type=rabbitmq
debezium.sink.rabbitmq.connection.host={{rabbitmq}}
debezium.sink.rabbitmq.connection.port=5672
debezium.sink.rabbitmq.connection.username=\${RABBITMQ_USER}
debezium.sink.rabbitmq.connection.password=\${RABBITMQ_PASSWORD}
debezium.sink.rabbitmq.connection.virtual.host=/faf-core
debezium.sink.rabbitmq.exchange=faf-debezium
debezium.sink.rabbitmq.routingKeyFromTopicName=true
`;

export const debezium: WorkloadSpec = {
  name: "debezium",
  description: "Debezium Server: faf_lobby changes from the MariaDB binlog to RabbitMQ (faf-debezium); off in FAF",
  // One reader per binlog position and offset file.
  controller: "StatefulSet",
  image: { repository: "debezium/server", tag: "2.6.2.Final" },
  env: { MARIADB_USER: "debezium", MARIADB_DATABASE: "faf_lobby", RABBITMQ_USER: "debezium" },
  files: [{ path: "/debezium/conf/application.properties", content: PROPERTIES }],
  secrets: { keys: ["MARIADB_PASSWORD", "RABBITMQ_PASSWORD"] },
  volumes: [{ volume: "debezium", mountPath: "/debezium/data" }],
  scratch: [{ mountPath: "/tmp" }],
  // No FAF job creates this user; here the data layer does, with what the binlog
  // reader needs: it only reads faf_lobby, and locks tables while it snapshots the schema.
  databases: [
    {
      engine: "mariadb",
      database: "faf_lobby",
      user: "debezium",
      passwordKey: "MARIADB_PASSWORD",
      privileges: ["SELECT", "LOCK TABLES"],
      serverPrivileges: {
        privileges: ["RELOAD", "SHOW DATABASES", "REPLICATION SLAVE", "REPLICATION CLIENT"],
        reason: "Debezium reads the binary log as a replica and its position (change data capture)",
      },
    },
  ],
  // The exchange type is not in the inventory: topic, for the per-table routing keys.
  broker: {
    vhost: "/faf-core",
    user: "debezium",
    passwordKey: "RABBITMQ_PASSWORD",
    exchanges: [{ name: "faf-debezium", type: "topic" }],
  },
  requires: ["faf-db-migrations"],
  // No probes: FAF declares no port for it (and runs no replica), so there is no HTTP or TCP check,
  // and no command in the image says more than that the JVM runs. The catalogue and manifest tests
  // require readiness and liveness only where a port is declared.
  // TODO(data): Debezium Server serves Quarkus health on 8080 (/q/health); declare it as a port
  // (exposed: false) with probes once FAF runs it.
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
  // Off in FAF today (replicas 0): the objects exist, no pod runs.
  replicas: { prod: 0, test: 0, local: 0 },
  // FAF runs it as 1000:1000.
  security: { runAsUser: 1000 },
};
