/**
 * Shapes shared by the invitation pages: what a page knows about the request, and what a page
 * builder returns (rendered into the layout by the route).
 */
import type { ComponentChildren } from 'preact';
import type { InvitationFieldError } from '../../domain/invitations.js';
import type { Translator } from '../../i18n/index.js';
import type { WebAssetName } from '../assets/build.js';

/** Where a reader of a public page opens the assistant: the Web Chat page, and the Teams app when configured. */
export interface AssistantLinks {
  /** Absolute URL of the web chat (`ASSISTANT_CHAT_URL`, else this server's `/`). */
  webChat: string;
  /** Teams deep link to the app (`https://teams.microsoft.com/l/app/<TEAMS_APP_ID>`), when configured. */
  teams?: string;
}

/** Per-request facts a page renders from. */
export interface PageContext {
  /** Words in the request's language. */
  t: Translator;
  /** Now, for "days left". */
  now: Date;
  /** Where the reader opens the assistant, if known. */
  links?: AssistantLinks;
  /**
   * A CSRF token for a form on this page. Calling it marks the response as carrying a form, so a
   * browser without the CSRF cookie gets it set.
   */
  csrfToken(): string;
}

/** One rendered page: HTTP status, `<title>` words, the content of `<main>`, and an optional script asset. */
export interface Page {
  status: number;
  title: string;
  body: ComponentChildren;
  script?: WebAssetName;
}

/** A field's error on a form (`field` is the input's name; `code` picks `pages.fieldErrors.<field>.<code>`). */
export type FieldError = { field: InvitationFieldError['field'] | 'understood'; code: string };

/** The signed-in reader of a partnership accept page (from the assistant-issued session). */
export interface SignedIn {
  tenantId: string;
  userId: string;
  /** The session token, posted back with the form. */
  token: string;
  /** The reader's organization name, when known. */
  organization?: string;
}
