/**
 * The Web Chat page:
 * - `GET /` HTML page (header + full-height Web Chat) in the language of `?lang=` or else the
 *   browser's Accept-Language (en-US, de-DE, ru-RU, zh-TW), announced to screen readers and in
 *   `<html lang>`; themed by `?brand=RRGGBB`, `?avatar=<https image>`, `?initials=AB`. Strict CSP
 *   with a per-request nonce, no external resources; `Cache-Control: no-store`; framing only by
 *   `frameAncestors` (http/securityHeaders.ts).
 * - its script and stylesheet are built assets (`/assets/webchat-<hash>.js|css`, see assets/), the
 *   Web Chat bundle is `/webchat/webchat.js?v=<version>` (assets/webChatBundle.ts).
 *
 * With `devDirectLine` the page chats through the development Direct Line of this process; the
 * user id is kept in localStorage (`csp-assistant-user-id`). In production it exchanges the portal
 * assertion from the URL fragment at `POST /api/directline/token`. Either way it sends the event
 * `webchat/join` with `{ locale }` once connected (src/server/browser/webchat.ts).
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { translator } from '../i18n/index.js';
import { registerWebAssets, type AssetUrls } from './assets/serve.js';
import { registerWebChatBundle } from './assets/webChatBundle.js';
import { renderDocument, sendHtml } from './http/html.js';
import { pageLocale } from './http/locale.js';
import { queryParam } from './http/params.js';
import { newNonce, webChatPageHeaders } from './http/securityHeaders.js';
import { WebChatDocument, type WebChatTheme } from './pages/webChatPage.js';

export type { WebChatTheme } from './pages/webChatPage.js';

/** Options of {@link registerWebChatPage}. */
export interface WebChatPageOptions {
  /**
   * true: the page gets a token from this process's development Direct Line
   * (`POST /v3/directline/tokens/generate`, see devDirectLine.ts) and chats with the local bot.
   * false (production): the page exchanges the partner portal's assertion at
   * `POST /api/directline/token` and chats through the Direct Line service.
   */
  devDirectLine: boolean;
  /** Direct Line API base the production page connects to (`DIRECT_LINE_ENDPOINT`). */
  directLineEndpoint?: string;
  /** Origins allowed to embed the page in a frame (`WEBCHAT_FRAME_ANCESTORS`); none = no framing. */
  frameAncestors?: string[];
  /** The page's default theme (a page URL may override it, see {@link themeFrom}). */
  theme?: WebChatTheme;
  /** The built assets already registered on `server` (assets/serve.ts); omitted = registered here. */
  assets?: AssetUrls;
}

/** Default theme: Microsoft-blue accent, "CSP" initials. */
export const DEFAULT_THEME: WebChatTheme = { accent: '#0B5CAD', avatarInitials: 'CSP' };

const brandSchema = z
  .string()
  .trim()
  .regex(/^#?[0-9A-Fa-f]{6}$/)
  .transform((v) => `#${v.replace('#', '').toUpperCase()}`);
const isHttpsUrl = (v: string): boolean => URL.canParse(v) && new URL(v).protocol === 'https:';
const avatarSchema = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .refine(isHttpsUrl)
  .transform((v) => new URL(v).href);
const initialsSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}]{1,3}$/u);

/**
 * The theme a page URL asks for, validated: `brand` (`#RRGGBB` or `RRGGBB`), `avatar` (an https
 * image URL, at most 500 characters) and `initials` (1-3 letters or digits). Invalid values are
 * ignored (the defaults stay).
 */
export function themeFrom(query: Record<string, unknown>, defaults: WebChatTheme = DEFAULT_THEME): WebChatTheme {
  const accent = brandSchema.safeParse(query.brand).data ?? defaults.accent;
  const avatarImage = avatarSchema.safeParse(query.avatar).data ?? defaults.avatarImage;
  const initials = initialsSchema.safeParse(query.initials).data ?? defaults.avatarInitials;
  return { accent, avatarInitials: initials, ...(avatarImage ? { avatarImage } : {}) };
}

/**
 * Registers the Web Chat page on `server` (see the module comment), and the Web Chat bundle.
 * @throws Error if the botframework-webchat package or its dist/webchat.js cannot be found, or the
 *   page's built assets are missing (see assets/serve.ts)
 */
export function registerWebChatPage(server: Server, options: WebChatPageOptions): void {
  const frameAncestors = options.frameAncestors ?? [];
  const directLineEndpoint = options.directLineEndpoint ?? 'https://directline.botframework.com/v3/directline';
  const directLineOrigin = options.devDirectLine ? undefined : new URL(directLineEndpoint).origin;
  const assets = options.assets ?? registerWebAssets(server);
  const scripts = { webChat: registerWebChatBundle(server), app: assets.url('webchat.js'), stylesheet: assets.url('webchat.css') };

  server.get('/', async (req: Request, res: Response) => {
    const nonce = newNonce();
    const locale = pageLocale(req, { queryParam: 'lang' });
    const query = {
      brand: queryParam(req, 'brand', z.string()),
      avatar: queryParam(req, 'avatar', z.string()),
      initials: queryParam(req, 'initials', z.string()),
    };
    const html = renderDocument(
      <WebChatDocument
        t={translator(locale)}
        mode={options.devDirectLine ? 'dev' : 'portal'}
        nonce={nonce}
        theme={themeFrom(query, options.theme)}
        directLineDomain={directLineEndpoint}
        scripts={scripts}
      />,
    );
    const headers = webChatPageHeaders(nonce, { ...(directLineOrigin ? { directLineOrigin } : {}), frameAncestors });
    sendHtml(res, 200, html, { ...headers, 'Content-Language': locale });
  });
}
