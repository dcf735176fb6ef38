/**
 * A loopback "channel": the Bot Connector endpoints a bot posts replies to
 * (`POST /v3/conversations/:conversationId/activities[/:replyToId]`), served on 127.0.0.1 with an
 * ephemeral port, plus a client that posts activities to the bot's `/api/messages` the way a
 * channel does (auth off: no token). Replies are collected per conversation. A conversation can be
 * told to answer otherwise ({@link LoopbackChannel.answer}): an error status with a Bot Framework
 * error body and headers (403 `BotNotInConversationRoster`, 429 with `Retry-After`...), a dropped
 * connection, or no answer at all.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

/**
 * How the channel answers one send: a status (200 keeps the activity as usual; any other is
 * answered with `body` as JSON and `headers`), `drop` (the socket is destroyed: ECONNRESET), or
 * `hang` (never answered, until {@link LoopbackChannel.stop}).
 */
export type ScriptedAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | 'drop' | 'hang';

/** A Bot Framework `ErrorResponse` body, as Teams sends it (`{ error: { code, message } }`). */
export function errorBody(code: string, message = code): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

export class LoopbackChannel {
  private server?: http.Server;
  private readonly inbox = new Map<string, Partial<Activity>[]>();
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private readonly sendCounts = new Map<string, number>();
  private readonly hanging = new Set<http.ServerResponse>();
  private seq = 0;
  serviceUrl = '';

  /**
   * Answers the next sends to `conversationId` with `answers` in turn; the last one answers every
   * later send too. No answers: back to 200. Counting its {@link sends} starts afresh.
   */
  answer(conversationId: string, ...answers: ScriptedAnswer[]): void {
    this.sendCounts.delete(conversationId);
    if (answers.length === 0) this.scripts.delete(conversationId);
    else this.scripts.set(conversationId, [...answers]);
  }

  /** Sends (POST or PUT of an activity) the channel received for `conversationId` (since its last {@link answer}), whatever it answered. */
  sends(conversationId: string): number {
    return this.sendCounts.get(conversationId) ?? 0;
  }

  /** Answers per the script of the conversation; true when it did (false: answer 200 as usual). */
  private scripted(conversationId: string, req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const script = this.scripts.get(conversationId);
    const next = script && (script.length > 1 ? script.shift() : script[0]);
    if (!next || (typeof next === 'object' && next.status === 200)) return false;
    if (next === 'drop') req.socket.destroy();
    else if (next === 'hang') this.hanging.add(res);
    else {
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(next.body === undefined ? '' : JSON.stringify(next.body));
    }
    return true;
  }

  /** Starts listening on 127.0.0.1:0. */
  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
        if (!m || (req.method !== 'POST' && req.method !== 'PUT')) {
          // restify patches http.ServerResponse globally: writeHead() does not return `this` here
          res.writeHead(404);
          res.end();
          return;
        }
        const conversationId = decodeURIComponent(m[1]!);
        this.sendCounts.set(conversationId, this.sends(conversationId) + 1);
        if (this.scripted(conversationId, req, res)) return;
        const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<Activity>;
        const list = this.inbox.get(conversationId) ?? [];
        list.push(activity);
        this.inbox.set(conversationId, list);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${++this.seq}` }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.serviceUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Takes (and forgets) the replies received so far for `conversationId`. */
  take(conversationId: string): Partial<Activity>[] {
    const list = this.inbox.get(conversationId) ?? [];
    this.inbox.delete(conversationId);
    return list;
  }

  /**
   * Posts `activity` to `botUrl` (`.../api/messages`) as a channel would, waits for the HTTP
   * response, and returns its status and the replies the bot posted back during the turn.
   */
  async post(botUrl: string, activity: Partial<Activity>): Promise<{ status: number; replies: Partial<Activity>[] }> {
    const conversationId = activity.conversation?.id ?? 'conv';
    const body: Partial<Activity> = {
      id: `in-${++this.seq}`,
      timestamp: new Date(),
      serviceUrl: this.serviceUrl,
      recipient: { id: 'bot', name: 'assistant' },
      ...activity,
    };
    const res = await fetch(botUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    return { status: res.status, replies: this.take(conversationId) };
  }
}
