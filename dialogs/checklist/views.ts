/**
 * Turns a tenant's {@link TransitionRecord} into the cards of the transition checklist. Pure
 * presentation: no storage, no turn; every word comes from the locale file through `t`.
 */
import type { Attachment } from 'botbuilder';
import { markdownLiteral } from '../../cards/markdown.js';
import { renderCard, type ProgressHeaderData } from '../../cards/render.js';
import { swatchUrl } from '../../cards/swatches.js';
import { daysUntil } from '../../src/domain/businessDays.js';
import { countryName } from '../../src/domain/countries.js';
import type { EnrollmentDetails, FieldError } from '../../src/domain/enrollmentDetails.js';
import { PARTNER_ROLES } from '../../src/domain/roles.js';
import { verifiedRolesLine } from '../account/views.js';
import {
  PARTNER_CENTER_ACTOR,
  STEP_IDS,
  nextItems,
  progress,
  type Mark,
  type NextItemId,
  type StepId,
  type TransitionRecord,
} from '../../src/domain/transition.js';
import type { Translator } from '../../src/i18n/index.js';
import { chunk, command, countryChoices, infoCard, submit, type StepCardData } from '../cardKit.js';

/** Microsoft's official list of indirect providers (transition seed, "Find an indirect provider"). */
export const OFFICIAL_PROVIDER_LIST_URL = 'https://partnercenter.microsoft.com/partner/find-a-provider';

/** Everything a view needs: the record, the viewing user, the translator and the clock. */
export interface ViewContext {
  record: TransitionRecord;
  userId: string;
  t: Translator;
  now: Date;
  /** The channel the card goes to (`msteams`, `webchat`, `directline`, `emulator` ...), where a renderer differs. */
  channelId?: string;
}

/**
 * The value a filtered country picker starts with. Teams shows the title of the choice whose value
 * matches; the Adaptive Cards JavaScript renderer (Web Chat, Emulator) puts the value itself in the
 * text box ("DE"), so there the name is given, which it maps back to the code on submit.
 */
function countryPickerValue(v: ViewContext, code: string): string {
  if (!code || v.channelId === 'msteams') return code;
  return countryName(code, v.t.locale);
}

const ICON: Record<string, { icon: string; color: string }> = {
  done: { icon: '✓', color: 'good' },
  current: { icon: '▶', color: 'accent' },
  blocked: { icon: '‖', color: 'warning' },
  upcoming: { icon: '○', color: 'default' },
};
/** Bar segment colours: done green, current blue, blocked amber, upcoming grey (visible on the card's default background). */
const SEGMENT: Record<string, ProgressHeaderData['segments'][number]['style']> = {
  done: 'good',
  current: 'accent',
  blocked: 'warning',
  upcoming: 'emphasis',
};

/** True for a mark read from Partner Center in connected mode (shown as "verified in Partner Center" with the time). */
export function isPartnerCenterMark(mark: Mark): boolean {
  return mark.by.id === PARTNER_CENTER_ACTOR.id;
}

function who(t: Translator, mark: Mark | undefined): string {
  if (!mark) return '';
  if (isPartnerCenterMark(mark)) return t('progress.verifiedInPartnerCenter', { date: t.shortDateTime(mark.at) });
  return t('progress.doneBy', { name: mark.by.name || t('progress.someone'), date: t.shortDate(mark.at) });
}

/** The header on every checklist card: "Step n of 8", the segmented bar, all steps and who did them. */
export function progressHeader(v: ViewContext, expanded = false): ProgressHeaderData {
  const { t } = v;
  const p = progress(v.record, v.userId);
  const currentIndex = p.current ? STEP_IDS.indexOf(p.current) + 1 : p.total;
  return {
    title: t('progress.title'),
    stepOf: p.current
      ? t('progress.stepOf', { current: currentIndex, total: p.total, title: t(`steps.${p.current}.title`) })
      : t('progress.allDone', { total: p.total }),
    doneCount: t('progress.doneCount', { done: p.doneCount, total: p.total }),
    segments: p.steps.map((s) => ({ style: SEGMENT[s.state]!, image: swatchUrl(s.state) })),
    steps: p.steps.map((s, i) => ({
      ...ICON[s.state]!,
      label: `${i + 1}. ${t(`steps.${s.id}.title`)}`,
      weight: s.state === 'current' || s.state === 'blocked' ? 'bolder' : 'default',
      stateLabel: t(`progress.state.${s.state}`),
      by: who(t, s.mark),
    })),
    expanded,
    showSteps: t('progress.showSteps'),
    listId: `steps-${v.record.revision}-${expanded ? 'open' : 'closed'}`,
  };
}

