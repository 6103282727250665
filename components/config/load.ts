import * as pulumi from "@pulumi/pulumi";
import { SERVICE_NAMES } from "../apps/catalogue";
import { parseSettings } from "./parse";
import { buildProfile, type Profile } from "./profile";

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

/** The one place that reads `pulumi.Config`: parses every setting before any resource exists. */
export function loadProfile(): Profile {
  const stack = pulumi.getStack();
  const result = parseSettings(pulumi.runtime.allConfig(), {
    stack,
    stackFile: `Pulumi.${stack}.yaml`,
    serviceNames: SERVICE_NAMES,
  });
  if (!result.ok) throw new SettingsError(result.message);
  return buildProfile(result.settings);
}
