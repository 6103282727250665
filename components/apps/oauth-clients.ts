import { restrictedJobContainerSecurity } from "../lib/kube";
import { contentHash } from "../lib/hash";
import type { KubeObject } from "../lib/kube";
import { fillTemplates, type TemplateContext } from "../lib/template";
import type { Image } from "./spec";

/**
 * Hydra's OAuth clients, declared once (docs/decisions/024). Each is reconciled by a Job of the
 * workload that logs in through it (`reconciledBy`), which runs after Hydra is up and before that
 * workload starts; clients whose secret sits in Hydra's own folder, public clients (desktop apps,
 * kubectl) and Argo CD's are reconciled by `oauth-clients`. Strings may use `{{baseDomain}}`.
 */
export interface OAuthClient {
  id: string;
  name: string;
  grantTypes: ("authorization_code" | "refresh_token" | "client_credentials")[];
  scopes: string[];
  redirectUris?: string[];
  /** `none` for public clients (desktop apps, kubectl), which prove themselves with PKCE. */
  authMethod: "none" | "client_secret_post" | "client_secret_basic";
  /** The workload whose Job creates or updates this client. */
  reconciledBy: string;
  /** Where its secret is: a key some workload (or Argo CD, `argocd-oidc`) declares in its Secret. */
  secret?: { secretName: string; key: string };
  /** First-party clients: the user service skips the consent page. */
  skipConsent?: boolean;
  /** Only when the stack enables what uses it. */
  onlyWith?: "argocd";
}

/** The server every client is registered with, and its admin port (never routed). */
export const OAUTH_SERVER = { workload: "ory-hydra", adminPort: 4445 } as const;
/** The workload that reconciles clients no selected workload owns. */
export const CLIENTS_WORKLOAD = "oauth-clients";
/** Argo CD's client secret (platform/argocd.ts keeps a copy of it in faf-apps for the reconcile Job). */
export const ARGOCD_OIDC_SECRET = { secretName: "argocd-oidc", key: "clientSecret" } as const;
/** A shell and curl, for the Hydra admin API calls (the Hydra image has no HTTP client). */
export const CURL_IMAGE: Image = { repository: "curlimages/curl", tag: "8.11.1" };

/** Client ids that workloads also name in their own config (one place for both). */
export const CLIENT_IDS = {
  website: "c5613672-0ee5-4956-8b03-c7951ef25640",
  websiteM2m: "b9f62a18-faae-43cc-a9b7-e15613e00273",
  voting: "e3dfa9e8-93ad-4593-8b3c-900005439354",
  forum: "97853a31-d7fc-424b-a4c2-f8cd053d10d2",
  qai: "5eecb64d-0f67-4a72-ac2b-717b8c7efa98",
  wiki: "b44e0022-f6a7-41ec-b6c1-3932b00c88aa",
} as const;

const CODE = ["authorization_code", "refresh_token"] as OAuthClient["grantTypes"];
const hydra = (key: string) => ({ secretName: "ory-hydra", key });

