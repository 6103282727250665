import { restrictedJobContainerSecurity } from "../lib/kube";
import { contentHash } from "../lib/hash";
import type { KubeObject } from "../lib/kube";
import { platformLabels } from "../lib/labels";
import { DATA_SERVICES, NAMESPACES } from "../lib/names";
import { MARIADB_IMAGE, ROOT_PASSWORD_KEY } from "../data/mariadb";
import { oryHydra } from "../apps/ory-hydra";
import { SEED_OAUTH_CLIENTS, oauthClientsScript } from "./seed-oauth";

/**
 * `faf:seed`: what a laptop's FAF needs to be used at all, as FAF's Tilt setup gave it (its
 * `populate-db`): accounts with known passwords and roles, the OAuth clients a local FAF client
 * and the website log in with, a few maps, mods and featured mods. Created by Jobs after the
 * migrations, idempotently (run twice, the same rows). Never on prod or test: the settings refuse
 * `faf:seed` there, and {@link seedObjects} refuses any other environment too. Pure.
 */

export interface SeedAccount {
  id: number;
  login: string;
  email: string;
  /** Known on purpose: a laptop's test account. */
  password: string;
  /** FAF user groups (`user_group.technical_name`) the account belongs to. */
  groups: string[];
}

/** Ids from 9001: clear of anything a developer imports from FAF's own test data. */
export const SEED_ACCOUNTS: readonly SeedAccount[] = [
  { id: 9001, login: "admin", email: "admin@faforever.localhost", password: "admin", groups: ["faf_server_administrators"] },
  {
    id: 9002,
    login: "moderator",
    email: "moderator@faforever.localhost",
    password: "moderator",
    groups: ["faf_moderators_global"],
  },
  { id: 9003, login: "player1", email: "player1@faforever.localhost", password: "player1", groups: [] },
  { id: 9004, login: "player2", email: "player2@faforever.localhost", password: "player2", groups: [] },
];

/** The groups, with the message key FAF's clients show them by. Administrators get every permission. */
export const SEED_GROUPS = [
  { technicalName: "faf_server_administrators", nameKey: "user_group.faf.server_administrators", allPermissions: true },
  { technicalName: "faf_moderators_global", nameKey: "user_group.faf.moderators.global", allPermissions: false },
];

/** Featured mods as FAF runs them (ids are the ones FAF's clients and lobby know). */
export const SEED_FEATURED_MODS = [
  { id: 1, gamemod: "faf", name: "FAF", description: "Forged Alliance Forever", gitBranch: "deploy/faf", extension: "nx2" },
  { id: 6, gamemod: "ladder1v1", name: "FAF", description: "Ladder games", gitBranch: "deploy/faf", extension: "nx2" },
  { id: 25, gamemod: "coop", name: "Coop", description: "Multiplayer campaign games", gitBranch: "master", extension: "cop" },
];

export const SEED_MAPS = [
  { id: 9001, name: "Seed Valley", type: "FFA", players: 2, size: 512, author: 9003 },
  { id: 9002, name: "Seed Plateau", type: "FFA", players: 4, size: 1024, author: 9003 },
  { id: 9003, name: "Seed Islands", type: "FFA", players: 8, size: 2048, author: 9004 },
];

export const SEED_MODS = [
  { id: 9001, name: "Seed UI Mod", type: "UI", author: "player1", uid: "faf-seed-ui-mod-0001" },
  { id: 9002, name: "Seed Sim Mod", type: "SIM", author: "player2", uid: "faf-seed-sim-mod-0001" },
];

function sql(value: string | number | boolean): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/**
 * The seed's SQL on FAF's schema (faf-db, as the migrations job leaves it): every statement an
 * upsert or an insert guarded by NOT EXISTS, so a second run changes nothing. Passwords are
 * stored as FAF stores them (SHA-256, hex).
 */
