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
/** The server's major version: what the data directory must be before the server starts. */
export const POSTGRES_MAJOR = IMAGE.tag.split(".")[0]!;
/**
 * FAF's major-version upgrade step (gitops-stack `infra/postgres`): pgautoupgrade for the
 * server's major, which carries the older servers' binaries for `pg_upgrade` (docs/decisions/028).
 */
export const PGAUTOUPGRADE_IMAGE = "docker.io/pgautoupgrade/pgautoupgrade:17-bookworm";
/** Where pgautoupgrade's image keeps its entry point (which runs the upgrade, then exits in one-shot mode). */
export const PGAUTOUPGRADE_ENTRYPOINT = "/usr/local/bin/docker-entrypoint.sh";
/** The runbook the upgrade step names when it refuses to start the server. */
export const UPGRADE_RUNBOOK = "docs/runbooks/postgres-major-upgrade.md";

/**
 * The init step in front of the server: compares the data directory's `PG_VERSION` with the
 * server's major and runs pgautoupgrade (one shot: upgrade, reindex, exit) only when the data is
 * older. It refuses, with the runbook, a newer data directory (no in-place downgrade), a
 * half-finished earlier upgrade, and an upgrade image built for another major. Pure.
 */
export function postgresUpgradeScript(): string {
  const refuse = (why: string) => `  echo "refusing to start PostgreSQL: ${why}; see ${UPGRADE_RUNBOOK}" >&2; exit 1`;
  return [
    "set -eu",
    'target="$SERVER_MAJOR"',
    'if [ ! -s "$PGDATA/PG_VERSION" ]; then',
    '  echo "no cluster in $PGDATA yet: the server creates one at PostgreSQL $target"; exit 0',
    "fi",
    'current=$(cat "$PGDATA/PG_VERSION")',
    'if [ -e "$PGDATA/upgrade_in_progress.lock" ] || [ -e "$PGDATA/old" ] || [ -e "$PGDATA/new" ]; then',
    refuse("$PGDATA holds a half-finished upgrade (upgrade_in_progress.lock, old/ or new/)"),
    "fi",
    'case "$current" in',
    "  [0-9]*) ;;",
    `  *) ${refuse("$PGDATA/PG_VERSION holds $current, not a PostgreSQL version").trimStart()} ;;`,
    "esac",
    'if [ "$current" = "$target" ]; then',
    '  echo "the cluster is PostgreSQL $current, as the server: nothing to upgrade"; exit 0',
    "fi",
    // 9.6 -> 9: majors before 10 had two parts.
    'if [ "${current%%.*}" -gt "$target" ]; then',
    refuse(
      "the cluster in $PGDATA is PostgreSQL $current, newer than the server ($target), and a major version cannot be downgraded in place",
    ),
    "fi",
    'if [ "${PGTARGET%%.*}" != "$target" ]; then',
    refuse("the upgrade image targets PostgreSQL $PGTARGET but the server runs $target; pin both to one major"),
    "fi",
    'echo "upgrading the cluster in $PGDATA from PostgreSQL $current to $target (pg_upgrade --link, then reindex)"',
    "export PGAUTO_ONESHOT=yes",
    `exec ${PGAUTOUPGRADE_ENTRYPOINT} postgres`,
  ].join("\n");
}
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
  // Runs as the server's user on the server's volume: the data directory is already owned by it,
  // so pgautoupgrade's one-shot mode has no permissions to restore and needs no root.
  init: [
    {
      name: "pgautoupgrade",
      image: {
        repository: PGAUTOUPGRADE_IMAGE.slice(0, PGAUTOUPGRADE_IMAGE.lastIndexOf(":")),
        tag: PGAUTOUPGRADE_IMAGE.slice(PGAUTOUPGRADE_IMAGE.lastIndexOf(":") + 1),
      },
      command: ["/bin/bash", "-c"],
      args: [postgresUpgradeScript()],
      env: { SERVER_MAJOR: POSTGRES_MAJOR },
      resources: DATABASE_SERVER.resources,
    },
  ],
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
