/**
 * The wire side of the development Direct Line surface: limits, the zod schemas of what clients
 * and the bot may post, and request/response helpers. Errors are JSON `{ error: { code, message } }`.
 */
import type { Request, Response } from 'restify';
import { z } from 'zod';

/** Seconds a token stays valid after generate/refresh. */
export const TOKEN_TTL_SECONDS = 3600;
/** Milliseconds to wait for the bot's answer to a forwarded activity. */
export const BOT_TIMEOUT_MS = 30_000;
const MAX_TEXT_CHARS = 32_000;
const ID_MAX = 256;

const channelAccountSchema = z.object({
  id: z.string().min(1).max(ID_MAX),
  name: z.string().max(ID_MAX).optional(),
  role: z.string().max(32).optional(),
});

const attachmentSchema = z.looseObject({
  contentType: z.string().min(1).max(ID_MAX),
  contentUrl: z.string().max(4096).optional(),
  content: z.unknown().optional(),
  name: z.string().max(ID_MAX).optional(),
  thumbnailUrl: z.string().max(4096).optional(),
});

const entitySchema = z.looseObject({ type: z.string().min(1).max(ID_MAX) });

/** What a Direct Line client may post; unknown top-level properties are dropped. */
export const clientActivitySchema = z
  .object({
    type: z.enum(['message', 'event', 'invoke', 'typing']),
    text: z.string().max(MAX_TEXT_CHARS).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    name: z.string().min(1).max(ID_MAX).optional(),
    value: z.unknown().optional(),
    valueType: z.string().max(ID_MAX).optional(),
    from: channelAccountSchema,
    locale: z.string().max(64).optional(),
    localTimestamp: z.string().max(64).optional(),
    localTimezone: z.string().max(128).optional(),
    channelData: z.record(z.string(), z.unknown()).optional(),
    attachments: z.array(attachmentSchema).max(32).optional(),
    entities: z.array(entitySchema).max(64).optional(),
    replyToId: z.string().max(ID_MAX).optional(),
  })
  .refine((a) => a.type !== 'event' || a.name !== undefined, {
    message: 'event activities need a name',
    path: ['name'],
  });

/** What the bot may post to the connector; other properties (cards, suggestedActions...) pass through. */
export const botActivitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(ID_MAX).optional(),
  text: z
    .string()
    .max(MAX_TEXT_CHARS * 4)
    .optional(),
  from: z.looseObject({ id: z.string().min(1).max(ID_MAX) }).optional(),
  replyToId: z.string().max(ID_MAX).optional(),
  attachments: z.array(attachmentSchema).max(64).optional(),
  entities: z.array(entitySchema).max(64).optional(),
  channelData: z.unknown().optional(),
});

/** A bot activity as posted to the connector. */
export type BotActivity = z.infer<typeof botActivitySchema>;

/** Optional body of tokens/generate and conversations (DirectLineJS sends `{ user: { id }, locale }`). */
export const startBodySchema = z
  .object({
    user: z.object({ id: z.string().max(ID_MAX).optional(), name: z.string().max(ID_MAX).optional() }).optional(),
    locale: z.string().max(64).optional(),
  })
  .optional();

/** `?watermark=`: empty or a non-negative integer. */
export const watermarkSchema = z.union([z.literal(''), z.string().regex(/^\d{1,15}$/)]).optional();

/** The bearer token of the Authorization header, if well-formed. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,512})[ \t]*$/i.exec(header);
  return match?.[1];
}

/** Answers `status` with `{ error: { code, message } }`. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  res.json(status, { error: { code, message } });
}

/** A route parameter as a string (`''` when absent). */
export function paramOf(req: Request, name: string): string {
  const params = req.params as Record<string, unknown> | undefined;
  const value = params?.[name];
  return typeof value === 'string' ? value : '';
}

/** Body as parsed by restify's bodyParser; an empty body is `undefined`. */
export function bodyOf(req: Request): unknown {
  const body: unknown = req.body;
  if (body === undefined || body === null || body === '') return undefined;
  if (Buffer.isBuffer(body) && body.length === 0) return undefined;
  return body;
}

/** The first five issues of a zod error, `path: message; ...`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}