export function seedSql(): string {
  const lines = [
    "-- faf:seed (laptop only): test accounts, groups, featured mods, maps, mods. Idempotent.",
    "START TRANSACTION;",
  ];
  for (const group of SEED_GROUPS) {
    lines.push(
      `INSERT INTO user_group (technical_name, name_key, public) SELECT ${sql(group.technicalName)}, ${sql(group.nameKey)}, 1 FROM DUAL` +
        ` WHERE NOT EXISTS (SELECT 1 FROM user_group WHERE technical_name = ${sql(group.technicalName)});`,
    );
    if (group.allPermissions) {
      lines.push(
        "INSERT INTO group_permission_assignment (group_id, permission_id) SELECT g.id, p.id FROM user_group g JOIN group_permission p" +
          ` WHERE g.technical_name = ${sql(group.technicalName)} AND NOT EXISTS (SELECT 1 FROM group_permission_assignment a` +
          " WHERE a.group_id = g.id AND a.permission_id = p.id);",
      );
    }
  }
  for (const account of SEED_ACCOUNTS) {
    lines.push(
      `INSERT INTO login (id, login, email, password, create_time) VALUES (${account.id}, ${sql(account.login)}, ${sql(account.email)},` +
        ` SHA2(${sql(account.password)}, 256), '2000-01-01 00:00:00')` +
        " ON DUPLICATE KEY UPDATE login = VALUES(login), email = VALUES(email), password = VALUES(password);",
    );
    for (const group of account.groups) {
      lines.push(
        `INSERT INTO user_group_assignment (user_id, group_id) SELECT ${account.id}, g.id FROM user_group g WHERE g.technical_name = ${sql(group)}` +
          ` AND NOT EXISTS (SELECT 1 FROM user_group_assignment a WHERE a.user_id = ${account.id} AND a.group_id = g.id);`,
      );
    }
  }
  for (const mod of SEED_FEATURED_MODS) {
    lines.push(
      "INSERT INTO game_featuredMods (id, gamemod, name, description, publish, git_url, git_branch, file_extension, allow_override)" +
        ` VALUES (${mod.id}, ${sql(mod.gamemod)}, ${sql(mod.name)}, ${sql(mod.description)}, 1, 'https://github.com/FAForever/fa.git',` +
        ` ${sql(mod.gitBranch)}, ${sql(mod.extension)}, ${sql(mod.id !== 1)})` +
        " ON DUPLICATE KEY UPDATE name = VALUES(name), description = VALUES(description), publish = VALUES(publish);",
    );
  }
  for (const map of SEED_MAPS) {
    const file = `maps/${map.name.toLowerCase().replace(/\W+/g, "_")}.v0001.zip`;
    lines.push(
      `INSERT INTO map (id, display_name, map_type, battle_type, author) VALUES (${map.id}, ${sql(map.name)}, ${sql(map.type)}, 'skirmish', ${map.author})` +
        " ON DUPLICATE KEY UPDATE display_name = VALUES(display_name);",
      "INSERT INTO map_version (id, description, max_players, width, height, version, filename, hidden, ranked, map_id)" +
        ` VALUES (${map.id}, ${sql(`${map.name}, seeded for a laptop`)}, ${map.players}, ${map.size}, ${map.size}, 1, ${sql(file)}, 0, 1, ${map.id})` +
        " ON DUPLICATE KEY UPDATE description = VALUES(description);",
    );
  }
  for (const mod of SEED_MODS) {
    const file = `${mod.name.toLowerCase().replace(/\W+/g, "_")}.v0001.zip`;
    lines.push(
      `INSERT INTO \`mod\` (id, display_name, author) VALUES (${mod.id}, ${sql(mod.name)}, ${sql(mod.author)})` +
        " ON DUPLICATE KEY UPDATE display_name = VALUES(display_name);",
      "INSERT INTO mod_version (id, mod_id, uid, version, description, type, filename)" +
        ` VALUES (${mod.id}, ${mod.id}, ${sql(mod.uid)}, 1, ${sql(`${mod.name}, seeded for a laptop`)}, ${sql(mod.type)}, ${sql(file)})` +
        " ON DUPLICATE KEY UPDATE description = VALUES(description);",
    );
  }
  lines.push("COMMIT;", "");
  return lines.join("\n");
}

const SEED_UID = 65534;

