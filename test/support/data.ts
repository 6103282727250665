import type { DataContext } from "../../components/data/common";

/** A prod data context without a secret store, for tests of the data layer's pure parts and scripts. */
export const DATA_CONTEXT: DataContext = {
  environment: "prod",
  protect: true,
  backups: { schedule: "30 3 * * *", retentionDays: 14 },
  secretSource: { kind: "generated" },
  passwords: undefined,
};
