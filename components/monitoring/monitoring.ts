import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { WorkloadSpec } from "../apps/spec";
import type { MonitoringProfile, Profile } from "../config/profile";
import { createObject } from "../lib/create";
import { contentHash } from "../lib/hash";
import type { KubeObject } from "../lib/kube";
import { platformLabels } from "../lib/labels";
import { NAMESPACES } from "../lib/names";
import { fqdn } from "../lib/template";
import { dumpYaml } from "../lib/yaml";
import { pinnedChart } from "../platform/charts";
import { infisicalStaticSecret, type SecretSource } from "../platform/secret-sync";
import { alertmanagerConfig, alertTestObjects, ruleFiles } from "./alerting";
import { monitoringPolicies } from "./policies";
import { scrapeConfig, scrapeJobs, type ScrapeJob } from "./targets";
import {
  alloyValues,
  GRAFANA_SECRET,
  GRAFANA_SECRET_KEYS,
  grafanaValues,
  kubeStateMetricsValues,
  lokiValues,
  NAMESPACE,
  PORTS,
  RECEIVER_KEY,
  RELEASES,
  sizing,
  url,
  victoriaMetricsValues,
  vmalertValues,
} from "./values";

const TYPE = "faf:monitoring:Monitoring";
export const DASHBOARDS_DIR = "components/monitoring/dashboards";
/** The receiver's Secret (Infisical folder `/alertmanager`, key `webhookUrl`). */
export const RECEIVER_SECRET = "alertmanager";

/** The dashboards as provisioned: file name -> JSON text, as committed. */
export function dashboardFiles(dir = DASHBOARDS_DIR): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith(".json"))
      .sort()
      .map((file) => [file, readFileSync(join(dir, file), "utf8")]),
  );
}

export type MonitoringInput = Pick<Profile, "environment" | "baseDomain" | "access" | "ingress"> & {
  monitoring: MonitoringProfile;
  workloads: readonly WorkloadSpec[];
  dataServices: readonly string[];
};

/** A ConfigMap whose name carries its content's hash, so a change rolls the pods that mount it. */
function hashedConfigMap(base: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${base}-${contentHash(data)}`, namespace: NAMESPACE, labels: platformLabels("monitoring") },
    immutable: true,
    data,
  };
}

/** Everything monitoring renders besides the charts and secrets. Pure. */
export function monitoringObjects(input: MonitoringInput): {
  jobs: ScrapeJob[];
  scrape: KubeObject;
  rules: KubeObject;
  alertmanager: KubeObject;
  dashboards: KubeObject;
  ingressRoute: KubeObject;
  policies: KubeObject[];
  alertTest: { serviceAccount: KubeObject; cronJob: KubeObject };
} {
  const jobs = scrapeJobs({
    workloads: input.workloads,
    rabbitmq: input.dataServices.includes("rabbitmq"),
    hostMetrics: input.monitoring.hostMetrics,
    kubeStateMetrics: url("kubeStateMetrics", PORTS.kubeStateMetrics).replace(/^http:\/\//, ""),
  });
  return {
    jobs,
    scrape: hashedConfigMap("metrics-scrape", {
      "scrape.yml": dumpYaml(scrapeConfig(jobs, sizing(input.monitoring).scrapeInterval)),
    }),
    rules: hashedConfigMap("alert-rules", ruleFiles()),
    alertmanager: hashedConfigMap("alertmanager", {
      "alertmanager.yaml": dumpYaml(alertmanagerConfig(input.monitoring.receiver)),
    }),
    dashboards: hashedConfigMap("grafana-dashboards", dashboardFiles()),
    ingressRoute: {
      apiVersion: "traefik.io/v1alpha1",
      kind: "IngressRoute",
      metadata: { name: "grafana", namespace: NAMESPACE, labels: platformLabels("monitoring") },
      spec: {
        entryPoints: input.ingress.entryPoints,
        routes: [
          {
            kind: "Rule",
            match: `Host(\`${fqdn("grafana", input.baseDomain)}\`)`,
            services: [{ name: RELEASES.grafana, port: 80 }],
          },
        ],
        ...(input.ingress.tls ? { tls: input.ingress.tls } : {}),
      },
    },
    policies: monitoringPolicies(jobs, input.monitoring.hostMetrics),
    alertTest: alertTestObjects(),
  };
}

export interface MonitoringArgs {
  input: MonitoringInput;
  secretSource: SecretSource;
  /** The receiver's webhook URL with generated secrets (settings refuse a receiver without it). */
  alertWebhookUrl: pulumi.Output<string> | undefined;
  /** Namespaces, secret store, Traefik's CRDs. */
  after: pulumi.Resource[];
  /** The claims of the `grafana`, `victoria-metrics` and `loki` volumes. */
  claims: Readonly<Record<string, pulumi.Resource>>;
}