/** FAF's 14 clients (gitops-stack ory-hydra values), plus Argo CD's and kubectl's. */
export const OAUTH_CLIENTS: readonly OAuthClient[] = [
  {
    id: "2e8808cf-5889-469b-b2c3-01f0cc58c4af",
    name: "FAF Client",
    grantTypes: CODE,
    scopes: ["openid", "email", "offline", "public_profile", "lobby", "upload_map", "upload_mod"],
    redirectUris: ["http://127.0.0.1"],
    authMethod: "none",
    reconciledBy: CLIENTS_WORKLOAD,
  },
  {
    id: "95ecec08-29c1-4c48-ae0a-b000ff349cb8",
    name: "FAF Classic Client (Python)",
    grantTypes: CODE,
    scopes: ["openid", "offline", "lobby", "public_profile", "upload_map", "upload_mod"],
    redirectUris: ["http://localhost", "http://127.0.0.1"],
    authMethod: "none",
    reconciledBy: CLIENTS_WORKLOAD,
  },
  {
    id: "8ff5c14f-60e2-41b9-b594-a641dc5013be",
    name: "FAF Moderator Client",
    grantTypes: CODE,
    scopes: [
      "openid",
      "offline",
      "public_profile",
      "upload_avatar",
      "administrative_actions",
      "read_sensible_userdata",
      "manage_vault",
    ],
    redirectUris: ["http://localhost", "http://localhost:8080/", "http://127.0.0.1"],
    authMethod: "none",
    reconciledBy: CLIENTS_WORKLOAD,
  },
  {
    id: "b05039ed-e2ab-4fb6-8a7f-e6ecdcc2edcd",
    name: "Ethereal FAF client",
    grantTypes: CODE,
    scopes: ["openid", "offline", "public_profile", "lobby", "upload_map", "upload_mod"],
    redirectUris: ["http://localhost", ...[57728, 59573, 58256, 53037, 51360].map((port) => `http://localhost:${String(port)}`)],
    authMethod: "none",
    reconciledBy: CLIENTS_WORKLOAD,
  },
  {
    id: CLIENT_IDS.website,
    name: "www.{{baseDomain}}",
    grantTypes: CODE,
    scopes: ["openid", "offline", "public_profile", "write_account_data"],
    redirectUris: ["https://www.{{baseDomain}}/callback", "https://www.{{baseDomain}}/auth"],
    authMethod: "client_secret_post",
    reconciledBy: "faf-website",
    secret: { secretName: "faf-website", key: "OAUTH_CLIENT_SECRET" },
    skipConsent: true,
  },
  {
    id: CLIENT_IDS.websiteM2m,
    name: "FAF Website (public)",
    grantTypes: ["client_credentials"],
    scopes: ["public_profile"],
    authMethod: "client_secret_post",
    reconciledBy: "faf-website",
    secret: { secretName: "faf-website", key: "OAUTH_M2M_CLIENT_SECRET" },
  },
  {
    id: CLIENT_IDS.voting,
    name: "voting.{{baseDomain}}",
    grantTypes: CODE,
    scopes: ["openid", "public_profile"],
    // FAF registers a wiki callback here (a copy-paste slip, inventory 9.8); voting's own
    // CALLBACK_URL is https://voting.<domain>/auth, which is what the app sends.
    redirectUris: ["https://voting.{{baseDomain}}/auth"],
    authMethod: "client_secret_post",
    reconciledBy: "faf-voting",
    secret: { secretName: "faf-voting", key: "CLIENT_SECRET" },
    skipConsent: true,
  },
  {
    id: CLIENT_IDS.forum,
    name: "forum.{{baseDomain}}",
    grantTypes: CODE,
    scopes: ["openid", "email", "public_profile", "lobby"],
    redirectUris: ["https://forum.{{baseDomain}}/auth/faf-nodebb/callback"],
    authMethod: "client_secret_post",
    reconciledBy: "nodebb",
    secret: { secretName: "nodebb", key: "OAUTH_SECRET" },
    skipConsent: true,
  },
  {
    id: "fbdc5ce5-9888-4ace-8ccc-378fbcb18992",
    name: "brackman-discord",
    grantTypes: ["client_credentials"],
    scopes: ["public_profile"],
    authMethod: "client_secret_post",
    reconciledBy: CLIENTS_WORKLOAD,
    secret: hydra("BRACKMAN_DISCORD_SECRET"),
  },
  {
    id: CLIENT_IDS.qai,
    name: "faf-qai",
    grantTypes: ["client_credentials"],
    scopes: ["public_profile"],
    authMethod: "client_secret_post",
    reconciledBy: CLIENTS_WORKLOAD,
    secret: hydra("FAF_QAI_SECRET"),
  },
  {
    id: CLIENT_IDS.wiki,
    name: "FAF Wiki",
    grantTypes: CODE,
    scopes: ["openid", "public_profile"],
    redirectUris: ["https://wiki.{{baseDomain}}/login/hydra/callback"],
    authMethod: "client_secret_post",
    // FAF keeps this secret in Hydra's folder (WIKIJS_SECRET) and types it into the wiki's admin
    // page; here the wiki reads it from its own Secret (docs/decisions/029).
    reconciledBy: "wikijs",
    secret: { secretName: "wikijs", key: "OAUTH_SECRET" },
  },
  {
    id: "8213f968-676b-4ef5-b9b7-571b60b6ca91",
    name: "FAF Tracker",
    grantTypes: CODE,
    scopes: ["openid", "offline", "public_profile"],
    redirectUris: ["https://faftracker.xyz/api/auth/callback"],
    authMethod: "client_secret_post",
    reconciledBy: CLIENTS_WORKLOAD,
    secret: hydra("FAFTRACKER_SECRET"),
  },
  {
    id: "20ca564b-d0d3-445f-8317-ce7cff4f878d",
    name: "FA Metrics",
    grantTypes: CODE,
    scopes: ["openid", "offline", "public_profile"],
    redirectUris: ["https://faf-auth-proxy.services.atlantishq.de/realms/atlantis/broker/faf/endpoint"],
    authMethod: "client_secret_post",
    reconciledBy: CLIENTS_WORKLOAD,
    secret: hydra("FA_METRICS_CLIENT_SECRET"),
  },
  {
    id: "f4d9a7e2-1c3b-4a8e-9f26-8b5e0d47c1a9",
    name: "FAF Tournaments",
    grantTypes: CODE,
    scopes: ["openid", "offline", "public_profile"],
    redirectUris: ["https://tournaments.doodlepros.com/auth/faf/callback"],
    authMethod: "client_secret_post",
    reconciledBy: CLIENTS_WORKLOAD,
    secret: hydra("FAFTOURNEY_SECRET"),
  },
  {
    // faf:argocd.oidcClientId (default "argocd"); the web UI's callback and `argocd login --sso`'s.
    id: "argocd",
    name: "Argo CD",
    grantTypes: CODE,
    scopes: ["openid", "profile", "email", "groups"],
    redirectUris: ["https://argocd.{{baseDomain}}/auth/callback", "http://localhost:8085/auth/callback"],
    authMethod: "client_secret_basic",
    reconciledBy: CLIENTS_WORKLOAD,
    secret: ARGOCD_OIDC_SECRET,
    onlyWith: "argocd",
  },
  {
    // The API server's OIDC client (host module: oidc-client-id=kubernetes); kubelogin's callbacks.
    id: "kubernetes",
    name: "kubectl",
    grantTypes: CODE,
    scopes: ["openid", "offline", "groups"],
    redirectUris: ["http://localhost:8000", "http://localhost:18000"],
    authMethod: "none",
    reconciledBy: CLIENTS_WORKLOAD,
  },
];

