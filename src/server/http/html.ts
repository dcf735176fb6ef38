/**
 * Sends server-rendered pages. Pages are preact elements rendered by preact-render-to-string,
 * which escapes every text child and attribute value; only `dangerouslySetInnerHTML` would bypass
 * that, and no page uses it.
 */
import type { Response } from 'restify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Headers } from './securityHeaders.js';

/** `<!doctype html>` plus the rendered document element (`<html>...</html>`) and a final newline. */
export function renderDocument<P>(document: VNode<P>): string {
  return `<!doctype html>\n${renderToString(document)}\n`;
}

/**
 * Writes `html` as a UTF-8 `text/html` response with `status` and `headers` (security headers
 * come from securityHeaders.ts), and a Content-Length.
 */
export function sendHtml(res: Response, status: number, html: string, headers: Headers): void {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(body.length) });
  res.end(body);
}
