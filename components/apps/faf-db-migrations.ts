import type { WorkloadSpec } from "./spec";

export const fafDbMigrations: WorkloadSpec = {
  name: "faf-db-migrations",
  description: "Flyway migrations of the faf_lobby schema; every service on that schema starts after them",
  controller: "None",
  image: { repository: "faforever/faf-db-migrations", tag: "v144" },
  // The user is the one declared below (the data layer creates it); only its password is secret.
  env: { FLYWAY_URL: "jdbc:mariadb://{{mariadb}}:3306/faf_lobby?ssl=false", FLYWAY_USER: "faf-db-migrations" },
  secrets: { keys: ["FLYWAY_PASSWORD"] },
  databases: [{ engine: "mariadb", database: "faf_lobby", user: "faf-db-migrations", passwordKey: "FLYWAY_PASSWORD" }],
  // A large migration on a 100 GB schema can take a while; Flyway holds a lock, so a retry is safe.
  jobs: [{ name: "migrate", args: ["migrate"], activeDeadlineSeconds: 3600 }],
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
};
