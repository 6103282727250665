import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { CLOUDFLARE_IPV4 } from "../../components/platform/traefik";
import { CATALOGUE } from "../../components/apps/catalogue";
import {
  API_MAIL_TEMPLATES,
  MAIL_TEMPLATES_CHECKED_FOR,
  mailTemplateHtml,
  USER_SERVICE_MAIL_TEMPLATES,
} from "../../components/apps/common/mail-templates";
import { renderWorkload } from "../../components/apps/render";
import { routeMiddlewares } from "../../components/apps/routes";
import { readManifests } from "../support/stacks";
import { serverContext } from "../support/render-context";

/** What the ported workloads lost (issue 14, item 3), each checked where it would be lost. */

type Env = "prod" | "test" | "local";
const rendered = (stack: Env) => readManifests(join(inject("renderDir"), stack)).map((m) => m.object as any);
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const container = (objects: any[], name: string) =>
  (find(objects, "Deployment", name) ?? find(objects, "StatefulSet", name)).spec.template.spec.containers[0];
/** The workload's plain environment, as the pod gets it from its env ConfigMap. */
const envOf = (objects: any[], name: string): Record<string, string> => {
  const ref = container(objects, name).envFrom?.find((e: any) => e.configMapRef)?.configMapRef.name;
  return ref ? find(objects, "ConfigMap", ref).data : {};
};
/** The content of a file mounted into the workload's container at `path`, or undefined. */
const mountedFile = (objects: any[], name: string, path: string): string | undefined => {
  const pod = (find(objects, "Deployment", name) ?? find(objects, "StatefulSet", name)).spec.template.spec;
  const mount = pod.containers[0].volumeMounts?.find((m: any) => m.mountPath === path);
  if (!mount) return undefined;
  const volume = pod.volumes.find((v: any) => v.name === mount.name);
  if (!volume?.configMap) return undefined;
  return find(objects, "ConfigMap", volume.configMap.name).data[mount.subPath];
};

describe("mail templates of faf-api and faf-user-service", () => {
  // Both services check at start that each template exists and holds each of its variables,
  // and refuse to start otherwise (MailBodyBuilder in faf-java-api and faf-user-service).
  const REQUIRED = {
    "faf-api": {
      ACCOUNT_ACTIVATION_MAIL_TEMPLATE_PATH: ["username", "activationUrl"],
      WELCOME_MAIL_TEMPLATE_PATH: ["username"],
      PASSWORD_RESET_MAIL_TEMPLATE_PATH: ["username", "passwordResetUrl"],
    },
    "faf-user-service": {
      ACCOUNT_ACTIVATION_MAIL_TEMPLATE_PATH: ["username", "activationUrl"],
      WELCOME_MAIL_TEMPLATE_PATH: ["username"],
      PASSWORD_RESET_MAIL_TEMPLATE_PATH: ["username", "passwordResetUrl"],
      EMAIL_TAKEN_MAIL_TEMPLATE_PATH: ["desiredUsername", "existingUsername", "passwordResetUrl"],
    },
  } as const;

  for (const stack of ["prod", "local"] as const) {
    it(`mounts every template each service reads, at the path its setting names, with the service's variables left in (${stack})`, () => {
      const objects = rendered(stack);
      for (const [workload, templates] of Object.entries(REQUIRED)) {
        const env = envOf(objects, workload);
        for (const [key, variables] of Object.entries(templates)) {
          const path = env[key] ?? "";
          expect(path, `${workload} ${key}`).toMatch(/^\/config\/mail\/.+\.html$/);
          const content = mountedFile(objects, workload, path);
          expect(content, `${workload} mounts ${path}`).toBeDefined();
          for (const variable of variables) expect(content, `${workload} ${path}`).toContain(`{{${variable}}}`);
        }
      }
    });
  }

  it("links to the stack's own domain and leaves no placeholder of ours unfilled", () => {
    const objects = rendered("test");
    const content = mountedFile(objects, "faf-user-service", "/config/mail/welcome-to-faf.html")!;
    expect(content).toContain("https://www.faforever.xyz");
    expect(content).not.toContain("{{baseDomain}}");
  });

  it("holds each service to the release its templates were checked against (a newer one may need more)", () => {
    for (const [workload, tag] of Object.entries(MAIL_TEMPLATES_CHECKED_FOR)) {
      const image = CATALOGUE.find((s) => s.name === workload)!.image;
      for (const used of [image.tag, ...Object.values(image.tagFor ?? {})]) expect(used, workload).toBe(tag);
    }
  });

  it("writes each template with every variable the services check for", () => {
    for (const template of [...API_MAIL_TEMPLATES, ...USER_SERVICE_MAIL_TEMPLATES]) {
      for (const variable of template.variables) expect(mailTemplateHtml(template)).toContain(`{{${variable}}}`);
    }
  });

  it("still rejects a placeholder that is neither ours nor the service's", () => {
    const api = CATALOGUE.find((s) => s.name === "faf-api")!;
    const broken = {
      ...api,
      files: [{ path: "/config/mail/x.html", content: "{{usrname}}", servicePlaceholders: ["username"] }],
    };
    expect(() => renderWorkload(broken, serverContext())).toThrow("unknown placeholder {{usrname}}");
  });
});

