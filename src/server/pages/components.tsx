/**
 * Building blocks of the invitation pages. Every value is a text child or an attribute value, so
 * the renderer escapes it; none of these components takes HTML.
 */
import type { ComponentChildren, VNode } from 'preact';
import type { Invitation, Party } from '../../domain/invitations.js';
import type { Translator } from '../../i18n/index.js';
import type { FieldError, PageContext } from './types.js';

/** A white card; `tone` adds the red (problem) or green (done) top border. */
export function Card({ tone, status, children }: { tone?: 'problem' | 'done'; status?: boolean; children: ComponentChildren }): VNode {
  return (
    <section class={tone ? `card card--${tone}` : 'card'} role={status ? 'status' : undefined}>
      {children}
    </section>
  );
}

/** A definition list of label/value rows (the grey "facts" box). */
export function Facts({ rows }: { rows: Array<[string, ComponentChildren]> }): VNode {
  return <dl class="facts">{rows.map(([label, value]) => [<dt>{label}</dt>, <dd>{value}</dd>])}</dl>;
}

/** A bulleted (or, with `ordered`, numbered) list of plain strings. */
export function List({ items, ordered = false }: { items: readonly string[]; ordered?: boolean }): VNode {
  const children = items.map((item) => <li>{item}</li>);
  return ordered ? <ol>{children}</ol> : <ul>{children}</ul>;
}

/** A party's name and, when known, its PartnerID in muted text. */
export function PartyName({ t, party }: { t: Translator; party: Party }): VNode {
  return (
    <>
      {party.name}
      {party.partnerId ? (
        <>
          {' '}
          <span class="muted">{t('pages.common.partnerId', { id: party.partnerId })}</span>
        </>
      ) : null}
    </>
  );
}

/** The recipient: name and company (when given) on one line, the email below. */
export function Recipient({ inv }: { inv: Invitation }): VNode {
  const who = [inv.to.name, inv.to.company].filter((s): s is string => Boolean(s));
  return (
    <>
      {who.length > 0 ? [who.join(', '), <br />] : null}
      <span class="muted">{inv.to.email}</span>
    </>
  );
}

/** "Link works until <date> (<n> days left)" for `inv` at `ctx.now` (at least 1 day). */
export function validUntilText(ctx: PageContext, inv: Invitation): string {
  const days = Math.max(1, Math.ceil((Date.parse(inv.expiresAt) - ctx.now.getTime()) / 86_400_000));
  return ctx.t('pages.common.validUntil', { date: ctx.t.date(inv.expiresAt.slice(0, 10)), count: days });
}

/** The words of a field error: `pages.fieldErrors.<field>.<code>`, else the generic message. */
export function fieldErrorText(t: Translator, e: FieldError): string {
  const key = `pages.fieldErrors.${e.field}.${e.code}`;
  return t.has(key) ? t(key) : t('pages.fieldErrors.generic');
}

/** The alert above a re-rendered form, linking to each field in error; nothing without errors. */
export function ErrorSummary({ t, errors }: { t: Translator; errors: FieldError[] }): VNode | null {
  if (errors.length === 0) return null;
  return (
    <div class="alert" role="alert" tabIndex={-1} id="error-summary">
      <h2>{t('pages.form.errorSummary')}</h2>
      <ul>
        {errors.map((e) => (
          <li>
            <a href={`#f-${e.field}`}>{fieldErrorText(t, e)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The hidden CSRF input of a form (issuing the token marks the response as carrying a form). */
export function CsrfInput({ ctx }: { ctx: PageContext }): VNode {
  return <input type="hidden" name="csrf" value={ctx.csrfToken()} />;
}

/** Props of {@link TextField}. */
export interface TextFieldProps {
  t: Translator;
  name: string;
  label: string;
  hint?: string;
  value: string;
  type: 'text' | 'email';
  autocomplete: string;
  maxLength: number;
  inputmode?: 'url' | 'email';
  errors: FieldError[];
}

/** A labelled text input (`id="f-<name>"`) with its hint and its error, described for screen readers. */
export function TextField(f: TextFieldProps): VNode {
  const error = f.errors.find((e) => e.field === f.name);
  const id = `f-${f.name}`;
  const described = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{f.label}</label>
      {f.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {f.hint}
        </p>
      ) : null}
      <input
        // a literal type per branch: preact's input types discriminate on it
        {...(f.type === 'email' ? { type: 'email' as const } : { type: 'text' as const })}
        id={id}
        name={f.name}
        value={f.value}
        maxLength={f.maxLength}
        autoComplete={f.autocomplete}
        inputMode={f.inputmode}
        spellcheck={false}
        required
        aria-describedby={described || undefined}
        aria-invalid={error ? 'true' : undefined}
      />
      {error ? (
        <p class="error" id={`${id}-error`}>
          {fieldErrorText(f.t, error)}
        </p>
      ) : null}
    </div>
  );
}

/** A required checkbox with its label and error. */
export function CheckField({ t, name, label, checked, errors }: { t: Translator; name: string; label: string; checked: boolean; errors: FieldError[] }): VNode {
  const error = errors.find((e) => e.field === name);
  const id = `f-${name}`;
  return (
    <>
      <div class={error ? 'check invalid' : 'check'}>
        <input
          type="checkbox"
          id={id}
          name={name}
          value="on"
          checked={checked}
          required
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <label for={id}>{label}</label>
      </div>
      {error ? (
        <p class="error check-error" id={`${id}-error`}>
          {fieldErrorText(t, error)}
        </p>
      ) : null}
    </>
  );
}

/** The form's two buttons: the primary action (`action=accept`) and Decline (no validation). */
export function FormActions({ t, primaryKey }: { t: Translator; primaryKey: string }): VNode {
  return (
    <div class="actions">
      <button type="submit" name="action" value="accept" class="primary">
        {t(primaryKey)}
      </button>
      <button type="submit" name="action" value="decline" class="secondary" formNoValidate>
        {t('pages.form.decline')}
      </button>
    </div>
  );
}

/** Buttons that open the assistant: the web chat, and the Teams app when configured; nothing without links. */
export function OpenAssistant({ ctx }: { ctx: PageContext }): VNode | null {
  const { links, t } = ctx;
  if (!links) return null;
  return (
    <div class="actions open-assistant">
      <a class="button primary" href={links.webChat} rel="noopener" target="_blank">
        {t('pages.openAssistant.webChat')}
      </a>
      {links.teams ? (
        <a class="button secondary" href={links.teams} rel="noopener" target="_blank">
          {t('pages.openAssistant.teams')}
        </a>
      ) : null}
    </div>
  );
}

/** How a partnership is accepted through the assistant (the public page's instead-of-a-form). */
export function HowToAccept({ ctx }: { ctx: PageContext }): VNode {
  const { t } = ctx;
  return (
    <>
      <h2>{t('pages.partnership.howTo.title')}</h2>
      <List items={t.list('pages.partnership.howTo.steps')} ordered />
      <OpenAssistant ctx={ctx} />
      <p class="muted">{t('pages.partnership.howTo.forward')}</p>
    </>
  );
}

/** `/invitations/<token>[?session=<session>]`, both URL-encoded. */
export function invitationPath(token: string, session?: string): string {
  return `/invitations/${encodeURIComponent(token)}${session ? `?session=${encodeURIComponent(session)}` : ''}`;
}
