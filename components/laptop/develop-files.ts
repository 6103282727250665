import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { WorkloadSpec } from "../apps/spec";
import { WRITE_FILES_COMMAND, developFiles } from "./develop";

const TYPE = "faf:laptop:DevelopFiles";

export interface DevelopFilesArgs {
  spec: WorkloadSpec;
  environment: "prod" | "test" | "local";
  baseDomain: string;
  /** The workload's generated Secret: its values go into the env file. */
  secretValues: pulumi.Output<Record<string, string>> | undefined;
}

/**
 * Writes, on the machine running `pulumi up`, the env file and files a developed service's
 * process reads (`.faf-develop/<service>.env`). The content travels as the command's stdin,
 * secret in the state; a change of any value writes the files again.
 */
export class DevelopFiles extends pulumi.ComponentResource {
  readonly paths: string[];

  constructor(name: string, args: DevelopFilesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const { spec, environment, baseDomain } = args;
    // The paths alone (no values), known before any secret resolves.
    const placeholders = Object.fromEntries((spec.secrets?.keys ?? []).map((key) => [key, ""]));
    this.paths = Object.keys(developFiles(spec, environment, baseDomain, placeholders)).sort();
    const content = pulumi
      .output(args.secretValues ?? {})
      .apply((values) => JSON.stringify(developFiles(spec, environment, baseDomain, values ?? {}), null, 2));
    new command.local.Command(
      `${name}-write`,
      { create: WRITE_FILES_COMMAND, update: WRITE_FILES_COMMAND, stdin: pulumi.secret(content) },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
