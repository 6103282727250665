import { InfisicalSDK } from "@infisical/sdk";
import type { ExpectedSecrets } from "../components/platform/secret-sync";

/** Lists the key names in one folder of the secret store. */
export type KeyLister = (path: string) => Promise<string[]>;

export interface CheckReport {
  missing: { path: string; reader: string; keys: string[] }[];
  checked: number;
}

/** Compares what the cluster will read with what the store holds. Values are never fetched. */
export async function checkSecrets(expected: readonly ExpectedSecrets[], list: KeyLister): Promise<CheckReport> {
  const missing: CheckReport["missing"] = [];
  let checked = 0;
  for (const folder of expected) {
    const present = new Set(await list(folder.path));
    const absent = folder.keys.filter((key) => !present.has(key));
    checked += folder.keys.length;
    if (absent.length > 0) missing.push({ path: folder.path, reader: folder.reader, keys: absent });
  }
  return { missing, checked };
}

export function formatReport(report: CheckReport, where: string): string {
  if (report.missing.length === 0) return `All ${report.checked} secret keys are present in ${where}.`;
  const count = report.missing.reduce((n, m) => n + m.keys.length, 0);
  return [
    `${count} of ${report.checked} secret keys are missing in ${where}:`,
    ...report.missing.map((m) => `  ${m.path} (read by ${m.reader}): ${m.keys.join(", ")}`),
    "Fix: add them in Infisical (the operator syncs each folder into the Secret of the same name).",
  ].join("\n");
}

export interface InfisicalTarget {
  siteUrl: string;
  projectId: string;
  environment: string;
  clientId: string;
  clientSecret: string;
}

/** A lister backed by the real Infisical SDK with universal auth (a machine identity). */
export async function infisicalLister(target: InfisicalTarget): Promise<KeyLister> {
  const sdk = new InfisicalSDK({ siteUrl: target.siteUrl });
  const client = await sdk.auth().universalAuth.login({ clientId: target.clientId, clientSecret: target.clientSecret });
  return async (path) => {
    const result = await client.secrets().listSecrets({
      projectId: target.projectId,
      environment: target.environment,
      secretPath: path,
      viewSecretValue: false,
      expandSecretReferences: false,
    });
    return result.secrets.map((secret) => secret.secretKey);
  };
}