function seedLabels(role: string) {
  return { ...platformLabels("seed"), "app.kubernetes.io/name": `seed-${role}` };
}

/** A one-shot seed Job (name hashed on content: a changed seed runs again). */
function seedJob(role: string, namespace: string, image: string, script: string, env: unknown[], configMap?: string): KubeObject {
  const template = {
    metadata: { labels: seedLabels(role) },
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: SEED_UID,
        runAsGroup: SEED_UID,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: "seed",
          image,
          imagePullPolicy: "IfNotPresent",
          command: ["sh", "-c", `set -eu\n${script}`],
          env: [{ name: "HOME", value: "/tmp" }, ...env],
          resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
          securityContext: restrictedJobContainerSecurity(),
          volumeMounts: [
            { name: "tmp", mountPath: "/tmp" },
            ...(configMap ? [{ name: "seed", mountPath: "/seed", readOnly: true }] : []),
          ],
        },
      ],
      volumes: [
        { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
        ...(configMap ? [{ name: "seed", configMap: { name: configMap } }] : []),
      ],
    },
  };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `seed-${role}-${contentHash(template)}`, namespace, labels: seedLabels(role) },
    spec: { backoffLimit: 3, activeDeadlineSeconds: 600, template },
  };
}

export interface SeedObjects {
  /** The SQL and its Job (faf-infra, beside MariaDB), when the migrations run in this selection. */
  database: KubeObject[];
  /** The OAuth clients' Job and the policies that let it reach Hydra's admin port, when Hydra runs here. */
  oauth: KubeObject[];
}

/** The seed's objects for a selection. Refuses every environment but local. */
export function seedObjects(input: { environment: string; baseDomain: string; selected: readonly string[] }): SeedObjects {
  if (input.environment !== "local") throw new Error(`faf:seed: never on ${input.environment}; a laptop stack only`);
  const database: KubeObject[] = [];
  if (input.selected.includes("faf-db-migrations")) {
    const data = { "seed.sql": seedSql() };
    const name = `seed-sql-${contentHash(data)}`;
    database.push(
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace: NAMESPACES.infra, labels: seedLabels("database") },
        immutable: true,
        data,
      },
      seedJob(
        "database",
        NAMESPACES.infra,
        MARIADB_IMAGE,
        `mariadb --host=${DATA_SERVICES.mariadb.service} --port=${DATA_SERVICES.mariadb.port} --user=root --database=faf_lobby < /seed/seed.sql`,
        [{ name: "MYSQL_PWD", valueFrom: { secretKeyRef: { name: DATA_SERVICES.mariadb.service, key: ROOT_PASSWORD_KEY } } }],
        name,
      ),
    );
  }
  const oauth: KubeObject[] = [];
  if (input.selected.includes(oryHydra.name)) {
    const admin = oryHydra.ports?.find((p) => p.name === "admin")?.port ?? 4445;
    const hydraPods = { matchLabels: { "app.kubernetes.io/name": oryHydra.name, "app.kubernetes.io/instance": oryHydra.name } };
    const seedPods = { matchLabels: { "app.kubernetes.io/name": "seed-oauth" } };
    const image = `${oryHydra.image.repository}:${oryHydra.image.tag}`;
    oauth.push(
      seedJob(
        "oauth",
        NAMESPACES.apps,
        image,
        oauthClientsScript(SEED_OAUTH_CLIENTS, input.baseDomain, `http://${oryHydra.name}:${admin}`),
        [],
      ),
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "seed-oauth", namespace: NAMESPACES.apps, labels: seedLabels("oauth") },
        spec: {
          podSelector: seedPods,
          policyTypes: ["Egress"],
          egress: [{ to: [{ podSelector: hydraPods }], ports: [{ protocol: "TCP", port: admin }] }],
        },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "ory-hydra-from-seed", namespace: NAMESPACES.apps, labels: seedLabels("oauth") },
        spec: {
          podSelector: hydraPods,
          policyTypes: ["Ingress"],
          ingress: [{ from: [{ podSelector: seedPods }], ports: [{ protocol: "TCP", port: admin }] }],
        },
      },
    );
  }
  return { database, oauth };
}