function stepCard(v: ViewContext, data: StepCardData, withHeader = true): Attachment {
  return infoCard(data, withHeader ? progressHeader(v) : undefined);
}

function rev(v: ViewContext) {
  return { rev: v.record.revision };
}

/** Step 1: profile and PartnerID current. */
export function prepareCard(v: ViewContext): Attachment {
  const { t } = v;
  return stepCard(v, {
    title: t('steps.prepare.title'),
    paragraphs: [t('prepare.body')],
    note: { text: t('prepare.partnerIdNote'), style: 'accent' },
    actions: [submit(t('prepare.confirm'), 'transition.prepare.confirm', rev(v), 'positive'), submit(t('prepare.howTo'), 'transition.prepare.howTo')],
  });
}

/** Step 2: the user's Partner Center role. `reason` adds why it is asked now. */
export function roleCard(v: ViewContext): Attachment {
  const { t } = v;
  return stepCard(v, {
    title: t('steps.role.title'),
    paragraphs: [t('role.body')],
    actions: [],
    actionRows: chunk(
      PARTNER_ROLES.map((role) => submit(t(`roles.${role}`), 'transition.role.set', { ...rev(v), role }, role === 'globalAdmin' ? 'positive' : 'default')),
      3,
    ).map((actions) => ({ actions })),
  });
}

/** Step 3: is the direct-bill enrollment Restricted? */
export function eligibilityCard(v: ViewContext): Attachment {
  const { t } = v;
  return stepCard(v, {
    title: t('steps.eligibility.title'),
    paragraphs: [t('eligibility.body'), t('eligibility.question')],
    note: { text: t('eligibility.ruleNow'), style: 'accent' },
    actions: [
      submit(t('eligibility.yes'), 'transition.eligibility.answer', { ...rev(v), answer: 'restricted' }, 'positive'),
      submit(t('eligibility.no'), 'transition.eligibility.answer', { ...rev(v), answer: 'notRestricted' }),
      submit(t('eligibility.notSure'), 'transition.eligibility.answer', { ...rev(v), answer: 'notSure' }),
    ],
  });
}

/** The other road when the direct bill tenant can't be reused (seed 003, "Before you begin"). */
export function ineligibleCard(v: ViewContext): Attachment {
  const { t } = v;
  return stepCard(v, {
    title: t('ineligible.title'),
    paragraphs: [t('ineligible.body')],
    bulletsTitle: t('ineligible.gatherTitle'),
    bullets: t.list('ineligible.gather'),
    footer: t('ineligible.after'),
    actions: [submit(t('ineligible.recheck'), 'transition.eligibility.recheck', rev(v)), command(t('needsGlobalAdmin.readPlan'), 'plan')],
  });
}

/** Text of one field error, e.g. "PartnerID must be 4 to 10 digits ...". */
export function fieldErrorText(t: Translator, error: FieldError, values: Partial<Record<keyof EnrollmentDetails, string>>): string {
  const value = values[error.field] ?? '';
  const fieldLabel = {
    legalName: t('details.legalName'),
    partnerId: t('details.partnerId'),
    country: t('details.country'),
    primaryContactEmail: t('details.email'),
  }[error.field];
  const domain = value.slice(value.lastIndexOf('@') + 1);
  return t(`validation.${error.code}`, { field: fieldLabel, value: markdownLiteral(value), domain: markdownLiteral(domain) });
}

