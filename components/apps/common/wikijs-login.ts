import { CLIENT_IDS } from "../oauth-clients";
import type { FileSpec } from "../spec";

/**
 * The wiki's FAF login: a Wiki.js 2 authentication module `faf-hydra` (OpenID Connect against
 * Hydra), written for this repository after FAF's facts: module key `faf-hydra`, scopes openid
 * and public_profile, FAF's logo, and the e-mail `<username>@faforever.com` that FAF's wiki
 * accounts are matched by. FAF's module takes its client id, secret and endpoints from the
 * wiki's admin page (stored in PostgreSQL); this one reads them from the environment the
 * workload declares, so the client settings live next to the client (docs/decisions/029).
 *
 * Wiki.js deletes a configured login strategy from its database when the module's directory is
 * missing at start (`refreshStrategiesFromDisk`): losing these files loses the wiki's login setup.
 */
export const WIKI_LOGIN_DIR = "/wiki/server/modules/authentication/faf-hydra";

/** The environment the module reads; the secret comes from the wiki's Secret (`OAUTH_SECRET`). */
export const WIKI_LOGIN_ENV = {
  FAF_OAUTH_CLIENT_ID: CLIENT_IDS.wiki,
  FAF_OAUTH_ISSUER: "https://hydra.{{baseDomain}}",
  // The browser goes to Hydra's public host; the code-for-token call stays in the cluster.
  FAF_OAUTH_AUTHORIZATION_URL: "https://hydra.{{baseDomain}}/oauth2/auth",
  FAF_OAUTH_TOKEN_URL: "http://ory-hydra:4444/oauth2/token",
} as const;
export const WIKI_LOGIN_SECRET_VARIABLE = "FAF_OAUTH_CLIENT_SECRET";

const DEFINITION = `key: faf-hydra
title: FAF login
author: faf-infra
logo: https://{{baseDomain}}/images/faf-logo.png
isAvailable: true
useForm: false
scopes:
  - openid
  - public_profile
# Nothing to set on the admin page: the client comes from the environment.
props: {}
`;

const MODULE = `/* global WIKI */
// FAF login through Hydra (OpenID Connect), settings from the environment (faf-infra).
const OpenIDConnectStrategy = require('passport-openidconnect').Strategy

function setting (name) {
  const value = process.env[name]
  if (!value) throw new Error('faf-hydra login: environment variable ' + name + ' is not set')
  return value
}

module.exports = {
  init (passport, conf) {
    passport.use(conf.key, new OpenIDConnectStrategy({
      issuer: setting('FAF_OAUTH_ISSUER'),
      authorizationURL: setting('FAF_OAUTH_AUTHORIZATION_URL'),
      tokenURL: setting('FAF_OAUTH_TOKEN_URL'),
      clientID: setting('FAF_OAUTH_CLIENT_ID'),
      clientSecret: setting('${WIKI_LOGIN_SECRET_VARIABLE}'),
      callbackURL: conf.callbackURL,
      passReqToCallback: true,
      skipUserProfile: true
    }, async (req, iss, uiProfile, idProfile, context, idToken, accessToken, refreshToken, params, done) => {
      const profile = Object.assign({}, idProfile, uiProfile)
      try {
        const user = await WIKI.models.users.processProfile({
          providerKey: req.params.strategy,
          profile: { id: profile.id, username: profile.username, email: profile.username + '@faforever.com' }
        })
        done(null, user)
      } catch (err) {
        done(err, null)
      }
    }))
  },
  logout () {
    return '/'
  }
}
`;

export const WIKI_LOGIN_FILES: FileSpec[] = [
  { path: `${WIKI_LOGIN_DIR}/definition.yml`, content: DEFINITION },
  { path: `${WIKI_LOGIN_DIR}/authentication.js`, content: MODULE },
];