/** The clients `workload` reconciles in a stack. Pure. */
export function clientsReconciledBy(
  workload: string,
  options: { argocd: boolean; argocdClientId?: string },
  clients: readonly OAuthClient[] = OAUTH_CLIENTS,
): OAuthClient[] {
  return clients
    .filter((client) => client.reconciledBy === workload)
    .filter((client) => client.onlyWith !== "argocd" || options.argocd)
    .map((client) =>
      client.onlyWith === "argocd" && options.argocdClientId ? { ...client, id: options.argocdClientId } : client,
    );
}

/** The body of Hydra's admin API (`POST /admin/clients`, `PUT /admin/clients/<id>`), without the secret. Pure. */
export function clientBody(client: OAuthClient, context: TemplateContext): Record<string, unknown> {
  const filled = fillTemplates(client, context, `oauthClients[${client.id}]`);
  return {
    client_id: filled.id,
    client_name: filled.name,
    grant_types: filled.grantTypes,
    // Client-credentials clients get Hydra's default, as FAF's `hydra create` left them.
    ...(filled.grantTypes.includes("authorization_code") ? { response_types: ["code"] } : {}),
    scope: filled.scopes.join(" "),
    redirect_uris: filled.redirectUris ?? [],
    token_endpoint_auth_method: filled.authMethod,
    skip_consent: filled.skipConsent ?? false,
  };
}

