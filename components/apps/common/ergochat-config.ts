import { Document, isScalar, visit } from "yaml";
import { CLOUDFLARE_IPV4 } from "../../platform/traefik";

/**
 * Ergo's ircd.yaml as typed data: FAF's settings (gitops-stack `apps/ergochat/config/ircd.yaml`,
 * taken as facts), written by us. Keys are Ergo's own. Sections FAF leaves disabled or at their
 * placeholder values (Tor, WEBIRC's example gateway, the IP-check script, e-mail verification,
 * roleplay, languages) are left out: Ergo's defaults are the same. See the notes at each
 * deviation from FAF.
 */
export interface ErgoConfig {
  network: { name: string };
  server: ErgoServer;
  accounts: ErgoAccounts;
  channels: {
    "default-modes": string;
    "max-channels-per-client": number;
    "operator-only-creation": boolean;
    registration: { enabled: boolean; "operator-only": boolean; "max-channels-per-account": number };
    "list-delay": string;
    "invite-expiration": string;
  };
  "oper-classes": Record<string, { title: string; extends?: string; capabilities: string[] }>;
  logging: { method: "stderr"; type: string; level: "debug" | "info" | "warn" | "error" }[];
  debug: { "recover-from-errors": boolean };
  "lock-file": string;
  datastore: {
    path: string;
    autoupgrade: boolean;
    mysql: { enabled: boolean; host: string; port: number; timeout: string; "max-conns": number };
  };
  limits: Record<
    | "nicklen"
    | "identlen"
    | "channellen"
    | "awaylen"
    | "kicklen"
    | "topiclen"
    | "monitor-entries"
    | "whowas-entries"
    | "chan-list-modes"
    | "registration-messages",
    number
  > & { multiline: { "max-bytes": number; "max-lines": number } };
  fakelag: {
    enabled: boolean;
    window: string;
    "burst-limit": number;
    "messages-per-window": number;
    cooldown: string;
    "command-budgets": Record<string, number>;
  };
  history: ErgoHistory;
  /** Lets `ERGO__DATASTORE__MYSQL__*` variables carry the database user and password. */
  "allow-environment-overrides": boolean;
}

export interface ErgoListener {
  proxy?: boolean;
  websocket?: boolean;
  tls?: { cert: string; key: string };
  "min-tls-version"?: string;
}

export interface ErgoServer {
  name: string;
  listeners: Record<string, ErgoListener>;
  sts: { enabled: boolean };
  websockets: { "allowed-origins": string[] };
  casemapping: "ascii" | "precis" | "permissive";
  "enforce-utf8": boolean;
  "lookup-hostnames": boolean;
  "forward-confirm-hostnames": boolean;
  "check-ident": boolean;
  "coerce-ident": string;
  relaymsg: { enabled: boolean; separators: string; "available-to-chanops": boolean };
  "proxy-allowed-from": string[];
  "max-sendq": string;
  compatibility: { "force-trailing": boolean; "send-unprefixed-sasl": boolean; "allow-truncation": boolean };
  "ip-limits": {
    count: boolean;
    "max-concurrent-connections": number;
    throttle: boolean;
    window: string;
    "max-connections-per-window": number;
    "cidr-len-ipv4": number;
    "cidr-len-ipv6": number;
    exempted: string[];
  };
  "ip-cloaking": {
    enabled: boolean;
    "enabled-for-always-on": boolean;
    netname: string;
    "cidr-len-ipv4": number;
    "cidr-len-ipv6": number;
    "num-bits": number;
  };
  "suppress-lusers": boolean;
}

export interface ErgoAccounts {
  "authentication-enabled": boolean;
  registration: {
    enabled: boolean;
    "allow-before-connect": boolean;
    throttling: { enabled: boolean; duration: string; "max-attempts": number };
    "bcrypt-cost": number;
    "verify-timeout": string;
  };
  "login-throttling": { enabled: boolean; duration: string; "max-attempts": number };
  "skip-server-password": boolean;
  "login-via-pass-command": boolean;
  "advertise-scram": boolean;
  "require-sasl": { enabled: boolean; exempted: string[] };
  "nick-reservation": {
    enabled: boolean;
    "additional-nick-limit": number;
    method: "strict" | "optional" | "timeout";
    "allow-custom-enforcement": boolean;
    "guest-nickname-format": string;
    "force-guest-format": boolean;
    "force-nick-equals-account": boolean;
    "forbid-anonymous-nick-changes": boolean;
  };
  multiclient: {
    enabled: boolean;
    "allowed-by-default": boolean;
    "always-on": "disabled" | "opt-in" | "opt-out" | "mandatory";
    "auto-away": "disabled" | "opt-in" | "opt-out" | "mandatory";
  };
  vhosts: { enabled: boolean; "max-length": number; "valid-regexp": string };
  "default-user-modes": string;
  "auth-script": {
    enabled: boolean;
    command: string;
    args: string[];
    autocreate: boolean;
    timeout: string;
    "kill-timeout": string;
    "max-concurrency": number;
  };
}

