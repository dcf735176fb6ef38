/**
 * `POST /api/directline/token`: production Web Chat. The partner portal that embeds the assistant
 * signs the partner in; its back end mints a short-lived **portal assertion** naming the signed-in
 * user and their tenant: a standard JWT signed with HS256 and the shared secret
 * `WEBCHAT_PORTAL_SECRET` (any JWT library will do; claims in {@link verifyPortalAssertion} and
 * README "Embed Web Chat in a partner portal"). The page posts that assertion here; this server
 * checks it and exchanges `DIRECT_LINE_SECRET` with the Direct Line service for a conversation
 * token bound to a user id that encodes the tenant and the user ({@link directLineUserId}). The
 * secret never reaches the browser. Direct Line then refuses activities from any other user id on
 * that token, so the bot can trust the tenant in it.
 *
 * Without both secrets configured the endpoint answers 503 `notConfigured` and exchanges nothing.
 * A refused assertion gets one 401 answer whatever the reason; the reason is logged as a code
 * (`token.expired`, `token.wrongAudience`, ...), never the assertion itself.
 */
import { errors, jwtVerify } from 'jose';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../logger.js';

/** `aud` a portal assertion must carry unless `WEBCHAT_PORTAL_AUDIENCE` says otherwise. */
export const DEFAULT_PORTAL_AUDIENCE = 'csp-assistant';
/** `iss` a portal assertion must carry unless `WEBCHAT_PORTAL_ISSUER` says otherwise. */
export const DEFAULT_PORTAL_ISSUER = 'csp-partner-portal';
/** Longest accepted assertion lifetime (`exp` - `iat`), and oldest accepted `iat`, in seconds (10 minutes). */
export const MAX_ASSERTION_SECONDS = 10 * 60;
/** Clock skew tolerated between the portal and this server on `exp`, `nbf` and `iat`, in seconds. */
export const CLOCK_SKEW_SECONDS = 60;
/** How long the token request to Direct Line may take, in ms. */
export const DIRECT_LINE_TIMEOUT_MS = 10_000;

/** What a portal asserts about the signed-in partner (from the JWT claims `tid`, `sub`, `name`). */
export interface PortalAssertion {
  tenantId: string;
  userId: string;
  name?: string;
}

/**
 * The claims the endpoint reads, besides `iss`/`aud`/`exp`/`nbf`/`iat` that `jwtVerify` checks
 * (`exp` and `iat` are NumericDates, seconds since the Unix epoch). Other claims (`jti`, ...) are ignored.
 */
const claimsSchema = z.object({
  sub: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/),
  tid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  name: z.string().min(1).max(100).optional(),
  iat: z.number(),
  exp: z.number(),
});

/** The request body: the assertion as the portal minted it (a compact JWT). */
const bodySchema = z.object({ assertion: z.string().min(10).max(2048) });

/** Why an assertion was refused (logged as `token.<reason>`; the caller only learns "401"). */
export type AssertionProblem =
  'malformed' | 'algorithmNotAllowed' | 'badSignature' | 'expired' | 'notYetValid' | 'wrongIssuer' | 'wrongAudience' | 'missingClaim' | 'badClaims' | 'tooLong';

/** What {@link verifyPortalAssertion} checks against. */
export interface PortalAssertionCheck {
  /** `WEBCHAT_PORTAL_SECRET`, used as the HS256 key (its UTF-8 bytes). */
  secret: string;
  /** Expected `iss`; default {@link DEFAULT_PORTAL_ISSUER}. */
  issuer?: string;
  /** Expected `aud` (a string, or an array containing it); default {@link DEFAULT_PORTAL_AUDIENCE}. */
  audience?: string;
  now: Date;
}

/** The problem a `jwtVerify` failure stands for, and the claim concerned when there is one. */
function problemOf(error: unknown): { problem: AssertionProblem; claim?: string } {
  if (error instanceof errors.JOSEAlgNotAllowed) return { problem: 'algorithmNotAllowed' };
  if (error instanceof errors.JWSSignatureVerificationFailed) return { problem: 'badSignature' };
  if (error instanceof errors.JWTExpired) return { problem: 'expired', claim: error.claim };
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = error.claim;
    if (error.reason === 'missing') return { problem: 'missingClaim', claim };
    if (error.reason === 'invalid') return { problem: 'badClaims', claim };
    if (claim === 'iss') return { problem: 'wrongIssuer', claim };
    if (claim === 'aud') return { problem: 'wrongAudience', claim };
    if (claim === 'nbf' || claim === 'iat') return { problem: 'notYetValid', claim };
    return { problem: 'badClaims', claim };
  }
  return { problem: 'malformed' };
}

/**
 * Verifies a portal assertion: a JWS compact JWT signed with HS256 (no other algorithm, `none`
 * included) with `secret`; `iss` and `aud` as configured; `exp`, `iat`, `sub` and `tid` present;
 * not expired, not before `nbf`, `iat` not in the future and not older than
 * {@link MAX_ASSERTION_SECONDS}, each with {@link CLOCK_SKEW_SECONDS} of tolerance; a lifetime
 * (`exp` - `iat`) of at most {@link MAX_ASSERTION_SECONDS}; `sub`, `tid` and `name` well formed.
 */
export async function verifyPortalAssertion(
  token: string,
  check: PortalAssertionCheck,
): Promise<{ ok: true; assertion: PortalAssertion } | { ok: false; problem: AssertionProblem; claim?: string }> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(check.secret), {
      algorithms: ['HS256'],
      issuer: check.issuer ?? DEFAULT_PORTAL_ISSUER,
      audience: check.audience ?? DEFAULT_PORTAL_AUDIENCE,
      requiredClaims: ['exp', 'iat', 'sub', 'tid'],
      maxTokenAge: MAX_ASSERTION_SECONDS,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: check.now,
    }));
  } catch (error) {
    return { ok: false, ...problemOf(error) };
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return { ok: false, problem: 'badClaims', claim: String(claims.error.issues[0]?.path[0] ?? '') };
  if (claims.data.exp - claims.data.iat > MAX_ASSERTION_SECONDS) return { ok: false, problem: 'tooLong', claim: 'exp' };
  const { sub, tid, name } = claims.data;
  return { ok: true, assertion: { tenantId: tid, userId: sub, ...(name ? { name } : {}) } };
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
  /** `WEBCHAT_PORTAL_ISSUER`: the `iss` assertions must carry; default {@link DEFAULT_PORTAL_ISSUER}. */
  portalIssuer?: string;
  /** `WEBCHAT_PORTAL_AUDIENCE`: the `aud` assertions must carry; default {@link DEFAULT_PORTAL_AUDIENCE}. */
  portalAudience?: string;
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
    const verified = await verifyPortalAssertion(body.data.assertion, {
      secret: deps.portalSecret,
      ...(deps.portalIssuer ? { issuer: deps.portalIssuer } : {}),
      ...(deps.portalAudience ? { audience: deps.portalAudience } : {}),
      now: clock(),
    });
    if (!verified.ok) {
      deps.logger.info({ outcome: `token.${verified.problem}`, ...(verified.claim ? { claim: verified.claim } : {}) }, 'web chat token refused');
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
