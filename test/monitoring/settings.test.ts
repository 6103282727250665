import { describe, expect, it } from "vitest";
import { parseSettings, type RawConfig } from "../../components/config/parse";
import { buildProfile } from "../../components/config/profile";
import { LOCAL_SETTINGS as local, SETTINGS_CONTEXT as context } from "../support/settings";

const prod: RawConfig = {
  "faf:environment": "prod",
  "faf:baseDomain": "faforever.com",
  "faf:hostName": "fafprod3",
  "faf:kubernetes": '{"context":"prod"}',
  "faf:storage": '{"dataPath":"/opt/faf/data"}',
  "faf:secrets": '{"source":"infisical","projectSlug":"k3s","environment":"prod"}',
};

function profileOf(raw: RawConfig, secretKeys: string[] = []) {
  const result = parseSettings(raw, { ...context, secretKeys });
  if (!result.ok) throw new Error(result.message);
  return buildProfile(result.settings);
}

function messageOf(raw: RawConfig, secretKeys: string[] = []): string {
  const result = parseSettings(raw, { ...context, secretKeys });
  if (result.ok) throw new Error("expected the settings to be rejected");
  return result.message;
}

describe("monitoring settings", () => {
  it("leaves monitoring off on a laptop unless asked for, and renders it small when asked", () => {
    expect(profileOf(local).monitoring).toBeUndefined();
    expect(profileOf({ ...local, "faf:monitoring": '{"enabled":true}' }).monitoring).toEqual({
      oidcClientId: "grafana",
      receiver: undefined,
      size: "small",
      hostMetrics: false,
    });
  });

  it("turns monitoring on where FAF's data lives, sized for the node", () => {
    expect(profileOf(prod).monitoring).toMatchObject({ size: "node", receiver: undefined });
    expect(profileOf({ ...prod, "faf:monitoring": '{"enabled":false}' }).monitoring).toBeUndefined();
  });

  it("refuses a receiver without its webhook secret, naming the key and the command that sets it", () => {
    const message = messageOf({ ...local, "faf:monitoring": '{"enabled":true,"receiver":{"type":"discord"}}' });
    expect(message).toContain(
      "faf:alertWebhookUrl: missing; faf:monitoring.receiver (discord) posts alerts to a webhook whose URL is this secret; with generated secrets it must be set.",
    );
    expect(message).toContain("pulumi config set --secret faf:alertWebhookUrl https://discord.com/api/webhooks/...");
  });

  it("accepts a receiver with its encrypted webhook URL", () => {
    const raw = {
      ...local,
      "faf:monitoring": '{"enabled":true,"receiver":{"type":"matrix"}}',
      "faf:alertWebhookUrl": "https://hooks.example.org/x",
    };
    expect(profileOf(raw, ["faf:alertWebhookUrl"]).monitoring?.receiver).toEqual({ type: "matrix" });
  });

  it("refuses the webhook URL in plaintext", () => {
    const raw = {
      ...local,
      "faf:monitoring": '{"enabled":true,"receiver":{"type":"discord"}}',
      "faf:alertWebhookUrl": "https://discord.com/api/webhooks/1/x",
    };
    expect(messageOf(raw)).toContain("faf:alertWebhookUrl: stored in plaintext in Pulumi.dev.yaml");
  });

  it("reads the webhook from Infisical on prod and refuses one in the stack file there", () => {
    expect(profileOf({ ...prod, "faf:monitoring": '{"receiver":{"type":"discord"}}' }).monitoring?.receiver).toEqual({
      type: "discord",
    });
    const message = messageOf({ ...prod, "faf:monitoring": '{"receiver":{"type":"discord"}}', "faf:alertWebhookUrl": "x" }, [
      "faf:alertWebhookUrl",
    ]);
    expect(message).toContain("faf:alertWebhookUrl: with secrets from Infisical the webhook URL is read from Infisical");
  });

  it("refuses a receiver while monitoring is off, and an unknown receiver type", () => {
    expect(messageOf({ ...local, "faf:monitoring": '{"receiver":{"type":"discord"}}' })).toContain(
      "faf:monitoring.receiver: a receiver without monitoring sends nothing",
    );
    expect(messageOf({ ...prod, "faf:monitoring": '{"receiver":{"type":"slack"}}' })).toContain(
      'faf:monitoring.receiver.type: expected one of discord, matrix, got "slack"',
    );
  });
});

describe("monitoring secrets in Infisical", () => {
  it("lists Grafana's folder, and the receiver's only when a receiver is set", async () => {
    const { monitoringSecretFolders } = await import("../../components/monitoring/alerting");
    const { GRAFANA_SECRET_KEYS } = await import("../../components/monitoring/values");
    expect(monitoringSecretFolders(undefined)).toEqual([]);
    const folders = monitoringSecretFolders(
      profileOf({ ...prod, "faf:monitoring": '{"receiver":{"type":"discord"}}' }).monitoring,
    );
    expect(folders.map((f) => f.path)).toEqual(["/grafana", "/alertmanager"]);
    expect(folders[0]?.keys).toEqual(Object.values(GRAFANA_SECRET_KEYS).sort());
    expect(folders[1]?.keys).toEqual(["webhookUrl"]);
    expect(monitoringSecretFolders(profileOf(prod).monitoring).map((f) => f.path)).toEqual(["/grafana"]);
  });
});
