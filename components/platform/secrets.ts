import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Profile } from "../config/profile";
import { createObject } from "../lib/create";
import type { KubeObject } from "../lib/kube";
import { platformLabels } from "../lib/labels";
import { NAMESPACES } from "../lib/names";
import { pinnedChart } from "./charts";
import { INFISICAL_API, type SecretSource } from "./secret-sync";

const TYPE = "faf:platform:SecretStore";
/** FAF's name for the machine identity Secret (gitops-stack bootstrap step 4). */
export const IDENTITY_SECRET = "infisical-machine-identity";
const NAMESPACE = NAMESPACES.ops;

/** `https://app.infisical.com/api` -> `https://app.infisical.com` (the v1beta1 connection wants the site). */
export function infisicalSite(hostAPI: string): string {
  return hostAPI.replace(/\/+$/, "").replace(/\/api$/, "");
}

/** The connection and universal-auth objects every workload's sync refers to. Pure. */
export function infisicalAuthObjects(hostAPI: string): { connection: KubeObject; auth: KubeObject } {
  const labels = platformLabels("secrets");
  const ref = (key: string) => ({ name: IDENTITY_SECRET, namespace: NAMESPACE, key });
  return {
    connection: {
      apiVersion: INFISICAL_API,
      kind: "InfisicalConnection",
      metadata: { name: "infisical", namespace: NAMESPACE, labels },
      spec: { address: infisicalSite(hostAPI) },
    },
    auth: {
      apiVersion: INFISICAL_API,
      kind: "InfisicalAuth",
      metadata: { name: "infisical-universal", namespace: NAMESPACE, labels },
      spec: {
        method: "universal",
        infisicalConnectionRef: { name: "infisical", namespace: NAMESPACE },
        universal: { clientIdRef: ref("clientId"), clientSecretRef: ref("clientSecret") },
      },
    },
  };
}

export interface SecretStoreArgs {
  secrets: Profile["secrets"];
  /** The machine identity; undefined when its Secret is created outside Pulumi. */
  identity: { clientId: pulumi.Output<string>; clientSecret: pulumi.Output<string> } | undefined;
  after?: pulumi.Resource[];
}

/**
 * Where application secrets come from. With Infisical: the operator (pinned chart), the machine
 * identity's Secret, and the connection and auth that every workload's sync uses; no application
 * secret value passes through Pulumi. Generated: nothing here, each workload generates its own.
 */
export class SecretStore extends pulumi.ComponentResource {
  readonly source: SecretSource;
  /** What a workload's secret sync must wait for (the operator's CRDs and the auth object). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: SecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const after = args.after ?? [];
    if (args.secrets.source === "generated") {
      this.source = { kind: "generated" };
      this.ready = [];
      this.registerOutputs({});
      return;
    }
    // The chart keeps its CRDs in templates/: Chart v4 applies and upgrades them with the chart.
    const operator = pinnedChart(
      `${name}-operator`,
      "infisical",
      NAMESPACE,
      { installCRDs: true },
      { parent: this, dependsOn: after },
    );
    const identity = args.identity
      ? [
          new k8s.core.v1.Secret(
            `${name}-identity`,
            {
              metadata: { name: IDENTITY_SECRET, namespace: NAMESPACE, labels: platformLabels("secrets") },
              type: "Opaque",
              stringData: { clientId: args.identity.clientId, clientSecret: args.identity.clientSecret },
            },
            { parent: this, dependsOn: after },
          ),
        ]
      : [];
    if (!args.identity) {
      void pulumi.log.info(
        `The Infisical machine identity Secret ${NAMESPACE}/${IDENTITY_SECRET} is expected to exist (no faf:infisicalClientId/faf:infisicalClientSecret set).`,
        this,
      );
    }
    const { connection, auth } = infisicalAuthObjects(args.secrets.hostAPI);
    // "no matches for kind InfisicalConnection in version secrets.infisical.com/v1beta1" until the chart's CRDs exist.
    const connectionResource = createObject(`${name}-connection`, connection, { parent: this, dependsOn: [operator] });
    const authResource = createObject(`${name}-auth`, auth, {
      parent: this,
      dependsOn: [operator, connectionResource, ...identity],
    });
    this.source = {
      kind: "infisical",
      authRef: { name: auth.metadata.name, namespace: NAMESPACE },
      projectSlug: args.secrets.projectSlug,
      environment: args.secrets.environment,
    };
    this.ready = [operator, authResource];
    this.registerOutputs({});
  }
}
