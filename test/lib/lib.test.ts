import { describe, expect, it } from "vitest";
import { contentHash, stableStringify } from "../../components/lib/hash";
import { labelValue, workloadLabels } from "../../components/lib/labels";
import { isDns1123Label, isDns1123Subdomain } from "../../components/lib/names";
import { fillTemplate, fillTemplates, fqdn } from "../../components/lib/template";

const ctx = {
  baseDomain: "faforever.com",
  environment: "prod",
  mariadb: "mariadb.faf-infra.svc.cluster.local",
  postgres: "p",
  mongodb: "m",
  rabbitmq: "r",
};

describe("hash", () => {
  it("gives the same hash whatever order keys were written in", () => {
    expect(contentHash({ a: 1, b: { c: 2, d: 3 } })).toBe(contentHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(stableStringify({ b: 1, a: undefined, c: [2, 1] })).toBe('{"b":1,"c":[2,1]}');
  });

  it("changes when any value changes", () => {
    expect(contentHash({ a: "x" })).not.toBe(contentHash({ a: "y" }));
    expect(contentHash({ a: "x" })).toMatch(/^[0-9a-f]{10}$/);
  });
});

describe("templates", () => {
  it("fills the base domain, environment and data service hosts", () => {
    expect(fillTemplate("https://api.{{baseDomain}}/{{ environment }} {{mariadb}}", ctx, "t")).toBe(
      "https://api.faforever.com/prod mariadb.faf-infra.svc.cluster.local",
    );
  });

  it("refuses an unknown placeholder instead of leaving it in", () => {
    expect(() => fillTemplate("{{baseDomian}}", ctx, "faf-x.env.URL")).toThrow(
      "faf-x.env.URL: unknown placeholder {{baseDomian}}",
    );
  });

  it("fills strings at any depth and leaves other values alone", () => {
    expect(fillTemplates({ a: ["{{baseDomain}}", 3], b: { c: true } }, ctx, "t")).toEqual({
      a: ["faforever.com", 3],
      b: { c: true },
    });
  });

  it("treats @ as the apex domain", () => {
    expect(fqdn("@", "faforever.com")).toBe("faforever.com");
    expect(fqdn("api", "faforever.com")).toBe("api.faforever.com");
  });
});

describe("names and labels", () => {
  it("accepts DNS-1123 names and rejects the rest", () => {
    expect(isDns1123Label("faf-api")).toBe(true);
    expect(isDns1123Label("Faf_api")).toBe(false);
    expect(isDns1123Label("a".repeat(64))).toBe(false);
    expect(isDns1123Subdomain("faf-api-env-0123abcd")).toBe(true);
    expect(isDns1123Subdomain("-bad")).toBe(false);
  });

  it("makes any version string a valid label value", () => {
    expect(labelValue("feat/login+avatar")).toBe("feat_login_avatar");
    expect(labelValue("-v1-")).toBe("v1");
    expect(workloadLabels("faf-api", "server", "v3.8.9")["app.kubernetes.io/version"]).toBe("v3.8.9");
  });
});