/** Step 4: the details form, prefilled with what is saved or was just typed, with errors listed. */
export function detailsCard(v: ViewContext, typed?: Partial<Record<keyof EnrollmentDetails, string>>, errors: FieldError[] = []): Attachment {
  const { t } = v;
  const saved = v.record.details;
  const values = {
    legalName: typed?.legalName ?? saved?.legalName ?? '',
    partnerId: typed?.partnerId ?? saved?.partnerId ?? '',
    country: countryPickerValue(v, typed?.country ?? saved?.country ?? ''),
    primaryContactEmail: typed?.primaryContactEmail ?? saved?.primaryContactEmail ?? '',
  };
  const labels = {
    legalName: t('details.legalName'),
    legalNamePlaceholder: t('details.legalNamePlaceholder'),
    partnerId: t('details.partnerId'),
    partnerIdPlaceholder: t('details.partnerIdPlaceholder'),
    country: t('details.country'),
    countryPlaceholder: t('details.countryPlaceholder'),
    email: t('details.email'),
    emailPlaceholder: t('details.emailPlaceholder'),
    emailHint: t('details.emailHint'),
  };
  const required = (field: string) => t('validation.required', { field });
  return renderCard(
    'details',
    {
      title: t('steps.details.title'),
      body: t('details.body'),
      errorIntro: t('details.errorIntro'),
      errors: errors.map((e) => fieldErrorText(t, e, values)),
      labels,
      values,
      requiredMessages: {
        legalName: required(labels.legalName),
        partnerId: required(labels.partnerId),
        country: required(labels.country),
        primaryContactEmail: required(labels.email),
      },
      countries: countryChoices(t.locale),
      submit: t('details.submit'),
      submitData: { verb: 'transition.details.submit', ...rev(v) },
    },
    progressHeader(v),
  );
}

function detailFacts(v: ViewContext): Array<{ title: string; value: string }> {
  const { t } = v;
  const d = v.record.details;
  if (!d) return [];
  return [
    { title: t('details.legalName'), value: d.legalName },
    { title: t('details.partnerId'), value: d.partnerId },
    { title: t('details.country'), value: countryName(d.country, t.locale) },
    { title: t('details.email'), value: d.primaryContactEmail },
  ];
}

/** Step 5: Enroll now, with the no-rollback warning and the explicit confirmation toggle. */
export function enrollCard(v: ViewContext, error = ''): Attachment {
  const { t } = v;
  return renderCard(
    'enroll',
    {
      title: t('steps.enroll.title'),
      body: t('enroll.body'),
      reviewTitle: t('enroll.reviewTitle'),
      facts: detailFacts(v),
      warningTitle: t('enroll.warningTitle'),
      warning: t('enroll.warning'),
      error,
      understood: t('enroll.understood'),
      confirm: t('enroll.confirm'),
      decline: t('enroll.decline'),
      confirmData: { verb: 'transition.enroll.confirm', ...rev(v) },
      declineData: { verb: 'transition.enroll.decline', ...rev(v) },
    },
    progressHeader(v),
  );
}

/** Step 6: waiting for approval, with the expected date in business days. */
export function approvalCard(v: ViewContext): Attachment {
  const { t, record } = v;
  const e = record.enrollment;
  const paragraphs = [t('approval.body')];
  if (e) {
    paragraphs.push(t('approval.expected', { date: t.date(e.expectedApprovalBy), enrolledOn: t.date(e.at.slice(0, 10)) }));
    if (daysUntil(e.expectedApprovalBy, v.now) < 0) paragraphs.push(t('approval.overdue'));
  }
  paragraphs.push(t('approval.where'));
  // connected mode reads facts where an API gives them; this one no API gives (nothing invented)
  if (record.roleSource === 'verified') paragraphs.push(t('approval.notFromApi'));
  if (record.details) paragraphs.push(t('approval.notice', { email: record.details.primaryContactEmail }));
  return stepCard(v, {
    title: t('steps.approval.title'),
    paragraphs,
    footer: t('approval.later'),
    actions: [submit(t('approval.confirm'), 'transition.approval.confirm', rev(v), 'positive'), submit(t('approval.notYet'), 'transition.approval.notYet')],
  });
}

/** Step 7: accept the indirect reseller agreement on the Overview page. */
export function agreementCard(v: ViewContext): Attachment {
  const { t } = v;
  return stepCard(v, {
    title: t('steps.agreement.title'),
    paragraphs: [t('agreement.body'), t('agreement.after')],
    actions: [submit(t('agreement.confirm'), 'transition.agreement.confirm', rev(v), 'positive')],
  });
}

const NEXT_LINKS: Partial<Record<NextItemId, string>> = { findProvider: OFFICIAL_PROVIDER_LIST_URL };
/** What's-next items that have a journey of their own in this assistant: the button's submit data. */
const NEXT_JOURNEYS: Partial<Record<NextItemId, Record<string, string>>> = {
  findProvider: { verb: 'menu.open', journey: 'providers' },
  acceptPartnership: { verb: 'invitations.have' },
  acquireCustomers: { verb: 'invitations.customerKinds' },
  moveDirectCustomers: { verb: 'invitations.move' },
  identifyCustomers: { verb: 'customers.summary' },
};

