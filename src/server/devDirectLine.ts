import type { Server } from 'restify';
import type { Logger } from '../logger.js';
import { registerBotRoutes } from './devDirectLine/botRoutes.js';
import { registerClientRoutes } from './devDirectLine/clientRoutes.js';
import { Conversations, type DevActivity } from './devDirectLine/conversations.js';
import { handlerWrapper } from './devDirectLine/routeContext.js';

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

export type { DevActivity } from './devDirectLine/conversations.js';

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

/**
 * Registers the development Direct Line 3.0 subset and the matching Bot Connector endpoints on
 * `server` (see the module comment for routes and status codes; devDirectLine/ holds them). Expects
 * the caller to have installed restify's `queryParser()` and `bodyParser({ mapParams: false })`.
 * All state is in memory and lost on restart (a reloaded page then gets 404 and starts a new conversation).
 *
 * The caller must only call this when bot authentication is off (no MicrosoftAppId): the bot-side
 * `/devconnector` routes have no authentication (conversation ids are 128-bit random capabilities).
 * @returns a handle to inspect conversations (tests, diagnostics).
 */
export function registerDevDirectLine(server: Server, options: DevDirectLineOptions): DevDirectLine {
  const log = options.logger.child({ component: 'devDirectLine' });
  const conversations = new Conversations(
    Math.max(1, options.maxConversations ?? 500),
    Math.max(1, options.maxActivitiesPerConversation ?? 1000),
    (conversationId) => log.info({ conversationId }, 'dev direct line conversation evicted'),
  );
  const ctx = { conversations, log, botMessagesUrl: options.botMessagesUrl, selfBaseUrl: options.selfBaseUrl, handle: handlerWrapper(log) };
  registerClientRoutes(server, ctx);
  registerBotRoutes(server, ctx);
  log.warn('development Direct Line surface enabled (auth must be off; never expose beyond loopback)');
  return {
    conversationCount: () => conversations.size,
    activities: (conversationId) => (conversations.get(conversationId)?.entries ?? []).map((entry) => ({ ...entry.activity })),
  };
}
