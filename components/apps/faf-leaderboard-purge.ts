import type { WorkloadSpec } from "./spec";

/**
 * faf-stack's scheduled leaderboard purge: players without a game in the last year leave the
 * active leaderboards (`is_active` in `global_rating` and `ladder1v1_rating`). Written here
 * from that rule; it only ever deactivates.
 */
const PURGE_SQL = ["global_rating", "ladder1v1_rating"]
  .map(
    (table) =>
      `UPDATE ${table} r SET r.is_active = 0 WHERE r.is_active = 1 AND NOT EXISTS (` +
      "SELECT 1 FROM game_player_stats p JOIN game_stats g ON g.id = p.gameId " +
      "WHERE p.playerId = r.id AND g.startTime > NOW() - INTERVAL 1 YEAR);",
  )
  .join("\n");

export const fafLeaderboardPurge: WorkloadSpec = {
  name: "faf-leaderboard-purge",
  description: "Daily: players without games in a year become inactive on the leaderboards (faf-stack's host script)",
  controller: "None",
  image: { repository: "docker.io/library/mariadb", tag: "12.2" },
  env: { DB_HOST: "{{mariadb}}", DB_USER: "faf-leaderboard-purge", PURGE_SQL },
  secrets: { keys: ["DB_PASSWORD"], env: [], aliases: { MYSQL_PWD: "DB_PASSWORD" } },
  databases: [
    {
      engine: "mariadb",
      database: "faf_lobby",
      user: "faf-leaderboard-purge",
      passwordKey: "DB_PASSWORD",
      privileges: ["SELECT", "UPDATE"],
    },
  ],
  // The tables come from the migrations.
  requires: ["faf-db-migrations"],
  schedules: [
    {
      name: "purge",
      schedule: "30 4 * * *",
      command: ["sh", "-c", 'mariadb -h "$DB_HOST" -u "$DB_USER" faf_lobby -e "$PURGE_SQL"'],
      activeDeadlineSeconds: 1800,
    },
  ],
  resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
  // The mysql user of the official image.
  security: { runAsUser: 999 },
};
