/**
 * The invitation pages' document: head (title, viewport, no referrer, no indexing, the pages
 * stylesheet carrying the CSP nonce), the brand bar, `<main>`, and the page's script, if any.
 */
import type { ComponentChildren, VNode } from 'preact';
import type { Translator } from '../../i18n/index.js';
import type { AssetUrls } from '../assets/serve.js';
import { renderDocument } from '../http/html.js';
import type { Page } from './types.js';

/** Props of {@link InvitationDocument}. */
export interface InvitationDocumentProps {
  t: Translator;
  /** The page's own title (the document title adds the app name). */
  title: string;
  /** The response's CSP nonce, put on the stylesheet and script elements. */
  nonce: string;
  /** URL of the pages stylesheet (`/assets/pages-<hash>.css`). */
  stylesheet: string;
  /** URL of the page's script, if it has one. */
  script?: string;
  children: ComponentChildren;
}

/**
 * The `<meta>` tags every page starts its `<head>` with: UTF-8, a phone-friendly viewport (notch
 * safe areas), light colour scheme, and the browser chrome colour `themeColor` (#RRGGBB).
 */
export function BaseMeta({ themeColor }: { themeColor: string }): VNode {
  return (
    <>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
      <meta name="color-scheme" content="light" />
      <meta name="theme-color" content={themeColor} />
    </>
  );
}

/** The whole `<html>` element of an invitation page. */
export function InvitationDocument({ t, title, nonce, stylesheet, script, children }: InvitationDocumentProps): VNode {
  const appTitle = t('pages.app.title');
  return (
    <html lang={t.locale}>
      <head>
        <BaseMeta themeColor="#0B3A66" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{t('pages.app.pageTitle', { page: title, app: appTitle })}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={stylesheet} nonce={nonce} />
      </head>
      <body>
        <header class="top">
          <div class="brand">
            <span class="logo" aria-hidden="true"></span>
            <span>{appTitle}</span>
          </div>
        </header>
        <main>{children}</main>
        {script ? <script src={script} nonce={nonce} defer></script> : null}
      </body>
    </html>
  );
}

/**
 * The full HTML of an invitation page: `page` inside {@link InvitationDocument}, with the pages
 * stylesheet and the page's script from `assets`, both carrying `nonce`.
 */
export function renderInvitationPage(t: Translator, page: Page, nonce: string, assets: AssetUrls): string {
  return renderDocument(
    <InvitationDocument
      t={t}
      title={page.title}
      nonce={nonce}
      stylesheet={assets.url('pages.css')}
      {...(page.script ? { script: assets.url(page.script) } : {})}
    >
      {page.body}
    </InvitationDocument>,
  );
}