/** The environment variable a client's secret is read into. */
export function secretVariable(client: OAuthClient): string {
  return `CLIENT_SECRET_${client.id.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}`;
}

/**
 * The reconcile script: for each client, GET it; 404 creates it (POST), 200 replaces it with the
 * declared one (PUT), anything else fails the Job. Nothing is ever deleted. Secrets are read
 * from the environment and JSON-escaped at run time, so no secret is in the script. Pure.
 */
export function reconcileScript(clients: readonly OAuthClient[], context: TemplateContext): string {
  const lines = [
    "set -eu",
    "json_escape() { printf '%s' \"$1\" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/\"/\\\\\"/g'; }",
    "reconcile() {",
    '  id="$1"; body="$2"',
    '  code=$(curl -sS -o /dev/null -w "%{http_code}" "$HYDRA_ADMIN_URL/admin/clients/$id")',
    '  case "$code" in',
    '    200) method=PUT; url="$HYDRA_ADMIN_URL/admin/clients/$id"; done="updated" ;;',
    '    404) method=POST; url="$HYDRA_ADMIN_URL/admin/clients"; done="created" ;;',
    '    *) echo "client $id: Hydra answered $code to GET /admin/clients/$id" >&2; return 1 ;;',
    "  esac",
    '  printf \'%s\' "$body" | curl -sS --fail-with-body -o /dev/null -X "$method" -H "Content-Type: application/json" --data-binary @- "$url"',
    '  echo "client $id: $done"',
    "}",
  ];
  for (const client of clients) {
    const json = JSON.stringify(clientBody(client, context));
    if (json.includes("'")) throw new Error(`oauthClients[${client.id}]: a single quote cannot be carried in the script`);
    const body = client.secret
      ? `'${json.slice(0, -1)},"client_secret":"'"$(json_escape "$${secretVariable(client)}")"'"}'`
      : `'${json}'`;
    lines.push(`reconcile '${client.id}' ${body}`);
  }
  return `${lines.join("\n")}\n`;
}

export interface ClientsJobInputs {
  workload: string;
  namespace: string;
  labels: Record<string, string>;
  serviceAccountName: string;
  imagePullPolicy: string;
  runAsUser: number;
  adminUrl: string;
  context: TemplateContext;
  clients: readonly OAuthClient[];
}

/** The Job that reconciles `clients`; its name carries the hash of what it does, so a change runs it again. Pure. */
export function oauthClientsJob(inputs: ClientsJobInputs): KubeObject {
  const env = [
    { name: "HYDRA_ADMIN_URL", value: inputs.adminUrl },
    ...inputs.clients.flatMap((client) =>
      client.secret
        ? [
            {
              name: secretVariable(client),
              valueFrom: { secretKeyRef: { name: client.secret.secretName, key: client.secret.key } },
            },
          ]
        : [],
    ),
  ];
  const template = {
    metadata: { labels: inputs.labels },
    spec: {
      serviceAccountName: inputs.serviceAccountName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: "Never",
      securityContext: {
        runAsNonRoot: true,
        runAsUser: inputs.runAsUser,
        runAsGroup: inputs.runAsUser,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: "oauth-clients",
          image: `${CURL_IMAGE.repository}:${CURL_IMAGE.tag}`,
          imagePullPolicy: inputs.imagePullPolicy,
          command: ["sh", "-c", reconcileScript(inputs.clients, inputs.context)],
          env,
          resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
          securityContext: restrictedJobContainerSecurity(),
        },
      ],
    },
  };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: `${inputs.workload}-oauth-clients-${contentHash(template, 8)}`,
      namespace: inputs.namespace,
      labels: inputs.labels,
    },
    spec: { backoffLimit: 3, activeDeadlineSeconds: 300, template },
  };
}
