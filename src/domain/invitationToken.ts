/**
 * Signed invitation links. A token is `<payload>.<signature>`: the payload is base64url JSON of
 * {@link TokenClaims}; the signature is HMAC-SHA256 over `csp-invite.v1.<payload>` with the
 * server's invitation secret, base64url. Verification recomputes the HMAC and compares its
 * canonical base64url text in constant time (`crypto.timingSafeEqual`) before reading any claim.
 *
 * Single use and revocation are not in the token: the invitation record holds the state and the
 * current link nonce (`n`), and a link whose nonce is not the invitation's current one is refused
 * (see `checkLink` in invitations.ts). The token only proves who issued it, for which tenant,
 * invitation and kind, and until when.
 *
 * No botbuilder import: pure functions over node:crypto.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a token is for:
 * - `invite`: the personalized link in the invitation email (the recipient's page).
 * - `accept`: a short-lived page session the assistant hands a signed-in reseller so the accept
 *   page knows their tenant and user (`s`).
 * - `draft`: the sender's copy-to-clipboard page for the email draft.
 * - `export`: a short-lived download link for a tenant's data (the classified customer list);
 *   `t` is the tenant, `k` what is exported (`customers`), `i` and `n` random.
 */
export const TOKEN_PURPOSES = ['invite', 'accept', 'draft', 'export'] as const;
/** One of {@link TOKEN_PURPOSES}. */
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** Claims inside a token (short keys keep links short). */
export interface TokenClaims {
  /** Token format version, always 1. */
  v: 1;
  /** Purpose, see {@link TOKEN_PURPOSES}. */
  p: TokenPurpose;
  /** The inviting tenant (the one whose invitation record holds `i`). */
  t: string;
  /** Invitation kind (`partnership`, `reseller`, `resellerAndProvider`). */
  k: string;
  /** Invitation id. */
  i: string;
  /** The invitation's link nonce when the token was issued; resending replaces it. */
  n: string;
  /** Expiry, milliseconds since the Unix epoch (UTC). */
  e: number;
  /** `accept` tokens only: the signed-in user who may accept (their tenant and user id). */
  s?: { t: string; u: string };
}

/** Why {@link verifyToken} refused a token. */
export type TokenProblem = 'malformed' | 'badSignature' | 'expired' | 'wrongPurpose' | 'wrongTenant' | 'wrongKind';

/** What {@link verifyToken} returns. */
export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; problem: TokenProblem; expiredClaims?: TokenClaims };

/** Longest token accepted (bytes); anything longer is `malformed` without further work. */
export const MAX_TOKEN_LENGTH = 1024;

const DOMAIN = 'csp-invite.v1.';

/**
 * Signs any JSON value: `<base64url JSON>.<base64url HMAC-SHA256(secret, domain + payload)>`.
 * `domain` separates token families (invitation links, portal assertions) signed with one scheme.
 */
export function signJson(secret: Buffer, domain: string, value: unknown): string {
  const payload = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(domain).update(payload).digest('base64url')}`;
}

/**
 * Verifies a {@link signJson} token and returns its parsed JSON. The signature's base64url text is
 * compared in constant time before anything is parsed (text, not decoded bytes: the 43rd
 * character carries two unused bits, so four spellings decode alike; only the signed one passes).
 */
export function verifyJson(
  secret: Buffer,
  domain: string,
  token: unknown,
): { ok: true; value: unknown } | { ok: false; problem: 'malformed' | 'badSignature' } {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, problem: 'malformed' };
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, problem: 'malformed' };
  const [, payload, signature] = match as unknown as [string, string, string];
  const given = Buffer.from(signature, 'ascii');
  const wanted = Buffer.from(createHmac('sha256', secret).update(domain).update(payload).digest('base64url'), 'ascii');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { ok: false, problem: 'badSignature' };
  try {
    return { ok: true, value: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown };
  } catch {
    return { ok: false, problem: 'malformed' };
  }
}

/**
 * Signs `claims` with `secret`.
 * @param secret at least 32 bytes (see `loadInvitationSecret`)
 * @returns a URL-safe token (`[A-Za-z0-9_-]+.[A-Za-z0-9_-]+`)
 * @throws Error when the secret is shorter than 32 bytes (a configuration bug).
 */
export function signToken(secret: Buffer, claims: TokenClaims): string {
  if (secret.length < 32) throw new Error('invitation secret must be at least 32 bytes');
  return signJson(secret, DOMAIN, claims);
}

/**
 * Verifies `token`: format, signature (constant-time), then expiry against `now`, then the
 * expectations given.
 * @param expect.purpose the purpose the caller serves (an `accept` token is not an `invite` link)
 * @param expect.tenantId when given, the inviting tenant the token must be bound to
 * @param expect.kind when given, the invitation kind the token must be bound to
 * @param now clock reading; a token is valid while `now < e`
 */
export function verifyToken(secret: Buffer, token: unknown, now: Date, expect: { purpose: TokenPurpose; tenantId?: string; kind?: string }): TokenCheck {
  const verified = verifyJson(secret, DOMAIN, token);
  if (!verified.ok) return verified;
  const claims = verified.value;
  if (!isClaims(claims)) return { ok: false, problem: 'malformed' };
  // signed by us but past its time: the claims are trustworthy enough to name the sender
  if (now.getTime() >= claims.e) return { ok: false, problem: 'expired', expiredClaims: claims };
  if (claims.p !== expect.purpose) return { ok: false, problem: 'wrongPurpose' };
  if (expect.tenantId !== undefined && claims.t !== expect.tenantId) return { ok: false, problem: 'wrongTenant' };
  if (expect.kind !== undefined && claims.k !== expect.kind) return { ok: false, problem: 'wrongKind' };
  return { ok: true, claims };
}

function isClaims(c: unknown): c is TokenClaims {
  if (!c || typeof c !== 'object') return false;
  const x = c as Record<string, unknown>;
  const str = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 200;
  if (x.v !== 1 || !TOKEN_PURPOSES.includes(x.p as TokenPurpose)) return false;
  if (!str(x.t) || !str(x.k) || !str(x.i) || !str(x.n) || typeof x.e !== 'number' || !Number.isFinite(x.e)) return false;
  if (x.s !== undefined) {
    const s = x.s as Record<string, unknown> | null;
    if (!s || typeof s !== 'object' || !str(s.t) || !str(s.u)) return false;
  }
  return true;
}

/**
 * Finds an invitation token in typed or pasted text: a link `.../invitations/<token>` or a bare
 * token. Returns undefined when there is none.
 */
export function findTokenInText(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const fromLink = /\/invitations\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/.exec(text);
  if (fromLink) return fromLink[1];
  const bare = /(?:^|\s)([A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{43})(?:\s|$)/.exec(text);
  return bare?.[1];
}
