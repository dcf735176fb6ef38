import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../logger.js';

/**
 * Development-only Direct Line 3.0 surface served by the bot's own process, so that the stock
 * Web Chat (DirectLineJS, polling mode) talks to the local bot fully offline.
 *
 * Client side (Web Chat), bearer token per conversation:
 * - `POST /v3/directline/tokens/generate` -> 200 `{ conversationId, token, expires_in }`
 * - `POST /v3/directline/conversations` -> 201 `{ conversationId, token, expires_in }`
 * - `GET  /v3/directline/conversations/:conversationId` -> 200, same shape (reconnect)
 * - `POST /v3/directline/tokens/refresh` -> 200, same token, new expiry
 * - `POST /v3/directline/conversations/:conversationId/activities` -> 200 `{ id }` (502 if the bot fails)
 * - `GET  /v3/directline/conversations/:conversationId/activities?watermark=N` -> 200 `{ activities, watermark }`
 *
 * Bot side (the Bot Connector REST API that botbuilder calls at `serviceUrl`, no auth):
 * - `POST   /devconnector/v3/conversations/:conversationId/activities[/:activityId]` -> 200 `{ id }`
 * - `PUT    /devconnector/v3/conversations/:conversationId/activities/:activityId` -> 200 `{ id }`
 * - `DELETE /devconnector/v3/conversations/:conversationId/activities/:activityId` -> 200 `{ id }`
 *
 * Errors are JSON `{ error: { code, message } }`: 400 malformed body/query, 403 missing, wrong or
 * expired token, 404 unknown conversation or activity, 502 bot failure.
 *
 * NEVER register this when bot authentication is on: the bot-side routes accept any caller.
 */

/** Seconds a token stays valid after generate/refresh. */
const TOKEN_TTL_SECONDS = 3600;
/** Milliseconds to wait for the bot's answer to a forwarded activity. */
const BOT_TIMEOUT_MS = 30_000;
const MAX_TEXT_CHARS = 32_000;
const ID_MAX = 256;

/** Options of {@link registerDevDirectLine}. */
export interface DevDirectLineOptions {
  /** Absolute URL of this process's POST /api/messages, e.g. http://127.0.0.1:3978/api/messages (function: the port is known only after listen). */
  botMessagesUrl: () => string;
  /** Absolute base URL of this process, e.g. http://127.0.0.1:3978 (no trailing slash needed). */
  selfBaseUrl: () => string;
  /** Logs ids, types and counts only; never message text or tokens. */
  logger: Logger;
  /** Max conversations kept in memory; the least recently active one is evicted first. Default 500. */
  maxConversations?: number;
  /** Max activities kept per conversation; the oldest is dropped first. Default 1000. */
  maxActivitiesPerConversation?: number;
}

/** A stored activity (Bot Framework activity JSON) with the fields this surface always sets. */
export interface DevActivity {
  /** `<conversationId>|<7-digit sequence>`. */
  id: string;
  type: string;
  /** ISO 8601 UTC. */
  timestamp: string;
  text?: string;
  from?: { id: string; name?: string; role?: string };
  replyToId?: string;
  [key: string]: unknown;
}

/** Handle returned by {@link registerDevDirectLine}, for tests and diagnostics. */
export interface DevDirectLine {
  /** Number of conversations currently held in memory. */
  conversationCount(): number;
  /**
   * Snapshot of a conversation's activities in delivery order (an updated activity sits at its
   * update position, only its latest version is kept). Empty array for an unknown conversation.
   */
  activities(conversationId: string): DevActivity[];
}

interface StoredEntry {
  /** Monotonic per conversation; the Direct Line watermark is the highest seq delivered. */
  seq: number;
  activity: DevActivity;
}

interface Conversation {
  id: string;
  /** sha256 of the bearer token. */
  tokenHash: Buffer;
  /** Epoch ms. */
  expiresAt: number;
  lastSeq: number;
  entries: StoredEntry[];
}

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
const clientActivitySchema = z
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
const botActivitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(ID_MAX).optional(),
  text: z.string().max(MAX_TEXT_CHARS * 4).optional(),
  from: z.looseObject({ id: z.string().min(1).max(ID_MAX) }).optional(),
  replyToId: z.string().max(ID_MAX).optional(),
  attachments: z.array(attachmentSchema).max(64).optional(),
  entities: z.array(entitySchema).max(64).optional(),
  channelData: z.unknown().optional(),
});

/** Optional body of tokens/generate and conversations (DirectLineJS sends `{ user: { id }, locale }`). */
const startBodySchema = z
  .object({
    user: z.object({ id: z.string().max(ID_MAX).optional(), name: z.string().max(ID_MAX).optional() }).optional(),
    locale: z.string().max(64).optional(),
  })
  .optional();

