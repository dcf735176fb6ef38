/**
 * The HTTP life cycle the local fakes of outside services share (Partner Center, Microsoft Graph,
 * the Entra token endpoint, the Bot Framework token service): listen on 127.0.0.1 with an
 * ephemeral port, short keep-alive, and a stop that closes every open connection first so a test
 * or the demo ends at once. Each fake implements {@link LocalFakeServer.handle}.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Base of the local fakes: `start()`, then `url`, then `stop()`. */
export abstract class LocalFakeServer {
  private server?: http.Server;
  /** `http://127.0.0.1:<port>` once started; empty before. */
  url = '';

  /** Answers one request (errors it throws end the response with a 500). */
  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): void | Promise<void>;

  /** Listens on 127.0.0.1 with an ephemeral port and sets {@link url}. */
  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      Promise.resolve()
        .then(() => this.handle(req, res))
        .catch(() => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Closes every connection, then the server. Safe before `start()` and twice. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
