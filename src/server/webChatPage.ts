import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import { resolveLocale, translator, type Translator } from '../i18n/index.js';
import { localeFrom } from './invitationPages.js';

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
}

const USER_ID_STORAGE_KEY = 'csp-assistant-user-id';

/** Finds the botframework-webchat package root (its `exports` hide package.json from require). */
function webChatPackageRoot(): string {
  const entry = createRequire(import.meta.url).resolve('botframework-webchat');
  let dir = dirname(entry);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (pkg.name === 'botframework-webchat') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`botframework-webchat package root not found above ${entry}`);
    dir = parent;
  }
}

/** Escapes `& < > " '` for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function shortHash(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 12);
}

/**
 * Browser script of the page (served at /webchat/app.js, no inline script under the CSP). It reads
 * its settings and words from the page's `<script type="application/json" id="webchat-config">`
 * (mode, locale, theme, localized strings), then connects:
 * - `dev`: a token from this process's development Direct Line;
 * - `portal`: a token from `POST /api/directline/token`, exchanging the portal assertion the
 *   embedding partner portal put in the URL fragment (`#assertion=...`; never sent to servers
 *   as part of the URL).
 */
const APP_JS = `(function () {
  'use strict';
  var USER_ID_KEY = ${JSON.stringify(USER_ID_STORAGE_KEY)};
  var root = document.getElementById('webchat');
  var status = document.getElementById('status');
  var announce = document.getElementById('announce');
  var currentScript = document.currentScript;
  var nonce = (currentScript && currentScript.nonce) || undefined;
  var config = JSON.parse(document.getElementById('webchat-config').textContent);
  var s = config.strings;

  function showStatus(text, kind) {
    status.textContent = text;
    status.className = 'status' + (kind ? ' status--' + kind : '');
    status.hidden = false;
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return 'partner-' + Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function userId() {
    try {
      var id = window.localStorage.getItem(USER_ID_KEY);
      if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id) || /^dl_/.test(id)) {
        id = randomId();
        window.localStorage.setItem(USER_ID_KEY, id);
      }
      return id;
    } catch (e) {
      return randomId();
    }
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) { var error = new Error('HTTP ' + response.status); error.status = response.status; error.body = json; throw error; }
        return json;
      });
    });
  }

  // the language of the chat, said once to screen readers
  announce.textContent = s.languageAnnounce;

  var assertion = (/[#&]assertion=([^&]+)/.exec(window.location.hash) || [])[1];
  if (config.mode === 'portal' && !assertion) {
    root.hidden = true;
    showStatus(s.needsPortal, 'info');
    return;
  }
  if (!window.WebChat) {
    showStatus(s.loadFailed, 'error');
    return;
  }

  // Web Chat 4.18 passes the nonce to most of its emotion caches but not to the transcript's
  // react-scroll-to-bottom one, whose <style> the CSP would block (no scrolling container).
  // Give <style> elements inserted without a nonce the page nonce, so style-src stays strict.
  if (nonce) {
    var adoptNonce = function (node) {
      if (node instanceof HTMLStyleElement && !node.nonce) { node.setAttribute('nonce', nonce); }
    };
    var insertBefore = Node.prototype.insertBefore;
    var appendChild = Node.prototype.appendChild;
    Node.prototype.insertBefore = function (node, child) { adoptNonce(node); return insertBefore.call(this, node, child); };
    Node.prototype.appendChild = function (node) { adoptNonce(node); return appendChild.call(this, node); };
  }

  var session = config.mode === 'dev'
    ? post('/v3/directline/tokens/generate', { user: { id: userId() } }).then(function (r) {
        return { token: r.token, userId: r.userId || userId(), domain: window.location.origin + '/v3/directline', webSocket: false };
      })
    : post('/api/directline/token', { assertion: decodeURIComponent(assertion) }).then(function (r) {
        return { token: r.token, userId: r.userId, userName: r.userName, domain: config.directLineDomain, webSocket: true };
      });

  session
    .then(function (session) {
      var directLine = window.WebChat.createDirectLine({
        token: session.token,
        domain: session.domain,
        webSocket: session.webSocket,
        pollingInterval: 300
      });
      var joined = false;
      var store = window.WebChat.createStore({}, function (api) {
        return function (next) {
          return function (action) {
            var result = next(action);
            if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED' && !joined) {
              joined = true;
              api.dispatch({
                type: 'WEB_CHAT/SEND_EVENT',
                payload: { name: 'webchat/join', value: { locale: config.locale } }
              });
            }
            return result;
          };
        };
      });
      var styleOptions = {
        rootHeight: '100%',
        rootWidth: '100%',
        hideUploadButton: true,
        primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", Arial, sans-serif',
        backgroundColor: '#F5F7FA',
        accent: config.theme.accent,
        bubbleBackground: '#FFFFFF',
        bubbleBorderColor: '#DDE3EA',
        bubbleBorderRadius: 12,
        bubbleFromUserBackground: config.theme.accent,
        bubbleFromUserBorderColor: config.theme.accent,
        bubbleFromUserTextColor: '#FFFFFF',
        bubbleFromUserBorderRadius: 12,
        botAvatarInitials: config.theme.avatarInitials,
        userAvatarInitials: config.theme.userInitials,
        avatarSize: 36,
        suggestedActionBorderRadius: 16,
        sendBoxButtonColor: config.theme.accent
      };
      if (config.theme.avatarImage) { styleOptions.botAvatarImage = config.theme.avatarImage; }
      // the name the portal's sign-in gives; none in development, so actions are credited to
      // "someone on your team" rather than to a made-up name
      window.WebChat.renderWebChat({
        directLine: directLine,
        store: store,
        userID: session.userId,
        username: session.userName || undefined,
        locale: config.locale,
        nonce: nonce,
        sendTypingIndicator: false,
        styleOptions: styleOptions
      }, root);
      status.hidden = true;
      var input = root.querySelector('input, textarea');
      if (input && window.matchMedia('(pointer: fine)').matches) { input.focus(); }
    })
    .catch(function (error) {
      root.hidden = true;
      if (error && error.status === 503) { showStatus(s.notConfigured, 'info'); return; }
      if (error && (error.status === 401 || error.status === 400)) { showStatus(s.signInExpired, 'error'); return; }
      showStatus(s.connectFailed.replace('{reason}', error && error.message ? error.message : 'network error'), 'error');
    });
})();
`;

