/**
 * URL parameters of the page routes: the signed token in a wildcard route, and query parameters
 * parsed with zod (a malformed value reads as absent, never as a thrown error).
 */
import type { Request } from 'restify';
import { z } from 'zod';
import { queryOf } from './locale.js';

/** Longest token read from a URL, in characters (longer input is cut and then fails verification). */
export const MAX_URL_TOKEN = 2048;

/**
 * The token from a route's wildcard (`/invitations/<token>`, `/exports/customers/<token>`), at
 * most {@link MAX_URL_TOKEN} characters; `''` when the route has none.
 */
export function tokenParam(req: Request): string {
  const value: unknown = (req.params as Record<string, unknown> | undefined)?.['*'];
  return typeof value === 'string' ? value.slice(0, MAX_URL_TOKEN) : '';
}

/**
 * A query parameter parsed by `schema`; undefined when it is missing or does not parse (a repeated
 * parameter arrives as an array and fails a string schema).
 */
export function queryParam<T>(req: Request, name: string, schema: z.ZodType<T>): T | undefined {
  const parsed = schema.safeParse(queryOf(req)[name]);
  return parsed.success ? parsed.data : undefined;
}

/** The accept page's `?session=` (an assistant-issued sign-in; verified by the service, any string here). */
export const sessionQuerySchema = z.string();
