import { expect } from 'chai';
import {
  INVITATION_VALID_DAYS,
  MAX_DRAFT_LENGTH,
  MAX_INVITATIONS,
  acceptInvitation,
  checkLink,
  createInvitation,
  declineInvitation,
  invitationState,
  markSent,
  needsReminder,
  newInvitationRecord,
  pendingDays,
  resendInvitation,
  revokeInvitation,
  saveDraft,
  summarizeInvitations,
  validateCustomerAcceptance,
  validateDraft,
  validateRecipient,
  type Invitation,
  type InvitationFieldError,
  type InvitationKind,
  type InvitationRecord,
  type InvitationResult,
  type NewInvitation,
  type Party,
} from '../../src/domain/invitations.js';
import type { Actor } from '../../src/domain/transition.js';

const DAY = 86_400_000;
const now = new Date('2026-11-20T09:00:00Z');
const at = (days: number) => new Date(now.getTime() + days * DAY);
const sam: Actor = { id: 'sam', name: 'Sam Sender' };
const rita: Actor = { id: 'rita', name: 'Rita Reseller' };
const provider: Party = { tenantId: 'tenant-prov', name: 'Northwind Distribution', partnerId: '7654321' };
const reseller: Party = { tenantId: 'tenant-res', name: 'Contoso Ltd.' };

const partnershipInput: NewInvitation = { kind: 'partnership', purpose: 'new', from: provider, to: { email: 'rita@contoso.com', company: 'Contoso Ltd.' } };
const customerInput: NewInvitation = {
  kind: 'resellerAndProvider',
  purpose: 'moveDirect',
  from: reseller,
  provider,
  to: { email: 'it@fabrikam.com', company: 'Fabrikam', domain: 'fabrikam.com' },
};

function ok(res: InvitationResult): { record: InvitationRecord; invitation: Invitation } {
  if (!res.ok) throw new Error(`refused: ${JSON.stringify(res.error)}`);
  return res;
}

/** A record holding one fresh pending invitation `inv1` (nonce `n1`) created at `now`. */
function withOne(input: NewInvitation = partnershipInput): { record: InvitationRecord; invitation: Invitation } {
  return ok(createInvitation(newInvitationRecord(provider.tenantId, now), input, sam, now, { id: 'inv1', nonce: 'n1' }));
}
const linkOf = (inv: Invitation) => ({ id: inv.id, nonce: inv.nonce, kind: inv.kind });

/** A synthetic stored invitation (for big records and state tables). */
function stored(id: string, status: Invitation['status'], createdDaysAgo = 0): Invitation {
  const created = new Date(now.getTime() - createdDaysAgo * DAY);
  return {
    id,
    kind: 'partnership',
    purpose: 'new',
    from: provider,
    to: { email: `${id}@contoso.com` },
    nonce: `nonce-${id}`,
    status,
    created: { by: sam, at: created.toISOString() },
    expiresAt: new Date(created.getTime() + INVITATION_VALID_DAYS * DAY).toISOString(),
  };
}