/** Stylesheet of the page (served at /webchat/app.css). System fonts only. */
const APP_CSS = `*,*::before,*::after{box-sizing:border-box}
html,body{height:100%;margin:0}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Noto Sans TC","PingFang TC","Microsoft JhengHei",Arial,sans-serif;background:#E9EEF4;color:#1B2430;-webkit-text-size-adjust:100%}
.app{display:flex;flex-direction:column;height:100vh;height:100dvh;max-width:960px;margin:0 auto;background:#F5F7FA;box-shadow:0 0 24px rgba(15,40,70,.12)}
.app-header{display:flex;align-items:center;justify-content:space-between;gap:12px;padding:12px 20px;padding-top:max(12px,env(safe-area-inset-top));background:var(--brand,#0B5CAD);background-image:linear-gradient(135deg,rgba(0,0,0,.28),rgba(0,0,0,0));color:#fff;flex:0 0 auto}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.brand{display:flex;align-items:center;gap:12px;min-width:0}
.logo{flex:0 0 auto;width:36px;height:36px;border-radius:10px;background:rgba(255,255,255,.16);border:1px solid rgba(255,255,255,.35);position:relative}
.logo::after{content:"";position:absolute;left:9px;top:10px;width:18px;height:12px;border-radius:4px;background:#fff}
.logo::before{content:"";position:absolute;left:12px;top:20px;width:0;height:0;border-left:5px solid transparent;border-right:5px solid transparent;border-top:6px solid #fff}
h1{margin:0;font-size:1.125rem;font-weight:600;line-height:1.3;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.badge{flex:0 0 auto;font-size:.75rem;font-weight:600;letter-spacing:.02em;padding:4px 10px;border-radius:999px;background:#FFD166;color:#3A2C00}
.chat-shell{flex:1 1 auto;min-height:0;display:flex;flex-direction:column;position:relative}
.webchat{flex:1 1 auto;min-height:0;height:100%;padding-bottom:env(safe-area-inset-bottom)}
.status{margin:16px;padding:12px 16px;border-radius:10px;background:#fff;border:1px solid #DDE3EA;font-size:.95rem;line-height:1.5}
.status--error{background:#FDECEC;border-color:#F5B5B5;color:#7A1414}
.status--info{background:#EAF2FB;border-color:#B9D3F0;color:#0B3A66}
[hidden]{display:none!important}
.badge-short{display:none}
.webchat textarea.ac-textInput.ac-multiline{field-sizing:content;min-height:8em;max-height:60vh;resize:vertical;line-height:1.45}
@media (max-width:600px){.app{box-shadow:none}.app-header{padding:10px 14px}h1{font-size:1rem}.badge{font-size:.6875rem;padding:3px 8px}.status{margin:12px}}
@media (max-width:420px){.badge-long{display:none}.badge-short{display:inline}}
`;

/** Everything one rendering of the page needs. */
interface PageModel {
  t: Translator;
  mode: 'dev' | 'portal';
  nonce: string;
  webChatVersion: string;
  theme: WebChatTheme;
  directLineDomain: string;
}