export interface ErgoHistory {
  enabled: boolean;
  "channel-length": number;
  "client-length": number;
  "autoresize-window": string;
  "autoreplay-on-join": number;
  "chathistory-maxmessages": number;
  "znc-maxmessages": number;
  restrictions: { "expire-time": string; "query-cutoff": "none" | "registration-time" | "join-time"; "grace-period": string };
  persistent: {
    enabled: boolean;
    "unregistered-channels": boolean;
    "registered-channels": "disabled" | "opt-in" | "opt-out" | "mandatory";
    "direct-messages": "disabled" | "opt-in" | "opt-out" | "mandatory";
  };
  retention: { "allow-individual-delete": boolean; "enable-account-indexing": boolean };
  "tagmsg-storage": { default: boolean; whitelist: string[] };
}

/** Where the ConfigMap's files are mounted; Ergo reads its config from here. */
export const ERGO_CONFIG_DIR = "/ircd";
/** The login check Ergo runs for every SASL or PASS login: faf-user-service decides. */
export const ERGO_AUTH_SCRIPT = `${ERGO_CONFIG_DIR}/auth.sh`;
export const ERGO_LOGIN_URL = "http://faf-user-service:8080/irc/ergochat/login";
/** The persistent volume: the database, its lock and the TLS certificate (FAF keeps them together). */
export const ERGO_DATA_DIR = "/data";

/**
 * Addresses whose PROXY headers and X-Forwarded-For Ergo believes. FAF lists localhost, its old
 * Docker bridge and its host's address beside Cloudflare's ranges; here Traefik reaches the pod
 * from the cluster network (10.0.0.0/8), and Cloudflare's ranges stay so that Ergo walks
 * X-Forwarded-For past Cloudflare to the player's address.
 */
const TRUSTED_PROXIES = ["localhost", "10.0.0.0/8", ...CLOUDFLARE_IPV4];

const MODERATOR_CAPABILITIES = ["kill", "ban", "nofakelag", "relaymsg", "vhosts", "sajoin", "samode", "snomasks", "roleplay"];
const ADMIN_CAPABILITIES = ["rehash", "accreg", "chanreg", "history", "defcon", "massmessage"];

