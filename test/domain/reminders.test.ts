import { expect } from 'chai';
import {
  INVITATION_VALID_DAYS,
  createInvitation,
  newInvitationRecord,
  resendInvitation,
  type Invitation,
  type InvitationRecord,
  type NewInvitation,
} from '../../src/domain/invitations.js';
import {
  CLAIM_LEASE_MS,
  FINISHED_KEPT,
  MAX_DELIVERY_ATTEMPTS,
  REMINDER_HOUR_UTC,
  RETRY_STEP_MS,
  cancelReminder,
  claimDueReminders,
  finishDelivery,
  isClaimable,
  isFinished,
  listReminders,
  mayHaveReminders,
  newReminderRecord,
  nextCheckAt,
  reconcileReminders,
  reminderId,
  restoreReminder,
  wantedFrom,
  wantedFromInvitations,
  wantedFromTransition,
  type Reminder,
  type ReminderRecord,
  type ReminderResult,
  type ReminderUpdate,
  type ReminderStatus,
  type ReminderTarget,
  type WantedReminder,
} from '../../src/domain/reminders.js';
import { applyCommand, newTransitionRecord, type Actor, type TransitionCommand, type TransitionRecord } from '../../src/domain/transition.js';

const MIN = 60_000;
const DAY = 86_400_000;
const now = new Date('2026-11-20T09:00:00Z'); // a Friday
const at = (ms: number) => new Date(now.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();
const ga: Actor = { id: 'ga', name: 'Grace Admin' };
const sam: Actor = { id: 'sam', name: 'Sam Sender' };
const details = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'DE', primaryContactEmail: 'ops@contoso.com' };
const target: ReminderTarget = { conversation: { conversation: { id: 'a:conv-1' }, serviceUrl: 'https://smba.example' }, locale: 'en-US', user: ga };

// ---- transition fixtures ---------------------------------------------------------------------

const BEFORE_ENROLLMENT: TransitionCommand[] = [
  { type: 'confirmPrepared' },
  { type: 'setRole', role: 'globalAdmin' },
  { type: 'answerEligibility', answer: 'restricted' },
  { type: 'submitDetails', details },
];
const ENROLLED: TransitionCommand[] = [...BEFORE_ENROLLMENT, { type: 'confirmEnrollment', understood: true }];
const APPROVED: TransitionCommand[] = [...ENROLLED, { type: 'confirmApproved' }];
const AGREEMENT: TransitionCommand[] = [...APPROVED, { type: 'confirmAgreement' }];
const INCENTIVES_TICKED: TransitionCommand[] = [...AGREEMENT, { type: 'setNextItem', item: 'incentives', done: true }];

function journey(commands: TransitionCommand[], when = now): TransitionRecord {
  let r = newTransitionRecord('tenant-1', when);
  for (const c of commands) {
    const res = applyCommand(r, c, ga, when);
    if (!res.ok) throw new Error(`${c.type} refused: ${JSON.stringify(res.error)}`);
    r = res.record;
  }
  return r;
}

// ---- invitation fixtures ---------------------------------------------------------------------

const provider = { tenantId: 'tenant-prov', name: 'Northwind Distribution' };
const partnership: NewInvitation = {
  kind: 'partnership',
  purpose: 'new',
  from: provider,
  to: { email: 'rita@contoso.com', name: 'Rita', company: 'Contoso Ltd.' },
};

function invitationRecord(...invitations: Invitation[]): InvitationRecord {
  return { ...newInvitationRecord('tenant-prov', now), revision: invitations.length, invitations };
}

/** A stored invitation created `createdMs` after `now`, valid {@link INVITATION_VALID_DAYS} days unless `expiresInMs` says otherwise. */
function inv(id: string, status: Invitation['status'], opts: { createdMs?: number; expiresInMs?: number; to?: Invitation['to'] } = {}): Invitation {
  const created = opts.createdMs ?? 0;
  return {
    id,
    kind: 'partnership',
    purpose: 'new',
    from: provider,
    to: opts.to ?? { email: `${id}@contoso.com`, company: `Company ${id}` },
    nonce: `nonce-${id}`,
    status,
    created: { by: sam, at: iso(created) },
    expiresAt: iso(created + (opts.expiresInMs ?? INVITATION_VALID_DAYS * DAY)),
  };
}

// ---- reminder fixtures -----------------------------------------------------------------------

