import { describe, expect, it } from "vitest";
import { CLOUDFLARE_IPV4, traefikValues, traefikVolumes } from "../../components/platform/traefik";

const prod = {
  environment: "prod" as const,
  baseDomain: "faforever.com",
  tls: { mode: "secret" as const, secretName: "cloudflare-faf-com" },
  behindCloudflare: true,
  ingress: { entryPoints: ["websecure"], tls: {} },
};
const local = {
  environment: "local" as const,
  baseDomain: "faforever.localhost",
  tls: { mode: "self-signed" as const },
  behindCloudflare: false,
  ingress: { entryPoints: ["web", "websecure"], tls: undefined },
};

describe("Traefik values", () => {
  const values = traefikValues(prod) as any;

  it("redirects HTTP to HTTPS on every host in prod", () => {
    expect(values.ports.web.http.redirections.entryPoint).toEqual({ to: "websecure", scheme: "https", permanent: true });
  });

  it("trusts forwarded headers only from Cloudflare and proxy protocol only from FAF's proxies", () => {
    expect(values.ports.websecure.forwardedHeaders.trustedIPs).toEqual(CLOUDFLARE_IPV4);
    expect(values.ports.websecure.forwardedHeaders.trustedIPs).toHaveLength(15);
    expect(values.ports.websecure.proxyProtocol.trustedIPs).toEqual(["10.0.0.0/8"]);
    expect(values.ports["replay-stream"].proxyProtocol.trustedIPs).toEqual(["10.0.0.0/8", "167.235.217.62/32"]);
  });

  it("opens the replay-stream TCP entry point on 15000", () => {
    expect(values.ports["replay-stream"]).toMatchObject({
      port: 15000,
      exposedPort: 15000,
      protocol: "TCP",
      expose: { default: true },
    });
  });

  it("requires TLS 1.3 and serves FAF's origin certificate by default", () => {
    expect(values.tlsOptions).toEqual({ default: { minVersion: "VersionTLS13" } });
    expect(values.tlsStore).toEqual({ default: { defaultCertificate: { secretName: "cloudflare-faf-com" } } });
    expect(values.certificatesResolvers).toBeUndefined();
  });

  it("sits behind k3s ServiceLB as an unprivileged pod", () => {
    expect(values.service).toEqual({ spec: { type: "LoadBalancer", externalTrafficPolicy: "Local" } });
    expect(values.hostNetwork).toBeUndefined();
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(values.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
  });

  it("uses Let's Encrypt with its account on a managed volume when asked", () => {
    const acme = traefikValues({
      ...prod,
      tls: { mode: "letsencrypt", email: "admin@faforever.com" },
      ingress: { entryPoints: ["websecure"], tls: { certResolver: "letsencrypt" } },
    }) as any;
    expect(acme.certificatesResolvers.letsencrypt.acme).toEqual({
      email: "admin@faforever.com",
      storage: "/data/acme.json",
      httpChallenge: { entryPoint: "web" },
    });
    expect(acme.persistence).toEqual({ enabled: true, existingClaim: "traefik-acme-pvc", path: "/data" });
    expect(Object.keys(traefikVolumes({ mode: "letsencrypt", email: "a@b.org" }))).toEqual(["traefik-acme"]);
    expect(traefikVolumes(prod.tls)).toEqual({});
  });

  it("on a laptop: both entry points served, no redirect, the dashboard at traefik.<domain>", () => {
    const laptop = traefikValues(local) as any;
    expect(laptop.ports.web.http).toBeUndefined();
    expect(laptop.ingressRoute.dashboard).toEqual({
      enabled: true,
      matchRule: "Host(`traefik.faforever.localhost`)",
      entryPoints: ["web", "websecure"],
    });
    expect(laptop.tlsOptions).toBeUndefined();
    expect(laptop.ports.websecure.forwardedHeaders).toBeUndefined();
  });
});