/** FAF's settings. `{{baseDomain}}` and `{{mariadb}}` are filled at render. */
export const ERGO_CONFIG: ErgoConfig = {
  network: { name: "{{baseDomain}}" },
  server: {
    name: "{{baseDomain}}",
    listeners: {
      ":6667": { proxy: true },
      ":6697": {
        tls: { cert: `${ERGO_DATA_DIR}/fullchain.pem`, key: `${ERGO_DATA_DIR}/privkey.pem` },
        proxy: true,
        "min-tls-version": "1.2",
      },
      ":8097": { websocket: true },
    },
    sts: { enabled: false },
    // Empty: any origin may open the WebSocket (the FAF client and web chats on other hosts).
    websockets: { "allowed-origins": [] },
    casemapping: "ascii",
    "enforce-utf8": true,
    "lookup-hostnames": false,
    "forward-confirm-hostnames": true,
    "check-ident": false,
    "coerce-ident": "~u",
    relaymsg: { enabled: true, separators: "/", "available-to-chanops": true },
    "proxy-allowed-from": TRUSTED_PROXIES,
    "max-sendq": "1024k",
    compatibility: { "force-trailing": true, "send-unprefixed-sasl": true, "allow-truncation": false },
    "ip-limits": {
      count: false,
      "max-concurrent-connections": 16,
      throttle: false,
      window: "10m",
      "max-connections-per-window": 32,
      "cidr-len-ipv4": 32,
      "cidr-len-ipv6": 64,
      exempted: TRUSTED_PROXIES,
    },
    "ip-cloaking": {
      enabled: true,
      "enabled-for-always-on": true,
      netname: "irc",
      "cidr-len-ipv4": 32,
      "cidr-len-ipv6": 64,
      "num-bits": 64,
    },
    "suppress-lusers": false,
  },
  accounts: {
    "authentication-enabled": true,
    // No IRC registration: accounts are FAF accounts, created on first login by the auth script.
    registration: {
      enabled: false,
      "allow-before-connect": true,
      throttling: { enabled: true, duration: "10m", "max-attempts": 30 },
      "bcrypt-cost": 4,
      "verify-timeout": "32h",
    },
    "login-throttling": { enabled: true, duration: "1m", "max-attempts": 3 },
    "skip-server-password": false,
    "login-via-pass-command": true,
    "advertise-scram": true,
    "require-sasl": { enabled: true, exempted: ["localhost"] },
    "nick-reservation": {
      enabled: true,
      "additional-nick-limit": 0,
      method: "strict",
      "allow-custom-enforcement": false,
      "guest-nickname-format": "Guest-*",
      "force-guest-format": false,
      "force-nick-equals-account": true,
      "forbid-anonymous-nick-changes": false,
    },
    multiclient: { enabled: true, "allowed-by-default": true, "always-on": "disabled", "auto-away": "mandatory" },
    vhosts: { enabled: true, "max-length": 64, "valid-regexp": "^[0-9A-Za-z.\\-_/]+$" },
    "default-user-modes": "+i",
    // FAF runs auth.sh directly from a 0777 ConfigMap; a file mounted here is not executable, so
    // the shell runs it (the script is the first argument, FAF's login URL the second).
    "auth-script": {
      enabled: true,
      command: "/bin/sh",
      args: [ERGO_AUTH_SCRIPT, ERGO_LOGIN_URL],
      autocreate: true,
      timeout: "9s",
      "kill-timeout": "1s",
      "max-concurrency": 64,
    },
  },
  channels: {
    "default-modes": "+ntC",
    "max-channels-per-client": 100,
    "operator-only-creation": false,
    registration: { enabled: true, "operator-only": false, "max-channels-per-account": 15 },
    "list-delay": "0s",
    "invite-expiration": "24h",
  },
  // FAF's two operator classes. FAF's one operator (`admin`, class server-admin) is defined by a
  // password hash in its config; a credential does not belong in this repository, and Ergo's
  // environment overrides cannot add entries to `opers` (a map), so no operator is declared:
  // see the ergochat workload.
  "oper-classes": {
    "chat-moderator": { title: "Chat Moderator", capabilities: MODERATOR_CAPABILITIES },
    "server-admin": { title: "Server Admin", extends: "chat-moderator", capabilities: ADMIN_CAPABILITIES },
  },
  logging: [{ method: "stderr", type: "* -userinput -useroutput", level: "info" }],
  debug: { "recover-from-errors": true },
  "lock-file": `${ERGO_DATA_DIR}/ircd.lock`,
  datastore: {
    path: `${ERGO_DATA_DIR}/ircd.db`,
    autoupgrade: true,
    mysql: { enabled: true, host: "{{mariadb}}", port: 3306, timeout: "3s", "max-conns": 4 },
  },
  limits: {
    nicklen: 32,
    identlen: 20,
    channellen: 64,
    awaylen: 390,
    kicklen: 390,
    topiclen: 390,
    "monitor-entries": 100,
    "whowas-entries": 100,
    "chan-list-modes": 60,
    "registration-messages": 1024,
    multiline: { "max-bytes": 4096, "max-lines": 100 },
  },
  fakelag: {
    enabled: true,
    window: "1s",
    "burst-limit": 5,
    "messages-per-window": 2,
    cooldown: "2s",
    "command-budgets": { CHATHISTORY: 16, MARKREAD: 16, MONITOR: 1, WHO: 4 },
  },
  history: {
    enabled: true,
    "channel-length": 2048,
    "client-length": 256,
    "autoresize-window": "3d",
    "autoreplay-on-join": 0,
    "chathistory-maxmessages": 500,
    "znc-maxmessages": 2048,
    restrictions: { "expire-time": "1w", "query-cutoff": "none", "grace-period": "1h" },
    persistent: {
      enabled: true,
      "unregistered-channels": false,
      "registered-channels": "mandatory",
      "direct-messages": "mandatory",
    },
    retention: { "allow-individual-delete": true, "enable-account-indexing": false },
    "tagmsg-storage": { default: false, whitelist: ["+draft/react", "+react"] },
  },
  "allow-environment-overrides": true,
};

/**
 * The config file's text. Listener addresses (`":6667"`) are written quoted, as in Ergo's own
 * examples: a plain scalar starting with `:` is one YAML parsers disagree about.
 */
export function ergoConfigYaml(config: ErgoConfig = ERGO_CONFIG): string {
  const doc = new Document(config, { aliasDuplicateObjects: false });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && String(pair.key.value).startsWith(":")) pair.key.type = "QUOTE_DOUBLE";
    },
  });
  return doc.toString({ lineWidth: 0 });
}
