import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Storage, StoreItems } from 'botbuilder';
import { expect } from 'chai';
import { acceptInvitation, type Invitation, type InvitationKind, type InvitationPurpose } from '../../src/domain/invitations.js';
import type { PartnerRole } from '../../src/domain/roles.js';
import { applyCommand, type Actor } from '../../src/domain/transition.js';
import { ACCEPT_SESSION_MS, InvitationService, type ServiceResult } from '../../src/invitations/invitationService.js';
import { LowdbStorage, isETagConflict } from '../../src/store/lowdbStorage.js';
import { TransitionRepository } from '../../src/store/transitionRepository.js';

const BASE = 'https://assistant.contoso.com';
const PROV = 'tenant-prov';
const RES = 'tenant-res';
const OTHER = 'tenant-other';
const pat: Actor = { id: 'pat', name: 'Pat Provider' };
const rita: Actor = { id: 'rita', name: 'Rita Reseller' };
const olga: Actor = { id: 'olga', name: 'Olga Other' };
const hank: Actor = { id: 'hank', name: 'Hank Helpdesk' };
const uma: Actor = { id: 'uma', name: 'Uma Useradmin' };
const nobody: Actor = { id: 'nobody', name: 'Nora Newcomer' };
const northwind = { tenantId: PROV, name: 'Northwind Distribution', partnerId: '7654321' };
const contoso = { tenantId: RES, name: 'Contoso Ltd.', partnerId: '1234567' };
const customerForm = { company: 'Fabrikam', domain: 'fabrikam.com', name: 'Ivy Admin', email: 'ivy@fabrikam.com', globalAdmin: 'on', consent: 'on' };

/** Storage wrapper: counts eTag conflicts and, when gated, lets reads of one key through in pairs (forces a race). */
class GatedStorage implements Storage {
  conflicts = 0;
  gateKey: string | undefined;
  private waiting: Array<() => void> = [];
  constructor(private readonly inner: Storage) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (this.gateKey && keys.includes(this.gateKey)) await this.pair();
    const items = await this.inner.read(keys);
    const hook = this.afterRead;
    if (hook && keys.includes(hook.key)) {
      this.afterRead = undefined;
      await hook.run();
    }
    return items;
  }

  /** Runs `run` once, right after the next read of `key` and before that read returns (another change slips in). */
  afterNextRead(key: string, run: () => Promise<unknown>): void {
    this.afterRead = { key, run };
  }
  private afterRead: { key: string; run: () => Promise<unknown> } | undefined;

  async write(changes: StoreItems): Promise<void> {
    try {
      await this.inner.write(changes);
    } catch (err) {
      if (isETagConflict(err)) this.conflicts += 1;
      throw err;
    }
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  /** Waits for a second read of the gated key (at most 100 ms, so a lone retry is not stuck). */
  private pair(): Promise<void> {
    const partner = this.waiting.shift();
    if (partner) {
      partner();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== release);
        resolve();
      }, 100);
      this.waiting.push(release);
    });
  }
}

function value<T>(res: ServiceResult<T>): T {
  if (!res.ok) throw new Error(`refused: ${JSON.stringify(res.error)}`);
  return res;
}
/** The result as the service types it: a refusal without TenantRecords' `retried` bookkeeping. */
async function outcome<T>(pending: Promise<ServiceResult<T>>): Promise<ServiceResult<T>> {
  const r = await pending;
  return r.ok ? r : { ok: false, error: r.error };
}
const tokenOf = (link: string) => new URL(link).pathname.split('/').at(-1)!;

