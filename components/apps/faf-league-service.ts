import type { WorkloadSpec } from "./spec";

export const fafLeagueService: WorkloadSpec = {
  name: "faf-league-service",
  description: "League scores and divisions: consumes rating updates from RabbitMQ, writes the faf-league database",
  image: { repository: "faforever/faf-league-service", tag: "1.6.2" },
  env: {
    DB_SERVER: "{{mariadb}}",
    DB_PORT: "3306",
    DB_LOGIN: "faf-league-service",
    DB_NAME: "faf-league",
    // The service migrates its own schema (faf-league), not faf_lobby.
    AUTO_APPLY_MIGRATIONS: "1",
    MQ_USER: "faf-league-service",
    MQ_SERVER: "{{rabbitmq}}",
    MQ_PORT: "5672",
    MQ_VHOST: "/faf-core",
    MQ_PREFETCH_COUNT: "300",
    EXCHANGE_NAME: "faf-lobby",
    TRUESKILL_RATING_UPDATE_ROUTING_KEY: "success.rating.update",
    LEAGUE_SCORE_UPDATE_ROUTING_KEY: "success.leagueScore.update",
    LEAGUE_SCORE_UPDATE_FAIL_ROUTING_KEY: "failure.leagueScore.update",
    SEASON_GENERATION_DAYS_BEFORE_SEASON_END: "14",
    SEASON_LENGTH_MONTHS: "3",
    RATING_MODIFIER_FOR_PLACEMENT: "0",
    // The inventory gives one value ("1") for these four together.
    SCORE_GAIN: "1",
    POSITIVE_BOOST: "1",
    NEGATIVE_BOOST: "1",
    HIGHEST_DIVISION_BOOST: "1",
    POINT_BUFFER_AFTER_DIVISION_CHANGE: "2",
  },
  secrets: { keys: ["DB_PASSWORD", "MQ_PASSWORD"] },
  scratch: [{ mountPath: "/tmp" }],
  databases: [{ engine: "mariadb", database: "faf-league", user: "faf-league-service", passwordKey: "DB_PASSWORD" }],
  // It reads rating updates from faf-lobby and publishes league score updates back to it.
  broker: {
    vhost: "/faf-core",
    user: "faf-league-service",
    passwordKey: "MQ_PASSWORD",
    exchanges: [{ name: "faf-lobby", type: "topic" }],
  },
  // No probes: a queue consumer with no port (FAF declares none and sets no probes), so there is
  // nothing to be ready for and no HTTP or TCP check; the image has no command that would tell a
  // wedged consumer from a healthy one, so an exec liveness probe would only test that it runs.
  // The catalogue and manifest tests require readiness and liveness only where a port is declared.
  // FAF sets no resources; a small Python consumer.
  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
};
