import { describe, expect, it } from "vitest";
import { parseSettings, type RawConfig } from "../../components/config/parse";
import { buildProfile } from "../../components/config/profile";
import { LOCAL_SETTINGS, SETTINGS_CONTEXT as context } from "../support/settings";

// On k3d, whose host address pods reach the laptop at is known.
const local: RawConfig = { ...LOCAL_SETTINGS, "faf:kubernetes": '{"context":"k3d-faf"}' };

const hosted = (environment: "prod" | "test"): RawConfig => ({
  ...local,
  "faf:environment": environment,
  "faf:hostName": "fafprod3",
  "faf:secrets": '{"source":"infisical","projectSlug":"k3s","environment":"prod"}',
});

function messageOf(raw: RawConfig): string {
  const result = parseSettings(raw, context);
  if (result.ok) throw new Error("expected the settings to be rejected");
  return result.message;
}

function profileOf(raw: RawConfig) {
  const result = parseSettings(raw, context);
  if (!result.ok) throw new Error(result.message);
  return buildProfile(result.settings);
}

describe("laptop-only settings", () => {
  for (const environment of ["prod", "test"] as const) {
    it(`refuses the seed on ${environment}, saying why`, () => {
      expect(messageOf({ ...hosted(environment), "faf:seed": "true" })).toContain(
        `  - faf:seed: only for a laptop stack (faf:environment local), never ${environment}: test accounts with known passwords must never exist on a real server; remove it`,
      );
    });

    it(`refuses faf:develop, faf:images and faf:budget on ${environment}`, () => {
      const message = messageOf({
        ...hosted(environment),
        "faf:develop": '{"faf-api":{"port":8010,"host":"10.0.0.1"}}',
        "faf:images": '{"faf-api":"faf-java-api:dev"}',
        "faf:budget": '{"cpu":"4","memory":"8Gi"}',
      });
      expect(message).toContain(`faf:develop: only for a laptop stack (faf:environment local), never ${environment}`);
      expect(message).toContain(`faf:images: only for a laptop stack (faf:environment local), never ${environment}`);
      expect(message).toContain(`faf:budget: only for a laptop stack (faf:environment local), never ${environment}`);
    });
  }

  it("accepts seed: false anywhere (it asks for nothing)", () => {
    expect(parseSettings({ ...hosted("prod"), "faf:seed": "false" }, context).ok).toBe(true);
  });

  it("takes the host address from the kube context's tool, or from the setting", () => {
    const k3d = profileOf({ ...local, "faf:develop": '{"faf-api":{"port":8010}}' });
    expect(k3d.develop["faf-api"]).toEqual({ host: "172.18.0.1", port: 8010, ports: {} });
    const minikube = profileOf({
      ...local,
      "faf:kubernetes": '{"context":"minikube"}',
      "faf:develop": '{"faf-api":{"port":8010}}',
    });
    expect(minikube.develop["faf-api"]?.host).toBe("192.168.49.1");
    const set = profileOf({ ...local, "faf:develop": '{"faf-api":{"port":8010,"host":"10.1.2.3"}}' });
    expect(set.develop["faf-api"]?.host).toBe("10.1.2.3");
  });

  it("asks for the host address where the context does not say which tool runs the cluster", () => {
    expect(
      messageOf({ ...local, "faf:kubernetes": '{"context":"default"}', "faf:develop": '{"faf-api":{"port":8010}}' }),
    ).toContain(
      '  - faf:develop.faf-api.host: missing; the kube context "default" is none of k3d-*, kind-*, minikube, docker-desktop, so the address pods reach your machine at is unknown. Fix: pulumi config set --path faf:develop.faf-api.host <value> --stack dev.',
    );
  });

  it("refuses a host that is not an IPv4 address, a port out of range and an unknown service", () => {
    const message = messageOf({ ...local, "faf:develop": '{"faf-api":{"port":70000,"host":"my-laptop"},"faf-apy":{"port":1}}' });
    expect(message).toContain("faf:develop.faf-api.port");
    expect(message).toContain('faf:develop.faf-api.host: expected an IPv4 address such as 172.18.0.1 (got "my-laptop")');
    expect(message).toContain("faf:develop.faf-apy: unknown service");
  });

  it("refuses a local image tagged latest, and an image for a service that runs on the machine", () => {
    expect(messageOf({ ...local, "faf:images": '{"faf-api":"faf-java-api:latest"}' })).toContain(
      "faf:images.faf-api: latest is pulled again on every start; tag your build (dev)",
    );
    expect(
      messageOf({ ...local, "faf:develop": '{"faf-api":{"port":8010}}', "faf:images": '{"faf-api":"faf-java-api:dev"}' }),
    ).toContain(
      "faf:images.faf-api: the service runs on your machine (faf:develop), so no image of it runs; keep one of the two",
    );
  });

  it("refuses a budget that is not a Kubernetes quantity", () => {
    expect(messageOf({ ...local, "faf:budget": '{"cpu":"four","memory":"8GB"}' })).toMatch(
      /faf:budget\.cpu: expected CPU cores such as "4" or "500m".*\n.*faf:budget\.memory: expected memory such as "8Gi" or "512Mi"/,
    );
  });
});