/**
 * Metrics (VictoriaMetrics), alerts (vmalert, Alertmanager), object state (kube-state-metrics),
 * logs (Loki, Alloy) and Grafana, in faf-ops, from pinned charts (docs/decisions/020 and 021).
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly objects: ReturnType<typeof monitoringObjects>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const { input, after } = args;
    const objects = monitoringObjects(input);
    this.objects = objects;
    const claims = (key: string) => (args.claims[key] ? [args.claims[key]] : []);
    const make = (role: string, object: KubeObject, dependsOn: pulumi.Resource[] = after) =>
      createObject(`${name}-${role}`, object, { parent: this, dependsOn });

    for (const policy of objects.policies) make(`policy-${policy.metadata.name}`, policy);
    const scrape = make("scrape", objects.scrape);
    const rules = make("rules", objects.rules);
    const alertmanager = make("alertmanager-config", objects.alertmanager);
    const dashboards = make("dashboards", objects.dashboards);

    // Grafana's Secret: admin fallback and Hydra client secret. Infisical `/grafana` (FAF keeps
    // admin-user and admin-password there today) or generated on a laptop.
    const secrets: pulumi.Resource[] = [];
    const receiverSecret = input.monitoring.receiver ? RECEIVER_SECRET : undefined;
    if (args.secretSource.kind === "infisical") {
      secrets.push(make("grafana-sync", infisicalStaticSecret(GRAFANA_SECRET, NAMESPACE, args.secretSource)));
      if (receiverSecret)
        secrets.push(make("receiver-sync", infisicalStaticSecret(RECEIVER_SECRET, NAMESPACE, args.secretSource)));
    } else {
      const generated = (key: string) =>
        new random.RandomPassword(`${name}-${key}`, { length: 32, special: false }, { parent: this }).result;
      secrets.push(
        new k8s.core.v1.Secret(
          `${name}-grafana-secret`,
          {
            metadata: { name: GRAFANA_SECRET, namespace: NAMESPACE, labels: platformLabels("monitoring") },
            stringData: {
              [GRAFANA_SECRET_KEYS.adminUser]: "admin",
              [GRAFANA_SECRET_KEYS.adminPassword]: generated("grafana-admin"),
              [GRAFANA_SECRET_KEYS.oidc]: generated("grafana-oidc"),
            },
          },
          { parent: this, dependsOn: after },
        ),
      );
      if (receiverSecret && args.alertWebhookUrl) {
        secrets.push(
          new k8s.core.v1.Secret(
            `${name}-receiver-secret`,
            {
              metadata: { name: RECEIVER_SECRET, namespace: NAMESPACE, labels: platformLabels("monitoring") },
              stringData: { [RECEIVER_KEY]: args.alertWebhookUrl },
            },
            { parent: this, dependsOn: after },
          ),
        );
      }
    }

    const chart = (
      key: Parameters<typeof pinnedChart>[1],
      release: string,
      values: Record<string, unknown>,
      deps: pulumi.Resource[],
    ) => pinnedChart(`${name}-${release}`, key, NAMESPACE, values, { parent: this, dependsOn: [...after, ...deps] }, release);

    chart("kubeStateMetrics", RELEASES.kubeStateMetrics, kubeStateMetricsValues(input.monitoring), []);
    chart("victoriaMetrics", RELEASES.victoriaMetrics, victoriaMetricsValues(input.monitoring, objects.scrape.metadata.name), [
      scrape,
      ...claims("victoria-metrics"),
    ]);
    chart(
      "vmalert",
      RELEASES.vmalert,
      vmalertValues(
        input.monitoring,
        input.baseDomain,
        objects.rules.metadata.name,
        objects.alertmanager.metadata.name,
        receiverSecret,
      ),
      [rules, alertmanager, ...secrets],
    );
    chart("loki", RELEASES.loki, lokiValues(input.monitoring), claims("loki"));
    chart("alloy", RELEASES.alloy, alloyValues(input.monitoring, Object.values(NAMESPACES)), []);
    const grafana = chart("grafana", RELEASES.grafana, grafanaValues(input, objects.dashboards.metadata.name), [
      dashboards,
      ...secrets,
      ...claims("grafana"),
    ]);
    make("ingressroute", objects.ingressRoute, [...after, grafana]);
    const account = make("alert-test-account", objects.alertTest.serviceAccount);
    make("alert-test", objects.alertTest.cronJob, [...after, account]);
    this.registerOutputs({});
  }
}
