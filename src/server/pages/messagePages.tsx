/**
 * Pages that say one thing: a link that cannot be used (404/410), a refused form (403/409/400),
 * a declined invitation, a failure (500).
 */
import type { VNode } from 'preact';
import type { Invitation } from '../../domain/invitations.js';
import type { ServiceError } from '../../invitations/invitationService.js';
import { Card, invitationPath } from './components.js';
import type { Page, PageContext } from './types.js';

/**
 * A card with a title and paragraphs (and optional `extra` content, e.g. a button); a status of
 * 400 or more gets the red "problem" border.
 */
export function messagePage(ctx: PageContext, status: number, titleKey: string, paragraphs: string[], extra?: VNode | null): Page {
  const title = ctx.t(titleKey);
  const body = (
    <Card tone={status >= 400 ? 'problem' : undefined}>
      <h1>{title}</h1>
      {paragraphs.map((p) => (
        <p>{p}</p>
      ))}
      {extra ?? null}
    </Card>
  );
  return { status, title, body };
}

/** A secondary button that opens `href` again (after a refused POST). */
export function ReopenButton({ href, label }: { href: string; label: string }): VNode {
  return (
    <p>
      <a class="button secondary" href={href}>
        {label}
      </a>
    </p>
  );
}

/** Why a link cannot be used, as the pages name it. */
export type ProblemView = 'invalid' | 'expired' | 'replaced' | 'revoked' | 'used' | 'declined';

/** The page's name for a service error: a link problem it knows, else `invalid`. */
export function problemOf(error: ServiceError): ProblemView {
  if (error.code !== 'link') return 'invalid';
  switch (error.problem) {
    case 'expired':
    case 'replaced':
    case 'revoked':
    case 'used':
    case 'declined':
      return error.problem;
    default:
      return 'invalid';
  }
}

/** The invitation a link error names, if any. */
export function linkInvitation(error: ServiceError): Invitation | undefined {
  return error.code === 'link' ? error.invitation : undefined;
}

function inviteParagraphs(ctx: PageContext, problem: ProblemView, inv: Invitation | undefined): string[] {
  const { t } = ctx;
  const paragraphs: string[] = [];
  if (problem === 'used' && inv?.accepted) {
    const who = inv.accepted.by.name ? t('pages.problem.used.whoNamed', { name: inv.accepted.by.name, company: inv.accepted.company }) : inv.accepted.company;
    paragraphs.push(t('pages.problem.used.byWhom', { who, date: t.shortDate(inv.accepted.at) }));
  }
  if (problem === 'declined' && inv?.declined) paragraphs.push(t('pages.problem.declined.when', { date: t.shortDate(inv.declined.at) }));
  if (problem === 'revoked' && inv?.revoked) paragraphs.push(t('pages.problem.revoked.when', { sender: inv.from.name, date: t.shortDate(inv.revoked.at) }));
  const sender = inv?.from.name;
  paragraphs.push(sender ? t(`pages.problem.${problem}.textNamed`, { sender }) : t(`pages.problem.${problem}.text`));
  return paragraphs;
}

/**
 * The page for a link that cannot be used: 404 when it is not a valid link at all, 410 when it was
 * valid once (expired, replaced by a resend, revoked, already accepted, declined). Nothing changes.
 * `audience` picks the words: the invitation's recipient, or the sender on the copy page.
 */
export function linkProblemPage(ctx: PageContext, error: ServiceError, audience: 'invite' | 'draft'): Page {
  const problem = problemOf(error);
  const paragraphs = audience === 'draft' ? [ctx.t(`pages.problem.draft.${problem}`)] : inviteParagraphs(ctx, problem, linkInvitation(error));
  paragraphs.push(ctx.t('pages.problem.nothingChanged'));
  return messagePage(ctx, problem === 'invalid' ? 404 : 410, `pages.problem.${problem}.title`, paragraphs);
}

/** The page after declining: the sender's invitation is closed. */
export function declinedPage(ctx: PageContext, inv: Invitation): Page {
  const { t } = ctx;
  const title = t('pages.declined.title');
  const body = (
    <Card tone="done" status>
      <h1>{title}</h1>
      <p>{t('pages.declined.text', { sender: inv.from.name })}</p>
      <p>{t('pages.declined.mistake', { sender: inv.from.name })}</p>
      <p class="muted">{t('pages.common.close')}</p>
    </Card>
  );
  return { status: 200, title, body };
}

/** The 409 page: the invitation changed meanwhile; a button opens it again. */
export function conflictPage(ctx: PageContext, token: string): Page {
  return messagePage(
    ctx,
    409,
    'pages.conflict.title',
    [ctx.t('pages.conflict.text')],
    <ReopenButton href={invitationPath(token)} label={ctx.t('pages.conflict.reopen')} />,
  );
}

/**
 * The 429 page (http/rateLimiter.ts): too many requests from this address or with this link in a
 * short time; nothing was done. Says how many seconds to wait; `againHref` (the same page, for a
 * GET) adds a button to open it again.
 */
export function rateLimitedPage(ctx: PageContext, retryAfterSeconds: number, againHref?: string): Page {
  const { t } = ctx;
  return messagePage(
    ctx,
    429,
    'httpLimits.title',
    [t('httpLimits.text'), t('httpLimits.wait', { count: retryAfterSeconds })],
    againHref ? <ReopenButton href={againHref} label={t('httpLimits.again')} /> : null,
  );
}