describe("the test stack's CORS middlewares", () => {
  const LOCAL_ORIGINS = ["^https?://localhost(:[0-9]+)?$", "^https?://127\\.0\\.0\\.1(:[0-9]+)?$"];

  it("lets front-ends on a developer's machine call test's user service, with credentials", () => {
    const objects = rendered("test");
    const route = find(objects, "IngressRoute", "faf-user-service");
    expect(route.spec.routes[0].middlewares).toEqual([{ name: "faf-user-service-cors" }]);
    expect(find(objects, "Middleware", "faf-user-service-cors").spec).toEqual({
      headers: {
        accessControlAllowMethods: ["GET", "POST", "OPTIONS"],
        accessControlAllowHeaders: ["Content-Type", "Authorization", "X-HMAC"],
        accessControlAllowOriginListRegex: LOCAL_ORIGINS,
        accessControlAllowCredentials: true,
        accessControlMaxAge: 600,
        addVaryHeader: true,
      },
    });
  });

  it("lets them call test's Hydra, without credentials", () => {
    const objects = rendered("test");
    expect(find(objects, "IngressRoute", "ory-hydra").spec.routes[0].middlewares).toEqual([{ name: "ory-hydra-cors" }]);
    const headers = find(objects, "Middleware", "ory-hydra-cors").spec.headers;
    expect(headers.accessControlAllowOriginListRegex).toEqual(LOCAL_ORIGINS);
    expect(headers.accessControlAllowCredentials).toBeUndefined();
  });

  for (const stack of ["prod", "local"] as const) {
    it(`keeps them off ${stack}: no CORS middleware object and no route using one`, () => {
      const objects = rendered(stack);
      for (const name of ["faf-user-service", "ory-hydra"]) {
        expect(find(objects, "Middleware", `${name}-cors`), name).toBeUndefined();
        expect(find(objects, "IngressRoute", name).spec.routes[0].middlewares, name).toBeUndefined();
      }
    });
  }

  it("renders every declared middleware in some environment (none is dead data)", () => {
    for (const spec of CATALOGUE) {
      const used = new Set(
        (spec.routes ?? []).flatMap((route) => (["prod", "test", "local"] as const).flatMap((e) => routeMiddlewares(route, e))),
      );
      for (const short of Object.keys(spec.middlewares ?? {})) expect(used.has(short), `${spec.name}.${short}`).toBe(true);
    }
  });
});

/** The reconcile Job of a workload's OAuth clients: its script and its secret references. */
const reconcileJob = (objects: any[], workload: string) => {
  const job = objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith(`${workload}-oauth-clients-`));
  const container = job.spec.template.spec.containers[0];
  return {
    script: container.command[2] as string,
    secretKeys: (container.env ?? []).flatMap((e: any) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : [])),
  };
};
/** The Secret key behind an environment variable of the workload's container, if it reads one. */
const secretEnv = (objects: any[], workload: string, variable: string) =>
  container(objects, workload).env?.find((e: any) => e.name === variable)?.valueFrom?.secretKeyRef;

