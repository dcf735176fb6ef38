import restify, { type Server } from 'restify';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { AppConfig } from '../config.js';
import type { CustomerService } from '../customers/customerService.js';
import type { InvitationService } from '../invitations/invitationService.js';
import type { Logger } from '../logger.js';
import { registerDevDirectLine, type DevDirectLine } from './devDirectLine.js';
import { registerDirectLineToken } from './directLineToken.js';
import { registerExportRoutes } from './exportRoutes.js';
import { registerWebAssets } from './assets/serve.js';
import { HttpRateLimiter } from './http/rateLimiter.js';
import { rateLimitPolicy } from './http/rateLimits.js';
import { rateLimitedPageSender, registerInvitationPages, type AssistantLinks } from './invitationPages.js';
import { registerWebChatPage } from './webChatPage.js';

/** Largest accepted request body, in bytes (activities are small; cards submits even more so). */
export const MAX_BODY_BYTES = 256 * 1024;

/** What {@link createHttpServer} needs. */
export interface HttpServerDeps {
  config: AppConfig;
  adapter: CloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  invitations: InvitationService;
  customers: CustomerService;
  /** Clock for the invitation pages ("days left"); tests pass a fake one. */
  clock?: () => Date;
  /** Absolute base URL of this server once listening, e.g. `http://127.0.0.1:3978`. */
  baseUrl: () => string;
}

/**
 * The only module that knows restify. Routes:
 * - `POST /api/messages`: Bot Framework activities through `CloudAdapter` (JWT-checked when auth is on).
 * - `GET /healthz`: `{ status: 'ok' }`, for probes.
 * - `GET/POST /invitations/<token>`, `GET /invitations/draft/<token>`: invitation review, accept
 *   and copy pages (invitationPages.ts).
 * - `GET /exports/customers/<token>`: the classified customer list as CSV (exportRoutes.ts).
 * - `POST /api/directline/token`: a Direct Line token for production Web Chat (directLineToken.ts).
 * - `GET /`: the Web Chat page; with auth off it talks to the development Direct Line surface
 *   (`/v3/directline/...`, `/devconnector/...`), which is never registered when auth is on.
 * - `GET /assets/<name>-<hash>.(js|css)`: the pages' built scripts and stylesheets (assets/serve.ts),
 *   `GET /webchat/webchat.js`: the Web Chat bundle.
 *
 * The public routes (invitations, exports, the Direct Line token, the development Direct Line's
 * session routes) are rate-limited per client address and per token, answering 429 with
 * `Retry-After` (policy: http/rateLimits.ts); `/api/messages` keeps its per-conversation turn gate.
 */
export function createHttpServer(deps: HttpServerDeps): { server: Server; devDirectLine?: DevDirectLine; inFlight: InFlight } {
  const { config, adapter, bot, logger } = deps;
  const server = restify.createServer({ name: 'csp-partner-assistant', handleUncaughtExceptions: false });
  const assets = registerWebAssets(server);
  // public routes' rate limits (http/rateLimits.ts): the address budget before the body is read, the token's after
  const limits = new HttpRateLimiter(rateLimitPolicy(config.httpRateLimits), {
    logger,
    page: rateLimitedPageSender({ assets, ...(deps.clock ? { clock: deps.clock } : {}) }),
  });
  server.use(restify.plugins.queryParser());
  server.use(limits.byAddress);
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false }));
  server.use(limits.byToken);

  const inFlight = new InFlight();
  server.post('/api/messages', async (req, res) => {
    await inFlight.track(adapter.process(req, res, (context) => bot.run(context)));
  });

  server.get('/healthz', (_req, res, next) => {
    res.json(200, { status: 'ok' });
    next();
  });

  let devDirectLine: DevDirectLine | undefined;
  if (!config.authEnabled) {
    devDirectLine = registerDevDirectLine(server, {
      botMessagesUrl: () => `${deps.baseUrl()}/api/messages`,
      selfBaseUrl: deps.baseUrl,
      logger,
    });
  }
  registerWebChatPage(server, {
    devDirectLine: !config.authEnabled,
    directLineEndpoint: config.directLineEndpoint,
    frameAncestors: config.webChatFrameAncestors,
    assets,
  });
  const assistantLinks = (locale: string): AssistantLinks => ({
    webChat: config.assistantChatUrl ?? `${config.publicBaseUrl ?? deps.baseUrl()}/?lang=${locale}`,
    ...(config.teamsAppId ? { teams: `https://teams.microsoft.com/l/app/${config.teamsAppId}` } : {}),
  });
  registerInvitationPages(server, { invitations: deps.invitations, logger, assets, assistantLinks, ...(deps.clock ? { clock: deps.clock } : {}) });
  registerExportRoutes(server, { customers: deps.customers, logger });
  registerDirectLineToken(server, {
    ...(config.directLineSecret ? { directLineSecret: config.directLineSecret } : {}),
    ...(config.webChatPortalSecret ? { portalSecret: config.webChatPortalSecret } : {}),
    ...(config.webChatPortalIssuer ? { portalIssuer: config.webChatPortalIssuer } : {}),
    ...(config.webChatPortalAudience ? { portalAudience: config.webChatPortalAudience } : {}),
    directLineEndpoint: config.directLineEndpoint,
    logger,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });

  server.on('restifyError', (req, _res, err, callback) => {
    logger.warn({ route: req.getRoute?.()?.path, status: (err as { statusCode?: number }).statusCode, err: err.name }, 'request error');
    return callback();
  });
  return { server, devDirectLine, inFlight };
}

/** Requests being processed right now, so a graceful shutdown can wait for them. */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  /** Tracks `work` until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const done = () => this.pending.delete(work);
    work.then(done, done);
    return work;
  }

  /** How many are running. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Resolves once every request running now (and any started meanwhile) has finished, or after
   * `timeoutMs`. @returns true when everything finished in time.
   */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => setTimeout(r, left))]);
    }
    return true;
  }
}
