/**
 * npm run secrets:check -- <stack>
 * Lists the secret keys every enabled workload of the stack reads and reports those missing in
 * Infisical. Credentials: the machine identity's universal auth, from INFISICAL_CLIENT_ID and
 * INFISICAL_CLIENT_SECRET (the stack file's copies are encrypted and never decrypted here).
 * Exit codes: 0 all present; 1 keys missing or Infisical unreachable; 2 bad settings or usage.
 */
import { resolve } from "node:path";
import { SERVICE_NAMES } from "../components/apps/catalogue";
import { parseSettings } from "../components/config/parse";
import { buildProfile } from "../components/config/profile";
import { dataSecretFolders } from "../components/data/data-services";
import { expectedSecrets } from "../components/platform/secret-sync";
import { monitoringSecretFolders } from "../components/monitoring/alerting";
import { infisicalSite } from "../components/platform/secrets";
import { runCli } from "../render/run-cli";
import { readStackConfig, UsageError } from "../render/stack-file";
import { checkSecrets, formatReport, infisicalLister } from "./check";

async function main(): Promise<number> {
  const root = resolve(__dirname, "..");
  const [stack, ...rest] = process.argv.slice(2);
  if (!stack || rest.length > 0) throw new UsageError("usage: npm run secrets:check -- <stack>");
  const config = readStackConfig(root, stack, process.env.FAF_STACK_DIR ?? root);
  const parsed = parseSettings(config.config, { ...config, serviceNames: SERVICE_NAMES });
  if (!parsed.ok) throw new UsageError(parsed.message);
  const profile = buildProfile(parsed.settings);
  if (profile.secrets.source !== "infisical") {
    process.stdout.write(
      `Stack ${stack} generates its secrets (faf:secrets.source is ${profile.secrets.source}); nothing to check.\n`,
    );
    return 0;
  }
  const { projectId, environment, hostAPI } = profile.secrets;
  if (!projectId) {
    throw new UsageError(
      `faf:secrets.projectId is not set in ${config.stackFile}. Fix: pulumi config set --path faf:secrets.projectId <id> --stack ${stack} (Infisical: Project settings -> Project ID).`,
    );
  }
  const clientId = process.env.INFISICAL_CLIENT_ID;
  const clientSecret = process.env.INFISICAL_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    throw new UsageError(
      "set INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET to the machine identity's universal-auth credentials.",
    );
  }
  const expected = [
    ...expectedSecrets(profile.services.workloads, profile.argocd.enabled),
    ...dataSecretFolders(profile.services.dataServices),
    ...monitoringSecretFolders(profile.monitoring),
  ];
  const siteUrl = process.env.INFISICAL_SITE_URL ?? infisicalSite(hostAPI);
  const list = await infisicalLister({ siteUrl, projectId, environment, clientId, clientSecret });
  const report = await checkSecrets(expected, list);
  process.stdout.write(`${formatReport(report, `Infisical ${siteUrl} (environment ${environment})`)}\n`);
  return report.missing.length === 0 ? 0 : 1;
}

runCli("secrets:check", main);