/** Step 8: the tracked what's-next list, each item with who does it and a done/reopen button. */
export function nextCard(v: ViewContext): Attachment {
  const { t, record } = v;
  const incentivesBy = record.enrollment?.incentivesInvitationBy;
  const items = nextItems(record).map((item) => {
    const done = Boolean(item.mark);
    const noteKey = `next.items.${item.id}.note`;
    const note = t.has(noteKey) ? t(noteKey) : '';
    return {
      icon: done ? '✓' : '○',
      color: done ? 'good' : 'default',
      title: t(`next.items.${item.id}.title`),
      detail: t(`next.items.${item.id}.detail`, { date: incentivesBy ? t.date(incentivesBy) : t('dates.unknown') }),
      note,
      who: t('next.who', { who: t(`performer.${item.performer}`) }),
      doneBy: !item.mark
        ? ''
        : isPartnerCenterMark(item.mark)
          ? t('next.verifiedInPartnerCenter', { date: t.shortDateTime(item.mark.at) })
          : t('next.doneBy', { name: item.mark.by.name || t('progress.someone'), date: t.shortDate(item.mark.at) }),
      buttonTitle: done ? t('next.reopen') : t('next.markDone'),
      buttonData: { verb: 'transition.next.set', item: item.id, done: !done },
      linkUrl: NEXT_LINKS[item.id] ?? '',
      linkTitle: t('next.officialList'),
      journeyTitle: NEXT_JOURNEYS[item.id] ? t(`next.journey.${item.id}`) : '',
      journeyData: NEXT_JOURNEYS[item.id] ?? {},
    };
  });
  return renderCard('next', { title: t('steps.next.title'), intro: t('next.intro'), items }, progressHeader(v));
}

/** Shown when every step and item is done. */
export function completeCard(v: ViewContext): Attachment {
  const { t } = v;
  return stepCard(v, {
    title: t('complete.title'),
    paragraphs: [t('complete.body')],
    actions: [command(t('progress.showSteps'), 'status')],
  });
}

/** For a user who is not the global admin at a global-admin step: who must do it, and the plan. */
export function needsGlobalAdminCard(v: ViewContext, step: StepId, globalAdmins: string[]): Attachment {
  const { t } = v;
  return stepCard(v, {
    title: t('needsGlobalAdmin.title'),
    paragraphs: [
      t('needsGlobalAdmin.body', { step: t(`steps.${step}.title`) }),
      ...verifiedRolesLine(v.t, v.record, v.userId),
      globalAdmins.length > 0 ? t('needsGlobalAdmin.known', { names: globalAdmins.join(', ') }) : t('needsGlobalAdmin.unknown'),
    ],
    actions: [
      command(t('needsGlobalAdmin.readPlan'), 'plan'),
      // connected mode: roles come from Microsoft Entra ID, so the user asks for a new check instead
      v.record.roleSource === 'verified'
        ? submit(t('identity.account.checkAgain'), 'signIn')
        : submit(t('needsGlobalAdmin.iAmGlobalAdmin'), 'transition.role.set', { ...rev(v), role: 'globalAdmin' }),
    ],
  });
}

/** Confirmation before clearing the tenant's answers. */
export function startOverCard(v: ViewContext): Attachment {
  const { t } = v;
  const p = progress(v.record, v.userId);
  return stepCard(
    v,
    {
      title: t('startOver.title'),
      paragraphs: [t('startOver.body', { done: p.doneCount, total: p.total })],
      actions: [
        submit(t('startOver.confirm'), 'transition.startOver.confirm', rev(v), 'destructive'),
        submit(t('startOver.keep'), 'transition.startOver.keep'),
      ],
    },
    false,
  );
}

/** The card for `step` as the given user should see it now. */
export function cardForStep(v: ViewContext, step: StepId): Attachment {
  switch (step) {
    case 'prepare':
      return prepareCard(v);
    case 'role':
      return roleCard(v);
    case 'eligibility':
      return eligibilityCard(v);
    case 'details':
      return detailsCard(v);
    case 'enroll':
      return enrollCard(v);
    case 'approval':
      return approvalCard(v);
    case 'agreement':
      return agreementCard(v);
    case 'next':
      return nextCard(v);
  }
}
