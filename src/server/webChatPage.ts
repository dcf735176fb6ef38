import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response, Server } from 'restify';

/** Options of {@link registerWebChatPage}. */
export interface WebChatPageOptions {
  /**
   * true: the page gets a token from this process's development Direct Line
   * (`POST /v3/directline/tokens/generate`, see devDirectLine.ts) and chats with the local bot.
   * false: the page renders and explains that production Web Chat needs a Direct Line token endpoint.
   */
  devDirectLine: boolean;
  /** Product title shown in the header and `<title>`, e.g. "CSP partner assistant" (HTML-escaped here). */
  title: string;
  /** BCP 47 tag for `<html lang>` and Web Chat's UI language, e.g. "en-US". Default "en-US"; invalid tags fall back to it. */
  locale?: string;
}

const DEFAULT_LOCALE = 'en-US';
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

/** Browser script of the page (served at /webchat/app.js, no inline script under the CSP). */
const APP_JS = `(function () {
  'use strict';
  var USER_ID_KEY = ${JSON.stringify(USER_ID_STORAGE_KEY)};
  var root = document.getElementById('webchat');
  var status = document.getElementById('status');
  var currentScript = document.currentScript;
  var nonce = (currentScript && currentScript.nonce) || undefined;

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

  if (root.getAttribute('data-dev-direct-line') !== 'true') {
    root.hidden = true;
    showStatus('Web Chat is not connected on this server. Production Web Chat needs a Direct Line token endpoint ' +
      '(POST /api/directline/token), which is not available yet. Use the assistant in Microsoft Teams, or run the bot ' +
      'locally without a MicrosoftAppId to chat here.', 'info');
    return;
  }
  if (!window.WebChat) {
    showStatus('The chat component could not be loaded. Reload the page to try again.', 'error');
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

  var locale = root.getAttribute('data-locale') || navigator.language || 'en-US';
  var uid = userId();

  fetch('/v3/directline/tokens/generate', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: { id: uid } })
  })
    .then(function (response) {
      if (!response.ok) { throw new Error('token request failed with HTTP ' + response.status); }
      return response.json();
    })
    .then(function (session) {
      var directLine = window.WebChat.createDirectLine({
        token: session.token,
        domain: window.location.origin + '/v3/directline',
        webSocket: false,
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
                payload: { name: 'webchat/join', value: { locale: navigator.language } }
              });
            }
            return result;
          };
        };
      });
      window.WebChat.renderWebChat({
        directLine: directLine,
        store: store,
        userID: uid,
        username: 'Partner',
        locale: locale,
        nonce: nonce,
        sendTypingIndicator: false,
        styleOptions: {
          rootHeight: '100%',
          rootWidth: '100%',
          hideUploadButton: true,
          primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
          backgroundColor: '#F5F7FA',
          accent: '#0B5CAD',
          bubbleBackground: '#FFFFFF',
          bubbleBorderColor: '#DDE3EA',
          bubbleBorderRadius: 12,
          bubbleFromUserBackground: '#0B5CAD',
          bubbleFromUserBorderColor: '#0B5CAD',
          bubbleFromUserTextColor: '#FFFFFF',
          bubbleFromUserBorderRadius: 12,
          botAvatarInitials: 'CSP',
          userAvatarInitials: 'P',
          avatarSize: 36,
          suggestedActionBorderRadius: 16,
          sendBoxButtonColor: '#0B5CAD'
        }
      }, root);
      status.hidden = true;
      var input = root.querySelector('input, textarea');
      if (input && window.matchMedia('(pointer: fine)').matches) { input.focus(); }
    })
    .catch(function (error) {
      showStatus('Could not connect to the assistant (' + (error && error.message ? error.message : 'network error') +
        '). Check that the bot is running, then reload the page.', 'error');
    });
})();
`;

