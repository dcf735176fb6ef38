/**
 * Every security header this server sends, in one place. Pages get a strict Content-Security-Policy
 * with a per-response nonce (no inline script or style runs without it, nothing loads from other
 * origins), no referrer (tokens travel in page URLs), no caching, and no framing unless configured.
 */
import { randomBytes } from 'node:crypto';

/** HTTP response headers, name -> value. */
export type Headers = Record<string, string>;

/** A fresh CSP nonce: 16 random bytes, base64 (one per response). */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Sent with everything this module's callers serve: no MIME sniffing, no referrer. */
export const BASE_SECURITY_HEADERS: Readonly<Headers> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

/**
 * Headers of the invitation pages (accept, copy, problem pages): the nonce-only CSP (styles and
 * scripts, inline or from /assets, need the nonce; images only `data:`; forms post to this origin
 * only), `Cache-Control: no-store`, no framing at all.
 */
export function invitationPageHeaders(nonce: string): Headers {
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    'img-src data:',
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return { ...BASE_SECURITY_HEADERS, 'Content-Security-Policy': csp, 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' };
}

/** Options of {@link webChatPageHeaders}. */
export interface WebChatCspOptions {
  /** Origin of the production Direct Line service (https), allowed for fetch and its wss: twin; none in development. */
  directLineOrigin?: string;
  /** Origins allowed to frame the page (`WEBCHAT_FRAME_ANCESTORS`); empty = none, plus `X-Frame-Options: DENY`. */
  frameAncestors: readonly string[];
}

/**
 * Headers of the Web Chat page: a CSP allowing this origin's scripts and styles and those carrying
 * the nonce (Web Chat injects nonce'd `<style>` elements), https images (a bot avatar the page URL
 * names), Direct Line's origin for connections; `Cache-Control: no-store`; framing only by
 * `frameAncestors`.
 */
export function webChatPageHeaders(nonce: string, options: WebChatCspOptions): Headers {
  const dl = options.directLineOrigin ? ` ${options.directLineOrigin} ${options.directLineOrigin.replace(/^http/, 'ws')}` : '';
  const csp = [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob: https:",
    "media-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dl}`,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${options.frameAncestors.length > 0 ? options.frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
  return {
    ...BASE_SECURITY_HEADERS,
    'Cache-Control': 'no-store',
    'Content-Security-Policy': csp,
    ...(options.frameAncestors.length === 0 ? { 'X-Frame-Options': 'DENY' } : {}),
  };
}

/** Headers of a download or plain-text answer carrying tenant data (the customer export): never cached. */
export function privateDownloadHeaders(): Headers {
  return { 'Cache-Control': 'no-store', ...BASE_SECURITY_HEADERS };
}

/** `Cache-Control` of a file whose URL changes with its content (hashed name or `?v=<version>`). */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** Headers of a static asset: the base headers and its cache policy. */
export function staticAssetHeaders(cacheControl: string): Headers {
  return { ...BASE_SECURITY_HEADERS, 'Cache-Control': cacheControl };
}
