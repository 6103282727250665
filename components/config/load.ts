import { existsSync, readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_NAMES } from "../apps/catalogue";
import { parseSettings } from "./parse";
import { buildProfile, type Profile } from "./profile";
import { budgetProblem, selectionReport } from "../laptop/selection";
import { developProblem } from "../laptop/develop";
import { parseStackFileText, stackFileKeyProblems } from "./stack-file";

/**
 * Bad stack settings. A RunError, so `pulumi up` prints the message alone, without the
 * program's stack trace, and creates nothing.
 */
export class SettingsError extends pulumi.RunError {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

// Not in the SDK's typings, but exported: whether the engine handed a key over as a secret.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret: (key: string) => boolean };

/**
 * Keys of the stack file outside `config:`, which the engine never hands to the program: read
 * from the file itself (in the project directory, where `pulumi up` runs the program).
 */
function misplacedKeys(stackFile: string): string[] {
  if (!existsSync(stackFile)) return [];
  try {
    return stackFileKeyProblems(parseStackFileText(readFileSync(stackFile, "utf8"), stackFile), stackFile);
  } catch (error) {
    return [(error as Error).message];
  }
}

/** Secret settings, as Outputs that stay secret. */
export interface StackSecrets {
  /** Undefined: connect with the SSH agent. */
  sshPrivateKey: pulumi.Output<string> | undefined;
  /** The Infisical machine identity; undefined when its Secret is managed outside Pulumi. */
  infisical: { clientId: pulumi.Output<string>; clientSecret: pulumi.Output<string> } | undefined;
  /** The alert receiver's webhook URL with generated secrets; from Infisical otherwise. */
  alertWebhookUrl: pulumi.Output<string> | undefined;
}

/**
 * The one place that reads `pulumi.Config`: parses every setting before any resource exists.
 * Secret settings are read only with `requireSecret`; their values never enter the settings.
 */
export function loadStack(): { profile: Profile; secrets: StackSecrets } {
  const stack = pulumi.getStack();
  const raw = pulumi.runtime.allConfig();
  const result = parseSettings(raw, {
    stack,
    stackFile: `Pulumi.${stack}.yaml`,
    serviceNames: SERVICE_NAMES,
    secretKeys: Object.keys(raw).filter((key) => runtimeConfig.isConfigSecret(key)),
  });
  const misplaced = misplacedKeys(`Pulumi.${stack}.yaml`);
  if (!result.ok) throw new SettingsError([result.message, ...misplaced.map((line) => `  - ${line}`)].join("\n"));
  if (misplaced.length > 0)
    throw new SettingsError(["Invalid stack file:", ...misplaced.map((line) => `  - ${line}`)].join("\n"));
  const profile = buildProfile(result.settings);
  const developProblems = Object.entries(profile.develop).map(([name, target]) => {
    const spec = profile.services.workloads.find((s) => s.name === name);
    if (!spec) {
      return `faf:develop.${name}: ${name} is not in faf:services, so the cluster has no Service to send to your machine. Fix: add it to faf:services (pulumi config set --path 'faf:services[0]' ${name} --stack ${stack})`;
    }
    return developProblem(spec, target);
  });
  const problems = developProblems.filter((p): p is string => p !== undefined);
  if (problems.length > 0) {
    throw new SettingsError([`Invalid settings in Pulumi.${stack}.yaml:`, ...problems.map((p) => `  - ${p}.`)].join("\n"));
  }
  const tooBig = budgetProblem(selectionReport(profile), `Pulumi.${stack}.yaml`, stack);
  if (tooBig) throw new SettingsError(tooBig);
  const config = new pulumi.Config("faf");
  return {
    profile,
    secrets: {
      sshPrivateKey: result.settings.sshPrivateKey === undefined ? undefined : config.requireSecret("sshPrivateKey"),
      infisical:
        result.settings.infisicalClientId === undefined
          ? undefined
          : { clientId: config.requireSecret("infisicalClientId"), clientSecret: config.requireSecret("infisicalClientSecret") },
      alertWebhookUrl: result.settings.alertWebhookUrl === undefined ? undefined : config.requireSecret("alertWebhookUrl"),
    },
  };
}