/** A stored reminder (defaults: a scheduled approvalOverdue due at `now`). */
function rem(id: string, over: Partial<Reminder> = {}): Reminder {
  return {
    id,
    kind: 'approvalOverdue',
    subjectId: id,
    dueAt: now.toISOString(),
    status: 'scheduled',
    target,
    createdAt: iso(-DAY),
    updatedAt: iso(-DAY),
    attempts: 0,
    ...over,
  };
}

function record(reminders: Reminder[], revision = 3): ReminderRecord {
  return { ...newReminderRecord('tenant-1', at(-DAY)), revision, reminders: Object.fromEntries(reminders.map((r) => [r.id, r])) };
}

function ok(res: ReminderResult | ReminderUpdate): ReminderRecord {
  if (!res.ok) throw new Error(`refused: ${JSON.stringify(res.error)}`);
  return res.record;
}

const statuses = (r: ReminderRecord) => Object.fromEntries(Object.values(r.reminders).map((x) => [x.id, x.status]));

describe('reminder rules (pure)', () => {
  describe('wantedFromTransition', () => {
    const subjectId = `enrollment@${now.toISOString()}`;
    const approval: WantedReminder = { kind: 'approvalOverdue', subjectId, dueAt: '2026-11-28T09:00:00.000Z', expectedBy: '2026-11-27' };
    const incentives: WantedReminder = { kind: 'incentivesInvitation', subjectId, dueAt: '2026-12-20T09:00:00.000Z', expectedBy: '2026-12-20' };
    const cases: Array<[string, TransitionCommand[], WantedReminder[]]> = [
      ['a new journey: none', [], []],
      ['details submitted, not yet enrolled: none', BEFORE_ENROLLMENT, []],
      ['enrolled: approval overdue the morning after the expected date, incentives on their date', ENROLLED, [approval, incentives]],
      ['approval confirmed: only incentives', APPROVED, [incentives]],
      ['agreement accepted, incentives not ticked: only incentives', AGREEMENT, [incentives]],
      ['incentives ticked: none', INCENTIVES_TICKED, []],
    ];
    for (const [label, commands, expected] of cases) {
      it(label, () => {
        const r = journey(commands);
        expect(wantedFromTransition(r)).to.deep.equal(expected);
        expect(wantedFrom('transition', r, at(365 * DAY)), 'does not depend on the time').to.deep.equal(expected);
      });
    }

    it(`falls due at ${REMINDER_HOUR_UTC}:00 UTC, across month and year ends`, () => {
      const r = journey(ENROLLED);
      const moved: TransitionRecord = { ...r, enrollment: { ...r.enrollment!, expectedApprovalBy: '2026-12-31', incentivesInvitationBy: '2027-02-28' } };
      expect(wantedFromTransition(moved).map((w) => w.dueAt)).to.deep.equal(['2027-01-01T09:00:00.000Z', '2027-02-28T09:00:00.000Z']);
    });

    it('ties the subject to the enrollment time, so the id is stable across re-plans', () => {
      const a = wantedFromTransition(journey(ENROLLED));
      const b = wantedFromTransition(journey(ENROLLED, at(2 * DAY)));
      expect(a.map((w) => reminderId(w.kind, w.subjectId))).to.deep.equal([`approvalOverdue:${subjectId}`, `incentivesInvitation:${subjectId}`]);
      expect(b[0]!.subjectId).to.equal(`enrollment@${iso(2 * DAY)}`);
    });
  });

  describe('mayHaveReminders (planning skipped when false)', () => {
    it('is false before enrollment and for a tenant that never sent an invitation, true after', () => {
      expect(mayHaveReminders('transition', journey(BEFORE_ENROLLMENT))).to.equal(false);
      expect(mayHaveReminders('transition', journey(ENROLLED))).to.equal(true);
      expect(mayHaveReminders('transition', journey(APPROVED))).to.equal(true);
      const empty = newInvitationRecord('tenant-1', now);
      expect(mayHaveReminders('invitations', empty)).to.equal(false);
      const input: NewInvitation = { kind: 'partnership', purpose: 'new', from: { tenantId: 'tenant-1', name: 'Provider' }, to: { email: 'rita@example.com' } };
      const created = createInvitation(empty, input, sam, now, { id: 'inv1', nonce: 'n1' });
      if (!created.ok) throw new Error('fixture');
      expect(mayHaveReminders('invitations', created.record)).to.equal(true);
    });
  });

  describe('wantedFromInvitations', () => {
    it('a pending invitation: due 8 days (PENDING_REMINDER_DAYS + 1) after it was created, labelled with the company', () => {
      const created = createInvitation(newInvitationRecord('tenant-prov', now), partnership, sam, now, { id: 'inv1', nonce: 'n1' });
      if (!created.ok) throw new Error('refused');
      expect(wantedFromInvitations(created.record, now)).to.deep.equal([
        { kind: 'invitationPending', subjectId: 'inv1.n1', dueAt: iso(8 * DAY), label: 'Contoso Ltd.' },
      ]);
      expect(wantedFrom('invitations', created.record, at(7 * DAY))).to.have.length(1);
    });

    it('a resent invitation: a new subject (the new nonce), due 8 days after the resend', () => {
      const created = createInvitation(newInvitationRecord('tenant-prov', now), partnership, sam, now, { id: 'inv1', nonce: 'n1' });
      if (!created.ok) throw new Error('refused');
      const resent = resendInvitation(created.record, 'inv1', sam, at(3 * DAY), 'n2');
      if (!resent.ok) throw new Error('refused');
      const wanted = wantedFromInvitations(resent.record, at(3 * DAY));
      expect(wanted).to.deep.equal([{ kind: 'invitationPending', subjectId: 'inv1.n2', dueAt: iso(11 * DAY), label: 'Contoso Ltd.' }]);
    });

    it('labels with the company, else the name, else the email', () => {
      const r = invitationRecord(
        inv('a', 'pending', { to: { email: 'a@x.com', name: 'Ann', company: 'Acme' } }),
        inv('b', 'pending', { to: { email: 'b@x.com', name: 'Bob' } }),
        inv('c', 'pending', { to: { email: 'c@x.com' } }),
      );
      expect(wantedFromInvitations(r, now).map((w) => w.label)).to.deep.equal(['Acme', 'Bob', 'c@x.com']);
    });

    const none: Array<[string, Invitation, Date]> = [
      ['accepted', inv('i', 'accepted'), now],
      ['declined', inv('i', 'declined'), now],
      ['revoked', inv('i', 'revoked'), now],
      ['expired (pending past its expiry)', inv('i', 'pending', { createdMs: -40 * DAY }), now],
      ['pending but expiring 5 days after creation (before the reminder would fall due)', inv('i', 'pending', { expiresInMs: 5 * DAY }), now],
      ['pending and expiring exactly when the reminder would fall due', inv('i', 'pending', { expiresInMs: 8 * DAY }), now],
    ];
    for (const [label, invitation, when] of none) {
      it(`none for an invitation ${label}`, () => {
        expect(wantedFromInvitations(invitationRecord(invitation), when)).to.deep.equal([]);
      });
    }

    it('one for an invitation expiring just after its reminder would fall due', () => {
      expect(wantedFromInvitations(invitationRecord(inv('i', 'pending', { expiresInMs: 8 * DAY + 1 })), now)).to.have.length(1);
    });

    it('picks the pending invitations out of a mixed record', () => {
      const r = invitationRecord(inv('p1', 'pending'), inv('a', 'accepted'), inv('p2', 'pending', { createdMs: DAY }), inv('r', 'revoked'));
      expect(wantedFromInvitations(r, at(DAY)).map((w) => [w.subjectId, w.dueAt])).to.deep.equal([
        ['p1.nonce-p1', iso(8 * DAY)],
        ['p2.nonce-p2', iso(9 * DAY)],
      ]);
    });
  });

  describe('reconcileReminders', () => {
    const enrolled = wantedFromTransition(journey(ENROLLED));
    const [approvalW, incentivesW] = enrolled as [WantedReminder, WantedReminder];
    const approvalId = reminderId(approvalW.kind, approvalW.subjectId);
    const incentivesId = reminderId(incentivesW.kind, incentivesW.subjectId);
    const invitationW: WantedReminder = { kind: 'invitationPending', subjectId: 'inv1.n1', dueAt: iso(8 * DAY), label: 'Contoso Ltd.' };
    const invitationId = reminderId(invitationW.kind, invitationW.subjectId);

    it('adds the wanted reminders, scheduled for the target, and bumps the revision', () => {
      const empty = newReminderRecord('tenant-1', now);
      const r = ok(reconcileReminders(empty, 'transition', enrolled, target, now));
      expect(r.revision).to.equal(1);
      expect(r.updatedAt).to.equal(now.toISOString());
      expect(Object.keys(r.reminders)).to.have.members([approvalId, incentivesId]);
      expect(r.reminders[approvalId]).to.deep.equal({
        id: approvalId,
        kind: 'approvalOverdue',
        subjectId: approvalW.subjectId,
        expectedBy: '2026-11-27',
        dueAt: '2026-11-28T09:00:00.000Z',
        status: 'scheduled',
        target,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        attempts: 0,
      });
      expect(empty.reminders, 'input not mutated').to.deep.equal({});
      const withInvitation = ok(reconcileReminders(r, 'invitations', [invitationW], target, now));
      expect(withInvitation.reminders[invitationId]).to.include({ label: 'Contoso Ltd.', status: 'scheduled' });
      expect(withInvitation.reminders[invitationId]).to.not.have.property('expectedBy');
    });

    it('unchanged when the wanted reminders are already planned', () => {
      const r = ok(reconcileReminders(newReminderRecord('tenant-1', now), 'transition', enrolled, target, now));
      expect(reconcileReminders(r, 'transition', enrolled, target, at(MIN))).to.deep.equal({ ok: false, error: { code: 'unchanged' } });
    });

    it('re-dates a scheduled reminder whose date moved (not a sending one)', () => {
      const r = ok(reconcileReminders(newReminderRecord('tenant-1', now), 'transition', enrolled, target, now));
      const later = enrolled.map((w) => ({ ...w, dueAt: iso(40 * DAY) }));
      const redated = ok(reconcileReminders(r, 'transition', later, target, at(MIN)));
      expect(redated.reminders[approvalId]).to.include({ dueAt: iso(40 * DAY), status: 'scheduled', updatedAt: iso(MIN), createdAt: now.toISOString() });
      expect(redated.revision).to.equal(r.revision + 1);

      const sending = record([rem(approvalId, { ...approvalW, status: 'sending', claim: { by: 'x', until: iso(MIN) }, attempts: 1 })]);
      expect(reconcileReminders(sending, 'transition', [{ ...approvalW, dueAt: iso(40 * DAY) }], target, now)).to.deep.include({ ok: false });
    });

    it('marks scheduled reminders no longer wanted obsolete (approval confirmed)', () => {
      const r = ok(reconcileReminders(newReminderRecord('tenant-1', now), 'transition', enrolled, target, now));
      const approved = ok(reconcileReminders(r, 'transition', wantedFromTransition(journey(APPROVED)), target, at(DAY)));
      expect(statuses(approved)).to.deep.equal({ [approvalId]: 'obsolete', [incentivesId]: 'scheduled' });
      expect(approved.reminders[approvalId]!.updatedAt).to.equal(iso(DAY));
      const done = ok(reconcileReminders(approved, 'transition', wantedFromTransition(journey(INCENTIVES_TICKED)), target, at(2 * DAY)));
      expect(statuses(done)).to.deep.equal({ [approvalId]: 'obsolete', [incentivesId]: 'obsolete' });
      // the incentives item unticked again: its reminder is planned again, the approval one stays obsolete
      const unticked = ok(reconcileReminders(done, 'transition', wantedFromTransition(journey(APPROVED)), target, at(3 * DAY)));
      expect(statuses(unticked)).to.deep.equal({ [approvalId]: 'obsolete', [incentivesId]: 'scheduled' });
      expect(unticked.reminders[incentivesId]).to.include({ attempts: 0, updatedAt: iso(3 * DAY) });
    });

    it('keeps a cancelled reminder cancelled: not planned again, not made obsolete', () => {
      const r = ok(reconcileReminders(newReminderRecord('tenant-1', now), 'transition', enrolled, target, now));
      const cancelled = ok(cancelReminder(r, approvalId, r.revision, ga, now));
      expect(reconcileReminders(cancelled, 'transition', enrolled, target, at(MIN))).to.deep.equal({ ok: false, error: { code: 'unchanged' } });
      const moved = reconcileReminders(cancelled, 'transition', [{ ...approvalW, dueAt: iso(50 * DAY) }, incentivesW], target, at(MIN));
      expect(moved.ok, 'a cancelled one is not re-dated either').to.equal(false);
      // approval confirmed: the cancelled reminder does not turn obsolete (no write at all)
      expect(reconcileReminders(cancelled, 'transition', [incentivesW], target, at(MIN))).to.deep.equal({ ok: false, error: { code: 'unchanged' } });
      const none = ok(reconcileReminders(cancelled, 'transition', [], target, at(MIN)));
      expect(statuses(none)).to.deep.equal({ [approvalId]: 'cancelled', [incentivesId]: 'obsolete' });
    });

    it('leaves sending, sent and failed reminders alone when they are no longer wanted', () => {
      const base = record([
        rem('approvalOverdue:a', { status: 'sending', claim: { by: 'x', until: iso(MIN) }, attempts: 1 }),
        rem('approvalOverdue:b', { status: 'sent', sentAt: iso(0) }),
        rem('approvalOverdue:c', { status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS }),
      ]);
      expect(reconcileReminders(base, 'transition', [], target, now)).to.deep.equal({ ok: false, error: { code: 'unchanged' } });
    });

    it('only touches reminders of its own source', () => {
      const both = ok(
        reconcileReminders(
          ok(reconcileReminders(newReminderRecord('tenant-1', now), 'transition', enrolled, target, now)),
          'invitations',
          [invitationW],
          target,
          now,
        ),
      );
      const noInvitations = ok(reconcileReminders(both, 'invitations', [], target, at(MIN)));
      expect(statuses(noInvitations)).to.deep.equal({ [approvalId]: 'scheduled', [incentivesId]: 'scheduled', [invitationId]: 'obsolete' });
      const noTransition = ok(reconcileReminders(both, 'transition', [], target, at(MIN)));
      expect(statuses(noTransition)).to.deep.equal({ [approvalId]: 'obsolete', [incentivesId]: 'obsolete', [invitationId]: 'scheduled' });
    });

    it('an invitation resend makes the old nonce obsolete and schedules the new one', () => {
      const created = createInvitation(newInvitationRecord('tenant-prov', now), partnership, sam, now, { id: 'inv1', nonce: 'n1' });
      if (!created.ok) throw new Error('refused');
      const r = ok(reconcileReminders(newReminderRecord('tenant-prov', now), 'invitations', wantedFromInvitations(created.record, now), target, now));
      const resent = resendInvitation(created.record, 'inv1', sam, at(3 * DAY), 'n2');
      if (!resent.ok) throw new Error('refused');
      const after = ok(reconcileReminders(r, 'invitations', wantedFromInvitations(resent.record, at(3 * DAY)), target, at(3 * DAY)));
      expect(statuses(after)).to.deep.equal({ 'invitationPending:inv1.n1': 'obsolete', 'invitationPending:inv1.n2': 'scheduled' });
      expect(after.reminders['invitationPending:inv1.n2']!.dueAt).to.equal(iso(11 * DAY));
    });
  });

  describe('claimDueReminders', () => {
    it('claims only the due ones: sending under this instance until now + lease, one more attempt', () => {
      const r = record([rem('approvalOverdue:due', { dueAt: iso(-MIN) }), rem('approvalOverdue:exact'), rem('approvalOverdue:later', { dueAt: iso(1) })]);
      const res = claimDueReminders(r, now, 'A');
      const claimed = ok(res);
      expect(res.claimed.map((c) => c.id)).to.have.members(['approvalOverdue:due', 'approvalOverdue:exact']);
      expect(claimed.revision).to.equal(r.revision + 1);
      expect(claimed.reminders['approvalOverdue:due']).to.include({ status: 'sending', attempts: 1, updatedAt: now.toISOString() });
      expect(claimed.reminders['approvalOverdue:due']!.claim).to.deep.equal({ by: 'A', until: iso(CLAIM_LEASE_MS) });
      expect(claimed.reminders['approvalOverdue:later']).to.deep.equal(r.reminders['approvalOverdue:later']);
      expect(res.claimed[0]).to.deep.equal(claimed.reminders[res.claimed[0]!.id]);
      expect(r.reminders['approvalOverdue:due']!.status, 'input not mutated').to.equal('scheduled');
    });

    it('honours a custom lease', () => {
      const res = claimDueReminders(record([rem('approvalOverdue:a')]), now, 'A', 10_000);
      expect(res.claimed[0]!.claim).to.deep.equal({ by: 'A', until: iso(10_000) });
    });

    it('unchanged when nothing is due', () => {
      const res = claimDueReminders(record([rem('approvalOverdue:a', { dueAt: iso(MIN) })]), now, 'A');
      expect(res).to.deep.equal({ ok: false, error: { code: 'unchanged' }, claimed: [] });
    });

    it('leaves a held claim alone; a lapsed claim can be taken over by another instance', () => {
      const claimed = ok(claimDueReminders(record([rem('approvalOverdue:a')]), now, 'A'));
      expect(claimDueReminders(claimed, at(1000), 'B').ok).to.equal(false);
      expect(claimDueReminders(claimed, at(CLAIM_LEASE_MS - 1), 'B').ok).to.equal(false);
      const res = claimDueReminders(claimed, at(CLAIM_LEASE_MS), 'B');
      expect(res.claimed).to.have.length(1);
      expect(res.claimed[0]).to.include({ status: 'sending', attempts: 2 });
      expect(res.claimed[0]!.claim).to.deep.equal({ by: 'B', until: iso(2 * CLAIM_LEASE_MS) });
    });

    it('counts attempts and marks a reminder failed once MAX_DELIVERY_ATTEMPTS were made', () => {
      let r = record([rem('approvalOverdue:a')]);
      let t = now.getTime();
      for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
        const res = claimDueReminders(r, new Date(t), 'A');
        expect(res.claimed.map((c) => c.attempts)).to.deep.equal([attempt]);
        r = ok(finishDelivery(ok(res), { 'approvalOverdue:a': 'retry' }, new Date(t), 'A'));
        t = Date.parse(r.reminders['approvalOverdue:a']!.dueAt);
      }
      const last = claimDueReminders(r, new Date(t), 'A');
      expect(last.claimed).to.deep.equal([]);
      const failed = ok(last);
      expect(failed.reminders['approvalOverdue:a']).to.include({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS });
      expect(failed.reminders['approvalOverdue:a']).to.not.have.property('claim');
      expect(failed.revision).to.equal(r.revision + 1);
    });

    it('a lapsed claim on the last attempt becomes failed, not claimed again', () => {
      const r = record([rem('approvalOverdue:a', { status: 'sending', attempts: MAX_DELIVERY_ATTEMPTS, claim: { by: 'A', until: iso(0) } })]);
      const res = claimDueReminders(r, now, 'B');
      expect(res.claimed).to.deep.equal([]);
      expect(ok(res).reminders['approvalOverdue:a']).to.include({ status: 'failed' }).and.not.have.property('claim');
    });

    const notClaimable: ReminderStatus[] = ['sent', 'cancelled', 'obsolete', 'failed'];
    for (const status of notClaimable) {
      it(`never claims a ${status} reminder, even past its time`, () => {
        const r = record([rem('approvalOverdue:a', { status, dueAt: iso(-DAY) })]);
        expect(isClaimable(r.reminders['approvalOverdue:a']!, now)).to.equal(false);
        expect(claimDueReminders(r, now, 'A').ok).to.equal(false);
        expect(isFinished(r.reminders['approvalOverdue:a']!)).to.equal(true);
      });
    }

    it('isClaimable: due scheduled yes, future scheduled no, held sending no, lapsed sending yes, sending without claim no', () => {
      const cases: Array<[Reminder, boolean]> = [
        [rem('a', { dueAt: iso(0) }), true],
        [rem('a', { dueAt: iso(1) }), false],
        [rem('a', { status: 'sending', dueAt: iso(-DAY), claim: { by: 'A', until: iso(1) } }), false],
        [rem('a', { status: 'sending', dueAt: iso(-DAY), claim: { by: 'A', until: iso(0) } }), true],
        [rem('a', { status: 'sending', dueAt: iso(-DAY) }), false],
      ];
      expect(cases.map(([r]) => isClaimable(r, now))).to.deep.equal(cases.map(([, c]) => c));
    });
  });

  describe('finishDelivery', () => {
    const claimedBy = (by: string, attempts = 1) =>
      record([
        rem('approvalOverdue:a', { status: 'sending', attempts, claim: { by, until: iso(CLAIM_LEASE_MS) } }),
        rem('approvalOverdue:b', { status: 'sending', attempts, claim: { by, until: iso(CLAIM_LEASE_MS) } }),
        rem('approvalOverdue:c', { status: 'sending', attempts, claim: { by, until: iso(CLAIM_LEASE_MS) } }),
      ]);

    it('records sent, obsolete and retry; drops the claim; bumps the revision', () => {
      const r = claimedBy('A');
      const done = ok(finishDelivery(r, { 'approvalOverdue:a': 'sent', 'approvalOverdue:b': 'obsolete', 'approvalOverdue:c': 'retry' }, at(MIN), 'A'));
      expect(done.revision).to.equal(r.revision + 1);
      expect(done.reminders['approvalOverdue:a']).to.include({ status: 'sent', sentAt: iso(MIN), updatedAt: iso(MIN) });
      expect(done.reminders['approvalOverdue:b'])
        .to.include({ status: 'obsolete', updatedAt: iso(MIN) })
        .and.not.have.property('sentAt');
      expect(done.reminders['approvalOverdue:c']).to.include({ status: 'scheduled', attempts: 1, dueAt: iso(MIN + RETRY_STEP_MS) });
      for (const x of Object.values(done.reminders)) expect(x).to.not.have.property('claim');
    });

    for (const attempts of [1, 3, 4]) {
      it(`retry after attempt ${attempts} is due ${attempts} × RETRY_STEP_MS later`, () => {
        const done = ok(finishDelivery(claimedBy('A', attempts), { 'approvalOverdue:a': 'retry' }, now, 'A'));
        expect(done.reminders['approvalOverdue:a']!.dueAt).to.equal(iso(attempts * RETRY_STEP_MS));
        expect(isClaimable(done.reminders['approvalOverdue:a']!, at(attempts * RETRY_STEP_MS - 1))).to.equal(false);
      });
    }

    it('ignores reminders claimed by another instance (a lapsed claim taken over)', () => {
      const r = claimedBy('B');
      expect(finishDelivery(r, { 'approvalOverdue:a': 'sent' }, now, 'A')).to.deep.equal({ ok: false, error: { code: 'unchanged' } });
      const mixed = { ...r, reminders: { ...r.reminders, 'approvalOverdue:c': { ...r.reminders['approvalOverdue:c']!, claim: { by: 'A', until: iso(MIN) } } } };
      const done = ok(finishDelivery(mixed, { 'approvalOverdue:a': 'sent', 'approvalOverdue:c': 'sent' }, now, 'A'));
      expect(statuses(done)).to.deep.equal({ 'approvalOverdue:a': 'sending', 'approvalOverdue:b': 'sending', 'approvalOverdue:c': 'sent' });
      expect(done.reminders['approvalOverdue:a']!.claim!.by).to.equal('B');
    });

    it('ignores unknown ids and reminders no longer sending', () => {
      const r = record([rem('approvalOverdue:a', { status: 'sent', claim: undefined }), rem('approvalOverdue:b', { status: 'cancelled' })]);
      expect(finishDelivery(r, { 'approvalOverdue:a': 'retry', 'approvalOverdue:b': 'sent', 'nope:x': 'sent' }, now, 'A').ok).to.equal(false);
    });
  });

  describe('cancelReminder and restoreReminder', () => {
    const r = record([rem('approvalOverdue:a', { dueAt: iso(DAY) }), rem('approvalOverdue:sent', { status: 'sent' })], 7);

    it('cancels a scheduled reminder, with who and when', () => {
      const c = ok(cancelReminder(r, 'approvalOverdue:a', 7, ga, now));
      expect(c.revision).to.equal(8);
      expect(c.reminders['approvalOverdue:a']).to.include({ status: 'cancelled', updatedAt: now.toISOString() });
      expect(c.reminders['approvalOverdue:a']!.cancelled).to.deep.equal({ by: ga, at: now.toISOString() });
      expect(nextCheckAt(c)).to.equal(undefined);
    });

    it('restores a cancelled reminder to scheduled, at its time (claimable at once if that has passed)', () => {
      const c = ok(cancelReminder(r, 'approvalOverdue:a', 7, ga, now));
      const back = ok(restoreReminder(c, 'approvalOverdue:a', 8, at(MIN)));
      expect(back.revision).to.equal(9);
      expect(back.reminders['approvalOverdue:a'])
        .to.include({ status: 'scheduled', dueAt: iso(DAY), updatedAt: iso(MIN) })
        .and.not.have.property('cancelled');
      expect(isClaimable(back.reminders['approvalOverdue:a']!, at(2 * DAY))).to.equal(true);
    });

    const refusals: Array<[string, () => ReminderResult, object]> = [
      ['cancel with a stale revision', () => cancelReminder(r, 'approvalOverdue:a', 6, ga, now), { code: 'stale' }],
      ['cancel with a stale revision, even of an unknown id', () => cancelReminder(r, 'nope', 6, ga, now), { code: 'stale' }],
      ['cancel of an unknown id', () => cancelReminder(r, 'nope', 7, ga, now), { code: 'notFound' }],
      ['cancel of a sent reminder', () => cancelReminder(r, 'approvalOverdue:sent', 7, ga, now), { code: 'notCancellable', status: 'sent' }],
      [
        'cancel of a cancelled reminder',
        () => cancelReminder(ok(cancelReminder(r, 'approvalOverdue:a', 7, ga, now)), 'approvalOverdue:a', 8, ga, now),
        { code: 'notCancellable', status: 'cancelled' },
      ],
      [
        'restore with a stale revision',
        () => restoreReminder(ok(cancelReminder(r, 'approvalOverdue:a', 7, ga, now)), 'approvalOverdue:a', 7, now),
        { code: 'stale' },
      ],
      ['restore of an unknown id', () => restoreReminder(r, 'nope', 7, now), { code: 'notFound' }],
      ['restore of a scheduled reminder', () => restoreReminder(r, 'approvalOverdue:a', 7, now), { code: 'notRestorable', status: 'scheduled' }],
      ['restore of a sent reminder', () => restoreReminder(r, 'approvalOverdue:sent', 7, now), { code: 'notRestorable', status: 'sent' }],
    ];
    for (const [label, run, error] of refusals) {
      it(`refuses ${label}`, () => {
        expect(run()).to.deep.equal({ ok: false, error });
      });
    }
  });

  describe('nextCheckAt and listReminders', () => {
    it('nextCheckAt: earliest scheduled dueAt or sending claim.until; undefined when none is open', () => {
      expect(nextCheckAt(newReminderRecord('t', now))).to.equal(undefined);
      expect(nextCheckAt(record([rem('a', { status: 'sent', dueAt: iso(-DAY) }), rem('b', { status: 'cancelled', dueAt: iso(-DAY) })]))).to.equal(undefined);
      const r = record([
        rem('a', { dueAt: iso(3 * DAY) }),
        rem('b', { status: 'sending', dueAt: iso(-DAY), claim: { by: 'A', until: iso(2 * MIN) } }),
        rem('c', { dueAt: iso(DAY) }),
        rem('d', { status: 'obsolete', dueAt: iso(-2 * DAY) }),
      ]);
      expect(nextCheckAt(r)).to.equal(iso(2 * MIN));
      expect(nextCheckAt(record([rem('a', { dueAt: iso(3 * DAY) }), rem('c', { dueAt: iso(DAY) })]))).to.equal(iso(DAY));
    });

    it('listReminders: open ones soonest first, then finished ones newest first', () => {
      const r = record([
        rem('f-old', { status: 'sent', updatedAt: iso(-3 * DAY), dueAt: iso(-4 * DAY) }),
        rem('o-late', { dueAt: iso(5 * DAY) }),
        rem('f-new', { status: 'cancelled', updatedAt: iso(-1 * DAY), dueAt: iso(9 * DAY) }),
        rem('o-soon', { status: 'sending', dueAt: iso(-MIN), claim: { by: 'A', until: iso(MIN) } }),
        rem('f-mid', { status: 'obsolete', updatedAt: iso(-2 * DAY) }),
        rem('o-mid', { dueAt: iso(DAY) }),
      ]);
      expect(listReminders(r).map((x) => x.id)).to.deep.equal(['o-soon', 'o-mid', 'o-late', 'f-new', 'f-mid', 'f-old']);
    });
  });

  describe(`prune (keeps ${FINISHED_KEPT} finished reminders)`, () => {
    const finished = (n: number) => Array.from({ length: n }, (_, i) => rem(`approvalOverdue:f${i}`, { status: 'sent', updatedAt: iso(-DAY + i * MIN) }));

    it('drops the oldest finished ones beyond the limit, never open ones', () => {
      const r = record([...finished(FINISHED_KEPT), rem('approvalOverdue:open', { dueAt: iso(DAY) }), rem('approvalOverdue:gone', { dueAt: iso(DAY) })]);
      // 'gone' is no longer wanted: it becomes obsolete, so FINISHED_KEPT + 1 are finished
      const after = ok(reconcileReminders(r, 'transition', [{ kind: 'approvalOverdue', subjectId: 'open', dueAt: iso(DAY) }], target, now));
      const ids = Object.keys(after.reminders);
      expect(Object.values(after.reminders).filter(isFinished)).to.have.length(FINISHED_KEPT);
      expect(ids).to.not.include('approvalOverdue:f0');
      expect(ids).to.include.members(['approvalOverdue:f1', 'approvalOverdue:open', 'approvalOverdue:gone']);
      expect(after.reminders['approvalOverdue:gone']!.status).to.equal('obsolete');
    });

    it('keeps everything at exactly the limit', () => {
      const r = record([...finished(FINISHED_KEPT - 1), rem('approvalOverdue:gone', { dueAt: iso(DAY) })]);
      const after = ok(reconcileReminders(r, 'transition', [], target, now));
      expect(Object.keys(after.reminders)).to.have.length(FINISHED_KEPT);
    });

    it('finishDelivery prunes too', () => {
      const r = record([...finished(FINISHED_KEPT), rem('approvalOverdue:s', { status: 'sending', attempts: 1, claim: { by: 'A', until: iso(MIN) } })]);
      const after = ok(finishDelivery(r, { 'approvalOverdue:s': 'sent' }, now, 'A'));
      expect(Object.keys(after.reminders)).to.have.length(FINISHED_KEPT);
      expect(after.reminders).to.not.have.property('approvalOverdue:f0');
      expect(after.reminders['approvalOverdue:s']!.status).to.equal('sent');
    });
  });
});
