import type { FileSpec } from "../spec";

/**
 * The mail templates faf-api and faf-user-service read at start. Both refuse to start when a
 * template file is missing or lacks one of its variables (their `MailBodyBuilder` checks every
 * template for each `{{variable}}` and fills them by plain text replacement), so these files are
 * part of the service, not decoration. The text is ours: short and plain; links use the stack's
 * domain. Each service reads a template from the path in its environment key.
 */
export interface MailTemplate {
  /** File name under {@link MAIL_DIR}. */
  file: string;
  /** The environment key holding the template's path (the services' own setting names). */
  pathKey: string;
  /** The variables the service fills in, each of which must appear in the body. */
  variables: string[];
  title: string;
  paragraphs: string[];
}

/** Where both services look by default, and where FAF mounts the templates. */
export const MAIL_DIR = "/config/mail";

const SIGNATURE = `The FAForever team<br><a href="https://www.{{baseDomain}}">www.{{baseDomain}}</a>`;

const ACTIVATION: MailTemplate = {
  file: "account-activation.html",
  pathKey: "ACCOUNT_ACTIVATION_MAIL_TEMPLATE_PATH",
  variables: ["username", "activationUrl"],
  title: "Activate your FAF account",
  paragraphs: [
    "Hello {{username}},",
    "someone, hopefully you, registered this e-mail address for a FAForever account. Open the link below to activate it:",
    `<a href="{{activationUrl}}">{{activationUrl}}</a>`,
    "If you did not register, ignore this mail: the account will not be activated.",
  ],
};

const WELCOME: MailTemplate = {
  file: "welcome-to-faf.html",
  pathKey: "WELCOME_MAIL_TEMPLATE_PATH",
  variables: ["username"],
  title: "Welcome to FAF",
  paragraphs: [
    "Hello {{username}},",
    `your account is active. Download the client from <a href="https://www.{{baseDomain}}">www.{{baseDomain}}</a>, log in and join a game; the forum at <a href="https://forum.{{baseDomain}}">forum.{{baseDomain}}</a> and the wiki at <a href="https://wiki.{{baseDomain}}">wiki.{{baseDomain}}</a> help you get started.`,
  ],
};

const PASSWORD_RESET: MailTemplate = {
  file: "password-reset.html",
  pathKey: "PASSWORD_RESET_MAIL_TEMPLATE_PATH",
  variables: ["username", "passwordResetUrl"],
  title: "Reset your FAF password",
  paragraphs: [
    "Hello {{username}},",
    "a new password was requested for your FAForever account. Open the link below to choose one:",
    `<a href="{{passwordResetUrl}}">{{passwordResetUrl}}</a>`,
    "If you did not ask for this, ignore this mail: your password stays as it is.",
  ],
};

const EMAIL_TAKEN: MailTemplate = {
  file: "email-taken.html",
  pathKey: "EMAIL_TAKEN_MAIL_TEMPLATE_PATH",
  variables: ["desiredUsername", "existingUsername", "passwordResetUrl"],
  title: "You already have a FAF account",
  paragraphs: [
    "Hello,",
    "someone tried to register the account {{desiredUsername}} with this e-mail address, which already belongs to your account {{existingUsername}}. No new account was created.",
    `If you forgot your password, reset it here: <a href="{{passwordResetUrl}}">{{passwordResetUrl}}</a>`,
  ],
};

/** faf-api (faf-java-api v3): activation, welcome and password reset. */
export const API_MAIL_TEMPLATES: readonly MailTemplate[] = [ACTIVATION, WELCOME, PASSWORD_RESET];
/**
 * faf-user-service 4.2: the API's three and the notice that an e-mail address is taken. 4.3 adds
 * `email-change-confirmation` (username, confirmationUrl) and `email-change-notification`
 * (username, newEmail), later releases `password-change-notification` (username): a bump of the
 * image needs them first, or the service does not start.
 */
export const USER_SERVICE_MAIL_TEMPLATES: readonly MailTemplate[] = [ACTIVATION, WELCOME, PASSWORD_RESET, EMAIL_TAKEN];

/** The releases whose template checks these lists were written against (a test holds the images to them). */
export const MAIL_TEMPLATES_CHECKED_FOR = { "faf-api": "v3.8.9", "faf-user-service": "4.2.0" } as const;

export function mailTemplatePath(template: MailTemplate): string {
  return `${MAIL_DIR}/${template.file}`;
}

/** The template as an HTML mail body; `{{baseDomain}}` is filled at render, the variables by the service. */
export function mailTemplateHtml(template: MailTemplate): string {
  const body = [...template.paragraphs, SIGNATURE].map((p) => `<p>${p}</p>`).join("\n");
  return `<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>${template.title}</title></head>\n<body>\n${body}\n</body>\n</html>\n`;
}

/** The files a workload mounts for its templates. */
export function mailTemplateFiles(templates: readonly MailTemplate[]): FileSpec[] {
  return templates.map((template) => ({
    path: mailTemplatePath(template),
    content: mailTemplateHtml(template),
    servicePlaceholders: template.variables,
  }));
}

/** The environment that points the service at each template. */
export function mailTemplateEnv(templates: readonly MailTemplate[]): Record<string, string> {
  return Object.fromEntries(templates.map((template) => [template.pathKey, mailTemplatePath(template)]));
}
