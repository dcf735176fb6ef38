import type { Request, Response, Server } from 'restify';
import type { CustomerService } from '../customers/customerService.js';
import { translator } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { localeFrom } from './http/locale.js';
import { tokenParam } from './http/params.js';
import { privateDownloadHeaders } from './http/securityHeaders.js';

/**
 * `GET /exports/customers/<token>`: the tenant's classified customer list as a CSV download. The
 * token is the signed, tenant-bound, one-hour link the assistant gave the partner in the chat
 * (`CustomerService.exportUrl`); a tampered or expired link gets 404/410 and a plain message.
 * Column headers and values are in the reader's language (Accept-Language). Nothing is cached;
 * no referrer is sent on; logs name the outcome only (never the token or the tenant's data).
 */
export function registerExportRoutes(server: Server, deps: { customers: CustomerService; logger: Logger }): void {
  // a wildcard, not `:token`: restify refuses route parameters longer than 100 characters
  server.get('/exports/customers/*', async (req: Request, res: Response) => {
    const t = translator(localeFrom(req.headers['accept-language']));
    const token = tokenParam(req);
    const headers = privateDownloadHeaders();
    try {
      const result = await deps.customers.exportCsv(token, (key) => t(key));
      if (!result.ok) {
        deps.logger.info({ outcome: `export.${result.problem}` }, 'customer export');
        const status = result.problem === 'expired' ? 410 : 404;
        const body = t(result.problem === 'expired' ? 'customers.export.expired' : 'customers.export.invalid');
        res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(body);
        return;
      }
      const date = new Date().toISOString().slice(0, 10);
      deps.logger.info({ outcome: 'export.sent' }, 'customer export');
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="customers-${date}.csv"`,
      });
      // a UTF-8 BOM so spreadsheet apps read accented names correctly
      res.end(`\ufeff${result.csv}`);
    } catch (err) {
      deps.logger.error({ err: (err as Error).name }, 'customer export failed');
      res.writeHead(500, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(t('errors.turnFailed'));
    }
  });
}