const watermarkSchema = z.union([z.literal(''), z.string().regex(/^\d{1,15}$/)]).optional();

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,512})[ \t]*$/i.exec(header);
  return match?.[1];
}

function sendError(res: Response, status: number, code: string, message: string): void {
  res.json(status, { error: { code, message } });
}

function paramOf(req: Request, name: string): string {
  const params = req.params as Record<string, unknown> | undefined;
  const value = params?.[name];
  return typeof value === 'string' ? value : '';
}

/** Body as parsed by restify's bodyParser; an empty body is `undefined`. */
function bodyOf(req: Request): unknown {
  const body: unknown = req.body;
  if (body === undefined || body === null || body === '') return undefined;
  if (Buffer.isBuffer(body) && body.length === 0) return undefined;
  return body;
}

function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Registers the development Direct Line 3.0 subset and the matching Bot Connector endpoints on
 * `server` (see the module comment for routes and status codes). Expects the caller to have
 * installed restify's `queryParser()` and `bodyParser({ mapParams: false })`. All state is in
 * memory and lost on restart (a reloaded page then gets 404 and starts a new conversation).
 *
 * The caller must only call this when bot authentication is off (no MicrosoftAppId): the bot-side
 * `/devconnector` routes have no authentication (conversation ids are 128-bit random capabilities).
 * @returns a handle to inspect conversations (tests, diagnostics).
 */