/** Stylesheet of the page (served at /webchat/app.css). System fonts only. */
const APP_CSS = `*,*::before,*::after{box-sizing:border-box}
html,body{height:100%;margin:0}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;background:#E9EEF4;color:#1B2430;-webkit-text-size-adjust:100%}
.app{display:flex;flex-direction:column;height:100vh;height:100dvh;max-width:960px;margin:0 auto;background:#F5F7FA;box-shadow:0 0 24px rgba(15,40,70,.12)}
.app-header{display:flex;align-items:center;justify-content:space-between;gap:12px;padding:12px 20px;padding-top:max(12px,env(safe-area-inset-top));background:linear-gradient(135deg,#0B3A66,#0B5CAD);color:#fff;flex:0 0 auto}
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
@media (max-width:600px){.app{box-shadow:none}.app-header{padding:10px 14px}h1{font-size:1rem}.badge{font-size:.6875rem;padding:3px 8px}.status{margin:12px}}
@media (max-width:420px){.badge-long{display:none}.badge-short{display:inline}}
`;

function pageHtml(options: { title: string; locale: string; devDirectLine: boolean; nonce: string; webChatVersion: string }): string {
  const title = escapeHtml(options.title);
  const nonce = escapeHtml(options.nonce);
  const webChatScript = options.devDirectLine
    ? `<script src="/webchat/webchat.js?v=${escapeHtml(options.webChatVersion)}" nonce="${nonce}" defer></script>\n`
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(options.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light">
<meta name="theme-color" content="#0B3A66">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/webchat/app.css?v=${shortHash(APP_CSS)}">
</head>
<body>
<div class="app">
<header class="app-header">
<div class="brand"><span class="logo" aria-hidden="true"></span><h1>${title}</h1></div>
${options.devDirectLine ? '<span class="badge" title="Local development: local Direct Line, authentication off"><span class="badge-long">Local development</span><span class="badge-short" aria-hidden="true">Dev</span></span>' : ''}
</header>
<main class="chat-shell">
<div id="status" class="status" role="status" aria-live="polite">Connecting to the assistant…</div>
<div id="webchat" class="webchat" role="region" aria-label="${title} chat" data-dev-direct-line="${options.devDirectLine ? 'true' : 'false'}" data-locale="${escapeHtml(options.locale)}"></div>
<noscript><p class="status status--error">This chat needs JavaScript.</p></noscript>
</main>
</div>
${webChatScript}<script src="/webchat/app.js?v=${shortHash(APP_JS)}" nonce="${nonce}" defer></script>
</body>
</html>
`;
}

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    // Web Chat (emotion) injects <style> elements carrying the nonce passed to renderWebChat.
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
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
 * - `GET /` HTML page (header + full-height Web Chat), strict CSP with a per-request nonce, no
 *   external resources; `Cache-Control: no-store`.
 * - `GET /webchat/webchat.js` the botframework-webchat UMD bundle (~4 MB, gzip when accepted),
 *   read once at registration, cached for a year (the page references it with `?v=<version>`).
 * - `GET /webchat/app.js`, `GET /webchat/app.css` the page's script and stylesheet.
 *
 * With `devDirectLine` the page chats through the development Direct Line of this process and sends
 * the event `webchat/join` with `{ locale: navigator.language }` once connected; the user id is kept
 * in localStorage (`csp-assistant-user-id`), the user name is "Partner".
 * @throws Error if the botframework-webchat package or its dist/webchat.js cannot be found.
 */
export function registerWebChatPage(server: Server, options: WebChatPageOptions): void {
  const locale = options.locale && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/.test(options.locale) ? options.locale : DEFAULT_LOCALE;
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

  server.get('/', async (_req: Request, res: Response) => {
    const nonce = randomBytes(16).toString('base64');
    const html = Buffer.from(pageHtml({ title: options.title, locale, devDirectLine: options.devDirectLine, nonce, webChatVersion }), 'utf8');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': String(html.length),
      'Cache-Control': 'no-store',
      'Content-Security-Policy': contentSecurityPolicy(nonce),
      'X-Frame-Options': 'DENY',
    });
    res.end(html);
  });
}