describe("NodeBB's FAF login", () => {
  it("points the FAF login plugin at Hydra with the forum's client id, through NodeBB's environment", () => {
    const objects = rendered("prod");
    const env = envOf(objects, "nodebb");
    expect(env).toMatchObject({
      oauth__id: "97853a31-d7fc-424b-a4c2-f8cd053d10d2",
      oauth__authorizationURL: "https://hydra.faforever.com/oauth2/auth",
      oauth__tokenURL: "http://ory-hydra:4444/oauth2/token",
      oauth__fafApiProfileURL: "http://faf-api:8010/me",
      oauth__scope: "public_profile lobby",
    });
    // The plugin's callback is <url>/auth/faf-nodebb/callback: the forum client must allow it.
    expect(env.url).toBe("https://forum.faforever.com");
    const job = reconcileJob(objects, "nodebb");
    expect(job.script).toContain(`reconcile '${env.oauth__id ?? ""}'`);
    expect(job.script).toContain(`${env.url ?? ""}/auth/faf-nodebb/callback`);
  });

  it("gives the plugin the client secret its reconcile Job registers in Hydra", () => {
    const objects = rendered("prod");
    const secret = secretEnv(objects, "nodebb", "oauth__secret");
    expect(secret).toEqual({ name: "nodebb", key: "OAUTH_SECRET" });
    expect(reconcileJob(objects, "nodebb").secretKeys).toContainEqual(secret);
  });

  it("lets NodeBB reach Hydra's token endpoint and the API's profile", () => {
    const policy = find(rendered("prod"), "NetworkPolicy", "nodebb");
    const egress = JSON.stringify(policy.spec.egress);
    for (const [workload, port] of [
      ["ory-hydra", 4444],
      ["faf-api", 8010],
    ] as const) {
      const rule = policy.spec.egress.find((r: any) =>
        r.to?.some((peer: any) => peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] === workload),
      );
      expect(rule, `${workload} in ${egress}`).toBeDefined();
      expect(
        rule.ports.map((p: any) => p.port),
        workload,
      ).toContain(port);
    }
  });
});

describe("the wiki's FAF login", () => {
  const MODULE_DIR = "/wiki/server/modules/authentication/faf-hydra";

  it("mounts the faf-hydra login module where Wiki.js loads authentication modules", () => {
    const objects = rendered("prod");
    const definition = parse(mountedFile(objects, "wikijs", `${MODULE_DIR}/definition.yml`) ?? "");
    expect(definition).toMatchObject({ key: "faf-hydra", scopes: ["openid", "public_profile"], isAvailable: true });
    expect(definition.logo).toBe("https://faforever.com/images/faf-logo.png");
    expect(mountedFile(objects, "wikijs", `${MODULE_DIR}/authentication.js`)).toContain("passport-openidconnect");
  });

  it("sets every variable the module reads: Hydra's endpoints, the wiki's client id, and its secret from the wiki's Secret", () => {
    const objects = rendered("prod");
    const module = mountedFile(objects, "wikijs", `${MODULE_DIR}/authentication.js`) ?? "";
    const variables = [...module.matchAll(/setting\('([A-Z_]+)'\)/g)].map((m) => m[1]!);
    expect(variables.length).toBe(5);
    const env = envOf(objects, "wikijs");
    for (const variable of variables) {
      expect(env[variable] ?? secretEnv(objects, "wikijs", variable), variable).toBeDefined();
    }
    expect(env).toMatchObject({
      FAF_OAUTH_CLIENT_ID: "b44e0022-f6a7-41ec-b6c1-3932b00c88aa",
      FAF_OAUTH_ISSUER: "https://hydra.faforever.com",
      FAF_OAUTH_AUTHORIZATION_URL: "https://hydra.faforever.com/oauth2/auth",
      FAF_OAUTH_TOKEN_URL: "http://ory-hydra:4444/oauth2/token",
    });
    const secret = secretEnv(objects, "wikijs", "FAF_OAUTH_CLIENT_SECRET");
    expect(secret).toEqual({ name: "wikijs", key: "OAUTH_SECRET" });
    const job = reconcileJob(objects, "wikijs");
    expect(job.script).toContain(`reconcile '${env.FAF_OAUTH_CLIENT_ID ?? ""}'`);
    expect(job.secretKeys).toContainEqual(secret);
  });

  it("lets the wiki reach Hydra's token endpoint", () => {
    const policy = find(rendered("prod"), "NetworkPolicy", "wikijs");
    const rule = policy.spec.egress.find((r: any) =>
      r.to?.some((peer: any) => peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "ory-hydra"),
    );
    expect(rule?.ports.map((p: any) => p.port)).toContain(4444);
  });
});