export function registerDevDirectLine(server: Server, options: DevDirectLineOptions): DevDirectLine {
  const log = options.logger.child({ component: 'devDirectLine' });
  const maxConversations = Math.max(1, options.maxConversations ?? 500);
  const maxActivities = Math.max(1, options.maxActivitiesPerConversation ?? 1000);
  /** Map order = least recently active first. */
  const conversations = new Map<string, Conversation>();
  /** hex(sha256(token)) -> conversation id. */
  const tokenIndex = new Map<string, string>();

  const touch = (conversation: Conversation): void => {
    conversations.delete(conversation.id);
    conversations.set(conversation.id, conversation);
  };

  const createConversation = (): { conversation: Conversation; token: string } => {
    while (conversations.size >= maxConversations) {
      const oldest = conversations.values().next().value as Conversation;
      conversations.delete(oldest.id);
      tokenIndex.delete(oldest.tokenHash.toString('hex'));
      log.info({ conversationId: oldest.id }, 'dev direct line conversation evicted');
    }
    const token = randomBytes(32).toString('base64url');
    const conversation: Conversation = {
      id: randomBytes(16).toString('base64url'),
      tokenHash: sha256(token),
      expiresAt: Date.now() + TOKEN_TTL_SECONDS * 1000,
      lastSeq: 0,
      entries: [],
    };
    conversations.set(conversation.id, conversation);
    tokenIndex.set(conversation.tokenHash.toString('hex'), conversation.id);
    return { conversation, token };
  };

  /** Constant-time comparison of the presented token with the conversation's token, plus expiry. */
  const tokenValid = (conversation: Conversation, token: string | undefined): boolean => {
    if (token === undefined) return false;
    const matches = timingSafeEqual(sha256(token), conversation.tokenHash);
    return matches && Date.now() < conversation.expiresAt;
  };

  /** Conversation for a token alone (routes without a conversation id); undefined if none/expired. */
  const conversationForToken = (token: string | undefined): Conversation | undefined => {
    if (token === undefined) return undefined;
    const id = tokenIndex.get(sha256(token).toString('hex'));
    const conversation = id === undefined ? undefined : conversations.get(id);
    return conversation && tokenValid(conversation, token) ? conversation : undefined;
  };

  /** 404 for an unknown conversation, 403 for a bad token; otherwise the conversation. */
  const authorize = (req: Request, res: Response): Conversation | undefined => {
    const conversation = conversations.get(paramOf(req, 'conversationId'));
    if (!conversation) {
      sendError(res, 404, 'BadArgument', 'Conversation not found');
      return undefined;
    }
    if (!tokenValid(conversation, bearerToken(req))) {
      sendError(res, 403, 'TokenExpired', 'Missing, invalid or expired token');
      return undefined;
    }
    return conversation;
  };

  const nextId = (conversation: Conversation): { seq: number; id: string } => {
    conversation.lastSeq += 1;
    return { seq: conversation.lastSeq, id: `${conversation.id}|${String(conversation.lastSeq).padStart(7, '0')}` };
  };

  const append = (conversation: Conversation, seq: number, activity: DevActivity): void => {
    conversation.entries.push({ seq, activity });
    if (conversation.entries.length > maxActivities) {
      conversation.entries.splice(0, conversation.entries.length - maxActivities);
    }
  };

  const removeById = (conversation: Conversation, activityId: string): StoredEntry | undefined => {
    const index = conversation.entries.findIndex((entry) => entry.activity.id === activityId);
    if (index < 0) return undefined;
    return conversation.entries.splice(index, 1)[0];
  };

  const sessionBody = (conversation: Conversation, token: string) => ({
    conversationId: conversation.id,
    token,
    expires_in: Math.max(0, Math.round((conversation.expiresAt - Date.now()) / 1000)),
    streamUrl: undefined,
  });

  /** Wraps an async handler: unexpected errors become a JSON 500 without details. */
  const handle =
    (name: string, fn: (req: Request, res: Response) => Promise<void> | void) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        res.header('Cache-Control', 'no-store');
        await fn(req, res);
      } catch (err) {
        log.error({ err, route: name }, 'dev direct line handler failed');
        if (!res.headersSent) sendError(res, 500, 'ServiceError', 'Internal error');
      }
    };

  // ---- Client side (Direct Line 3.0) ----

  server.post(
    '/v3/directline/tokens/generate',
    handle('tokens/generate', (req, res) => {
      const body = startBodySchema.safeParse(bodyOf(req));
      if (!body.success) return sendError(res, 400, 'BadArgument', describeZodError(body.error));
      const { conversation, token } = createConversation();
      log.info({ conversationId: conversation.id, conversations: conversations.size }, 'dev direct line token generated');
      res.json(200, sessionBody(conversation, token));
    }),
  );

  server.post(
    '/v3/directline/tokens/refresh',
    handle('tokens/refresh', (req, res) => {
      const token = bearerToken(req);
      const conversation = conversationForToken(token);
      if (!conversation || token === undefined) return sendError(res, 403, 'TokenExpired', 'Missing, invalid or expired token');
      conversation.expiresAt = Date.now() + TOKEN_TTL_SECONDS * 1000;
      res.json(200, sessionBody(conversation, token));
    }),
  );

  server.post(
    '/v3/directline/conversations',
    handle('conversations/start', (req, res) => {
      const body = startBodySchema.safeParse(bodyOf(req));
      if (!body.success) return sendError(res, 400, 'BadArgument', describeZodError(body.error));
      const token = bearerToken(req);
      const conversation = conversationForToken(token);
      if (!conversation || token === undefined) return sendError(res, 403, 'TokenExpired', 'Missing, invalid or expired token');
      touch(conversation);
      log.info({ conversationId: conversation.id }, 'dev direct line conversation started');
      res.json(201, sessionBody(conversation, token));
    }),
  );

  server.get(
    '/v3/directline/conversations/:conversationId',
    handle('conversations/reconnect', (req, res) => {
      const conversation = authorize(req, res);
      if (!conversation) return;
      res.json(200, sessionBody(conversation, bearerToken(req) as string));
    }),
  );

  server.post(
    '/v3/directline/conversations/:conversationId/activities',
    handle('conversations/activities:post', async (req, res) => {
      const conversation = authorize(req, res);
      if (!conversation) return;
      const parsed = clientActivitySchema.safeParse(bodyOf(req));
      if (!parsed.success) return sendError(res, 400, 'BadArgument', describeZodError(parsed.error));
      const { seq, id } = nextId(conversation);
      const activity: DevActivity = {
        ...parsed.data,
        id,
        timestamp: new Date().toISOString(),
        channelId: 'webchat',
        serviceUrl: `${options.selfBaseUrl().replace(/\/+$/, '')}/devconnector`,
        from: { ...parsed.data.from, role: 'user' },
        conversation: { id: conversation.id },
        recipient: { id: 'bot', role: 'bot' },
      };
      // Stored before forwarding so that the echo precedes the bot's replies (as in Direct Line).
      append(conversation, seq, activity);
      touch(conversation);
      let status: number | undefined;
      let failure: string | undefined;
      try {
        const response = await fetch(options.botMessagesUrl(), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(activity),
          signal: AbortSignal.timeout(BOT_TIMEOUT_MS),
        });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
      } catch (err) {
        failure = err instanceof Error ? err.name : 'Error';
      }
      if (status !== undefined && status >= 200 && status < 300) {
        log.debug({ conversationId: conversation.id, activityId: id, type: activity.type }, 'activity delivered to bot');
        return res.json(200, { id });
      }
      // Not delivered: take it back out of the transcript (the client will show "send failed").
      removeById(conversation, id);
      log.warn(
        { conversationId: conversation.id, activityId: id, type: activity.type, botStatus: status, failure },
        'bot failed to process activity',
      );
      sendError(res, 502, 'BotError', 'Failed to send activity: bot returned an error');
    }),
  );

  server.get(
    '/v3/directline/conversations/:conversationId/activities',
    handle('conversations/activities:get', (req, res) => {
      const conversation = authorize(req, res);
      if (!conversation) return;
      const query = (req.query ?? {}) as Record<string, unknown>;
      const watermark = watermarkSchema.safeParse(query.watermark);
      if (!watermark.success) return sendError(res, 400, 'BadArgument', 'watermark must be a non-negative integer');
      const after = watermark.data ? Number(watermark.data) : -1;
      const activities = conversation.entries.filter((entry) => entry.seq > after).map((entry) => entry.activity);
      res.json(200, { activities, watermark: String(conversation.lastSeq) });
    }),
  );

  // ---- Bot side (Bot Connector REST API subset at serviceUrl = <self>/devconnector) ----

  const botConversation = (req: Request, res: Response): Conversation | undefined => {
    const conversation = conversations.get(paramOf(req, 'conversationId'));
    if (!conversation) sendError(res, 404, 'ConversationNotFound', 'Conversation not found');
    return conversation;
  };

  const normalizeBotActivity = (
    conversation: Conversation,
    body: z.infer<typeof botActivitySchema>,
    id: string,
    timestamp: string,
  ): DevActivity => {
    const from = body.from ? { ...body.from, role: 'bot' } : { id: 'bot', role: 'bot', name: 'Bot' };
    return {
      ...body,
      id,
      timestamp,
      channelId: 'webchat',
      from,
      conversation: { id: conversation.id },
    };
  };

  const postBotActivity = handle('devconnector:post', (req, res) => {
    const conversation = botConversation(req, res);
    if (!conversation) return;
    const parsed = botActivitySchema.safeParse(bodyOf(req));
    if (!parsed.success) return sendError(res, 400, 'BadArgument', describeZodError(parsed.error));
    const replyTo = paramOf(req, 'activityId');
    const body = replyTo && parsed.data.replyToId === undefined ? { ...parsed.data, replyToId: replyTo } : parsed.data;
    const { seq, id } = nextId(conversation);
    append(conversation, seq, normalizeBotActivity(conversation, body, id, new Date().toISOString()));
    log.debug({ conversationId: conversation.id, activityId: id, type: body.type }, 'bot activity stored');
    res.json(200, { id });
  });

  server.post('/devconnector/v3/conversations/:conversationId/activities', postBotActivity);
  server.post('/devconnector/v3/conversations/:conversationId/activities/:activityId', postBotActivity);

  server.put(
    '/devconnector/v3/conversations/:conversationId/activities/:activityId',
    handle('devconnector:put', (req, res) => {
      const conversation = botConversation(req, res);
      if (!conversation) return;
      const parsed = botActivitySchema.safeParse(bodyOf(req));
      if (!parsed.success) return sendError(res, 400, 'BadArgument', describeZodError(parsed.error));
      const activityId = paramOf(req, 'activityId');
      const previous = conversation.entries.find((entry) => entry.activity.id === activityId);
      if (!previous) return sendError(res, 404, 'ActivityNotFound', 'Activity not found');
      removeById(conversation, activityId);
      // A new seq puts the update after every client's watermark; same id and original timestamp
      // make Web Chat replace the rendered activity in place.
      conversation.lastSeq += 1;
      append(conversation, conversation.lastSeq, normalizeBotActivity(conversation, parsed.data, activityId, previous.activity.timestamp));
      log.debug({ conversationId: conversation.id, activityId }, 'bot activity updated');
      res.json(200, { id: activityId });
    }),
  );

  server.del(
    '/devconnector/v3/conversations/:conversationId/activities/:activityId',
    handle('devconnector:delete', (req, res) => {
      const conversation = botConversation(req, res);
      if (!conversation) return;
      const activityId = paramOf(req, 'activityId');
      if (!removeById(conversation, activityId)) return sendError(res, 404, 'ActivityNotFound', 'Activity not found');
      log.debug({ conversationId: conversation.id, activityId }, 'bot activity deleted');
      res.json(200, { id: activityId });
    }),
  );

  log.warn('development Direct Line surface enabled (auth must be off; never expose beyond loopback)');

  return {
    conversationCount: () => conversations.size,
    activities: (conversationId) => (conversations.get(conversationId)?.entries ?? []).map((entry) => ({ ...entry.activity })),
  };
}
