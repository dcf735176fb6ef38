/**
 * A loopback "channel": the Bot Connector endpoints a bot posts replies to
 * (`POST /v3/conversations/:conversationId/activities[/:replyToId]`), served on 127.0.0.1 with an
 * ephemeral port, plus a client that posts activities to the bot's `/api/messages` the way a
 * channel does (auth off: no token). Replies are collected per conversation.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

export class LoopbackChannel {
  private server?: http.Server;
  private readonly inbox = new Map<string, Partial<Activity>[]>();
  private seq = 0;
  serviceUrl = '';

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
