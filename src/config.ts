import { z } from 'zod';

/**
 * Runtime configuration, read once from the environment by {@link loadConfig}.
 *
 * - `port`: TCP port of the HTTP server (default 3978; 0 asks the OS for a free port).
 * - `host`: interface to bind (default 127.0.0.1). With auth off the server refuses any
 *   non-loopback host, because replies then go out without a token.
 * - `dataDir`: folder holding the lowdb store (default `./data`).
 * - `microsoftAppId` ... `microsoftAppType`: the standard Bot Framework credentials; an empty
 *   `MicrosoftAppId` means local development (auth off, development Direct Line surface on).
 * - `webChatTenantId`: the tenant a Web Chat page is configured for (Web Chat carries no tenant of
 *   its own; Teams sends `channelData.tenant.id`).
 * - `logLevel`: pino level.
 * - `providerDirectory`: path of the provider directory JSON (default: the shipped one).
 * - `invitationSecret`: HMAC key for invitation links (`INVITATION_SECRET`, at least 32
 *   characters); unset = a random one generated once and kept in `<DATA_DIR>/invitation-secret`.
 * - `directLineSecret`, `webChatPortalSecret`, `directLineEndpoint`: production Web Chat
 *   (`POST /api/directline/token`, see src/server/directLineToken.ts); both secrets unset = the
 *   endpoint answers 503. `webChatFrameAncestors`: portal origins allowed to frame the page.
 *   `webChatPortalIssuer`, `webChatPortalAudience`: the `iss` and `aud` the portal's assertion (an
 *   HS256 JWT) must carry (`WEBCHAT_PORTAL_ISSUER`, default `csp-partner-portal`;
 *   `WEBCHAT_PORTAL_AUDIENCE`, default `csp-assistant`).
 * - `rateLimit`: turns per conversation per window; more are refused with a friendly message.
 * - `publicBaseUrl`: the absolute URL invitation links start with (`PUBLIC_BASE_URL`, e.g.
 *   `https://assistant.contoso.com`); unset = the address the server listens on.
 * - `assistantChatUrl`, `teamsAppId`: where the public invitation pages send a reader to open the
 *   assistant (`ASSISTANT_CHAT_URL`, default this server's Web Chat page; `TEAMS_APP_ID` adds a
 *   link that opens the app in Microsoft Teams).
 * - `storage`: where state lives (`STORAGE=lowdb|blob|cosmos`, default lowdb under `dataDir`).
 *   `blob` needs `BLOB_CONNECTION_STRING` (container `BLOB_CONTAINER`, default `csp-assistant`);
 *   `cosmos` needs `COSMOS_ENDPOINT` and `COSMOS_KEY` (`COSMOS_DATABASE`, `COSMOS_CONTAINER`).
 *   Both are shared by several instances, so they also need `INVITATION_SECRET` (every instance
 *   must sign and check links with the same key).
 * - `partnerCenterMode`: `off` (default, manual mode), `fake` (`PARTNER_CENTER_MODE=fake`: the
 *   bundled fakes of Partner Center, the token service, Entra and Graph with demo data and demo
 *   people, see src/partnerCenter/connection.ts and src/identity/connection.ts) or `live` (the real
 *   Partner Center API, read as the signed-in user: needs `OAUTH_CONNECTION_NAME`).
 * - `partnerCenterRefreshMinutes`: how often connected tenants' customers are read again in the
 *   background (`PARTNER_CENTER_REFRESH_MINUTES`, default 60; 0 = only when someone opens the list).
 * - `oauthConnectionName`: connected identity (`OAUTH_CONNECTION_NAME`, the OAuth connection of the
 *   Azure Bot resource): users sign in (OAuthPrompt, Teams SSO) and their roles are verified in
 *   Microsoft Entra ID. Needs the bot's app registration (`MicrosoftAppId`, `MicrosoftAppPassword`)
 *   to mint tokens on the user's behalf. With `PARTNER_CENTER_MODE=fake` the bundled fakes stand
 *   in (connection name `demo`) and this stays unset. See README, "Connected mode".
 * - `reminderCheckSeconds`: how often proactive reminders are checked (`REMINDER_CHECK_SECONDS`,
 *   default 60; 0 turns sending off on this instance, e.g. for a web-only instance).
 * - `httpRateLimits`: changes to the public HTTP routes' rate limits (`RATE_LIMIT_HTTP`, e.g.
 *   `invitationPage.ip=300/60,directLineToken.ip=120/60`: `<group>.<ip|token>=<requests>/<seconds>`,
 *   comma-separated); the groups, defaults and reasons are in src/server/http/rateLimits.ts.
 */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  microsoftAppId: string;
  microsoftAppPassword: string;
  microsoftAppTenantId: string;
  microsoftAppType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  webChatTenantId: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Provider directory JSON file; undefined = the one shipped with the app (`src/data/providers.json`). */
  providerDirectory?: string;
  /** HMAC key for invitation links; undefined = generated and kept under `dataDir`. */
  invitationSecret?: string;
  /** Direct Line channel secret (`DIRECT_LINE_SECRET`); never sent to a browser. */
  directLineSecret?: string;
  /** Shared secret the partner portal signs Web Chat assertions with (`WEBCHAT_PORTAL_SECRET`). */
  webChatPortalSecret?: string;
  /** `iss` the portal's Web Chat assertions must carry (`WEBCHAT_PORTAL_ISSUER`); undefined = `csp-partner-portal`. */
  webChatPortalIssuer?: string;
  /** `aud` the portal's Web Chat assertions must carry (`WEBCHAT_PORTAL_AUDIENCE`); undefined = `csp-assistant`. */
  webChatPortalAudience?: string;
  /** Direct Line API base URL (`DIRECT_LINE_ENDPOINT`). */
  directLineEndpoint: string;
  /** Turns one conversation may run per window (`RATE_LIMIT_TURNS`, default 30) and the window in seconds (`RATE_LIMIT_WINDOW_SECONDS`, default 10). */
  rateLimit: { turns: number; windowSeconds: number };
  /** Origins allowed to frame the Web Chat page (`WEBCHAT_FRAME_ANCESTORS`, comma-separated https origins). */
  webChatFrameAncestors: string[];
  /** Base URL of invitation links, without a trailing slash; undefined = the listening address. */
  publicBaseUrl?: string;
  /** Where partners chat with the assistant on the web (`ASSISTANT_CHAT_URL`, e.g. the partner portal's page); undefined = this server's Web Chat page. */
  assistantChatUrl?: string;
  /** The Teams app id (`TEAMS_APP_ID`, the manifest's `id`): pages link to the app in Teams when set. */
  teamsAppId?: string;
  /** True when `MicrosoftAppId` is set: every /api/messages call must carry a valid JWT. */
  authEnabled: boolean;
  /** The storage backend and its settings (lowdb keeps its files under `dataDir`). */
  storage: {
    backend: 'lowdb' | 'blob' | 'cosmos';
    blob?: { connectionString: string; container: string };
    cosmos?: { endpoint: string; key: string; database: string; container: string };
  };
  /** Seconds between reminder checks; 0 = this instance sends no reminders. */
  reminderCheckSeconds: number;
  /** `off`: manual mode; `fake`: the bundled fakes with demo data; `live`: the real Partner Center as the signed-in user. */
  partnerCenterMode: 'off' | 'fake' | 'live';
  /** Minutes between background reads of connected tenants' customers; 0 = none. */
  partnerCenterRefreshMinutes: number;
  /** OAuth connection name for sign-in (`OAUTH_CONNECTION_NAME`); undefined = roles are self-declared (unless the fake mode's demo sign-in runs). */
  oauthConnectionName?: string;
  /** Changes to the default rate limits of the public HTTP routes (`RATE_LIMIT_HTTP`); empty = the defaults. */
  httpRateLimits: HttpRateLimitOverride[];
}

