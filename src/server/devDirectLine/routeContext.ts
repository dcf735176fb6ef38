/** What the development Direct Line's route modules share. */
import type { Request, Response } from 'restify';
import type { Logger } from '../../logger.js';
import type { Conversation, Conversations } from './conversations.js';
import { bearerToken, paramOf, sendError } from './protocol.js';

/** A route handler (may be async). */
export type RouteHandler = (req: Request, res: Response) => Promise<void> | void;

/** The shared state and helpers of one registration. */
export interface RouteContext {
  conversations: Conversations;
  log: Logger;
  /** Absolute URL of this process's POST /api/messages. */
  botMessagesUrl: () => string;
  /** Absolute base URL of this process. */
  selfBaseUrl: () => string;
  /** Wraps a handler: `Cache-Control: no-store`; unexpected errors become a JSON 500 without details. */
  handle(name: string, fn: RouteHandler): (req: Request, res: Response) => Promise<void>;
}

/** Builds {@link RouteContext.handle} for `log`. */
export function handlerWrapper(log: Logger): RouteContext['handle'] {
  return (name, fn) =>
    async (req, res): Promise<void> => {
      try {
        res.header('Cache-Control', 'no-store');
        await fn(req, res);
      } catch (err) {
        log.error({ err, route: name }, 'dev direct line handler failed');
        if (!res.headersSent) sendError(res, 500, 'ServiceError', 'Internal error');
      }
    };
}

/** 404 for an unknown conversation, 403 for a bad token; otherwise the conversation. */
export function authorize(ctx: RouteContext, req: Request, res: Response): Conversation | undefined {
  const conversation = ctx.conversations.get(paramOf(req, 'conversationId'));
  if (!conversation) {
    sendError(res, 404, 'BadArgument', 'Conversation not found');
    return undefined;
  }
  if (!ctx.conversations.tokenValid(conversation, bearerToken(req))) {
    sendError(res, 403, 'TokenExpired', 'Missing, invalid or expired token');
    return undefined;
  }
  return conversation;
}

/** The session body of generate, start, reconnect and refresh: `{ conversationId, token, expires_in }`. */
export function sessionBody(conversation: Conversation, token: string) {
  return {
    conversationId: conversation.id,
    token,
    expires_in: Math.max(0, Math.round((conversation.expiresAt - Date.now()) / 1000)),
    streamUrl: undefined,
  };
}
