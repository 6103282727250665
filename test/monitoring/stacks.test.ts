import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { CATALOGUE } from "../../components/apps/catalogue";
import { portNamed } from "../../components/apps/pod";
import { NAMESPACES, SCRAPER_PEER, workloadNamespace } from "../../components/lib/names";
import { CHARTS } from "../../components/platform/charts";
import { MONITORING_VOLUMES, RELEASES } from "../../components/monitoring/values";
import { ROOT, runRender } from "../support/cli";
import { readManifests, readResources, type RenderedObject, type ResourceEntry } from "../support/stacks";

const MONITORING_CHARTS = ["victoriaMetrics", "vmalert", "kubeStateMetrics", "loki", "alloy", "grafana"] as const;
const rendered = (stack: string) => join(inject("renderDir"), stack);
const charts = (resources: ResourceEntry[]) => resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart");
const monitoringCharts = (resources: ResourceEntry[]) =>
  charts(resources).filter((r) => MONITORING_CHARTS.some((key) => CHARTS[key].chart === r.inputs.chart));
const values = (resources: ResourceEntry[], release: string) =>
  monitoringCharts(resources).find((r) => r.inputs.name === release)?.inputs.values as any;

function scrapeFile(manifests: RenderedObject[]) {
  const map = manifests.find((m) => m.object.kind === "ConfigMap" && m.object.metadata.name.startsWith("metrics-scrape-"));
  return parse((map?.object as any).data["scrape.yml"]) as { scrape_configs: any[] };
}

const withMetrics = CATALOGUE.filter((spec) => spec.metrics);

describe("prod monitoring", () => {
  const resources = () => readResources(rendered("prod"));
  const manifests = () => readManifests(rendered("prod"));

  it("installs metrics, alerts, object state, logs, the collector and Grafana from pinned charts with explicit release names", () => {
    const installed = monitoringCharts(resources());
    expect(installed.map((r) => r.inputs.name).sort()).toEqual(
      Object.values(RELEASES)
        .filter((r) => r !== "alertmanager")
        .sort(),
    );
    for (const chart of installed) {
      expect(chart.inputs.version, String(chart.inputs.chart)).toMatch(/^\d+\.\d+\.\d+$/);
      expect(chart.inputs.namespace).toBe(NAMESPACES.ops);
    }
  });

  it("scrapes every catalogue workload that declares metrics, on its declared port and path, and nothing else of FAF's", () => {
    const jobs = scrapeFile(manifests()).scrape_configs;
    const workloadJobs = jobs.filter((j) => CATALOGUE.some((spec) => spec.name === j.job_name));
    expect(workloadJobs.map((j) => j.job_name).sort()).toEqual(withMetrics.map((s) => s.name).sort());
    for (const spec of withMetrics) {
      const job = jobs.find((j) => j.job_name === spec.name);
      const port = portNamed(spec.ports ?? [], spec.metrics!.port, spec.name).port;
      expect(job.metrics_path).toBe(spec.metrics!.path);
      expect(job.relabel_configs).toContainEqual(
        expect.objectContaining({ target_label: "__address__", replacement: `$1:${port}` }),
      );
      expect(job.relabel_configs).toContainEqual(expect.objectContaining({ regex: spec.name, action: "keep" }));
    }
  });

  it("admits only the scraper to each scraped workload's metrics port, and lets the scraper reach it", () => {
    const all = manifests();
    const policy = (ns: string, name: string) =>
      all.find((m) => m.object.kind === "NetworkPolicy" && m.object.metadata.namespace === ns && m.object.metadata.name === name)
        ?.object as any;
    const scraper = policy(NAMESPACES.ops, "monitoring-scraper");
    for (const spec of withMetrics) {
      const port = portNamed(spec.ports ?? [], spec.metrics!.port, spec.name).port;
      const own = policy(workloadNamespace(spec), spec.name);
      const admitting = own.spec.ingress.filter((rule: any) => rule.ports.some((p: any) => p.port === port));
      expect(
        admitting.some((rule: any) => JSON.stringify(rule.from) === JSON.stringify([SCRAPER_PEER])),
        spec.name,
      ).toBe(true);
      expect(scraper.spec.egress, spec.name).toContainEqual({
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": workloadNamespace(spec) } },
            podSelector: { matchLabels: { "app.kubernetes.io/name": spec.name } },
          },
        ],
        ports: [{ protocol: "TCP", port }],
      });
    }
  });

  it("serves Grafana at grafana.<domain> behind FAF's login, admins and maintainers from faf:access, on the grafana volume", () => {
    const route = manifests().find((m) => m.object.kind === "IngressRoute" && m.object.metadata.name === "grafana")
      ?.object as any;
    expect(route.spec.routes[0].match).toBe("Host(`grafana.faforever.com`)");
    expect(route.spec.tls).toEqual({});
    const grafana = values(resources(), "grafana");
    const oauth = grafana["grafana.ini"]["auth.generic_oauth"];
    expect(oauth.auth_url).toBe("https://hydra.faforever.com/oauth2/auth");
    expect(oauth.role_attribute_path).toBe(
      "(contains(groups[*], 'faf-infra-admins')) && 'Admin' || (contains(groups[*], 'faf-app-maintainers')) && 'Editor' || ''",
    );
    expect(oauth.role_attribute_strict).toBe(true);
    expect(grafana["grafana.ini"]["auth.anonymous"]).toEqual({ enabled: false });
    expect(grafana.admin.existingSecret).toBe("grafana");
    expect(grafana.persistence).toEqual({ enabled: true, existingClaim: "grafana-pvc" });
    // The admin fallback comes from Infisical `/grafana`, as FAF keeps it today.
    expect(manifests().some((m) => m.object.kind === "InfisicalStaticSecret" && m.object.metadata.name === "grafana")).toBe(true);
  });

  it("keeps logs 7 days and the long-retention label 30 days, on the managed loki volume", () => {
    const loki = values(resources(), "loki");
    expect(loki.loki.limits_config).toMatchObject({
      retention_period: "168h",
      retention_stream: [{ selector: '{loki_retention="long"}', priority: 1, period: "720h" }],
    });
    expect(loki.deploymentMode).toBe("Monolithic");
    const claims = manifests()
      .filter((m) => m.object.kind === "PersistentVolumeClaim")
      .map((m) => m.object.metadata.name);
    expect(claims).toEqual(expect.arrayContaining(["storage-loki-0", "victoria-metrics-pvc", "grafana-pvc"]));
  });

  it("sends the logs of every FAF namespace to Loki", () => {
    const config = values(resources(), "alloy").alloy.configMap.content as string;
    for (const namespace of Object.values(NAMESPACES)) expect(config).toContain(`"${namespace}"`);
    expect(config).toContain("http://loki.faf-ops.svc:3100/loki/api/v1/push");
  });

  it("runs the host's node and ZFS exporters and the k3s certificate metrics, and scrapes them", () => {
    const module = resources().find((r) => r.name === "host-k3s-module")?.inputs.create as string;
    expect(module).toContain("services.prometheus.exporters.zfs");
    expect(module).toContain("faf_k3s_certificate_not_after_seconds");
    const jobs = scrapeFile(manifests()).scrape_configs.map((j) => j.job_name);
    expect(jobs).toEqual(expect.arrayContaining(["node", "zfs", "cadvisor", "kube-state-metrics", "traefik", "rabbitmq"]));
  });
});

