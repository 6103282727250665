/**
 * The OAuth clients a laptop seeds into Hydra, self-contained so that it folds into the declared
 * Hydra clients once those exist (ids, grants, scopes and redirects are FAF's own, from its
 * `ory-hydra-create-client` jobs; redirects on a laptop are plain HTTP). Secrets are known values
 * on purpose: the website on the developer's machine is configured with them (docs/laptop.md).
 */

export interface SeedOAuthClient {
  id: string;
  name: string;
  grantTypes: string[];
  scopes: string[];
  /** `{{baseDomain}}` is filled in. */
  redirectUris: string[];
  /** Undefined: a public client (`none`), as FAF's desktop clients are. */
  secret?: string;
  skipConsent?: boolean;
}

export const SEED_OAUTH_CLIENTS: readonly SeedOAuthClient[] = [
  {
    id: "2e8808cf-5889-469b-b2c3-01f0cc58c4af",
    name: "FAF Client",
    grantTypes: ["authorization_code", "refresh_token"],
    scopes: ["openid", "email", "offline", "public_profile", "lobby", "upload_map", "upload_mod"],
    redirectUris: ["http://127.0.0.1", "http://localhost"],
  },
  {
    id: "c5613672-0ee5-4956-8b03-c7951ef25640",
    name: "www.{{baseDomain}}",
    grantTypes: ["authorization_code", "refresh_token"],
    scopes: ["openid", "offline", "public_profile", "write_account_data"],
    redirectUris: ["http://www.{{baseDomain}}/callback", "http://www.{{baseDomain}}/auth", "http://localhost:3000/callback"],
    secret: "faf-website-local-secret",
    skipConsent: true,
  },
  {
    id: "b9f62a18-faae-43cc-a9b7-e15613e00273",
    name: "FAF Website (public)",
    grantTypes: ["client_credentials"],
    scopes: ["public_profile"],
    redirectUris: [],
    secret: "faf-website-m2m-local-secret",
  },
];

/** The FAF client id the smoke test logs in with (public, redirect to 127.0.0.1, as the desktop client does). */
export const SMOKE_CLIENT_ID = "2e8808cf-5889-469b-b2c3-01f0cc58c4af";

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A POSIX script that creates each client unless Hydra has it already (`hydra get oauth2-client`
 * succeeds), as FAF's own jobs do: a second run creates nothing.
 */
export function oauthClientsScript(clients: readonly SeedOAuthClient[], baseDomain: string, adminUrl: string): string {
  const fill = (text: string) => text.split("{{baseDomain}}").join(baseDomain);
  const lines = [`endpoint=${shellQuote(adminUrl)}`];
  for (const client of clients) {
    const args = [
      '--endpoint "$endpoint"',
      `--id ${shellQuote(client.id)}`,
      `--name ${shellQuote(fill(client.name))}`,
      `--grant-type ${shellQuote(client.grantTypes.join(","))}`,
      ...(client.grantTypes.includes("authorization_code") ? ["--response-type code"] : []),
      `--scope ${shellQuote(client.scopes.join(","))}`,
      ...(client.redirectUris.length > 0 ? [`--redirect-uri ${shellQuote(client.redirectUris.map(fill).join(","))}`] : []),
      client.secret === undefined
        ? "--token-endpoint-auth-method none"
        : `--token-endpoint-auth-method client_secret_post --secret ${shellQuote(client.secret)}`,
      ...(client.skipConsent ? ["--skip-consent"] : []),
    ];
    lines.push(
      `if hydra get oauth2-client --endpoint "$endpoint" ${shellQuote(client.id)} >/dev/null 2>&1; then`,
      `  echo "client ${client.id} exists"`,
      "else",
      `  hydra create oauth2-client ${args.join(" ")}`,
      "fi",
    );
  }
  return lines.join("\n");
}
