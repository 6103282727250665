import type { WorkloadSpec } from "../apps/spec";
import { DATA_SERVICES } from "../lib/names";
import type { DataContext } from "./common";
import { BACKUPS_MOUNT, userEnv, type DataJob } from "./jobs";
import { DATABASE_SERVER, DATABASE_UID } from "./server";
import type { DatabaseUser } from "./plan";

/**
 * MongoDB as FAF runs it today (gitops-stack `infra/mongodb`): the official image on the
 * `mongodb` volume (subPath `data/db`, where FAF's data is) with its dumps at `/data/backup`, one instance; users made by an
 * idempotent setup job per user (docs/decisions/013).
 */
const IMAGE = { repository: "docker.io/library/mongo", tag: "8.3.2" };
export const MONGODB_IMAGE = `${IMAGE.repository}:${IMAGE.tag}`;
const HOST = `${DATA_SERVICES.mongodb.service}.${DATA_SERVICES.mongodb.namespace}.svc.cluster.local`;
const PING = ["mongosh", "--quiet", "--eval", "db.adminCommand('ping').ok"];

export const mongodbSpec: WorkloadSpec = {
  name: DATA_SERVICES.mongodb.service,
  description: "MongoDB for NodeBB (the forum)",
  ...DATABASE_SERVER,
  image: IMAGE,
  ports: [{ name: "mongodb", port: DATA_SERVICES.mongodb.port }],
  env: { MONGO_INITDB_ROOT_USERNAME: "root" },
  secrets: { keys: ["MONGO_INITDB_ROOT_PASSWORD"] },
  volumes: [
    { volume: "mongodb", mountPath: "/data/db", subPath: "data/db" },
    // FAF's dump directory in the server's pod (`mongodump --out /data/backup` by hand): here the
    // backups dataset, where the nightly archives are too, so a dump never fills the data's quota
    // and rolling the data back never takes the dumps with it (docs/decisions/027).
    { volume: "backups-mongodb", mountPath: "/data/backup" },
  ],
  scratch: [{ mountPath: "/data/configdb", sizeLimit: "16Mi" }, { mountPath: "/tmp" }],
  probes: {
    startup: { exec: PING, periodSeconds: 5, timeoutSeconds: 30, failureThreshold: 60 },
    readiness: { exec: PING, periodSeconds: 10, timeoutSeconds: 10 },
    liveness: { tcp: { port: "mongodb" }, periodSeconds: 30, failureThreshold: 4 },
  },
};

const admin = { name: "ROOT_PASSWORD", secret: { name: "mongodb", key: "MONGO_INITDB_ROOT_PASSWORD" } } as const;
const base = { service: "mongodb", namespace: DATA_SERVICES.mongodb.namespace, image: MONGODB_IMAGE, uid: DATABASE_UID };
/** mongodump and mongorestore read the root password from a file; mongosh takes it as an argument inside the pod. */
const LOGIN = [
  'tools="${TMPDIR:-/tmp}/tools.yaml"; printf "password: %s\\n" "$ROOT_PASSWORD" > "$tools"',
  `login="--host ${HOST} --username root --authenticationDatabase admin"`,
].join("\n");

/** Creates the user on its database (readWrite, plus clusterMonitor as FAF grants today), or resets its password and roles. */
export function mongodbUserJob(user: DatabaseUser, credentials: string): DataJob {
  return {
    ...base,
    role: `user-${user.user}`,
    env: [admin, ...userEnv(user, credentials)],
    script: [
      LOGIN,
      `until mongosh --quiet $login --password "$ROOT_PASSWORD" --eval 'db.adminCommand("ping").ok' >/dev/null 2>&1; do echo "waiting for ${HOST}"; sleep 2; done`,
      `mongosh --quiet $login --password "$ROOT_PASSWORD" --eval '`,
      "const name = process.env.DB_USER, database = process.env.DB_NAME, pwd = process.env.DB_PASSWORD;",
      'const roles = [{ role: "readWrite", db: database }, { role: "clusterMonitor", db: "admin" }];',
      "const target = db.getSiblingDB(database);",
      "if (target.getUser(name)) target.updateUser(name, { pwd, roles }); else target.createUser({ user: name, pwd, roles });",
      'print("user " + name + " on " + database);',
      "'",
    ].join("\n"),
  };
}

/** Nightly: a gzip archive of every database; old archives pruned. */
export function mongodbBackupJob(context: DataContext): DataJob {
  return {
    ...base,
    role: "backup",
    backups: "backups-mongodb",
    env: [
      admin,
      { name: "BACKUPS", value: BACKUPS_MOUNT },
      { name: "RETENTION_DAYS", value: String(context.backups.retentionDays) },
    ],
    script: [
      LOGIN,
      "stamp=$(date -u +%Y-%m-%dT%H%M%SZ)",
      'if [ -e "$BACKUPS/$stamp.archive.gz" ]; then echo "a backup $stamp exists already"; exit 1; fi',
      'mongodump $login --config "$tools" --gzip --archive="$BACKUPS/.$stamp.archive.gz"',
      // Only a complete archive gets its final name, so a restore never reads half a backup.
      'mv "$BACKUPS/.$stamp.archive.gz" "$BACKUPS/$stamp.archive.gz"',
      'find "$BACKUPS" -maxdepth 1 -name "20*.archive.gz" -mtime "+$RETENTION_DAYS" -delete',
      'find "$BACKUPS" -maxdepth 1 -name ".20*.archive.gz" -mtime +0 -delete',
      'echo "backup $BACKUPS/$stamp.archive.gz done"',
    ].join("\n"),
  };
}

/** What an admin applies to restore the newest (or `$BACKUP`) archive, dropping each collection first. */
export function mongodbRestoreJob(): DataJob {
  return {
    ...base,
    role: "restore",
    backups: "backups-mongodb",
    env: [admin, { name: "BACKUPS", value: BACKUPS_MOUNT }, { name: "BACKUP", value: "" }],
    script: [
      LOGIN,
      // The glob sorts by name, and the names are UTC timestamps: the last one is the newest.
      'newest=""; for f in "$BACKUPS"/20*.archive.gz; do [ -f "$f" ] && newest="$f"; done',
      'archive="${BACKUP:+$BACKUPS/$BACKUP}"; archive="${archive:-$newest}"',
      'if [ -z "$archive" ] || [ ! -f "$archive" ]; then echo "no backup to restore in $BACKUPS (BACKUP=${BACKUP:-newest})"; exit 1; fi',
      'echo "restoring $archive"',
      'mongorestore $login --config "$tools" --drop --gzip --archive="$archive"',
    ].join("\n"),
  };
}