describe('InvitationService (LowdbStorage, real repositories)', () => {
  let dir: string;
  let storage: GatedStorage;
  let transitions: TransitionRepository;
  let service: InvitationService;
  const clock = { now: new Date('2026-11-20T09:00:00Z') };
  const later = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };

  beforeEach(async () => {
    clock.now = new Date('2026-11-20T09:00:00Z');
    dir = await mkdtemp(path.join(os.tmpdir(), 'invitation-service-test-'));
    storage = new GatedStorage(new LowdbStorage({ dir }));
    transitions = new TransitionRepository(storage, () => clock.now);
    service = new InvitationService({ storage, transitions, secret: Buffer.alloc(32, 9), publicBaseUrl: () => BASE, clock: () => clock.now });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function declare(tenantId: string, actor: Actor, role: PartnerRole): Promise<void> {
    const res = await transitions.update(tenantId, (r) => applyCommand(r, { type: 'setRole', role }, actor, clock.now));
    if (!res.ok) throw new Error('setRole refused');
  }

  async function organization(tenantId: string, actor: Actor, party: { name: string; partnerId: string }, side: 'provider' | 'reseller'): Promise<void> {
    value(await service.setOrganization(tenantId, actor, { name: party.name, partnerId: party.partnerId, side }));
  }

  /** Northwind (provider, Pat global admin) and Contoso (reseller, Rita global admin), organizations set. */
  async function twoTenants(): Promise<void> {
    await declare(PROV, pat, 'globalAdmin');
    await declare(RES, rita, 'globalAdmin');
    await organization(PROV, pat, northwind, 'provider');
    await organization(RES, rita, contoso, 'reseller');
  }

  async function partnershipLink(email = 'rita@contoso.com'): Promise<{ invitation: Invitation; link: string; token: string }> {
    const created = value(await service.create(PROV, pat, { kind: 'partnership', purpose: 'new', to: { email, company: 'Contoso Ltd.' } }));
    return { ...created, token: tokenOf(created.link) };
  }

  /** Two tenants partnered: Northwind is Contoso's indirect provider. */
  async function partnered(): Promise<void> {
    await twoTenants();
    const { token } = await partnershipLink();
    value(await service.acceptPartnership(token, { tenantId: RES, actor: rita }));
  }

  async function customerLink(kind: InvitationKind = 'resellerAndProvider', purpose: InvitationPurpose = 'new') {
    const created = value(await service.create(RES, rita, { kind, purpose, to: { email: 'ivy@fabrikam.com', company: 'Fabrikam', domain: 'fabrikam.com' } }));
    return { ...created, token: tokenOf(created.link) };
  }

  describe('create', () => {
    type Refusal = [string, string, Actor, PartnerRole | undefined, InvitationKind, 'requestPartnership' | 'inviteCustomer'];
    const refusals: Refusal[] = [
      ['a helpdesk agent sending a partnership request', PROV, hank, 'helpdeskAgent', 'partnership', 'requestPartnership'],
      ['a helpdesk agent inviting a customer', RES, hank, 'helpdeskAgent', 'reseller', 'inviteCustomer'],
      ['a user admin inviting a customer (reseller)', RES, uma, 'userAdmin', 'reseller', 'inviteCustomer'],
      ['a user admin inviting a customer (with provider)', RES, uma, 'userAdmin', 'resellerAndProvider', 'inviteCustomer'],
      ['someone who is not sure of their role', RES, nobody, 'notSure', 'reseller', 'inviteCustomer'],
      ['someone who never declared a role', PROV, nobody, undefined, 'partnership', 'requestPartnership'],
    ];
    for (const [label, tenantId, actor, role, kind, action] of refusals) {
      it(`refuses ${label}, naming the tenant's global admins, and stores nothing`, async () => {
        await twoTenants();
        if (role) await declare(tenantId, actor, role);
        const admin = tenantId === PROV ? 'Pat Provider' : 'Rita Reseller';
        const res = await service.create(tenantId, actor, {
          kind,
          purpose: 'new',
          to: { email: 'x@fabrikam.com', company: 'Fabrikam', domain: 'fabrikam.com' },
        });
        expect(res).to.deep.equal({ ok: false, error: { code: 'roleRequired', action, ...(role ? { role } : {}), globalAdmins: [admin] } });
        expect((await service.invitations.get(tenantId)).invitations).to.deep.equal([]);
      });
    }

    it('lets a user admin send a partnership request (provider-tasks seed roles)', async () => {
      await twoTenants();
      await declare(PROV, uma, 'userAdmin');
      expect((await service.create(PROV, uma, { kind: 'partnership', purpose: 'new', to: { email: 'rita@contoso.com' } })).ok).to.equal(true);
    });

    it('needs the organization set first (organizationRequired)', async () => {
      await declare(PROV, pat, 'globalAdmin');
      expect(await outcome(service.create(PROV, pat, { kind: 'partnership', purpose: 'new', to: { email: 'rita@contoso.com' } }))).to.deep.equal({
        ok: false,
        error: { code: 'organizationRequired' },
      });
    });

    it('needs a provider from the indirect providers list for resellerAndProvider (providerRequired)', async () => {
      await twoTenants();
      const to = { email: 'ivy@fabrikam.com', company: 'Fabrikam', domain: 'fabrikam.com' };
      expect(await outcome(service.create(RES, rita, { kind: 'resellerAndProvider', purpose: 'new', to }))).to.deep.equal({
        ok: false,
        error: { code: 'providerRequired' },
      });
      const { token } = await partnershipLink();
      value(await service.acceptPartnership(token, { tenantId: RES, actor: rita }));
      expect(await outcome(service.create(RES, rita, { kind: 'resellerAndProvider', purpose: 'new', to, providerTenantId: 'tenant-unknown' }))).to.deep.equal({
        ok: false,
        error: { code: 'providerRequired' },
      });
      const res = value(await service.create(RES, rita, { kind: 'resellerAndProvider', purpose: 'new', to, providerTenantId: PROV }));
      expect(res.invitation.provider).to.deep.equal(northwind);
    });

    it('returns field errors for a bad recipient and stores nothing', async () => {
      await twoTenants();
      const res = await service.create(RES, rita, { kind: 'reseller', purpose: 'new', to: { email: 'ivy@', company: '', domain: 'fabrikam' } });
      expect(res).to.deep.equal({
        ok: false,
        error: {
          code: 'invalid',
          errors: [
            { field: 'company', code: 'required' },
            { field: 'domain', code: 'domainInvalid' },
            { field: 'email', code: 'emailInvalid' },
          ],
        },
      });
      expect((await service.invitations.get(RES)).revision).to.equal(0);
    });

    it('round-trips: create gives a link to the base URL that opens the stored invitation; a second one is a duplicate', async () => {
      await twoTenants();
      const { invitation, link, token } = await partnershipLink();
      expect(link.startsWith(`${BASE}/invitations/`)).to.equal(true);
      expect(service.linkFor(invitation)).to.equal(link);
      expect(invitation).to.deep.include({
        kind: 'partnership',
        status: 'pending',
        from: northwind,
        to: { email: 'rita@contoso.com', company: 'Contoso Ltd.' },
      });
      expect(await service.get(PROV, invitation.id)).to.deep.equal(invitation);
      const opened = value(await service.open(token));
      expect(opened.invitation).to.deep.equal(invitation);
      expect(opened.claims).to.deep.include({
        p: 'invite',
        t: PROV,
        k: 'partnership',
        i: invitation.id,
        n: invitation.nonce,
        e: Date.parse(invitation.expiresAt),
      });
      expect(await outcome(service.create(PROV, pat, { kind: 'partnership', purpose: 'new', to: { email: 'RITA@contoso.com' } }))).to.deep.equal({
        ok: false,
        error: { code: 'duplicatePending', invitationId: invitation.id },
      });
    });

    it('refuses to open a tampered, a draft-page or an expired link', async () => {
      await twoTenants();
      const { invitation, token } = await partnershipLink();
      expect(await outcome(service.open(`${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`))).to.deep.equal({
        ok: false,
        error: { code: 'link', problem: 'badSignature' },
      });
      const draftToken = tokenOf(service.draftPageUrl(invitation));
      expect(await outcome(service.open(draftToken))).to.deep.equal({ ok: false, error: { code: 'link', problem: 'wrongPurpose' } });
      expect(value(await service.open(draftToken, 'draft')).invitation.id).to.equal(invitation.id);
      later(30 * 86_400_000);
      const expired = await service.open(token);
      expect(expired.ok ? 'ok' : expired.error).to.deep.include({ code: 'link', problem: 'expired' });
      // a genuine expired link still names its invitation, so the page can say whom to ask
      expect(!expired.ok && expired.error.code === 'link' ? expired.error.invitation?.from.name : undefined).to.equal('Northwind Distribution');
    });
  });

  describe('acceptPartnership', () => {
    it('refuses a reseller user who is not a global admin, naming the global admins; the invitation stays pending', async () => {
      await twoTenants();
      await declare(RES, hank, 'adminAgent');
      const { invitation, token } = await partnershipLink();
      const res = await service.acceptPartnership(token, { tenantId: RES, actor: hank });
      expect(res).to.deep.equal({
        ok: false,
        error: { code: 'roleRequired', action: 'acceptPartnership', role: 'adminAgent', globalAdmins: ['Rita Reseller'] },
      });
      expect((await service.get(PROV, invitation.id))?.status).to.equal('pending');
      expect((await service.relationships.get(RES)).indirectProviders).to.deep.equal([]);
    });

    it('refuses a user without a declared role', async () => {
      await twoTenants();
      const { token } = await partnershipLink();
      const res = await service.acceptPartnership(token, { tenantId: RES, actor: nobody });
      expect(res).to.deep.equal({ ok: false, error: { code: 'roleRequired', action: 'acceptPartnership', globalAdmins: ['Rita Reseller'] } });
    });

    it("refuses the provider's own tenant (ownInvitation)", async () => {
      await twoTenants();
      const { invitation, token } = await partnershipLink();
      expect(await outcome(service.acceptPartnership(token, { tenantId: PROV, actor: pat }))).to.deep.equal({ ok: false, error: { code: 'ownInvitation' } });
      expect((await service.get(PROV, invitation.id))?.status).to.equal('pending');
    });

    it("lists each partner on the other's side", async () => {
      await twoTenants();
      const { invitation, token } = await partnershipLink();
      const res = value(await service.acceptPartnership(token, { tenantId: RES, actor: rita }));
      expect(res.alreadyAccepted).to.equal(false);
      expect(res.invitation.status).to.equal('accepted');
      expect(res.invitation.accepted).to.deep.equal({ by: rita, tenantId: RES, company: 'Contoso Ltd.', at: clock.now.toISOString() });
      expect((await service.get(PROV, invitation.id))?.status).to.equal('accepted');
      const since = clock.now.toISOString();
      expect((await service.relationships.get(RES)).indirectProviders).to.deep.equal([{ ...northwind, since, invitationId: invitation.id }]);
      expect((await service.relationships.get(PROV)).indirectResellers).to.deep.equal([{ ...contoso, since, invitationId: invitation.id }]);
    });

    it('names the reseller from its enrollment details when it has not set its organization', async () => {
      await declare(PROV, pat, 'globalAdmin');
      await organization(PROV, pat, northwind, 'provider');
      await declare(RES, rita, 'globalAdmin');
      const { token } = await partnershipLink();
      value(await service.acceptPartnership(token, { tenantId: RES, actor: rita }));
      expect((await service.relationships.get(PROV)).indirectResellers[0]).to.deep.include({ tenantId: RES, name: 'Contoso Ltd.' });
    });

    it('answers alreadyAccepted to the same tenant again and completes lists a crash left unwritten', async () => {
      await twoTenants();
      const { invitation, token } = await partnershipLink();
      // the crash: only the invitation record was written
      const written = await service.invitations.update(PROV, (r) =>
        acceptInvitation(
          r,
          { id: invitation.id, nonce: invitation.nonce, kind: 'partnership' },
          { by: rita, tenantId: RES, company: 'Contoso Ltd.' },
          clock.now,
        ),
      );
      expect(written.ok).to.equal(true);
      expect((await service.relationships.get(RES)).indirectProviders).to.deep.equal([]);
      later(60_000);
      const again = value(await service.acceptPartnership(token, { tenantId: RES, actor: rita }));
      expect(again.alreadyAccepted).to.equal(true);
      expect((await service.relationships.get(RES)).indirectProviders.map((p) => p.tenantId)).to.deep.equal([PROV]);
      expect((await service.relationships.get(PROV)).indirectResellers.map((p) => p.tenantId)).to.deep.equal([RES]);
      const third = value(await service.acceptPartnership(token, { tenantId: RES, actor: rita }));
      expect(third.alreadyAccepted).to.equal(true);
      expect((await service.relationships.get(PROV)).indirectResellers).to.have.length(1);
    });

    it('refuses another tenant reusing an accepted link (used)', async () => {
      await twoTenants();
      await declare(OTHER, olga, 'globalAdmin');
      const { token } = await partnershipLink();
      value(await service.acceptPartnership(token, { tenantId: RES, actor: rita }));
      const res = await service.acceptPartnership(token, { tenantId: OTHER, actor: olga });
      expect(res.ok).to.equal(false);
      if (!res.ok) expect(res.error).to.deep.include({ code: 'link', problem: 'used' });
      expect((await service.relationships.get(OTHER)).indirectProviders).to.deep.equal([]);
      expect((await service.relationships.get(PROV)).indirectResellers.map((p) => p.tenantId)).to.deep.equal([RES]);
    });

    it('lets exactly one of two tenants accepting at the same moment win', async () => {
      await twoTenants();
      await declare(OTHER, olga, 'globalAdmin');
      const { invitation, token } = await partnershipLink();
      storage.gateKey = service.invitations.key(PROV);
      const results = await Promise.all([
        service.acceptPartnership(token, { tenantId: RES, actor: rita }),
        service.acceptPartnership(token, { tenantId: OTHER, actor: olga }),
      ]);
      storage.gateKey = undefined;
      expect(storage.conflicts).to.be.greaterThan(0);
      const winners = results.filter((r) => r.ok);
      const losers = results.filter((r) => !r.ok);
      expect(winners).to.have.length(1);
      expect(losers).to.have.length(1);
      expect(losers[0]?.ok === false && losers[0].error).to.deep.equal({ code: 'notAllowedInState', state: 'accepted' });
      const winner = results[0]!.ok ? RES : OTHER;
      const loser = winner === RES ? OTHER : RES;
      expect((await service.get(PROV, invitation.id))?.accepted?.tenantId).to.equal(winner);
      expect((await service.relationships.get(PROV)).indirectResellers.map((p) => p.tenantId)).to.deep.equal([winner]);
      expect((await service.relationships.get(loser)).indirectProviders).to.deep.equal([]);
    });

    it('answers alreadyAccepted to the second of two same-tenant acceptances at the same moment (double click)', async () => {
      await twoTenants();
      const { invitation, token } = await partnershipLink();
      storage.gateKey = service.invitations.key(PROV);
      const results = await Promise.all([
        service.acceptPartnership(token, { tenantId: RES, actor: rita }),
        service.acceptPartnership(token, { tenantId: RES, actor: rita }),
      ]);
      storage.gateKey = undefined;
      expect(storage.conflicts).to.be.greaterThan(0);
      expect(results.map((r) => (r.ok ? r.alreadyAccepted : r.error.code)).sort()).to.deep.equal([false, true]);
      expect((await service.get(PROV, invitation.id))?.accepted?.tenantId).to.equal(RES);
      expect((await service.relationships.get(RES)).indirectProviders.map((p) => p.tenantId)).to.deep.equal([PROV]);
    });

    it('refuses a customer invitation link (wrongKind)', async () => {
      await partnered();
      const { token } = await customerLink('reseller');
      expect(await outcome(service.acceptPartnership(token, { tenantId: OTHER, actor: olga }))).to.deep.equal({
        ok: false,
        error: { code: 'wrongKind', kind: 'reseller' },
      });
    });
  });

  describe('acceptCustomer', () => {
    const badForms: Array<[string, Record<string, unknown>, object[]]> = [
      [
        'without the two ticks',
        { ...customerForm, globalAdmin: undefined, consent: undefined },
        [
          { field: 'globalAdmin', code: 'mustConfirm' },
          { field: 'consent', code: 'mustConfirm' },
        ],
      ],
      ['with a bad domain', { ...customerForm, domain: 'fabrikam' }, [{ field: 'domain', code: 'domainInvalid' }]],
      [
        'empty',
        {},
        ['company', 'domain', 'name', 'email']
          .map((field) => ({ field, code: 'required' }))
          .concat([
            { field: 'globalAdmin', code: 'mustConfirm' },
            { field: 'consent', code: 'mustConfirm' },
          ]),
      ],
    ];
    for (const [label, form, errors] of badForms) {
      it(`refuses a form ${label} (invalid) and stores nothing`, async () => {
        await partnered();
        const { invitation, token } = await customerLink();
        expect(await outcome(service.acceptCustomer(token, form))).to.deep.equal({ ok: false, error: { code: 'invalid', errors } });
        expect((await service.get(RES, invitation.id))?.status).to.equal('pending');
        expect((await service.relationships.get(RES)).customers).to.deep.equal([]);
        expect((await service.relationships.get(PROV)).customers).to.deep.equal([]);
      });
    }

    for (const purpose of ['new', 'moveDirect'] as const) {
      it(`adds the customer to the reseller (with the provider) and to the provider (with the reseller), purpose ${purpose}`, async () => {
        await partnered();
        const { invitation, token } = await customerLink('resellerAndProvider', purpose);
        later(3_600_000);
        const res = value(await service.acceptCustomer(token, { ...customerForm, domain: 'Fabrikam.com', email: 'Ivy@Fabrikam.com' }));
        expect(res.invitation.status).to.equal('accepted');
        expect(res.invitation.accepted).to.deep.equal({
          by: { id: 'customer:ivy@fabrikam.com', name: 'Ivy Admin' },
          company: 'Fabrikam',
          domain: 'fabrikam.com',
          email: 'ivy@fabrikam.com',
          at: clock.now.toISOString(),
        });
        const common = {
          domain: 'fabrikam.com',
          name: 'Fabrikam',
          email: 'ivy@fabrikam.com',
          relationship: 'resellerAndProvider',
          source: 'invitation',
          invitationId: invitation.id,
          since: clock.now.toISOString(),
          ...(purpose === 'moveDirect' ? { movedFromDirectBill: true } : {}),
        };
        expect((await service.relationships.get(RES)).customers).to.deep.equal([{ ...common, provider: northwind }]);
        expect((await service.relationships.get(PROV)).customers).to.deep.equal([{ ...common, reseller: contoso }]);
        const again = await service.acceptCustomer(token, customerForm);
        expect(again.ok).to.equal(false);
        if (!again.ok) expect(again.error).to.deep.include({ code: 'link', problem: 'used' });
      });
    }

    it('adds a reseller-only customer to the reseller alone', async () => {
      await partnered();
      const { token } = await customerLink('reseller');
      value(await service.acceptCustomer(token, customerForm));
      const customers = (await service.relationships.get(RES)).customers;
      expect(customers).to.have.length(1);
      expect(customers[0]).to.deep.include({ domain: 'fabrikam.com', relationship: 'reseller' });
      expect(customers[0]).to.not.have.property('provider');
      expect((await service.relationships.get(PROV)).customers).to.deep.equal([]);
    });

    it('refuses a partnership link (wrongKind)', async () => {
      await twoTenants();
      const { token } = await partnershipLink();
      expect(await outcome(service.acceptCustomer(token, customerForm))).to.deep.equal({ ok: false, error: { code: 'wrongKind', kind: 'partnership' } });
    });
  });

  describe('decline', () => {
    it('closes the invitation: the link then reports declined everywhere', async () => {
      await twoTenants();
      const { invitation, token } = await partnershipLink();
      const res = value(await service.decline(token, rita, RES));
      expect(res.invitation.status).to.equal('declined');
      expect(res.invitation.declined).to.deep.equal({ by: rita, at: clock.now.toISOString() });
      expect((await service.get(PROV, invitation.id))?.status).to.equal('declined');
      for (const attempt of [service.open(token), service.acceptPartnership(token, { tenantId: RES, actor: rita }), service.decline(token, rita, RES)]) {
        const r = await attempt;
        expect(r.ok).to.equal(false);
        if (!r.ok) expect(r.error).to.deep.include({ code: 'link', problem: 'declined' });
      }
      expect((await service.relationships.get(RES)).indirectProviders).to.deep.equal([]);
    });

    it('a partnership request is declined only by a global admin of another tenant', async () => {
      await twoTenants();
      const { invitation, token } = await partnershipLink();
      const helpdesk = { id: 'hal', name: 'Hal' };
      await declare(RES, helpdesk, 'helpdeskAgent');
      expect((await outcome(service.decline(token, helpdesk, RES))).ok === false && 'refused').to.equal('refused');
      const noTenant = await service.decline(token, rita);
      expect(noTenant.ok ? 'ok' : noTenant.error.code).to.equal('roleRequired');
      const own = await service.decline(token, rita, PROV);
      expect(own.ok ? 'ok' : own.error.code).to.equal('ownInvitation');
      expect((await service.get(PROV, invitation.id))?.status).to.equal('pending');
    });
  });

  describe('manage', () => {
    it('resend: the old link is replaced, the new one works and can be accepted', async () => {
      await twoTenants();
      const { invitation, token } = await partnershipLink();
      later(86_400_000);
      const resent = value(await service.manage(PROV, pat, invitation.id, 'resend'));
      expect(resent.invitation.resent?.count).to.equal(1);
      expect(resent.invitation.nonce).to.not.equal(invitation.nonce);
      expect(resent.link).to.not.equal(service.linkFor(invitation));
      const old = await service.open(token);
      expect(old.ok).to.equal(false);
      if (!old.ok) expect(old.error).to.deep.include({ code: 'link', problem: 'replaced' });
      const oldAccept = await service.acceptPartnership(token, { tenantId: RES, actor: rita });
      expect(oldAccept.ok).to.equal(false);
      expect((await service.get(PROV, invitation.id))?.status).to.equal('pending');
      expect(value(await service.open(tokenOf(resent.link))).invitation.id).to.equal(invitation.id);
      expect(value(await service.acceptPartnership(tokenOf(resent.link), { tenantId: RES, actor: rita })).alreadyAccepted).to.equal(false);
    });

    it("resend carries the sender's edited draft over with the new link", async () => {
      await twoTenants();
      const { invitation, link } = await partnershipLink();
      value(await service.saveDraft(PROV, invitation.id, `Hi Rita,\n\nplease accept: ${link}\n\nPat`));
      const resent = value(await service.manage(PROV, pat, invitation.id, 'resend'));
      expect(resent.invitation.draft).to.equal(`Hi Rita,\n\nplease accept: ${resent.link}\n\nPat`);
      expect((await service.get(PROV, invitation.id))?.draft).to.equal(resent.invitation.draft);
    });

    it('revoke: the link stops working', async () => {
      await twoTenants();
      const { invitation, token } = await partnershipLink();
      const res = value(await service.manage(PROV, pat, invitation.id, 'revoke'));
      expect(res.invitation.status).to.equal('revoked');
      const opened = await service.open(token);
      expect(opened.ok).to.equal(false);
      if (!opened.ok) expect(opened.error).to.deep.include({ code: 'link', problem: 'revoked' });
      expect(await outcome(service.manage(PROV, pat, invitation.id, 'resend'))).to.deep.equal({
        ok: false,
        error: { code: 'notAllowedInState', state: 'revoked' },
      });
    });

    it('refuses a stale card and a helpdesk agent', async () => {
      await twoTenants();
      await declare(PROV, hank, 'helpdeskAgent');
      const { invitation } = await partnershipLink();
      const revision = (await service.invitations.get(PROV)).revision;
      expect(await outcome(service.manage(PROV, pat, invitation.id, 'revoke', revision - 1))).to.deep.equal({ ok: false, error: { code: 'stale' } });
      const denied = await service.manage(PROV, hank, invitation.id, 'revoke');
      expect(denied.ok).to.equal(false);
      if (!denied.ok) expect(denied.error).to.deep.include({ code: 'roleRequired', action: 'requestPartnership' });
      expect((await service.get(PROV, invitation.id))?.status).to.equal('pending');
      expect(value(await service.manage(PROV, pat, invitation.id, 'revoke', revision)).invitation.status).to.equal('revoked');
    });
  });

  describe('tenant isolation', () => {
    it("another tenant cannot get, manage, draft or mark tenant A's invitation, and A's record is unchanged", async () => {
      await twoTenants();
      await declare(OTHER, olga, 'globalAdmin');
      await organization(OTHER, olga, { name: 'Tailspin', partnerId: '5555555' }, 'provider');
      const { invitation, link } = await partnershipLink();
      const before = await service.invitations.get(PROV);
      expect(await service.get(OTHER, invitation.id)).to.equal(undefined);
      expect(await outcome(service.manage(OTHER, olga, invitation.id, 'resend'))).to.deep.equal({ ok: false, error: { code: 'notFound' } });
      expect(await outcome(service.manage(OTHER, olga, invitation.id, 'revoke'))).to.deep.equal({ ok: false, error: { code: 'notFound' } });
      expect(await outcome(service.saveDraft(OTHER, invitation.id, `take over ${link}`))).to.deep.equal({ ok: false, error: { code: 'notFound' } });
      expect(await outcome(service.markSent(OTHER, olga, invitation.id))).to.deep.equal({ ok: false, error: { code: 'notFound' } });
      expect(await service.invitations.get(PROV)).to.deep.equal(before);
      expect(await storage.read([service.invitations.key(OTHER)])).to.deep.equal({});
    });
  });

  describe('accept-page sessions', () => {
    it('accepts only a session issued for the same invitation link, while it is valid', async () => {
      await twoTenants();
      const first = await partnershipLink();
      const second = await partnershipLink('someone@tailspin.com');
      const opened = value(await service.open(first.token));
      const openedSecond = value(await service.open(second.token));
      const url = new URL(service.acceptPageUrl(opened, { tenantId: RES, actor: rita }));
      expect(`${url.origin}${url.pathname}`).to.equal(first.link);
      const session = url.searchParams.get('session')!;
      expect(service.openSession(opened, session)).to.deep.equal({ tenantId: RES, userId: 'rita' });
      expect(service.openSession(openedSecond, session)).to.equal(undefined);
      expect(service.openSession(opened, first.token)).to.equal(undefined);
      expect(service.openSession(opened, undefined)).to.equal(undefined);
      expect(service.openSession(opened, 'garbage')).to.equal(undefined);
      later(ACCEPT_SESSION_MS - 1);
      expect(service.openSession(opened, session)).to.deep.equal({ tenantId: RES, userId: 'rita' });
      later(1);
      expect(service.openSession(opened, session)).to.equal(undefined);
    });

    it('refuses a session issued before a resend', async () => {
      await twoTenants();
      const { invitation, token } = await partnershipLink();
      const opened = value(await service.open(token));
      const session = new URL(service.acceptPageUrl(opened, { tenantId: RES, actor: rita })).searchParams.get('session')!;
      const resent = value(await service.manage(PROV, pat, invitation.id, 'resend'));
      const reopened = value(await service.open(tokenOf(resent.link)));
      expect(service.openSession(reopened, session)).to.equal(undefined);
    });
  });

  describe('saveDraft', () => {
    it('requires the personalized link and saves a draft that keeps it', async () => {
      await twoTenants();
      const { invitation, link } = await partnershipLink();
      expect(await outcome(service.saveDraft(PROV, invitation.id, 'Hi Rita, please accept.'))).to.deep.equal({
        ok: false,
        error: { code: 'invalid', errors: [{ field: 'draft', code: 'linkMissing' }] },
      });
      expect((await service.get(PROV, invitation.id))?.draft).to.equal(undefined);
      const saved = value(await service.saveDraft(PROV, invitation.id, `Hi Rita,\r\n${link}`));
      expect(saved.invitation.draft).to.equal(`Hi Rita,\n${link}`);
      expect(await outcome(service.saveDraft(PROV, 'unknown', link))).to.deep.equal({ ok: false, error: { code: 'notFound' } });
    });

    it('refuses a draft holding a link that a resend replaced while the draft was being saved', async () => {
      await twoTenants();
      const { invitation, link } = await partnershipLink();
      let resentLink = '';
      storage.afterNextRead(service.invitations.key(PROV), async () => {
        resentLink = value(await service.manage(PROV, pat, invitation.id, 'resend')).link;
      });
      const res = await outcome(service.saveDraft(PROV, invitation.id, `Hi Rita, ${link}`));
      expect(resentLink).to.not.equal('');
      expect(res).to.deep.equal({ ok: false, error: { code: 'invalid', errors: [{ field: 'draft', code: 'linkMissing' }] } });
      expect((await service.get(PROV, invitation.id))?.draft).to.equal(undefined);
      expect(value(await service.saveDraft(PROV, invitation.id, `Hi Rita, ${resentLink}`)).invitation.draft).to.equal(`Hi Rita, ${resentLink}`);
    });
  });

  describe('followUp', () => {
    it('refuses a helpdesk agent and an undeclared user (roleRequired)', async () => {
      await partnered();
      await declare(PROV, hank, 'helpdeskAgent');
      const input = { type: 'newCustomer' as const, resellerTenantId: RES, fields: { customer: 'Fabrikam', domain: 'fabrikam.com' } };
      expect(await outcome(service.followUp(PROV, hank, input))).to.deep.equal({
        ok: false,
        error: { code: 'roleRequired', action: 'providerFollowUp', role: 'helpdeskAgent', globalAdmins: ['Pat Provider'] },
      });
      expect(await outcome(service.followUp(PROV, nobody, input))).to.deep.equal({
        ok: false,
        error: { code: 'roleRequired', action: 'providerFollowUp', globalAdmins: ['Pat Provider'] },
      });
      expect((await service.relationships.get(PROV)).followUps).to.deep.equal([]);
    });

    it('refuses a reseller the provider has no partnership with (unknownReseller)', async () => {
      await partnered();
      expect(
        await outcome(service.followUp(PROV, pat, { type: 'newCustomer', resellerTenantId: OTHER, fields: { customer: 'Fabrikam', domain: 'fabrikam.com' } })),
      ).to.deep.equal({ ok: false, error: { code: 'unknownReseller' } });
    });

    it("adds a new customer to the provider's customers (with the reseller) and to the reseller's (with the provider)", async () => {
      await partnered();
      const revision = (await service.relationships.get(PROV)).revision;
      const res = value(
        await service.followUp(PROV, pat, { type: 'newCustomer', resellerTenantId: RES, fields: { customer: 'Fabrikam', domain: 'fabrikam.com' } }, revision),
      );
      expect(res.followUp).to.deep.include({ type: 'newCustomer', customer: 'Fabrikam', domain: 'fabrikam.com', reseller: contoso, by: pat });
      expect(res.record.revision).to.equal(revision + 1);
      const since = clock.now.toISOString();
      expect((await service.relationships.get(PROV)).customers).to.deep.equal([
        { domain: 'fabrikam.com', name: 'Fabrikam', relationship: 'resellerAndProvider', reseller: contoso, source: 'addedByProvider', since },
      ]);
      expect((await service.relationships.get(RES)).customers).to.deep.equal([
        { domain: 'fabrikam.com', name: 'Fabrikam', relationship: 'resellerAndProvider', provider: northwind, source: 'addedByProvider', since },
      ]);
      expect(
        await outcome(
          service.followUp(PROV, pat, { type: 'supportContact', resellerTenantId: RES, fields: { customer: 'Fabrikam', subscription: 's' } }, revision),
        ),
      ).to.deep.equal({ ok: false, error: { code: 'stale' } });
    });
  });
});