describe('invitation rules (pure)', () => {
  describe('validateRecipient', () => {
    const long = (n: number) => 'x'.repeat(n);
    type Case = [string, InvitationKind, Record<string, unknown>, { value: object } | { errors: InvitationFieldError[] }];
    const cases: Case[] = [
      [
        'a partnership request, trimmed and lower-cased',
        'partnership',
        { email: '  Rita@Contoso.COM ', name: ' Rita ', company: 'Contoso Ltd.' },
        { value: { email: 'rita@contoso.com', name: 'Rita', company: 'Contoso Ltd.' } },
      ],
      [
        'a partnership request with blank optional fields',
        'partnership',
        { email: 'rita@contoso.com', name: '   ', company: '', domain: 'ignored.com' },
        { value: { email: 'rita@contoso.com' } },
      ],
      ['a partnership request without an email', 'partnership', { name: 'Rita' }, { errors: [{ field: 'email', code: 'required' }] }],
      ['a partnership request with a blank email', 'partnership', { email: '   ' }, { errors: [{ field: 'email', code: 'required' }] }],
      ['a partnership request with a non-string email', 'partnership', { email: 42 }, { errors: [{ field: 'email', code: 'required' }] }],
      ['an email without a domain suffix', 'partnership', { email: 'rita@contoso' }, { errors: [{ field: 'email', code: 'emailInvalid' }] }],
      ['an email without @', 'partnership', { email: 'rita.contoso.com' }, { errors: [{ field: 'email', code: 'emailInvalid' }] }],
      ['an email longer than 254 characters', 'partnership', { email: `${long(250)}@contoso.com` }, { errors: [{ field: 'email', code: 'emailInvalid' }] }],
      ['a name longer than 100 characters', 'partnership', { email: 'rita@contoso.com', name: long(101) }, { errors: [{ field: 'name', code: 'tooLong' }] }],
      [
        'a company longer than 200 characters',
        'partnership',
        { email: 'rita@contoso.com', company: long(201) },
        { errors: [{ field: 'company', code: 'tooLong' }] },
      ],
      [
        'a 100-character name (the limit)',
        'partnership',
        { email: 'rita@contoso.com', name: long(100) },
        { value: { email: 'rita@contoso.com', name: long(100) } },
      ],
      [
        'a customer invitation, domain lower-cased',
        'reseller',
        { email: 'IT@Fabrikam.com', company: ' Fabrikam ', domain: 'Fabrikam.OnMicrosoft.com', name: 'Ivy' },
        { value: { email: 'it@fabrikam.com', company: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com', name: 'Ivy' } },
      ],
      [
        'a customer invitation with nothing filled in',
        'resellerAndProvider',
        {},
        {
          errors: [
            { field: 'company', code: 'required' },
            { field: 'domain', code: 'required' },
            { field: 'email', code: 'required' },
          ],
        },
      ],
      [
        'a customer invitation without an email',
        'reseller',
        { company: 'Fabrikam', domain: 'fabrikam.com' },
        { errors: [{ field: 'email', code: 'required' }] },
      ],
      [
        'a customer invitation with a bad email',
        'resellerAndProvider',
        { email: 'it@', company: 'Fabrikam', domain: 'fabrikam.com' },
        { errors: [{ field: 'email', code: 'emailInvalid' }] },
      ],
      [
        'a customer domain without a dot',
        'reseller',
        { email: 'it@fabrikam.com', company: 'Fabrikam', domain: 'fabrikam' },
        { errors: [{ field: 'domain', code: 'domainInvalid' }] },
      ],
      [
        'a customer domain given as a URL',
        'reseller',
        { email: 'it@fabrikam.com', company: 'Fabrikam', domain: 'https://fabrikam.com' },
        { errors: [{ field: 'domain', code: 'domainInvalid' }] },
      ],
      [
        'a customer domain with an empty label',
        'resellerAndProvider',
        { email: 'it@fabrikam.com', company: 'Fabrikam', domain: 'fabrikam..com' },
        { errors: [{ field: 'domain', code: 'domainInvalid' }] },
      ],
      [
        'a customer name longer than 100 characters',
        'resellerAndProvider',
        { email: 'it@fabrikam.com', company: 'Fabrikam', domain: 'fabrikam.com', name: long(101) },
        { errors: [{ field: 'name', code: 'tooLong' }] },
      ],
      [
        'a customer company longer than 200 characters',
        'reseller',
        { email: 'it@fabrikam.com', company: long(201), domain: 'fabrikam.com' },
        { errors: [{ field: 'company', code: 'tooLong' }] },
      ],
    ];
    for (const [label, kind, input, expected] of cases) {
      it(`${'value' in expected ? 'accepts' : 'refuses'} ${label}`, () => {
        const res = validateRecipient(kind, input);
        expect(res).to.deep.equal('value' in expected ? { ok: true, value: expected.value } : { ok: false, errors: expected.errors });
      });
    }
  });

  describe('validateCustomerAcceptance', () => {
    const form = { company: 'Fabrikam', domain: 'Fabrikam.com', name: 'Ivy Admin', email: 'Ivy@Fabrikam.com' };
    const value = { company: 'Fabrikam', domain: 'fabrikam.com', name: 'Ivy Admin', email: 'ivy@fabrikam.com' };
    const cases: Array<[string, Record<string, unknown>, InvitationFieldError[] | undefined]> = [
      ["both ticks as 'on' (HTML checkboxes)", { ...form, globalAdmin: 'on', consent: 'on' }, undefined],
      ["both ticks as 'true' (Adaptive Card toggles)", { ...form, globalAdmin: 'true', consent: 'true' }, undefined],
      ['both ticks as booleans', { ...form, globalAdmin: true, consent: true }, undefined],
      [
        'no ticks',
        form,
        [
          { field: 'globalAdmin', code: 'mustConfirm' },
          { field: 'consent', code: 'mustConfirm' },
        ],
      ],
      ['the global admin tick missing', { ...form, consent: 'on' }, [{ field: 'globalAdmin', code: 'mustConfirm' }]],
      ["consent as 'false'", { ...form, globalAdmin: 'on', consent: 'false' }, [{ field: 'consent', code: 'mustConfirm' }]],
      ["consent as 'off'", { ...form, globalAdmin: 'on', consent: 'off' }, [{ field: 'consent', code: 'mustConfirm' }]],
      [
        'an empty form',
        {},
        [
          { field: 'company', code: 'required' },
          { field: 'domain', code: 'required' },
          { field: 'name', code: 'required' },
          { field: 'email', code: 'required' },
          { field: 'globalAdmin', code: 'mustConfirm' },
          { field: 'consent', code: 'mustConfirm' },
        ],
      ],
      [
        'a bad domain and email',
        { ...form, domain: 'fabrikam', email: 'ivy', globalAdmin: 'on', consent: 'on' },
        [
          { field: 'domain', code: 'domainInvalid' },
          { field: 'email', code: 'emailInvalid' },
        ],
      ],
    ];
    for (const [label, input, errors] of cases) {
      it(`${errors ? 'refuses' : 'accepts'} ${label}`, () => {
        expect(validateCustomerAcceptance(input)).to.deep.equal(errors ? { ok: false, errors } : { ok: true, value });
      });
    }
  });

  describe('validateDraft', () => {
    const link = 'https://assistant.contoso.com/invitations/abc.def';
    const cases: Array<[string, unknown, { value: string } | { code: InvitationFieldError['code'] }]> = [
      ['a draft keeping the link (CRLF normalized, trimmed)', `  Hello,\r\n\r\n${link}\r\n`, { value: `Hello,\n\n${link}` }],
      ['a draft with the link removed', 'Hello, please accept our invitation.', { code: 'linkMissing' }],
      ['a draft with the link altered', `Hello ${link.slice(0, -1)}`, { code: 'linkMissing' }],
      ['an empty draft', '', { code: 'required' }],
      ['a blank draft', ' \r\n ', { code: 'required' }],
      ['a non-string draft', 42, { code: 'required' }],
      ['a draft longer than the limit', `${link} ${'x'.repeat(MAX_DRAFT_LENGTH)}`, { code: 'tooLong' }],
    ];
    for (const [label, body, expected] of cases) {
      it(`${'value' in expected ? 'accepts' : 'refuses'} ${label}`, () => {
        expect(validateDraft(body, link)).to.deep.equal(
          'value' in expected ? { ok: true, value: expected.value } : { ok: false, errors: [{ field: 'draft', code: expected.code }] },
        );
      });
    }
    it('accepts a draft of exactly the maximum length', () => {
      const body = link + 'x'.repeat(MAX_DRAFT_LENGTH - link.length);
      expect(validateDraft(body, link).ok).to.equal(true);
    });
  });

  describe('createInvitation', () => {
    it('creates a pending invitation valid for 30 days, newest first, and bumps the revision', () => {
      const { record: first } = withOne();
      const res = ok(createInvitation(first, customerInput, rita, at(1), { id: 'inv2', nonce: 'n2' }));
      expect(res.invitation).to.deep.equal({
        id: 'inv2',
        kind: 'resellerAndProvider',
        purpose: 'moveDirect',
        from: reseller,
        provider,
        to: customerInput.to,
        nonce: 'n2',
        status: 'pending',
        created: { by: rita, at: at(1).toISOString() },
        expiresAt: at(1 + INVITATION_VALID_DAYS).toISOString(),
      });
      expect(Date.parse(res.invitation.expiresAt) - at(1).getTime()).to.equal(30 * DAY);
      expect(res.record.invitations.map((i) => i.id)).to.deep.equal(['inv2', 'inv1']);
      expect(res.record.revision).to.equal(first.revision + 1);
      expect(res.record.updatedAt).to.equal(at(1).toISOString());
      expect(first.invitations).to.have.length(1);
    });

    it('keeps a provider only on resellerAndProvider invitations and forces purpose new on partnerships', () => {
      const r = newInvitationRecord(reseller.tenantId, now);
      const reseller1 = ok(createInvitation(r, { ...customerInput, kind: 'reseller', purpose: 'new' }, rita, now, { id: 'a', nonce: 'a' })).invitation;
      expect(reseller1).to.not.have.property('provider');
      const partnership = ok(createInvitation(r, { ...partnershipInput, purpose: 'moveDirect', provider }, sam, now, { id: 'b', nonce: 'b' })).invitation;
      expect(partnership.purpose).to.equal('new');
      expect(partnership).to.not.have.property('provider');
    });

    it('refuses resellerAndProvider without a provider (providerRequired)', () => {
      const { provider: _omit, ...noProvider } = customerInput;
      void _omit;
      expect(createInvitation(newInvitationRecord('t', now), noProvider, rita, now, { id: 'x', nonce: 'x' })).to.deep.equal({
        ok: false,
        error: { code: 'providerRequired' },
      });
    });

    it('refuses a second pending invitation of the same kind to the same email, naming the existing one', () => {
      const { record } = withOne();
      const before = structuredClone(record);
      const again = createInvitation(record, partnershipInput, sam, at(2), { id: 'inv2', nonce: 'n2' });
      expect(again).to.deep.equal({ ok: false, error: { code: 'duplicatePending', invitationId: 'inv1' } });
      expect(record).to.deep.equal(before);
    });

    it('allows the same email for another kind', () => {
      const { record } = withOne({ ...customerInput, kind: 'reseller', purpose: 'new' });
      expect(createInvitation(record, customerInput, rita, now, { id: 'inv2', nonce: 'n2' }).ok).to.equal(true);
    });

    const reopeners: Array<[string, (r: InvitationRecord) => { record: InvitationRecord; when: Date }]> = [
      ['after the first was revoked', (r) => ({ record: ok(revokeInvitation(r, 'inv1', sam, at(1))).record, when: at(1) })],
      ['after the first expired', (r) => ({ record: r, when: at(INVITATION_VALID_DAYS) })],
      [
        'after the first was declined',
        (r) => ({ record: ok(declineInvitation(r, { id: 'inv1', nonce: 'n1', kind: 'partnership' }, rita, at(1))).record, when: at(1) }),
      ],
    ];
    for (const [label, close] of reopeners) {
      it(`allows a new invitation to the same email ${label}`, () => {
        const { record, when } = close(withOne().record);
        const res = createInvitation(record, partnershipInput, sam, when, { id: 'inv2', nonce: 'n2' });
        expect(res.ok).to.equal(true);
        if (res.ok) expect(res.record.invitations.map((i) => i.id)).to.deep.equal(['inv2', 'inv1']);
      });
    }

    it(`keeps at most ${MAX_INVITATIONS}: a full record drops its oldest closed invitation`, () => {
      // newest first: pending ones, then (oldest) two closed ones at the end
      const invitations = Array.from({ length: MAX_INVITATIONS }, (_, i) => stored(`old${i}`, 'pending', 0));
      invitations[MAX_INVITATIONS - 3] = stored('closedNewer', 'revoked', 3);
      invitations[MAX_INVITATIONS - 1] = stored('closedOldest', 'accepted', 5);
      const record: InvitationRecord = { ...newInvitationRecord(provider.tenantId, now), invitations };
      const res = ok(createInvitation(record, partnershipInput, sam, now, { id: 'fresh', nonce: 'n' }));
      expect(res.record.invitations).to.have.length(MAX_INVITATIONS);
      expect(res.record.invitations[0]!.id).to.equal('fresh');
      const ids = new Set(res.record.invitations.map((i) => i.id));
      expect(ids.has('closedOldest')).to.equal(false);
      expect(ids.has('closedNewer')).to.equal(true);
      expect(ids.has(`old${MAX_INVITATIONS - 2}`)).to.equal(true);
    });

    it('counts an expired invitation as closed when the record is full', () => {
      const invitations = Array.from({ length: MAX_INVITATIONS }, (_, i) => stored(`p${i}`, 'pending', 0));
      invitations[5] = stored('expiredOne', 'pending', INVITATION_VALID_DAYS + 1);
      const record: InvitationRecord = { ...newInvitationRecord(provider.tenantId, now), invitations };
      const res = ok(createInvitation(record, partnershipInput, sam, now, { id: 'fresh', nonce: 'n' }));
      expect(res.record.invitations.some((i) => i.id === 'expiredOne')).to.equal(false);
      expect(res.record.invitations).to.have.length(MAX_INVITATIONS);
    });

    it('refuses when the record is full of pending invitations (tooMany)', () => {
      const invitations = Array.from({ length: MAX_INVITATIONS }, (_, i) => stored(`p${i}`, 'pending', 1));
      const record: InvitationRecord = { ...newInvitationRecord(provider.tenantId, now), invitations };
      expect(createInvitation(record, partnershipInput, sam, now, { id: 'fresh', nonce: 'n' })).to.deep.equal({
        ok: false,
        error: { code: 'tooMany', limit: MAX_INVITATIONS },
      });
    });
  });

  describe('invitationState', () => {
    const { invitation } = withOne();
    const cases: Array<[string, Invitation, Date, string]> = [
      ['pending just before expiry', invitation, new Date(Date.parse(invitation.expiresAt) - 1), 'pending'],
      ['pending at exactly expiresAt', invitation, new Date(invitation.expiresAt), 'expired'],
      ['pending after expiresAt', invitation, at(45), 'expired'],
      ['accepted after expiresAt', { ...invitation, status: 'accepted' }, at(45), 'accepted'],
      ['revoked after expiresAt', { ...invitation, status: 'revoked' }, at(45), 'revoked'],
      ['declined before expiresAt', { ...invitation, status: 'declined' }, at(1), 'declined'],
    ];
    for (const [label, inv, when, state] of cases) {
      it(`is ${state} when ${label}`, () => expect(invitationState(inv, when)).to.equal(state));
    }
  });

  describe('resend', () => {
    it('issues a new nonce and a new expiry, counts resends, and replaces the old link', () => {
      const { record } = withOne();
      const once = ok(resendInvitation(record, 'inv1', sam, at(3), 'n2'));
      expect(once.invitation).to.include({ nonce: 'n2', status: 'pending', expiresAt: at(3 + INVITATION_VALID_DAYS).toISOString() });
      expect(once.invitation.resent).to.deep.equal({ by: sam, at: at(3).toISOString(), count: 1 });
      expect(once.record.revision).to.equal(record.revision + 1);
      const twice = ok(resendInvitation(once.record, 'inv1', sam, at(4), 'n3'));
      expect(twice.invitation.resent?.count).to.equal(2);

      const oldLink = { id: 'inv1', nonce: 'n1', kind: 'partnership' };
      expect(checkLink(twice.record, oldLink, at(5))).to.deep.include({ ok: false, problem: 'replaced' });
      expect(checkLink(twice.record, { ...oldLink, nonce: 'n2' }, at(5))).to.deep.include({ ok: false, problem: 'replaced' });
      expect(checkLink(twice.record, { ...oldLink, nonce: 'n3' }, at(5)).ok).to.equal(true);
      expect(record.invitations[0]!.nonce).to.equal('n1');
    });

    it('brings an expired invitation back to pending', () => {
      const { record } = withOne();
      const res = ok(resendInvitation(record, 'inv1', sam, at(40), 'n2'));
      expect(invitationState(res.invitation, at(40))).to.equal('pending');
      expect(res.invitation.expiresAt).to.equal(at(70).toISOString());
    });

    it('drops a saved draft, which holds the old link', () => {
      const { record } = withOne();
      const drafted = ok(saveDraft(record, 'inv1', 'Please accept: LINK-1', 'LINK-1', now));
      expect(drafted.invitation.draft).to.equal('Please accept: LINK-1');
      const res = ok(resendInvitation(drafted.record, 'inv1', sam, at(1), 'n2'));
      expect(res.invitation).to.not.have.property('draft');
    });

    const closed: Array<[string, (r: InvitationRecord) => InvitationRecord, string]> = [
      [
        'accepted',
        (r) => ok(acceptInvitation(r, { id: 'inv1', nonce: 'n1', kind: 'partnership' }, { by: rita, tenantId: 'tenant-res', company: 'Contoso' }, now)).record,
        'accepted',
      ],
      ['revoked', (r) => ok(revokeInvitation(r, 'inv1', sam, now)).record, 'revoked'],
      ['declined', (r) => ok(declineInvitation(r, { id: 'inv1', nonce: 'n1', kind: 'partnership' }, rita, now)).record, 'declined'],
    ];
    for (const [label, close, state] of closed) {
      it(`is not allowed once ${label}`, () => {
        const r = close(withOne().record);
        expect(resendInvitation(r, 'inv1', sam, at(1), 'n2')).to.deep.equal({ ok: false, error: { code: 'notAllowedInState', state } });
      });
    }

    it('refuses an unknown invitation (notFound)', () => {
      expect(resendInvitation(withOne().record, 'nope', sam, now, 'n2')).to.deep.equal({ ok: false, error: { code: 'notFound' } });
    });
  });

  describe('revoke', () => {
    it('revokes a pending invitation: its link stops working for good', () => {
      const { record } = withOne();
      const res = ok(revokeInvitation(record, 'inv1', sam, at(1)));
      expect(res.invitation.status).to.equal('revoked');
      expect(res.invitation.revoked).to.deep.equal({ by: sam, at: at(1).toISOString() });
      expect(checkLink(res.record, { id: 'inv1', nonce: 'n1', kind: 'partnership' }, at(1))).to.deep.include({ ok: false, problem: 'revoked' });
      expect(revokeInvitation(res.record, 'inv1', sam, at(2))).to.deep.equal({ ok: false, error: { code: 'notAllowedInState', state: 'revoked' } });
    });

    it('revokes an expired invitation', () => {
      expect(ok(revokeInvitation(withOne().record, 'inv1', sam, at(31))).invitation.status).to.equal('revoked');
    });
  });

  describe('stale cards', () => {
    const ops: Array<[string, (r: InvitationRecord, rev: number) => InvitationResult]> = [
      ['resend', (r, rev) => resendInvitation(r, 'inv1', sam, at(1), 'n2', rev)],
      ['revoke', (r, rev) => revokeInvitation(r, 'inv1', sam, at(1), rev)],
    ];
    for (const [label, op] of ops) {
      it(`${label} refuses a card from another revision (stale) and accepts the current one`, () => {
        const { record } = withOne();
        expect(op(record, record.revision - 1)).to.deep.equal({ ok: false, error: { code: 'stale' } });
        expect(op(record, record.revision + 1)).to.deep.equal({ ok: false, error: { code: 'stale' } });
        const first = op(record, record.revision);
        expect(first.ok).to.equal(true);
        if (first.ok) expect(op(first.record, record.revision)).to.deep.equal({ ok: false, error: { code: 'stale' } });
      });
    }
  });

  describe('checkLink', () => {
    const base = withOne();
    const link = linkOf(base.invitation);
    const accepted = ok(acceptInvitation(base.record, link, { by: rita, tenantId: 'tenant-res', company: 'Contoso' }, now)).record;
    const declined = ok(declineInvitation(base.record, link, rita, now)).record;
    const revoked = ok(revokeInvitation(base.record, 'inv1', sam, now)).record;
    const resent = ok(resendInvitation(base.record, 'inv1', sam, now, 'n2')).record;
    const cases: Array<[string, InvitationRecord, { id: string; nonce: string; kind: string }, Date, string | undefined]> = [
      ['a current link to a pending invitation', base.record, link, now, undefined],
      ['an unknown invitation id', base.record, { ...link, id: 'other' }, now, 'notFound'],
      ['a link for another kind', base.record, { ...link, kind: 'reseller' }, now, 'notFound'],
      ['an old link after a resend', resent, link, now, 'replaced'],
      ['a link to an accepted invitation', accepted, link, now, 'used'],
      ['a link to a declined invitation', declined, link, now, 'declined'],
      ['a link to a revoked invitation', revoked, link, now, 'revoked'],
      ['a link at the expiry instant', base.record, link, at(INVITATION_VALID_DAYS), 'expired'],
      ['an empty record', newInvitationRecord('x', now), link, now, 'notFound'],
    ];
    for (const [label, record, l, when, problem] of cases) {
      it(`${problem ? `refuses (${problem})` : 'accepts'} ${label}`, () => {
        const res = checkLink(record, l, when);
        if (!problem) {
          expect(res).to.deep.equal({ ok: true, invitation: base.invitation });
          return;
        }
        expect(res.ok).to.equal(false);
        if (!res.ok) expect(res.problem).to.equal(problem);
        if (!res.ok && problem !== 'notFound') expect(res.invitation?.id).to.equal('inv1');
      });
    }
  });

  describe('accept and decline', () => {
    it('accepts once: the acceptance is recorded and a second use is refused', () => {
      const { record, invitation } = withOne();
      const first = ok(acceptInvitation(record, linkOf(invitation), { by: rita, tenantId: 'tenant-res', company: 'Contoso' }, at(2)));
      expect(first.invitation.status).to.equal('accepted');
      expect(first.invitation.accepted).to.deep.equal({ by: rita, tenantId: 'tenant-res', company: 'Contoso', at: at(2).toISOString() });
      expect(first.record.revision).to.equal(record.revision + 1);
      const second = acceptInvitation(first.record, linkOf(invitation), { by: sam, tenantId: 'tenant-other', company: 'Other' }, at(3));
      expect(second).to.deep.equal({ ok: false, error: { code: 'notAllowedInState', state: 'accepted' } });
      expect(record.invitations[0]!.status).to.equal('pending');
    });

    it('refuses to accept with a replaced link or an unknown id (notFound) and after expiry', () => {
      const { record, invitation } = withOne();
      const resent = ok(resendInvitation(record, 'inv1', sam, now, 'n2')).record;
      const acceptance = { by: rita, company: 'Contoso' };
      expect(acceptInvitation(resent, linkOf(invitation), acceptance, now)).to.deep.equal({ ok: false, error: { code: 'notFound' } });
      expect(acceptInvitation(record, { ...linkOf(invitation), id: 'x' }, acceptance, now)).to.deep.equal({ ok: false, error: { code: 'notFound' } });
      expect(acceptInvitation(record, linkOf(invitation), acceptance, at(30))).to.deep.equal({
        ok: false,
        error: { code: 'notAllowedInState', state: 'expired' },
      });
    });

    it('declines: the invitation closes and cannot be accepted afterwards', () => {
      const { record, invitation } = withOne();
      const res = ok(declineInvitation(record, linkOf(invitation), rita, at(1)));
      expect(res.invitation.status).to.equal('declined');
      expect(res.invitation.declined).to.deep.equal({ by: rita, at: at(1).toISOString() });
      expect(acceptInvitation(res.record, linkOf(invitation), { by: rita, company: 'Contoso' }, at(1))).to.deep.equal({
        ok: false,
        error: { code: 'notAllowedInState', state: 'declined' },
      });
      expect(declineInvitation(res.record, linkOf(invitation), rita, at(1))).to.deep.equal({
        ok: false,
        error: { code: 'notAllowedInState', state: 'declined' },
      });
    });
  });

  describe('drafts and sent marks', () => {
    it('saves a draft that keeps the link and refuses one that lost it', () => {
      const { record } = withOne();
      expect(saveDraft(record, 'inv1', 'no link here', 'LINK', now)).to.deep.equal({
        ok: false,
        error: { code: 'invalid', errors: [{ field: 'draft', code: 'linkMissing' }] },
      });
      expect(ok(saveDraft(record, 'inv1', 'Hi LINK', 'LINK', now)).invitation.draft).to.equal('Hi LINK');
      const revoked = ok(revokeInvitation(record, 'inv1', sam, now)).record;
      expect(saveDraft(revoked, 'inv1', 'Hi LINK', 'LINK', now)).to.deep.equal({ ok: false, error: { code: 'notAllowedInState', state: 'revoked' } });
    });

    it('marks sent once; the first mark stays', () => {
      const { record } = withOne();
      const first = ok(markSent(record, 'inv1', sam, at(1)));
      const second = ok(markSent(first.record, 'inv1', rita, at(2)));
      expect(second.invitation.sent).to.deep.equal({ by: sam, at: at(1).toISOString() });
    });
  });

  describe('reminders', () => {
    const { record } = withOne();
    const created = record.invitations[0]!;
    const resent = ok(resendInvitation(record, 'inv1', sam, at(8), 'n2')).invitation;
    const accepted: Invitation = { ...created, status: 'accepted' };
    const cases: Array<[string, Invitation, Date, number, boolean]> = [
      ['just created', created, now, 0, false],
      ['7 days later', created, at(7), 7, false],
      ['7 days 23 hours later', created, new Date(at(8).getTime() - 3_600_000), 7, false],
      ['8 days later', created, at(8), 8, true],
      ['29 days later', created, at(29), 29, true],
      ['expired (30 days)', created, at(30), 30, false],
      ['accepted, 10 days later', accepted, at(10), 10, false],
      ['resent on day 8, the same moment', resent, at(8), 0, false],
      ['resent on day 8, 7 days after the resend', resent, at(15), 7, false],
      ['resent on day 8, 8 days after the resend', resent, at(16), 8, true],
      ['a clock before creation', created, at(-1), 0, false],
    ];
    for (const [label, inv, when, days, reminder] of cases) {
      it(`${label}: pending ${days} days, ${reminder ? 'needs' : 'no'} reminder`, () => {
        expect(pendingDays(inv, when)).to.equal(days);
        expect(needsReminder(inv, when)).to.equal(reminder);
      });
    }
  });

  it('summarizes counts per state and lists the invitations needing a reminder', () => {
    const record: InvitationRecord = {
      ...newInvitationRecord(provider.tenantId, now),
      invitations: [
        stored('fresh', 'pending', 1),
        stored('waiting', 'pending', 9),
        stored('waiting2', 'pending', 20),
        stored('old', 'pending', 31),
        stored('acc', 'accepted', 2),
        stored('dec', 'declined', 2),
        stored('rev', 'revoked', 2),
        stored('rev2', 'revoked', 40),
      ],
    };
    const { counts, reminders } = summarizeInvitations(record, now);
    expect(counts).to.deep.equal({ pending: 3, accepted: 1, declined: 1, revoked: 2, expired: 1 });
    expect(reminders.map((i) => i.id)).to.deep.equal(['waiting', 'waiting2']);
    expect(summarizeInvitations(newInvitationRecord('t', now), now)).to.deep.equal({
      counts: { pending: 0, accepted: 0, declined: 0, revoked: 0, expired: 0 },
      reminders: [],
    });
  });
});
