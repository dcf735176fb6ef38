/** The sender's copy page: recipient, subject, read-only body, copy button and mailto link. */
import type { Invitation } from '../../domain/invitations.js';
import { draftBody, draftSubject, mailtoUrl } from '../../invitations/emailDraft.js';
import { Card, Facts, validUntilText } from './components.js';
import type { Page, PageContext } from './types.js';

/**
 * The copy page for `inv` whose current link is `link`. The copy button stays hidden until the
 * page's script (`copyDraft.js`) shows it.
 */
export function draftPage(ctx: PageContext, inv: Invitation, link: string): Page {
  const { t } = ctx;
  const subject = draftSubject(t, inv);
  const text = draftBody(t, inv, link, inv.created.by.name);
  const title = t('pages.draft.title');
  const body = (
    <Card>
      <h1>{title}</h1>
      <p class="lead">{t('pages.draft.lead')}</p>
      <Facts
        rows={[
          [t('pages.draft.toLabel'), inv.to.email],
          [t('pages.draft.subjectLabel'), subject],
          [t('pages.common.validUntilLabel'), validUntilText(ctx, inv)],
        ]}
      />
      <div class="field">
        <label for="draft-body">{t('pages.draft.bodyLabel')}</label>
        <textarea id="draft-body" readOnly rows={16}>
          {text}
        </textarea>
      </div>
      <div class="actions">
        <button type="button" id="copy" class="primary" hidden>
          {t('pages.draft.copy')}
        </button>
        <a class="button secondary" id="mailto" href={mailtoUrl(inv.to.email, subject, text)}>
          {t('pages.draft.openEmail')}
        </a>
      </div>
      <p
        id="copy-status"
        class="copy-status"
        role="status"
        aria-live="polite"
        data-copied={t('pages.draft.copied')}
        data-failed={t('pages.draft.copyFailed')}
      ></p>
      <p class="note">{t('pages.draft.keepLink')}</p>
      <p class="muted">{t('pages.draft.done')}</p>
    </Card>
  );
  return { status: 200, title, body, script: 'copyDraft.js' };
}