describe("local stack without monitoring", () => {
  it("renders nothing of it: no chart, object, volume, route or secret", () => {
    const resources = readResources(rendered("local"));
    expect(monitoringCharts(resources)).toEqual([]);
    expect(resources.filter((r) => r.name.startsWith("monitoring")).map((r) => r.name)).toEqual([]);
    const names = readManifests(rendered("local")).map((m) => m.file);
    const volumes = Object.keys(MONITORING_VOLUMES);
    expect(names.filter((f) => /monitoring|grafana-dashboards|alert|metrics-scrape|IngressRoute-grafana/.test(f))).toEqual([]);
    expect(names.filter((f) => volumes.some((v) => f.includes(`PersistentVolume-${v}`)))).toEqual([]);
  });
});

describe("local stack with monitoring enabled", () => {
  let dir: string;
  let out: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "faf-monitoring-"));
    out = join(dir, "out");
    const local = readFileSync(join(ROOT, "Pulumi.local.yaml"), "utf8");
    writeFileSync(join(dir, "Pulumi.laptop.yaml"), `${local}  faf:monitoring:\n    enabled: true\n`);
    const result = runRender(["laptop", "--out", out, "--stack-dir", dir]);
    if (result.code !== 0) throw new Error(result.stderr);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("renders it small: a week of metrics, a day of logs, small requests, no host exporters", () => {
    const resources = readResources(out);
    expect(monitoringCharts(resources)).toHaveLength(MONITORING_CHARTS.length);
    const vm = values(resources, "victoria-metrics").server;
    expect(vm.retentionPeriod).toBe("7d");
    expect(vm.resources.limits.memory).toBe("512Mi");
    expect(values(resources, "loki").loki.limits_config.retention_period).toBe("24h");
    const jobs = scrapeFile(readManifests(out)).scrape_configs.map((j) => j.job_name);
    expect(jobs).not.toContain("zfs");
    expect(jobs).not.toContain("node");
    // Grafana on plain HTTP at the laptop's domain, with a generated admin password.
    const route = readManifests(out).find((m) => m.object.kind === "IngressRoute" && m.object.metadata.name === "grafana")
      ?.object as any;
    expect(route.spec.entryPoints).toEqual(["web", "websecure"]);
    expect(route.spec.routes[0].match).toBe("Host(`grafana.faforever.localhost`)");
    expect(
      resources.some((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name === "monitoring-grafana-admin"),
    ).toBe(true);
  });
});
