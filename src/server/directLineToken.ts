/**
 * `POST /api/directline/token`: production Web Chat. The partner portal that embeds the assistant
 * signs the partner in; its back end mints a short-lived **portal assertion** naming the signed-in
 * user and their tenant (HMAC-SHA256 with `WEBCHAT_PORTAL_SECRET`, see {@link signPortalAssertion}
 * and README "Embed Web Chat in a partner portal"). The page posts that assertion here; this
 * server checks it and exchanges `DIRECT_LINE_SECRET` with the Direct Line service for a
 * conversation token bound to a user id that encodes the tenant and the user
 * ({@link directLineUserId}). The secret never reaches the browser. Direct Line then refuses
 * activities from any other user id on that token, so the bot can trust the tenant in it.
 *
 * Without both secrets configured the endpoint answers 503 `notConfigured` and exchanges nothing.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { signJson, verifyJson } from '../domain/invitationToken.js';
import type { Logger } from '../logger.js';

/** Prefix of assertion signatures (domain separation from invitation tokens). */
const ASSERTION_DOMAIN = 'csp-webchat.v1.';
/** Longest accepted assertion lifetime from now, in ms (10 minutes). */
export const MAX_ASSERTION_MS = 10 * 60_000;
/** How long the token request to Direct Line may take, in ms. */
export const DIRECT_LINE_TIMEOUT_MS = 10_000;

/** What a portal asserts about the signed-in partner. `exp` is in ms since the Unix epoch. */
export interface PortalAssertion {
  tenantId: string;
  userId: string;
  name?: string;
  exp: number;
}

const assertionSchema = z.object({
  tenantId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  userId: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/),
  name: z.string().min(1).max(100).optional(),
  exp: z.number().int().positive(),
});

const bodySchema = z.object({ assertion: z.string().min(10).max(2048) });

/**
 * Signs a portal assertion (what the portal's back end runs; also used by tests).
 * @returns `<base64url JSON>.<base64url HMAC-SHA256>`, see `signJson`
 */
export function signPortalAssertion(secret: string, assertion: PortalAssertion): string {
  return signJson(Buffer.from(secret, 'utf8'), ASSERTION_DOMAIN, assertion);
}

/**
 * Verifies a portal assertion: signature (constant-time), shape, not expired, and not valid for
 * longer than {@link MAX_ASSERTION_MS} from `now`.
 */
export function verifyPortalAssertion(
  secret: string,
  token: string,
  now: Date,
): { ok: true; assertion: PortalAssertion } | { ok: false; problem: 'malformed' | 'badSignature' | 'expired' | 'tooLong' } {
  const verified = verifyJson(Buffer.from(secret, 'utf8'), ASSERTION_DOMAIN, token);
  if (!verified.ok) return verified;
  const parsed = assertionSchema.safeParse(verified.value);
  if (!parsed.success) return { ok: false, problem: 'malformed' };
  if (parsed.data.exp <= now.getTime()) return { ok: false, problem: 'expired' };
  if (parsed.data.exp > now.getTime() + MAX_ASSERTION_MS) return { ok: false, problem: 'tooLong' };
  return { ok: true, assertion: parsed.data };
}

/**
 * The Direct Line user id bound to a partner: `dl_` (Direct Line's prefix for bound ids), then the
 * tenant and the user, each base64url, joined by `.`.
 */
export function directLineUserId(tenantId: string, userId: string): string {
  return `dl_${Buffer.from(tenantId, 'utf8').toString('base64url')}.${Buffer.from(userId, 'utf8').toString('base64url')}`;
}

/** The tenant and user a {@link directLineUserId} encodes, or undefined for any other id. */
export function parseDirectLineUserId(id: string | undefined): { tenantId: string; userId: string } | undefined {
  const match = /^dl_([A-Za-z0-9_-]{1,100})\.([A-Za-z0-9_-]{1,200})$/.exec(id ?? '');
  if (!match) return undefined;
  const tenantId = Buffer.from(match[1]!, 'base64url').toString('utf8');
  const userId = Buffer.from(match[2]!, 'base64url').toString('utf8');
  return /^[A-Za-z0-9._-]{1,64}$/.test(tenantId) && userId.length > 0 ? { tenantId, userId } : undefined;
}

/** What {@link registerDirectLineToken} needs. */
export interface DirectLineTokenDeps {
  /** `DIRECT_LINE_SECRET`; undefined = not configured (503). */
  directLineSecret?: string;
  /** `WEBCHAT_PORTAL_SECRET`; undefined = not configured (503). */
  portalSecret?: string;
  /** Direct Line API base, e.g. `https://directline.botframework.com/v3/directline`. */
  directLineEndpoint: string;
  logger: Logger;
  clock?: () => Date;
}

/** Registers `POST /api/directline/token` (see the module comment). */
export function registerDirectLineToken(server: Server, deps: DirectLineTokenDeps): void {
  const clock = deps.clock ?? (() => new Date());
  server.post('/api/directline/token', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!deps.directLineSecret || !deps.portalSecret) {
      res.json(503, { error: 'notConfigured', message: 'Web Chat tokens need DIRECT_LINE_SECRET and WEBCHAT_PORTAL_SECRET on the server.' });
      return;
    }
    const body = bodySchema.safeParse(req.body);
    if (!body.success) {
      res.json(400, { error: 'badRequest', message: 'Send {"assertion": "<portal assertion>"}.' });
      return;
    }
    const verified = verifyPortalAssertion(deps.portalSecret, body.data.assertion, clock());
    if (!verified.ok) {
      deps.logger.info({ outcome: `token.${verified.problem}` }, 'web chat token refused');
      res.json(401, { error: 'unauthorized', message: 'The sign-in from the portal is not valid or has expired. Reload the portal page.' });
      return;
    }
    const { tenantId, userId, name } = verified.assertion;
    const user = { id: directLineUserId(tenantId, userId), ...(name ? { name } : {}) };
    try {
      const response = await fetch(`${deps.directLineEndpoint.replace(/\/+$/, '')}/tokens/generate`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${deps.directLineSecret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ user }),
        signal: AbortSignal.timeout(DIRECT_LINE_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`Direct Line answered HTTP ${response.status}`);
      const session = z.object({ token: z.string().min(1), conversationId: z.string().min(1), expires_in: z.number().optional() }).parse(await response.json());
      deps.logger.info({ outcome: 'token.issued' }, 'web chat token issued');
      res.json(200, {
        token: session.token,
        conversationId: session.conversationId,
        expiresIn: session.expires_in ?? 3600,
        userId: user.id,
        ...(name ? { userName: name } : {}),
      });
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'Direct Line token exchange failed');
      res.json(502, { error: 'directLineUnavailable', message: 'The chat service could not be reached. Try again in a moment.' });
    }
  });
}