/** Route groups of the public HTTP rate limits; their routes, numbers and reasons are in src/server/http/rateLimits.ts. */
export const HTTP_LIMIT_GROUPS = ['invitationPage', 'invitationForm', 'export', 'directLineToken', 'devDirectLine'] as const;
/** A route group of {@link HTTP_LIMIT_GROUPS}. */
export type HttpLimitGroup = (typeof HTTP_LIMIT_GROUPS)[number];

/** One `RATE_LIMIT_HTTP` entry: `points` requests per `seconds` for one budget (`ip`: per client address, `token`: per link token or assertion) of a group. */
export interface HttpRateLimitOverride {
  group: HttpLimitGroup;
  scope: 'ip' | 'token';
  points: number;
  seconds: number;
}

const HTTP_LIMIT_ENTRY = new RegExp(`^(${HTTP_LIMIT_GROUPS.join('|')})\\.(ip|token)=(\\d{1,9})/(\\d{1,9})$`);

const httpLimitEntrySchema = z
  .string()
  .regex(HTTP_LIMIT_ENTRY, `entries look like invitationPage.ip=60/60 (<group>.<ip|token>=<requests>/<seconds>; groups: ${HTTP_LIMIT_GROUPS.join(', ')})`)
  .transform((entry) => {
    const [, group, scope, points, seconds] = HTTP_LIMIT_ENTRY.exec(entry)!;
    return { group: group as HttpLimitGroup, scope: scope as 'ip' | 'token', points: Number(points), seconds: Number(seconds) };
  })
  .pipe(
    z.object({
      group: z.enum(HTTP_LIMIT_GROUPS),
      scope: z.enum(['ip', 'token']),
      points: z.number().int().min(1, 'requests must be at least 1').max(1_000_000),
      seconds: z.number().int().min(1, 'seconds must be at least 1').max(86_400),
    }),
  );

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    MicrosoftAppId: z.string().trim().default(''),
    MicrosoftAppPassword: z.string().default(''),
    MicrosoftAppTenantId: z.string().trim().default(''),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    WEBCHAT_TENANT_ID: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-" (at most 64)')
      .default('local-dev-tenant'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PROVIDER_DIRECTORY: z.string().trim().min(1).optional(),
    INVITATION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    DIRECT_LINE_SECRET: z.string().min(20, 'must be a Direct Line channel secret').optional(),
    WEBCHAT_PORTAL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    WEBCHAT_PORTAL_ISSUER: z
      .string()
      .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 printable characters without spaces (the JWT iss)')
      .optional(),
    WEBCHAT_PORTAL_AUDIENCE: z
      .string()
      .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 printable characters without spaces (the JWT aud)')
      .optional(),
    DIRECT_LINE_ENDPOINT: z
      .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
      .transform((u) => u.replace(/\/+$/, ''))
      .default('https://directline.botframework.com/v3/directline'),
    RATE_LIMIT_TURNS: z.coerce.number().int().min(1).max(100_000).default(30),
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
    WEBCHAT_FRAME_ANCESTORS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(z.string().regex(/^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be https origins like https://portal.contoso.com, comma-separated')).max(10),
      )
      .default([]),
    PUBLIC_BASE_URL: z
      .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    ASSISTANT_CHAT_URL: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
    TEAMS_APP_ID: z.uuid({ error: 'must be the Teams app id (a GUID, the manifest id)' }).optional(),
    STORAGE: z.enum(['lowdb', 'blob', 'cosmos']).default('lowdb'),
    BLOB_CONNECTION_STRING: z.string().trim().min(1).optional(),
    BLOB_CONTAINER: z
      .string()
      .trim()
      .regex(/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/, 'must be 3-63 lowercase letters, digits and single hyphens (an Azure container name)')
      .default('csp-assistant'),
    COSMOS_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
    COSMOS_KEY: z.string().trim().min(1).optional(),
    COSMOS_DATABASE: z.string().trim().min(1).max(255).default('csp-assistant'),
    COSMOS_CONTAINER: z.string().trim().min(1).max(255).default('bot-state'),
    REMINDER_CHECK_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    PARTNER_CENTER_MODE: z.enum(['off', 'fake', 'live'], { error: 'must be off, fake or live' }).default('off'),
    PARTNER_CENTER_REFRESH_MINUTES: z.coerce.number().int().min(0).max(1440).default(60),
    OAUTH_CONNECTION_NAME: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9 ._-]{1,100}$/, 'must be the OAuth connection name of the Azure Bot resource (letters, digits, space, ".", "_", "-")')
      .optional(),
    RATE_LIMIT_HTTP: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean),
      )
      .pipe(z.array(httpLimitEntrySchema).max(20))
      .default([]),
  })
  .superRefine((env, ctx) => {
    if (!env.MicrosoftAppId && !LOOPBACK.has(env.HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['HOST'],
        message: 'must be a loopback address (127.0.0.1, ::1 or localhost) while MicrosoftAppId is empty (auth off)',
      });
    }
    if (env.MicrosoftAppId && env.MicrosoftAppType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required when MicrosoftAppId is set' });
    }
    if (env.MicrosoftAppType === 'SingleTenant' && !env.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: 'is required when MicrosoftAppType is SingleTenant' });
    }
    if (env.OAUTH_CONNECTION_NAME && (!env.MicrosoftAppId || !env.MicrosoftAppPassword)) {
      ctx.addIssue({
        code: 'custom',
        path: ['OAUTH_CONNECTION_NAME'],
        message: "needs MicrosoftAppId and MicrosoftAppPassword: the bot mints Microsoft Graph tokens on the user's behalf with its app registration",
      });
    }
    if (env.PARTNER_CENTER_MODE === 'live' && !env.OAUTH_CONNECTION_NAME) {
      ctx.addIssue({
        code: 'custom',
        path: ['PARTNER_CENTER_MODE'],
        message: 'live needs OAUTH_CONNECTION_NAME: Partner Center is read as the signed-in user (app + user authentication)',
      });
    }
    if (env.OAUTH_CONNECTION_NAME && env.PARTNER_CENTER_MODE === 'fake') {
      ctx.addIssue({
        code: 'custom',
        path: ['OAUTH_CONNECTION_NAME'],
        message: 'must be unset with PARTNER_CENTER_MODE=fake (the demo signs in with the bundled fakes)',
      });
    }
    if (env.STORAGE === 'blob' && !env.BLOB_CONNECTION_STRING) {
      ctx.addIssue({ code: 'custom', path: ['BLOB_CONNECTION_STRING'], message: 'is required when STORAGE is blob' });
    }
    if (env.STORAGE === 'cosmos') {
      for (const name of ['COSMOS_ENDPOINT', 'COSMOS_KEY'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when STORAGE is cosmos' });
      }
    }
    if (env.STORAGE !== 'lowdb' && !env.INVITATION_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['INVITATION_SECRET'],
        message: `is required when STORAGE is ${env.STORAGE}: every instance must sign invitation links with the same key`,
      });
    }
  });