function pageHtml(m: PageModel): string {
  const { t } = m;
  const title = escapeHtml(t('app.name'));
  const nonce = escapeHtml(m.nonce);
  const config = {
    mode: m.mode,
    locale: t.locale,
    directLineDomain: m.directLineDomain,
    theme: { accent: m.theme.accent, avatarInitials: m.theme.avatarInitials, userInitials: t('pages.webchat.userInitials'), ...(m.theme.avatarImage ? { avatarImage: m.theme.avatarImage } : {}) },
    strings: {
      languageAnnounce: t('pages.webchat.languageAnnounce', { language: new Intl.DisplayNames([t.locale], { type: 'language' }).of(t.locale.startsWith('zh') ? 'zh-Hant' : t.locale.slice(0, 2)) ?? t.locale }),
      needsPortal: t('pages.webchat.needsPortal'),
      loadFailed: t('pages.webchat.loadFailed'),
      notConfigured: t('pages.webchat.notConfigured'),
      signInExpired: t('pages.webchat.signInExpired'),
      connectFailed: t('pages.webchat.connectFailed', { reason: '{reason}' }),
    },
  };
  // JSON inside <script type="application/json">: escape "<" so no text can close the element
  const configJson = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="${escapeHtml(t.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light">
<meta name="theme-color" content="${escapeHtml(m.theme.accent)}">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/webchat/app.css?v=${shortHash(APP_CSS)}">
<style nonce="${nonce}">:root{--brand:${escapeHtml(m.theme.accent)}}</style>
</head>
<body>
<div class="app">
<header class="app-header">
<div class="brand"><span class="logo" aria-hidden="true"></span><h1>${title}</h1></div>
${m.mode === 'dev' ? `<span class="badge" title="${escapeHtml(t('pages.webchat.devBadgeTitle'))}"><span class="badge-long">${escapeHtml(t('pages.webchat.devBadge'))}</span><span class="badge-short" aria-hidden="true">${escapeHtml(t('pages.webchat.devBadgeShort'))}</span></span>` : ''}
</header>
<main class="chat-shell">
<div id="announce" class="visually-hidden" aria-live="polite"></div>
<div id="status" class="status" role="status" aria-live="polite">${escapeHtml(t('pages.webchat.connecting'))}</div>
<div id="webchat" class="webchat" role="region" aria-label="${escapeHtml(t('pages.webchat.chatLabel', { title: t('app.name') }))}" data-mode="${m.mode}"></div>
<noscript><p class="status status--error">${escapeHtml(t('pages.webchat.noscript'))}</p></noscript>
</main>
</div>
<script type="application/json" id="webchat-config">${configJson}</script>
<script src="/webchat/webchat.js?v=${escapeHtml(m.webChatVersion)}" nonce="${nonce}" defer></script>
<script src="/webchat/app.js?v=${shortHash(APP_JS)}" nonce="${nonce}" defer></script>
</body>
</html>
`;
}

/** The page's look: brand colour (`#RRGGBB`), bot avatar image (https URL) or initials. */
export interface WebChatTheme {
  accent: string;
  avatarImage?: string;
  avatarInitials: string;
}

/** Default theme: Microsoft-blue accent, "CSP" initials. */
export const DEFAULT_THEME: WebChatTheme = { accent: '#0B5CAD', avatarInitials: 'CSP' };

/**
 * The theme a page URL asks for, validated: `brand` (`#RRGGBB` or `RRGGBB`), `avatar` (an https
 * image URL) and `initials` (1-3 letters or digits). Invalid values are ignored (defaults stay).
 */
export function themeFrom(query: Record<string, unknown>, defaults: WebChatTheme = DEFAULT_THEME): WebChatTheme {
  const brand = typeof query.brand === 'string' ? query.brand.trim() : '';
  const accent = /^#?[0-9A-Fa-f]{6}$/.test(brand) ? `#${brand.replace('#', '').toUpperCase()}` : defaults.accent;
  const avatar = typeof query.avatar === 'string' ? query.avatar.trim() : '';
  let avatarImage = defaults.avatarImage;
  try {
    if (avatar && avatar.length <= 500 && new URL(avatar).protocol === 'https:') avatarImage = new URL(avatar).href;
  } catch {
    /* not a URL: ignored */
  }
  const initials = typeof query.initials === 'string' && /^[\p{L}\p{N}]{1,3}$/u.test(query.initials.trim()) ? query.initials.trim() : defaults.avatarInitials;
  return { accent, avatarInitials: initials, ...(avatarImage ? { avatarImage } : {}) };
}

function contentSecurityPolicy(nonce: string, options: { directLineOrigin?: string; frameAncestors: string[] }): string {
  const dl = options.directLineOrigin ? ` ${options.directLineOrigin} ${options.directLineOrigin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    // Web Chat (emotion) injects <style> elements carrying the nonce passed to renderWebChat.
    `style-src 'self' 'nonce-${nonce}'`,
    // https: for a bot avatar image the page URL names (themeFrom)
    "img-src 'self' data: blob: https:",
    "media-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dl}`,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${options.frameAncestors.length > 0 ? options.frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

function sendStatic(req: Request, res: Response, body: Buffer, gzipped: Buffer | undefined, contentType: string, cacheControl: string): void {
  const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const payload = gzipped && acceptsGzip ? gzipped : body;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': contentType,
    'Content-Length': String(payload.length),
    'Cache-Control': cacheControl,
    Vary: 'Accept-Encoding',
    ...(payload === gzipped ? { 'Content-Encoding': 'gzip' } : {}),
  });
  res.end(payload);
}

/**
 * Registers the Web Chat page on `server`:
 * - `GET /` HTML page (header + full-height Web Chat) in the language of `?lang=` or else the
 *   browser's Accept-Language (en-US, de-DE, ru-RU, zh-TW), announced to screen readers and in
 *   `<html lang>`; themed by `?brand=RRGGBB`, `?avatar=<https image>`, `?initials=AB`. Strict CSP
 *   with a per-request nonce, no external resources; `Cache-Control: no-store`; framing only by
 *   `frameAncestors`.
 * - `GET /webchat/webchat.js` the botframework-webchat UMD bundle (~4 MB, gzip when accepted),
 *   read once at registration, cached for a year (the page references it with `?v=<version>`).
 * - `GET /webchat/app.js`, `GET /webchat/app.css` the page's script and stylesheet.
 *
 * With `devDirectLine` the page chats through the development Direct Line of this process; the
 * user id is kept in localStorage (`csp-assistant-user-id`). In production it exchanges the portal
 * assertion from the URL fragment at `POST /api/directline/token`. Either way it sends the event
 * `webchat/join` with `{ locale }` once connected.
 * @throws Error if the botframework-webchat package or its dist/webchat.js cannot be found.
 */
export function registerWebChatPage(server: Server, options: WebChatPageOptions): void {
  const frameAncestors = options.frameAncestors ?? [];
  const directLineEndpoint = options.directLineEndpoint ?? 'https://directline.botframework.com/v3/directline';
  const directLineOrigin = options.devDirectLine ? undefined : new URL(directLineEndpoint).origin;
  const packageRoot = webChatPackageRoot();
  const webChatVersion = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
  const webChatJs = readFileSync(join(packageRoot, 'dist', 'webchat.js'));
  const appJs = Buffer.from(APP_JS, 'utf8');
  const appCss = Buffer.from(APP_CSS, 'utf8');
  const gzipAsync = promisify(gzip);
  // Compressed once, lazily; until ready (or if it fails) the plain bundle is served.
  let webChatJsGzip: Buffer | undefined;
  let gzipStarted = false;
  const ensureGzip = (): void => {
    if (gzipStarted) return;
    gzipStarted = true;
    gzipAsync(webChatJs).then(
      (buffer) => (webChatJsGzip = buffer),
      () => undefined,
    );
  };

  const longCache = 'public, max-age=31536000, immutable';

  server.get('/webchat/webchat.js', async (req: Request, res: Response) => {
    ensureGzip();
    sendStatic(req, res, webChatJs, webChatJsGzip, 'application/javascript; charset=utf-8', longCache);
  });

  server.get('/webchat/app.js', async (req: Request, res: Response) => {
    sendStatic(req, res, appJs, undefined, 'application/javascript; charset=utf-8', longCache);
  });

  server.get('/webchat/app.css', async (req: Request, res: Response) => {
    sendStatic(req, res, appCss, undefined, 'text/css; charset=utf-8', longCache);
  });

  server.get('/', async (req: Request, res: Response) => {
    const nonce = randomBytes(16).toString('base64');
    const query = (req.query ?? {}) as Record<string, unknown>;
    const lang = typeof query.lang === 'string' && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$/.test(query.lang) ? resolveLocale(query.lang) : localeFrom(req.headers['accept-language']);
    const html = Buffer.from(
      pageHtml({
        t: translator(lang),
        mode: options.devDirectLine ? 'dev' : 'portal',
        nonce,
        webChatVersion,
        theme: themeFrom(query, options.theme),
        directLineDomain: directLineEndpoint,
      }),
      'utf8',
    );
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': String(html.length),
      'Cache-Control': 'no-store',
      'Content-Language': lang,
      'Content-Security-Policy': contentSecurityPolicy(nonce, { ...(directLineOrigin ? { directLineOrigin } : {}), frameAncestors }),
      ...(frameAncestors.length === 0 ? { 'X-Frame-Options': 'DENY' } : {}),
    });
    res.end(html);
  });
}
