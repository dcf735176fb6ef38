/** The Web Chat page's document: a header with the app name and a full-height Web Chat region. */
import type { VNode } from 'preact';
import type { Translator } from '../../i18n/index.js';
import { BaseMeta } from './layout.js';
import type { WebChatPageConfig } from './webChatConfig.js';

/** The page's look: brand colour (`#RRGGBB`), bot avatar image (https URL) or initials. */
export interface WebChatTheme {
  accent: string;
  avatarImage?: string;
  avatarInitials: string;
}

/** Everything one rendering of the page needs. */
export interface WebChatPageModel {
  t: Translator;
  mode: 'dev' | 'portal';
  /** The response's CSP nonce (scripts and the inline brand-colour style carry it). */
  nonce: string;
  theme: WebChatTheme;
  /** Direct Line API base the production page connects to. */
  directLineDomain: string;
  /** URLs of the Web Chat bundle, the page script and the page stylesheet. */
  scripts: { webChat: string; app: string; stylesheet: string };
}

/** The language's own name for screen readers ("Deutsch", "繁體中文"). */
function languageName(locale: string): string {
  return new Intl.DisplayNames([locale], { type: 'language' }).of(locale.startsWith('zh') ? 'zh-Hant' : locale.slice(0, 2)) ?? locale;
}

/** The settings and words the browser script reads from `#webchat[data-config]`. */
export function webChatConfig(m: WebChatPageModel): WebChatPageConfig {
  const { t } = m;
  return {
    mode: m.mode,
    locale: t.locale,
    directLineDomain: m.directLineDomain,
    theme: {
      accent: m.theme.accent,
      avatarInitials: m.theme.avatarInitials,
      userInitials: t('pages.webchat.userInitials'),
      ...(m.theme.avatarImage ? { avatarImage: m.theme.avatarImage } : {}),
    },
    strings: {
      languageAnnounce: t('pages.webchat.languageAnnounce', { language: languageName(t.locale) }),
      needsPortal: t('pages.webchat.needsPortal'),
      loadFailed: t('pages.webchat.loadFailed'),
      notConfigured: t('pages.webchat.notConfigured'),
      signInExpired: t('pages.webchat.signInExpired'),
      connectFailed: t('pages.webchat.connectFailed', { reason: '{reason}' }),
    },
  };
}

function DevBadge({ t }: { t: Translator }): VNode {
  return (
    <span class="badge" title={t('pages.webchat.devBadgeTitle')}>
      <span class="badge-long">{t('pages.webchat.devBadge')}</span>
      <span class="badge-short" aria-hidden="true">
        {t('pages.webchat.devBadgeShort')}
      </span>
    </span>
  );
}

/** The whole `<html>` element of the Web Chat page. */
export function WebChatDocument(m: WebChatPageModel): VNode {
  const { t, nonce } = m;
  const title = t('app.name');
  return (
    <html lang={t.locale}>
      <head>
        <BaseMeta themeColor={m.theme.accent} />
        <title>{title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={m.scripts.stylesheet} />
        {/* the accent is validated as #RRGGBB (themeFrom) before it gets here */}
        <style nonce={nonce}>{`:root{--brand:${m.theme.accent}}`}</style>
      </head>
      <body>
        <div class="app">
          <header class="app-header">
            <div class="brand">
              <span class="logo" aria-hidden="true"></span>
              <h1>{title}</h1>
            </div>
            {m.mode === 'dev' ? <DevBadge t={t} /> : null}
          </header>
          <main class="chat-shell">
            <div id="announce" class="visually-hidden" aria-live="polite"></div>
            <div id="status" class="status" role="status" aria-live="polite">
              {t('pages.webchat.connecting')}
            </div>
            <div
              id="webchat"
              class="webchat"
              role="region"
              aria-label={t('pages.webchat.chatLabel', { title })}
              data-mode={m.mode}
              data-config={JSON.stringify(webChatConfig(m))}
            ></div>
            <noscript>
              <p class="status status--error">{t('pages.webchat.noscript')}</p>
            </noscript>
          </main>
        </div>
        <script src={m.scripts.webChat} nonce={nonce} defer></script>
        <script src={m.scripts.app} nonce={nonce} defer></script>
      </body>
    </html>
  );
}
