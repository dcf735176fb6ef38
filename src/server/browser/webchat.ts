/**
 * Browser script of the Web Chat page (GET /; bundled by esbuild into /assets/webchat-<hash>.js,
 * no inline script under the CSP). It reads its settings and words from `#webchat[data-config]`
 * (see WebChatPageConfig), then connects:
 * - `dev`: a token from this process's development Direct Line;
 * - `portal`: a token from `POST /api/directline/token`, exchanging the portal assertion the
 *   embedding partner portal put in the URL fragment (`#assertion=...`; never sent to servers
 *   as part of the URL).
 */
import { USER_ID_STORAGE_KEY, type WebChatPageConfig } from '../pages/webChatConfig.js';

/** The part of the botframework-webchat UMD bundle (`window.WebChat`) this page uses. */
interface WebChatGlobal {
  createDirectLine(options: { token: string; domain: string; webSocket: boolean; pollingInterval: number }): unknown;
  createStore(initial: object, middleware: (api: StoreApi) => (next: Dispatch) => Dispatch): unknown;
  renderWebChat(props: Record<string, unknown>, element: HTMLElement): void;
}
interface Action {
  type: string;
  payload?: unknown;
}
type Dispatch = (action: Action) => unknown;
interface StoreApi {
  dispatch: Dispatch;
}
/** A Web Chat session: where and as whom to connect. */
interface Session {
  token: string;
  userId: string;
  userName?: string;
  domain: string;
  webSocket: boolean;
}
/** A failed POST: the HTTP status and the JSON body, when any. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

declare global {
  interface Window {
    WebChat?: WebChatGlobal;
  }
}

const root = document.getElementById('webchat') as HTMLElement;
const status = document.getElementById('status') as HTMLElement;
const announce = document.getElementById('announce') as HTMLElement;
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce || undefined;
const config = JSON.parse(root.dataset.config ?? '{}') as WebChatPageConfig;
const s = config.strings;

function showStatus(text: string, kind?: 'info' | 'error'): void {
  status.textContent = text;
  status.className = 'status' + (kind ? ' status--' + kind : '');
  status.hidden = false;
}

function randomId(): string {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return 'partner-' + Array.from(bytes, (b) => ('0' + b.toString(16)).slice(-2)).join('');
}

/** The development user id kept in localStorage (a new one when missing or malformed). */
function userId(): string {
  try {
    let id = window.localStorage.getItem(USER_ID_STORAGE_KEY);
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id) || /^dl_/.test(id)) {
      id = randomId();
      window.localStorage.setItem(USER_ID_STORAGE_KEY, id);
    }
    return id;
  } catch {
    return randomId();
  }
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json().catch(() => ({}));
  if (!response.ok) throw new HttpError(response.status, json);
  return json as T;
}

/**
 * Web Chat 4.18 passes the nonce to most of its emotion caches but not to the transcript's
 * react-scroll-to-bottom one, whose <style> the CSP would block (no scrolling container).
 * Give <style> elements inserted without a nonce the page nonce, so style-src stays strict.
 */
function adoptNonceForStyles(pageNonce: string): void {
  const adoptNonce = (node: Node): void => {
    if (node instanceof HTMLStyleElement && !node.nonce) node.setAttribute('nonce', pageNonce);
  };
  const insertBefore = Node.prototype.insertBefore;
  const appendChild = Node.prototype.appendChild;
  Node.prototype.insertBefore = function <T extends Node>(this: Node, node: T, child: Node | null): T {
    adoptNonce(node);
    return insertBefore.call(this, node, child) as T;
  };
  Node.prototype.appendChild = function <T extends Node>(this: Node, node: T): T {
    adoptNonce(node);
    return appendChild.call(this, node) as T;
  };
}

function startSession(assertion: string | undefined): Promise<Session> {
  if (config.mode === 'dev') {
    return post<{ token: string; userId?: string }>('/v3/directline/tokens/generate', { user: { id: userId() } }).then((r) => {
      return { token: r.token, userId: r.userId || userId(), domain: window.location.origin + '/v3/directline', webSocket: false };
    });
  }
  return post<{ token: string; userId: string; userName?: string }>('/api/directline/token', { assertion: decodeURIComponent(assertion ?? '') }).then((r) => {
    return { token: r.token, userId: r.userId, userName: r.userName, domain: config.directLineDomain, webSocket: true };
  });
}

/** Web Chat's style options: the page's brand colour and avatars. */
function styleOptions(): Record<string, unknown> {
  const options: Record<string, unknown> = {
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
    sendBoxButtonColor: config.theme.accent,
  };
  if (config.theme.avatarImage) options.botAvatarImage = config.theme.avatarImage;
  return options;
}

/** Renders Web Chat for `session`; sends `webchat/join` with the page locale once connected. */
function render(webChat: WebChatGlobal, session: Session): void {
  const directLine = webChat.createDirectLine({ token: session.token, domain: session.domain, webSocket: session.webSocket, pollingInterval: 300 });
  let joined = false;
  const store = webChat.createStore({}, (api) => (next) => (action) => {
    const result = next(action);
    if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED' && !joined) {
      joined = true;
      api.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'webchat/join', value: { locale: config.locale } } });
    }
    return result;
  });
  // the name the portal's sign-in gives; none in development, so actions are credited to
  // "someone on your team" rather than to a made-up name
  webChat.renderWebChat(
    {
      directLine,
      store,
      userID: session.userId,
      username: session.userName || undefined,
      locale: config.locale,
      nonce,
      sendTypingIndicator: false,
      styleOptions: styleOptions(),
    },
    root,
  );
  status.hidden = true;
  const input = root.querySelector<HTMLElement>('input, textarea');
  if (input && window.matchMedia('(pointer: fine)').matches) input.focus();
}

function showFailure(error: unknown): void {
  root.hidden = true;
  const code = error instanceof HttpError ? error.status : undefined;
  if (code === 503) return showStatus(s.notConfigured, 'info');
  if (code === 401 || code === 400) return showStatus(s.signInExpired, 'error');
  showStatus(s.connectFailed.replace('{reason}', error instanceof Error && error.message ? error.message : 'network error'), 'error');
}

function main(): void {
  // the language of the chat, said once to screen readers
  announce.textContent = s.languageAnnounce;
  const assertion = (/[#&]assertion=([^&]+)/.exec(window.location.hash) ?? [])[1];
  if (config.mode === 'portal' && !assertion) {
    root.hidden = true;
    return showStatus(s.needsPortal, 'info');
  }
  const webChat = window.WebChat;
  if (!webChat) return showStatus(s.loadFailed, 'error');
  if (nonce) adoptNonceForStyles(nonce);
  startSession(assertion).then((session) => render(webChat, session), showFailure);
}

main();
