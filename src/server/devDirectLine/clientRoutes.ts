/** The client side of the development Direct Line (Direct Line 3.0, what Web Chat's DirectLineJS calls). */
import type { Request, Response, Server } from 'restify';
import type { DevActivity } from './conversations.js';
import {
  TOKEN_TTL_SECONDS,
  BOT_TIMEOUT_MS,
  bearerToken,
  bodyOf,
  clientActivitySchema,
  describeZodError,
  sendError,
  startBodySchema,
  watermarkSchema,
} from './protocol.js';
import { authorize, sessionBody, type RouteContext } from './routeContext.js';

function registerTokenRoutes(server: Server, ctx: RouteContext): void {
  const { conversations, log } = ctx;
  server.post(
    '/v3/directline/tokens/generate',
    ctx.handle('tokens/generate', (req, res) => {
      const body = startBodySchema.safeParse(bodyOf(req));
      if (!body.success) return sendError(res, 400, 'BadArgument', describeZodError(body.error));
      const { conversation, token } = conversations.create();
      log.info({ conversationId: conversation.id, conversations: conversations.size }, 'dev direct line token generated');
      res.json(200, sessionBody(conversation, token));
    }),
  );

  server.post(
    '/v3/directline/tokens/refresh',
    ctx.handle('tokens/refresh', (req, res) => {
      const token = bearerToken(req);
      const conversation = conversations.forToken(token);
      if (!conversation || token === undefined) return sendError(res, 403, 'TokenExpired', 'Missing, invalid or expired token');
      conversation.expiresAt = Date.now() + TOKEN_TTL_SECONDS * 1000;
      res.json(200, sessionBody(conversation, token));
    }),
  );
}

function registerConversationRoutes(server: Server, ctx: RouteContext): void {
  const { conversations, log } = ctx;
  server.post(
    '/v3/directline/conversations',
    ctx.handle('conversations/start', (req, res) => {
      const body = startBodySchema.safeParse(bodyOf(req));
      if (!body.success) return sendError(res, 400, 'BadArgument', describeZodError(body.error));
      const token = bearerToken(req);
      const conversation = conversations.forToken(token);
      if (!conversation || token === undefined) return sendError(res, 403, 'TokenExpired', 'Missing, invalid or expired token');
      conversations.touch(conversation);
      log.info({ conversationId: conversation.id }, 'dev direct line conversation started');
      res.json(201, sessionBody(conversation, token));
    }),
  );

  server.get(
    '/v3/directline/conversations/:conversationId',
    ctx.handle('conversations/reconnect', (req, res) => {
      const conversation = authorize(ctx, req, res);
      if (!conversation) return;
      res.json(200, sessionBody(conversation, bearerToken(req) as string));
    }),
  );
}

/** Forwards `activity` to the bot; the HTTP status it answered, or the error name when it could not be reached. */
async function forwardToBot(ctx: RouteContext, activity: DevActivity): Promise<{ status?: number; failure?: string }> {
  try {
    const response = await fetch(ctx.botMessagesUrl(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(BOT_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status };
  } catch (err) {
    return { failure: err instanceof Error ? err.name : 'Error' };
  }
}

/** POST .../activities: stores the client's activity, forwards it to the bot; 502 (and takes it back) when the bot fails. */
function postActivity(ctx: RouteContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const conversation = authorize(ctx, req, res);
    if (!conversation) return;
    const parsed = clientActivitySchema.safeParse(bodyOf(req));
    if (!parsed.success) return sendError(res, 400, 'BadArgument', describeZodError(parsed.error));
    const { seq, id } = ctx.conversations.nextId(conversation);
    const activity: DevActivity = {
      ...parsed.data,
      id,
      timestamp: new Date().toISOString(),
      channelId: 'webchat',
      serviceUrl: `${ctx.selfBaseUrl().replace(/\/+$/, '')}/devconnector`,
      from: { ...parsed.data.from, role: 'user' },
      conversation: { id: conversation.id },
      recipient: { id: 'bot', role: 'bot' },
    };
    // Stored before forwarding so that the echo precedes the bot's replies (as in Direct Line).
    ctx.conversations.append(conversation, seq, activity);
    ctx.conversations.touch(conversation);
    const { status, failure } = await forwardToBot(ctx, activity);
    if (status !== undefined && status >= 200 && status < 300) {
      ctx.log.debug({ conversationId: conversation.id, activityId: id, type: activity.type }, 'activity delivered to bot');
      return res.json(200, { id });
    }
    // Not delivered: take it back out of the transcript (the client will show "send failed").
    ctx.conversations.removeById(conversation, id);
    ctx.log.warn({ conversationId: conversation.id, activityId: id, type: activity.type, botStatus: status, failure }, 'bot failed to process activity');
    sendError(res, 502, 'BotError', 'Failed to send activity: bot returned an error');
  };
}

function registerActivityRoutes(server: Server, ctx: RouteContext): void {
  server.post('/v3/directline/conversations/:conversationId/activities', ctx.handle('conversations/activities:post', postActivity(ctx)));

  server.get(
    '/v3/directline/conversations/:conversationId/activities',
    ctx.handle('conversations/activities:get', (req, res) => {
      const conversation = authorize(ctx, req, res);
      if (!conversation) return;
      const query = (req.query ?? {}) as Record<string, unknown>;
      const watermark = watermarkSchema.safeParse(query.watermark);
      if (!watermark.success) return sendError(res, 400, 'BadArgument', 'watermark must be a non-negative integer');
      const after = watermark.data ? Number(watermark.data) : -1;
      const activities = conversation.entries.filter((entry) => entry.seq > after).map((entry) => entry.activity);
      res.json(200, { activities, watermark: String(conversation.lastSeq) });
    }),
  );
}

/** Registers the Direct Line 3.0 client routes (tokens, conversations, activities). */
export function registerClientRoutes(server: Server, ctx: RouteContext): void {
  registerTokenRoutes(server, ctx);
  registerConversationRoutes(server, ctx);
  registerActivityRoutes(server, ctx);
}
