import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { MonitoringProfile } from "../config/profile";
import type { KubeObject } from "../lib/kube";
import { platformLabels } from "../lib/labels";
import type { ExpectedSecrets } from "../platform/secret-sync";
import { NAMESPACE, PORTS, RECEIVER_KEY, RECEIVER_MOUNT, roleLabels, url } from "./values";

/** The rule files, relative to the project (Pulumi's working directory and the tests'). */
export const RULES_DIR = "components/monitoring/rules";
/** Where every alert's `runbook_url` must point: a file under docs/runbooks/ of this repository. */
export const RUNBOOK_BASE = "https://github.com/FAForever/faf-infra/blob/main/docs/runbooks/";

/** The rule files by file name, as written (vmalert and promtool read the same text). */
export function ruleFiles(dir = RULES_DIR): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith(".yaml"))
      .sort()
      .map((file) => [file, readFileSync(join(dir, file), "utf8")]),
  );
}

export interface AlertRule {
  file: string;
  group: string;
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Every alerting rule of the rule files, flattened. */
export function alertRules(files: Record<string, string> = ruleFiles()): AlertRule[] {
  return Object.entries(files).flatMap(([file, text]) => {
    const doc = parse(text) as { groups: { name: string; rules: Omit<AlertRule, "file" | "group">[] }[] };
    return doc.groups.flatMap((group) => group.rules.map((rule) => ({ ...rule, file, group: group.name })));
  });
}

/** The alert an admin sends to prove the way to the receiver works (docs/runbooks/alerts.md). */
export const TEST_ALERT = "AlertPipelineTest";
/** Alertmanager's image, which carries amtool: the chart's default tag (victoria-metrics-alert 0.47.0). */
export const ALERTMANAGER_IMAGE = "prom/alertmanager:v0.34.0";

/**
 * Alertmanager's configuration. With a receiver, every alert goes to its webhook (the URL is a
 * file from the receiver's Secret); the test alert is routed there at once. Without one, alerts
 * are only visible in Grafana and Alertmanager. Pure.
 */
export function alertmanagerConfig(receiver: MonitoringProfile["receiver"]): Record<string, unknown> {
  const name = receiver ? `faf-${receiver.type}` : "none";
  const file = `${RECEIVER_MOUNT}/${RECEIVER_KEY}`;
  const target: Record<string, unknown> = { name };
  if (receiver?.type === "discord") target.discord_configs = [{ webhook_url_file: file, send_resolved: true }];
  // Matrix: a room's generic webhook (matrix-hookshot), which takes Alertmanager's JSON.
  if (receiver?.type === "matrix") target.webhook_configs = [{ url_file: file, send_resolved: true }];
  return {
    route: {
      receiver: name,
      group_by: ["alertname", "namespace"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [{ matchers: [`alertname="${TEST_ALERT}"`], receiver: name, group_wait: "0s", repeat_interval: "5m" }],
    },
    receivers: [target],
  };
}

/**
 * The test route's trigger: a suspended CronJob an admin starts by hand
 * (`kubectl -n faf-ops create job --from=cronjob/alert-test alert-test-$(date +%s)`), which
 * sends {@link TEST_ALERT} to Alertmanager with amtool; with no end time it resolves itself
 * after Alertmanager's resolve_timeout (5 minutes).
 */
export function alertTestObjects(): { serviceAccount: KubeObject; cronJob: KubeObject } {
  const labels = { ...platformLabels("monitoring"), ...roleLabels("alert-test") };
  // Its own account, without an API token: it talks to Alertmanager only.
  const serviceAccount: KubeObject = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "alert-test", namespace: NAMESPACE, labels },
    automountServiceAccountToken: false,
  };
  const cronJob: KubeObject = {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "alert-test", namespace: NAMESPACE, labels },
    spec: {
      // Never on its own: an admin triggers it (the same pattern as FAF's manual CronJobs).
      schedule: "0 0 31 2 *",
      suspend: true,
      concurrencyPolicy: "Forbid",
      jobTemplate: {
        spec: {
          backoffLimit: 0,
          ttlSecondsAfterFinished: 3600,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: "Never",
              serviceAccountName: "alert-test",
              automountServiceAccountToken: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65534,
                runAsGroup: 65534,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "amtool",
                  image: ALERTMANAGER_IMAGE,
                  command: ["amtool"],
                  args: [
                    "alert",
                    "add",
                    TEST_ALERT,
                    "severity=test",
                    "--annotation=summary=A test alert sent by an admin (alert-test); nothing is wrong.",
                    "--annotation=runbook_url=" + RUNBOOK_BASE + "alerts.md",
                    `--alertmanager.url=${url("alertmanager", PORTS.alertmanager)}`,
                  ],
                  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                  },
                },
              ],
            },
          },
        },
      },
    },
  };
  return { serviceAccount, cronJob };
}

/** The Infisical folders monitoring reads (`npm run secrets:check`): Grafana's, and the receiver's when one is set. */
export function monitoringSecretFolders(monitoring: MonitoringProfile | undefined): ExpectedSecrets[] {
  if (!monitoring) return [];
  return [
    {
      path: "/grafana",
      keys: ["admin-password", "admin-user", "oidcClientSecret"],
      reader: "grafana (admin fallback, Hydra client secret)",
    },
    ...(monitoring.receiver
      ? [{ path: "/alertmanager", keys: ["webhookUrl"], reader: `alertmanager (${monitoring.receiver.type} webhook URL)` }]
      : []),
  ];
}
