/** The bot side of the development Direct Line: the Bot Connector REST API subset at `serviceUrl` (`<self>/devconnector`). */
import type { Request, Response, Server } from 'restify';
import type { Conversation, DevActivity } from './conversations.js';
import { bodyOf, botActivitySchema, describeZodError, paramOf, sendError, type BotActivity } from './protocol.js';
import type { RouteContext } from './routeContext.js';

function botConversation(ctx: RouteContext, req: Request, res: Response): Conversation | undefined {
  const conversation = ctx.conversations.get(paramOf(req, 'conversationId'));
  if (!conversation) sendError(res, 404, 'ConversationNotFound', 'Conversation not found');
  return conversation;
}

function normalizeBotActivity(conversation: Conversation, body: BotActivity, id: string, timestamp: string): DevActivity {
  const from = body.from ? { ...body.from, role: 'bot' } : { id: 'bot', role: 'bot', name: 'Bot' };
  return { ...body, id, timestamp, channelId: 'webchat', from, conversation: { id: conversation.id } };
}

function postBotActivity(ctx: RouteContext) {
  return (req: Request, res: Response): void => {
    const conversation = botConversation(ctx, req, res);
    if (!conversation) return;
    const parsed = botActivitySchema.safeParse(bodyOf(req));
    if (!parsed.success) return sendError(res, 400, 'BadArgument', describeZodError(parsed.error));
    const replyTo = paramOf(req, 'activityId');
    const body = replyTo && parsed.data.replyToId === undefined ? { ...parsed.data, replyToId: replyTo } : parsed.data;
    const { seq, id } = ctx.conversations.nextId(conversation);
    ctx.conversations.append(conversation, seq, normalizeBotActivity(conversation, body, id, new Date().toISOString()));
    ctx.log.debug({ conversationId: conversation.id, activityId: id, type: body.type }, 'bot activity stored');
    res.json(200, { id });
  };
}

function putBotActivity(ctx: RouteContext) {
  return (req: Request, res: Response): void => {
    const conversation = botConversation(ctx, req, res);
    if (!conversation) return;
    const parsed = botActivitySchema.safeParse(bodyOf(req));
    if (!parsed.success) return sendError(res, 400, 'BadArgument', describeZodError(parsed.error));
    const activityId = paramOf(req, 'activityId');
    const previous = conversation.entries.find((entry) => entry.activity.id === activityId);
    if (!previous) return sendError(res, 404, 'ActivityNotFound', 'Activity not found');
    ctx.conversations.removeById(conversation, activityId);
    // A new seq puts the update after every client's watermark; same id and original timestamp
    // make Web Chat replace the rendered activity in place.
    conversation.lastSeq += 1;
    ctx.conversations.append(conversation, conversation.lastSeq, normalizeBotActivity(conversation, parsed.data, activityId, previous.activity.timestamp));
    ctx.log.debug({ conversationId: conversation.id, activityId }, 'bot activity updated');
    res.json(200, { id: activityId });
  };
}

function deleteBotActivity(ctx: RouteContext) {
  return (req: Request, res: Response): void => {
    const conversation = botConversation(ctx, req, res);
    if (!conversation) return;
    const activityId = paramOf(req, 'activityId');
    if (!ctx.conversations.removeById(conversation, activityId)) return sendError(res, 404, 'ActivityNotFound', 'Activity not found');
    ctx.log.debug({ conversationId: conversation.id, activityId }, 'bot activity deleted');
    res.json(200, { id: activityId });
  };
}

/** Registers the connector routes the bot posts, updates and deletes its activities at (no auth: development only). */
export function registerBotRoutes(server: Server, ctx: RouteContext): void {
  const post = ctx.handle('devconnector:post', postBotActivity(ctx));
  server.post('/devconnector/v3/conversations/:conversationId/activities', post);
  server.post('/devconnector/v3/conversations/:conversationId/activities/:activityId', post);
  server.put('/devconnector/v3/conversations/:conversationId/activities/:activityId', ctx.handle('devconnector:put', putBotActivity(ctx)));
  server.del('/devconnector/v3/conversations/:conversationId/activities/:activityId', ctx.handle('devconnector:delete', deleteBotActivity(ctx)));
}