/** Thrown by {@link loadConfig}; `message` names every bad variable and why. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment into an {@link AppConfig}.
 * @param env defaults to `process.env`; empty strings count as unset.
 * @throws ConfigError naming each bad variable, e.g. `PORT: Too big: expected number to be <=65535`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    microsoftAppId: e.MicrosoftAppId,
    microsoftAppPassword: e.MicrosoftAppPassword,
    microsoftAppTenantId: e.MicrosoftAppTenantId,
    microsoftAppType: e.MicrosoftAppType,
    webChatTenantId: e.WEBCHAT_TENANT_ID,
    logLevel: e.LOG_LEVEL,
    ...(e.PROVIDER_DIRECTORY ? { providerDirectory: e.PROVIDER_DIRECTORY } : {}),
    ...(e.INVITATION_SECRET ? { invitationSecret: e.INVITATION_SECRET } : {}),
    ...(e.PUBLIC_BASE_URL ? { publicBaseUrl: e.PUBLIC_BASE_URL } : {}),
    ...(e.ASSISTANT_CHAT_URL ? { assistantChatUrl: e.ASSISTANT_CHAT_URL } : {}),
    ...(e.TEAMS_APP_ID ? { teamsAppId: e.TEAMS_APP_ID } : {}),
    ...(e.DIRECT_LINE_SECRET ? { directLineSecret: e.DIRECT_LINE_SECRET } : {}),
    ...(e.WEBCHAT_PORTAL_SECRET ? { webChatPortalSecret: e.WEBCHAT_PORTAL_SECRET } : {}),
    ...(e.WEBCHAT_PORTAL_ISSUER ? { webChatPortalIssuer: e.WEBCHAT_PORTAL_ISSUER } : {}),
    ...(e.WEBCHAT_PORTAL_AUDIENCE ? { webChatPortalAudience: e.WEBCHAT_PORTAL_AUDIENCE } : {}),
    directLineEndpoint: e.DIRECT_LINE_ENDPOINT,
    webChatFrameAncestors: e.WEBCHAT_FRAME_ANCESTORS,
    rateLimit: { turns: e.RATE_LIMIT_TURNS, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS },
    authEnabled: e.MicrosoftAppId.length > 0,
    storage: {
      backend: e.STORAGE,
      ...(e.STORAGE === 'blob' && e.BLOB_CONNECTION_STRING ? { blob: { connectionString: e.BLOB_CONNECTION_STRING, container: e.BLOB_CONTAINER } } : {}),
      ...(e.STORAGE === 'cosmos' && e.COSMOS_ENDPOINT && e.COSMOS_KEY
        ? { cosmos: { endpoint: e.COSMOS_ENDPOINT, key: e.COSMOS_KEY, database: e.COSMOS_DATABASE, container: e.COSMOS_CONTAINER } }
        : {}),
    },
    reminderCheckSeconds: e.REMINDER_CHECK_SECONDS,
    partnerCenterMode: e.PARTNER_CENTER_MODE,
    partnerCenterRefreshMinutes: e.PARTNER_CENTER_REFRESH_MINUTES,
    ...(e.OAUTH_CONNECTION_NAME ? { oauthConnectionName: e.OAUTH_CONNECTION_NAME } : {}),
    httpRateLimits: e.RATE_LIMIT_HTTP,
  };
}
