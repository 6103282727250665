import type { WorkloadSpec } from "../apps/spec";
import { DATA_SERVICES } from "../lib/names";
import type { DataContext } from "./common";
import { BACKUPS_MOUNT, userEnv, type DataJob, type JobEnv } from "./jobs";
import { DATABASE_SERVER, DATABASE_UID } from "./server";
import type { DatabaseUser } from "./plan";

/**
 * PostgreSQL as FAF runs it today (gitops-stack `infra/postgres`): the official image on the
 * `postgres` volume, one instance; users and databases made by idempotent setup jobs, one per
 * user (docs/decisions/013).
 */
const IMAGE = { repository: "docker.io/library/postgres", tag: "17.9-bookworm" };
export const POSTGRES_IMAGE = `${IMAGE.repository}:${IMAGE.tag}`;
const HOST = `${DATA_SERVICES.postgres.service}.${DATA_SERVICES.postgres.namespace}.svc.cluster.local`;

export const postgresSpec: WorkloadSpec = {
  name: DATA_SERVICES.postgres.service,
  description: "PostgreSQL for Hydra and Wiki.js",
  ...DATABASE_SERVER,
  image: IMAGE,
  ports: [{ name: "postgres", port: DATA_SERVICES.postgres.port }],
  env: { POSTGRES_USER: "postgres", PGDATA: "/var/lib/postgresql/data" },
  secrets: { keys: ["POSTGRES_PASSWORD"] },
  volumes: [{ volume: "postgres", mountPath: "/var/lib/postgresql/data" }],
  scratch: [{ mountPath: "/var/run/postgresql", sizeLimit: "16Mi" }, { mountPath: "/tmp" }],
  probes: {
    startup: { exec: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"], periodSeconds: 5, failureThreshold: 60 },
    readiness: { exec: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"], periodSeconds: 10 },
    liveness: { tcp: { port: "postgres" }, periodSeconds: 30, failureThreshold: 4 },
  },
};

/** How every job reaches the server: as the superuser, through the server's own Service. */
const ADMIN: JobEnv[] = [
  { name: "PGPASSWORD", secret: { name: "postgres", key: "POSTGRES_PASSWORD" } },
  { name: "PGHOST", value: HOST },
  { name: "PGUSER", value: "postgres" },
];
const base = { service: "postgres", namespace: DATA_SERVICES.postgres.namespace, image: POSTGRES_IMAGE, uid: DATABASE_UID };

/**
 * Creates the role if missing, sets its password from the app's key, creates the database
 * owned by it if missing, grants it everything on it. Safe to run any number of times.
 */
export function postgresUserJob(user: DatabaseUser, credentials: string): DataJob {
  return {
    ...base,
    role: `user-${user.user}`,
    env: [...ADMIN, ...userEnv(user, credentials)],
    script: [
      'until pg_isready -q; do echo "waiting for $PGHOST"; sleep 2; done',
      'psql -v ON_ERROR_STOP=1 -d postgres -v user="$DB_USER" -v db="$DB_NAME" -v password="$DB_PASSWORD" <<\'SQL\'',
      "SELECT format('CREATE ROLE %I LOGIN', :'user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user')\\gexec",
      "SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'user', :'password')\\gexec",
      "SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\\gexec",
      "SELECT format('GRANT ALL PRIVILEGES ON DATABASE %I TO %I', :'db', :'user')\\gexec",
      "SQL",
      'echo "user $DB_USER owns database $DB_NAME"',
    ].join("\n"),
  };
}

/** Nightly: one custom-format dump per database plus the roles, into a dated folder; old folders pruned. */
export function postgresBackupJob(context: DataContext): DataJob {
  return {
    ...base,
    role: "backup",
    backups: "backups-postgres",
    env: [
      ...ADMIN,
      { name: "BACKUPS", value: BACKUPS_MOUNT },
      { name: "RETENTION_DAYS", value: String(context.backups.retentionDays) },
    ],
    script: [
      'stamp=$(date -u +%Y-%m-%dT%H%M%SZ); work="$BACKUPS/.$stamp"',
      'if [ -e "$BACKUPS/$stamp" ]; then echo "a backup $stamp exists already"; exit 1; fi',
      'mkdir -p "$work"',
      'pg_dumpall --globals-only > "$work/globals.sql"',
      "for db in $(psql -d postgres -Atc \"SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'\"); do",
      '  pg_dump -Fc -d "$db" -f "$work/$db.dump"',
      "done",
      // Only a complete dump gets its final name, so a restore never reads half a backup.
      'mv "$work" "$BACKUPS/$stamp"',
      'find "$BACKUPS" -mindepth 1 -maxdepth 1 -type d -name "20*" -mtime "+$RETENTION_DAYS" -exec rm -rf {} +',
      // A run that died half-way leaves a dot-folder: gone the next day.
      'find "$BACKUPS" -mindepth 1 -maxdepth 1 -type d -name ".20*" -mtime +0 -exec rm -rf {} +',
      'echo "backup $BACKUPS/$stamp done"',
    ].join("\n"),
  };
}

/** What an admin applies to restore: every database of the newest (or `$BACKUP`) dump, replacing its objects. */
export function postgresRestoreJob(): DataJob {
  return {
    ...base,
    role: "restore",
    backups: "backups-postgres",
    env: [...ADMIN, { name: "BACKUPS", value: BACKUPS_MOUNT }, { name: "BACKUP", value: "" }],
    script: [
      // The glob sorts by name, and the names are UTC timestamps: the last one is the newest.
      'newest=""; for d in "$BACKUPS"/20*/; do [ -d "$d" ] && newest="${d%/}"; done',
      'dir="${BACKUP:+$BACKUPS/$BACKUP}"; dir="${dir:-$newest}"',
      'if [ -z "$dir" ] || [ ! -d "$dir" ]; then echo "no backup to restore in $BACKUPS (BACKUP=${BACKUP:-newest})"; exit 1; fi',
      'echo "restoring $dir"',
      'for dump in "$dir"/*.dump; do',
      '  db=$(basename "$dump" .dump)',
      '  pg_restore --clean --if-exists -d "$db" "$dump"',
      '  echo "restored $db"',
      "done",
    ].join("\n"),
  };
}
