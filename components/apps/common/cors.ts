import type { MiddlewareSpec } from "../spec";

/**
 * FAF's CORS on test for front-ends a developer runs on their own machine (any port of localhost
 * or 127.0.0.1) against test's login and OAuth server. `credentials`: the browser may send
 * cookies (the user service's session); Hydra's middleware leaves it off.
 */
export function localFrontendCors(credentials: boolean): MiddlewareSpec {
  return {
    headers: {
      accessControlAllowMethods: ["GET", "POST", "OPTIONS"],
      accessControlAllowHeaders: ["Content-Type", "Authorization", "X-HMAC"],
      accessControlAllowOriginListRegex: ["^https?://localhost(:[0-9]+)?$", "^https?://127\\.0\\.0\\.1(:[0-9]+)?$"],
      ...(credentials ? { accessControlAllowCredentials: true } : {}),
      accessControlMaxAge: 600,
      addVaryHeader: true,
    },
  };
}