describe("Ergo's configuration", () => {
  const ircd = (stack: Env = "prod") => {
    const objects = rendered(stack);
    return { objects, config: parse(mountedFile(objects, "ergochat", "/ircd/ircd.yaml") ?? "") };
  };

  it("is mounted where Ergo reads it and names the network after the stack's domain", () => {
    const { config } = ircd("test");
    expect(config.network.name).toBe("faforever.xyz");
    expect(config.server.name).toBe("faforever.xyz");
  });

  it("listens on FAF's three ports: plain and TLS IRC behind PROXY, WebSocket for chat.<domain>", () => {
    const { objects, config } = ircd();
    expect(config.server.listeners).toEqual({
      ":6667": { proxy: true },
      ":6697": { tls: { cert: "/data/fullchain.pem", key: "/data/privkey.pem" }, proxy: true, "min-tls-version": "1.2" },
      ":8097": { websocket: true },
    });
    const ports = container(objects, "ergochat").ports.map((p: any) => p.containerPort);
    for (const listener of Object.keys(config.server.listeners)) expect(ports).toContain(Number(listener.slice(1)));
    expect(find(objects, "IngressRoute", "ergochat").spec.routes[0].services[0].port).toBe(8097);
    expect(config.server.sts.enabled).toBe(false);
  });

  it("keeps its database, lock and TLS certificate on the persistent volume", () => {
    const { objects, config } = ircd();
    const mounts = container(objects, "ergochat").volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toContain("/data");
    for (const path of [config.datastore.path, config["lock-file"], config.server.listeners[":6697"].tls.cert]) {
      expect(path).toMatch(/^\/data\//);
    }
    expect(config.datastore.mysql).toMatchObject({
      enabled: true,
      host: "mariadb.faf-apps.svc.cluster.local",
      port: 3306,
      "max-conns": 4,
    });
    expect(config["allow-environment-overrides"]).toBe(true);
    expect(secretEnv(objects, "ergochat", "ERGO__DATASTORE__MYSQL__PASSWORD")).toEqual({
      name: "ergochat",
      key: "ERGO__DATASTORE__MYSQL__PASSWORD",
    });
  });

  it("checks every login with faf-user-service through the mounted auth script, creating IRC accounts on the way", () => {
    const { objects, config } = ircd();
    const auth = config.accounts["auth-script"];
    expect(auth).toMatchObject({ enabled: true, autocreate: true, timeout: "9s", "max-concurrency": 64 });
    const [script, url] = auth.args as [string, string];
    expect(mountedFile(objects, "ergochat", script)).toContain('"$1"');
    const target = new URL(url);
    expect(target.pathname).toBe("/irc/ergochat/login");
    const userService = find(objects, "Service", target.hostname);
    expect(userService.metadata.namespace).toBe(find(objects, "StatefulSet", "ergochat").metadata.namespace);
    expect(userService.spec.ports.map((p: any) => p.port)).toContain(Number(target.port));
    expect(config.accounts.registration.enabled).toBe(false);
    expect(config.accounts["require-sasl"]).toEqual({ enabled: true, exempted: ["localhost"] });
    expect(config.accounts["nick-reservation"]).toMatchObject({ method: "strict", "force-nick-equals-account": true });
    expect(config.accounts.multiclient).toMatchObject({ "always-on": "disabled", "auto-away": "mandatory" });
  });

  it("carries FAF's operator classes, history, limits and flood control", () => {
    const { config } = ircd();
    expect(config["oper-classes"]["server-admin"].extends).toBe("chat-moderator");
    expect(config["oper-classes"]["chat-moderator"].capabilities).toEqual(expect.arrayContaining(["kill", "ban", "samode"]));
    expect(config.history.persistent).toMatchObject({
      enabled: true,
      "registered-channels": "mandatory",
      "direct-messages": "mandatory",
    });
    expect(config.history["chathistory-maxmessages"]).toBe(500);
    expect(config.limits).toMatchObject({ nicklen: 32, channellen: 64, topiclen: 390 });
    expect(config.fakelag).toMatchObject({ enabled: true, "burst-limit": 5, "messages-per-window": 2 });
    expect(config.channels["default-modes"]).toBe("+ntC");
    expect(config.server["ip-cloaking"]).toMatchObject({ enabled: true, netname: "irc" });
  });

  it("believes forwarded addresses from the cluster network and Cloudflare only", () => {
    const { config } = ircd();
    expect(config.server["proxy-allowed-from"]).toEqual(["localhost", "10.0.0.0/8", ...CLOUDFLARE_IPV4]);
  });
});
