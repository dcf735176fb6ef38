/**
 * The invitation pages through the real HTTP server (plain fetch, real lowdb store in a temp dir).
 * State is arranged through the real service: roles via the transition journey, organizations,
 * invitations, and a provider partnership accepted through the service.
 */
import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { startApp, type RunningApp } from '../../src/index.js';
import { loadConfig } from '../../src/config.js';
import { applyCommand, type Actor } from '../../src/domain/transition.js';
import type { PartnerRole } from '../../src/domain/roles.js';
import type { InvitationKind, InvitationPurpose } from '../../src/domain/invitations.js';
import { localeFrom } from '../../src/server/http/locale.js';
import { CSRF_COOKIE } from '../../src/server/invitationPages.js';

const PROVIDER = 'tenant-provider-fabrikam';
const RESELLER = 'tenant-reseller-contoso';
const provAdmin: Actor = { id: 'prov-admin', name: 'Pat Provider' };
const resAdmin: Actor = { id: 'res-admin', name: 'Rita Reseller' };
const resAgent: Actor = { id: 'res-agent', name: 'Sam Sales' };

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Fetched {
  status: number;
  html: string;
  headers: Headers;
  /** `name=value` of the CSRF cookie set by this response, if any. */
  cookie?: string;
  /** The CSRF token in the page's form, if any. */
  csrf?: string;
}

async function fetchPage(url: string, init: RequestInit = {}): Promise<Fetched> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const html = await res.text();
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  return { status: res.status, html, headers: res.headers, ...(set ? { cookie: set.split(';')[0] } : {}), ...(csrf ? { csrf } : {}) };
}

async function setRole(app: RunningApp, tenant: string, actor: Actor, role: PartnerRole): Promise<void> {
  const result = await app.transitions.update(tenant, (r) => applyCommand(r, { type: 'setRole', role }, actor, new Date()));
  if (!result.ok) throw new Error(`setRole failed: ${JSON.stringify(result.error)}`);
}

async function invite(
  app: RunningApp,
  tenant: string,
  actor: Actor,
  kind: InvitationKind,
  to: Record<string, string>,
  purpose: InvitationPurpose = 'new',
): Promise<{ id: string; link: string; token: string; path: string }> {
  const created = await app.invitations.create(tenant, actor, { kind, purpose, to });
  if (!created.ok) throw new Error(`create failed: ${JSON.stringify(created.error)}`);
  const url = new URL(created.link);
  return { id: created.invitation.id, link: created.link, token: url.pathname.split('/').pop()!, path: url.pathname };
}

/** The accept page URL the assistant hands a signed-in reseller user. */
async function sessionUrl(app: RunningApp, token: string, tenantId: string, actor: Actor): Promise<string> {
  const opened = await app.invitations.open(token);
  if (!opened.ok) throw new Error(`open failed: ${JSON.stringify(opened.error)}`);
  return app.invitations.acceptPageUrl(opened, { tenantId, actor });
}

/** Invitation and relationship records of the tenants involved, to prove a refused POST changed nothing. */
async function snapshot(app: RunningApp): Promise<string> {
  const parts = await Promise.all([
    app.invitations.invitations.get(PROVIDER),
    app.invitations.invitations.get(RESELLER),
    app.invitations.relationships.get(PROVIDER),
    app.invitations.relationships.get(RESELLER),
  ]);
  return JSON.stringify(parts);
}

async function statusOf(app: RunningApp, tenant: string, id: string): Promise<string | undefined> {
  return (await app.invitations.get(tenant, id))?.status;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the character references an HTML serializer writes (named and numeric). */
function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi, (whole, dec: string, hex: string, name: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (ENTITIES[name] ?? whole),
  );
}

/** Text content of the page, tags removed and entities of the escaper decoded (for readable assertions). */
function textOf(html: string): string {
  return decodeEntities(
    html
      .replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' '),
  );
}

function expectSecurityHeaders(page: Fetched): void {
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).to.include("default-src 'none'");
  expect(csp).to.match(/style-src 'nonce-[A-Za-z0-9+/=]+'/);
  expect(csp).to.match(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
  expect(csp).to.include("form-action 'self'");
  expect(csp).to.include("frame-ancestors 'none'");
  expect(csp).to.include("base-uri 'none'");
  expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
  expect(page.headers.get('cache-control')).to.equal('no-store');
  expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
  expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
  // every word came from the locale file: no raw keys, no unfilled placeholders
  expect(page.html).not.to.match(/\{\{|\bpages\.[a-z]/);
}

describe('invitation pages over HTTP', function () {
  this.timeout(20_000);

  let app: RunningApp;
  let dataDir: string;
  const logLines: string[] = [];
  /** Tokens and emails seen during the tests: none may appear in the logs. */
  const secrets: string[] = [];

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'invitation-pages-'));
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await startApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { logger: pino({ level: 'info' }, sink) });
    await setRole(app, PROVIDER, provAdmin, 'globalAdmin');
    await setRole(app, RESELLER, resAdmin, 'globalAdmin');
    await setRole(app, RESELLER, resAgent, 'adminAgent');
    expect((await app.invitations.setOrganization(PROVIDER, provAdmin, { name: 'Fabrikam Distribution', partnerId: '1234567', side: 'provider' })).ok).to.equal(
      true,
    );
    expect((await app.invitations.setOrganization(RESELLER, resAdmin, { name: 'Contoso Cloud & Co', partnerId: '7654321', side: 'reseller' })).ok).to.equal(
      true,
    );
    // the reseller's indirect provider, accepted through the service (needed for resellerAndProvider)
    const partnership = await invite(app, PROVIDER, provAdmin, 'partnership', { email: 'setup@contoso.example', company: 'Contoso' });
    expect((await app.invitations.acceptPartnership(partnership.token, { tenantId: RESELLER, actor: resAdmin })).ok).to.equal(true);
  });

  after(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('review page', () => {
    it('partnership, without a session: who asks, to whom, until when, what it grants, how to accept; no form', async () => {
      const inv = await invite(app, PROVIDER, provAdmin, 'partnership', { email: 'owner@northwind.example', name: 'Nina North', company: 'Northwind' });
      secrets.push(inv.token, 'owner@northwind.example');
      const page = await fetchPage(inv.link, { headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' } });
      expect(page.status).to.equal(200);
      expectSecurityHeaders(page);
      expect(page.html).to.match(/<html lang="en-US">/);
      expect(page.html).to.match(/<meta name="viewport" content="width=device-width/);
      const text = textOf(page.html);
      expect(text).to.include('Fabrikam Distribution wants to be your indirect provider');
      expect(text).to.include('PartnerID 1234567');
      expect(text).to.include('Nina North, Northwind');
      expect(text).to.include('owner@northwind.example');
      expect(text).to.match(/Link works until \w+day, \w+ \d{1,2}, \d{4} \(30 days left\)/);
      expect(text).to.include('place orders and add subscriptions for your customers');
      expect(text).to.include("admin access to your organization's Microsoft Entra ID tenant");
      expect(text).to.include('renamed Azure Active Directory to Microsoft Entra ID in 2023');
      expect(text).to.include('granular delegated admin privileges (GDAP)');
      expect(text).to.include('“I have an invitation”');
      expect(text).to.include('Microsoft Teams');
      expect(page.html).not.to.include('<form');
      expect(page.cookie, 'no CSRF cookie without a form').to.equal(undefined);
    });

    it('partnership, with a valid session: the signed-in tenant, one checkbox, Authorize and Decline; CSRF cookie set', async () => {
      const inv = await invite(app, PROVIDER, provAdmin, 'partnership', { email: 'admin@session.example' });
      const url = await sessionUrl(app, inv.token, RESELLER, resAdmin);
      const page = await fetchPage(url);
      expect(page.status).to.equal(200);
      expectSecurityHeaders(page);
      const text = textOf(page.html);
      expect(text).to.include("You're signed in through the assistant for Contoso Cloud & Co.");
      expect(text, 'the page names the organization, not a raw tenant ID').to.not.include(RESELLER);
      expect(page.html.match(/type="checkbox"/g)).to.have.length(1);
      expect(page.html).to.match(/<button type="submit" name="action" value="accept" class="primary">Authorize indirect provider<\/button>/);
      expect(page.html).to.match(/value="decline"[^>]*>Decline<\/button>/);
      expect(page.csrf).to.be.a('string');
      const setCookie = (await fetch(url)).headers.getSetCookie().join('\n');
      expect(setCookie).to.match(new RegExp(`^${CSRF_COOKIE}=[A-Za-z0-9_-]+; Path=/invitations; HttpOnly; SameSite=Strict$`, 'm'));
      const viaProxy = (await fetch(url, { headers: { 'x-forwarded-proto': 'https' } })).headers.getSetCookie().join('\n');
      expect(viaProxy).to.match(/; Secure/);
    });

    it('partnership, with a forged session: explains the sign-in is no longer valid; no form', async () => {
      const inv = await invite(app, PROVIDER, provAdmin, 'partnership', { email: 'forged@session.example' });
      const page = await fetchPage(`${inv.link}?session=${inv.token}`);
      expect(page.status).to.equal(200);
      expect(textOf(page.html)).to.include('sign-in for this page is no longer valid');
      expect(page.html).not.to.include('<form');
    });

    it('reseller invitation: the reseller, what it may do, the GDAP note, and the form prefilled from the invitation', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'reseller', { email: 'it@tailspin.example', company: 'Tailspin "Toys"', domain: 'tailspin.example' });
      const page = await fetchPage(inv.link);
      expect(page.status).to.equal(200);
      expectSecurityHeaders(page);
      const text = textOf(page.html);
      expect(text).to.include('Contoso Cloud & Co invites you to a reseller relationship');
      expect(text).to.include('PartnerID 7654321');
      expect(text).to.include('manage your subscriptions, licenses and users on your behalf');
      expect(text).to.include('GDAP');
      expect(text).not.to.include('Indirect provider');
      expect(page.html).to.include('value="Tailspin &quot;Toys&quot;"');
      expect(page.html).to.include('value="tailspin.example"');
      expect(page.html).to.include('value="it@tailspin.example"');
      expect(page.html, 'an empty value (the renderer writes `value=""` as `value`)').to.match(/id="f-name" name="name" value(="")? /);
      expect(text).to.include("I'm a global admin of this organization.");
      expect(page.html).to.match(/value="accept" class="primary">Accept and authorize</);
      expect(page.cookie).to.match(new RegExp(`^${CSRF_COOKIE}=`));
    });

    it('reseller and provider invitation: both partners and what each may do', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'resellerAndProvider', { email: 'it@litware.example', company: 'Litware', domain: 'litware.example' });
      const text = textOf((await fetchPage(inv.link)).html);
      expect(text).to.include('Contoso Cloud & Co and Fabrikam Distribution invite you to a reseller relationship');
      expect(text).to.include('Indirect provider Fabrikam Distribution PartnerID 1234567');
      expect(text).to.include('Fabrikam Distribution may submit orders for new subscriptions and extra licenses on your behalf');
      expect(text).to.include('I authorize Contoso Cloud & Co and Fabrikam Distribution as described on this page.');
    });

    it('moving a direct bill customer: says the customer stays with the same reseller and the provider now orders', async () => {
      const inv = await invite(
        app,
        RESELLER,
        resAdmin,
        'resellerAndProvider',
        { email: 'it@adatum.example', company: 'Adatum', domain: 'adatum.example' },
        'moveDirect',
      );
      const text = textOf((await fetchPage(inv.link)).html);
      expect(text).to.include('Contoso Cloud & Co is moving your Microsoft cloud services to Fabrikam Distribution');
      expect(text).to.include('Contoso Cloud & Co remains your reseller');
      expect(text).to.include('Fabrikam Distribution now places the orders for new subscriptions and licenses');
    });
  });

  describe('link problems (nothing changes)', () => {
    it('a tampered token is 404 with a clear page', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'reseller', { email: 'a@tamper.example', company: 'Tamper', domain: 'tamper.example' });
      const i = inv.token.length - 5;
      const flipped = inv.token.slice(0, i) + (inv.token[i] === 'A' ? 'B' : 'A') + inv.token.slice(i + 1);
      const before = await snapshot(app);
      const page = await fetchPage(`${app.url}/invitations/${flipped}`);
      expect(page.status).to.equal(404);
      expectSecurityHeaders(page);
      expect(textOf(page.html)).to.include("This invitation link isn't valid");
      expect((await fetchPage(`${app.url}/invitations/not-a-token`)).status).to.equal(404);
      expect((await fetchPage(`${app.url}/invitations/a/b`)).status).to.equal(404);
      expect(await snapshot(app)).to.equal(before);
    });

    it('a revoked invitation is 410', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'reseller', { email: 'a@revoke.example', company: 'Revoke', domain: 'revoke.example' });
      expect((await app.invitations.manage(RESELLER, resAdmin, inv.id, 'revoke')).ok).to.equal(true);
      const page = await fetchPage(inv.link);
      expect(page.status).to.equal(410);
      expect(textOf(page.html)).to.include('This invitation was withdrawn');
      expect(textOf(page.html)).to.include('Contoso Cloud & Co withdrew it on');
    });

    it('a link replaced by a resend is 410; the new link works', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'reseller', { email: 'a@resend.example', company: 'Resend', domain: 'resend.example' });
      const resent = await app.invitations.manage(RESELLER, resAdmin, inv.id, 'resend');
      if (!resent.ok) throw new Error('resend failed');
      const old = await fetchPage(inv.link);
      expect(old.status).to.equal(410);
      expect(textOf(old.html)).to.include('A newer link replaced this one');
      expect(textOf(old.html)).to.include('Contoso Cloud & Co sent the invitation again');
      expect((await fetchPage(resent.link)).status).to.equal(200);
    });

    it('an expired link is 410 and asks for a resend (app with a clock moved past 30 days)', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'invitation-pages-clock-'));
      let now = Date.now();
      const clocked = await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }), { clock: () => new Date(now) });
      try {
        await setRole(clocked, RESELLER, resAdmin, 'globalAdmin');
        await clocked.invitations.setOrganization(RESELLER, resAdmin, { name: 'Contoso Cloud & Co', side: 'reseller' });
        const inv = await invite(clocked, RESELLER, resAdmin, 'reseller', { email: 'a@expired.example', company: 'Expired', domain: 'expired.example' });
        expect((await fetchPage(inv.link)).status).to.equal(200);
        now += 31 * 86_400_000;
        const page = await fetchPage(inv.link);
        expect(page.status).to.equal(410);
        expectSecurityHeaders(page);
        expect(textOf(page.html)).to.include('This invitation link has expired');
        expect(textOf(page.html)).to.match(/resend it/);
        expect((await clocked.invitations.get(RESELLER, inv.id))?.status).to.equal('pending');
      } finally {
        await clocked.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('POST: CSRF', () => {
    it('refuses a missing or wrong CSRF token, or a missing cookie, with 403; the store is unchanged', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'reseller', { email: 'a@csrf.example', company: 'Csrf', domain: 'csrf.example' });
      const page = await fetchPage(inv.link);
      const good = { action: 'accept', company: 'Csrf', domain: 'csrf.example', name: 'Cee Admin', email: 'a@csrf.example', globalAdmin: 'on', consent: 'on' };
      const before = await snapshot(app);
      const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
        ['no token', good, { cookie: page.cookie! }],
        ['wrong token', { ...good, csrf: 'AAAAAAAA-wrongwrongwrongwrongwrongwrong' }, { cookie: page.cookie! }],
        ['no cookie', { ...good, csrf: page.csrf! }, {}],
        ['cookie of another browser', { ...good, csrf: page.csrf! }, { cookie: `${CSRF_COOKIE}=${'x'.repeat(24)}` }],
      ];
      for (const [why, body, headers] of attempts) {
        const res = await fetchPage(inv.link, { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams(body).toString() });
        expect(res.status, why).to.equal(403);
        expectSecurityHeaders(res);
        expect(textOf(res.html), why).to.include("This form can't be sent");
      }
      expect(await snapshot(app)).to.equal(before);
      expect(await statusOf(app, RESELLER, inv.id)).to.equal('pending');
    });

    it('refuses a body with an unknown action or an over-long field with 400; nothing changes', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'reseller', { email: 'a@badform.example', company: 'Bad', domain: 'badform.example' });
      const page = await fetchPage(inv.link);
      const before = await snapshot(app);
      const bodies: Record<string, string>[] = [
        { action: 'approve' },
        { action: 'accept', company: 'x'.repeat(1001) },
        { action: 'accept', extra: 'y'.repeat(1001) },
      ];
      for (const body of bodies) {
        const res = await fetchPage(inv.link, {
          method: 'POST',
          headers: { ...FORM, cookie: page.cookie! },
          body: new URLSearchParams({ ...body, csrf: page.csrf! }).toString(),
        });
        expect(res.status).to.equal(400);
      }
      expect(await snapshot(app)).to.equal(before);
    });
  });

  describe('POST: customer invitations', () => {
    it('bad fields: 422, a localized message next to each field, the typed values kept, nothing stored', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'reseller', {
        email: 'it@fourthcoffee.example',
        company: 'Fourth Coffee',
        domain: 'fourthcoffee.example',
      });
      const page = await fetchPage(inv.link);
      const before = await snapshot(app);
      const typed = {
        action: 'accept',
        csrf: page.csrf!,
        company: '<Fourth & Coffee>',
        domain: 'not a domain',
        name: '',
        email: 'nobody-at-example',
        consent: 'on',
      };
      const res = await fetchPage(inv.link, { method: 'POST', headers: { ...FORM, cookie: page.cookie! }, body: new URLSearchParams(typed).toString() });
      expect(res.status).to.equal(422);
      expectSecurityHeaders(res);
      const text = textOf(res.html);
      expect(text).to.include('Please check these fields');
      expect(res.html).to.match(/id="f-domain-error">That doesn't look like a domain/);
      expect(res.html).to.match(/id="f-name-error">Enter your name\./);
      expect(res.html).to.match(/id="f-email-error">Enter a complete work email address/);
      expect(res.html).to.match(/id="f-globalAdmin-error">Only a global admin of your organization can accept/);
      expect(res.html).not.to.include('id="f-company-error"');
      expect(res.html).not.to.include('id="f-consent-error"');
      // typed values kept (escaped), the ticked box stays ticked
      expect(res.html).to.include('value="&lt;Fourth &amp; Coffee>"');
      expect(res.html).to.include('value="not a domain"');
      expect(res.html).to.include('value="nobody-at-example"');
      expect(res.html).to.match(/id="f-consent" name="consent" value="on" checked/);
      expect(res.html).to.match(/id="f-globalAdmin" name="globalAdmin" value="on" required/);
      expect(await snapshot(app)).to.equal(before);
    });

    it('accepting a reseller and provider invitation updates both sides; the same link again is 410 "already accepted"', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'resellerAndProvider', { email: 'it@wingtip.example', company: 'Wingtip', domain: 'wingtip.example' });
      secrets.push(inv.token, 'it@wingtip.example', 'ada@wingtip.example');
      const page = await fetchPage(inv.link);
      const body = {
        action: 'accept',
        csrf: page.csrf!,
        company: 'Wingtip Toys',
        domain: 'wingtip.example',
        name: 'Ada Wing',
        email: 'ada@wingtip.example',
        globalAdmin: 'on',
        consent: 'on',
      };
      const res = await fetchPage(inv.link, { method: 'POST', headers: { ...FORM, cookie: page.cookie! }, body: new URLSearchParams(body).toString() });
      expect(res.status).to.equal(200);
      expectSecurityHeaders(res);
      expect(textOf(res.html)).to.include("You've authorized Contoso Cloud & Co and Fabrikam Distribution");

      const reseller = await app.invitations.relationships.get(RESELLER);
      const provider = await app.invitations.relationships.get(PROVIDER);
      const atReseller = reseller.customers.find((c) => c.domain === 'wingtip.example');
      const atProvider = provider.customers.find((c) => c.domain === 'wingtip.example');
      expect(atReseller).to.include({ name: 'Wingtip Toys', relationship: 'resellerAndProvider', source: 'invitation' });
      expect(atReseller?.provider?.tenantId).to.equal(PROVIDER);
      expect(atProvider).to.include({ name: 'Wingtip Toys', relationship: 'resellerAndProvider' });
      expect(atProvider?.reseller?.tenantId).to.equal(RESELLER);
      expect(await statusOf(app, RESELLER, inv.id)).to.equal('accepted');

      const again = await fetchPage(inv.link);
      expect(again.status).to.equal(410);
      expect(textOf(again.html)).to.include('This invitation was already accepted');
      expect(textOf(again.html)).to.match(/accepted by Ada Wing \(Wingtip Toys\) on \w+ \d{1,2}, \d{4}/);
      const before = await snapshot(app);
      const replay = await fetchPage(inv.link, {
        method: 'POST',
        headers: { ...FORM, cookie: page.cookie! },
        body: new URLSearchParams({ ...body, csrf: page.csrf! }).toString(),
      });
      expect(replay.status).to.equal(410);
      expect(await snapshot(app)).to.equal(before);
    });

    it('declining closes the invitation; the link then shows "declined" (410)', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'reseller', { email: 'it@proseware.example', company: 'Proseware', domain: 'proseware.example' });
      const page = await fetchPage(inv.link);
      const res = await fetchPage(inv.link, {
        method: 'POST',
        headers: { ...FORM, cookie: page.cookie! },
        body: new URLSearchParams({ action: 'decline', csrf: page.csrf! }).toString(),
      });
      expect(res.status).to.equal(200);
      expect(textOf(res.html)).to.include('You declined the invitation');
      expect(textOf(res.html)).to.include('The invitation from Contoso Cloud & Co is closed');
      expect(await statusOf(app, RESELLER, inv.id)).to.equal('declined');
      const after = await fetchPage(inv.link);
      expect(after.status).to.equal(410);
      expect(textOf(after.html)).to.include('This invitation was declined');
    });
  });

  describe('POST: partnership invitations', () => {
    async function formFor(inv: { token: string }, actor: Actor) {
      const url = await sessionUrl(app, inv.token, RESELLER, actor);
      const page = await fetchPage(url);
      const session = new URL(url).searchParams.get('session')!;
      secrets.push(session);
      return { page, session };
    }

    it('without a session: 403, nothing changes', async () => {
      const inv = await invite(app, PROVIDER, provAdmin, 'partnership', { email: 'nosession@woodgrove.example' });
      const { page } = await formFor(inv, resAdmin);
      const before = await snapshot(app);
      const extras: Record<string, string>[] = [{}, { session: 'forged.session' }, { session: inv.token }];
      for (const extra of extras) {
        const res = await fetchPage(inv.link, {
          method: 'POST',
          headers: { ...FORM, cookie: page.cookie! },
          body: new URLSearchParams({ action: 'accept', csrf: page.csrf!, understood: 'on', ...extra }).toString(),
        });
        expect(res.status).to.equal(403);
        expect(textOf(res.html)).to.include('Sign in through the assistant first');
        expect(textOf(res.html)).to.include('“I have an invitation”');
      }
      expect(await snapshot(app)).to.equal(before);
    });

    it("a session of a user who isn't a global admin: 403 naming the tenant's global admins, nothing changes", async () => {
      const inv = await invite(app, PROVIDER, provAdmin, 'partnership', { email: 'agent@tailspin.example' });
      const { page, session } = await formFor(inv, resAgent);
      const before = await snapshot(app);
      const res = await fetchPage(inv.link, {
        method: 'POST',
        headers: { ...FORM, cookie: page.cookie! },
        body: new URLSearchParams({ action: 'accept', csrf: page.csrf!, session, understood: 'on' }).toString(),
      });
      expect(res.status).to.equal(403);
      expectSecurityHeaders(res);
      const text = textOf(res.html);
      expect(text).to.include('Only a global admin can authorize an indirect provider');
      expect(text).to.include("Your organization's global admins: Rita Reseller.");
      expect(await snapshot(app)).to.equal(before);
    });

    it('the box unticked: 422 with the message, nothing changes; ticked: the provider is the indirect provider on both sides', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'invitation-pages-partner-'));
      const fresh = await startApp(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }));
      try {
        await setRole(fresh, PROVIDER, provAdmin, 'globalAdmin');
        await setRole(fresh, RESELLER, resAdmin, 'globalAdmin');
        await fresh.invitations.setOrganization(PROVIDER, provAdmin, { name: 'Fabrikam Distribution', side: 'provider' });
        const inv = await invite(fresh, PROVIDER, provAdmin, 'partnership', { email: 'admin@contoso.example' });
        const url = await sessionUrl(fresh, inv.token, RESELLER, resAdmin);
        const session = new URL(url).searchParams.get('session')!;
        const page = await fetchPage(url);
        const post = (extra: Record<string, string>) =>
          fetchPage(inv.link, {
            method: 'POST',
            headers: { ...FORM, cookie: page.cookie! },
            body: new URLSearchParams({ action: 'accept', csrf: page.csrf!, session, ...extra }).toString(),
          });

        const unticked = await post({});
        expect(unticked.status).to.equal(422);
        expect(unticked.html).to.match(/id="f-understood-error">Tick this box to confirm/);
        expect(await statusOf(fresh, PROVIDER, inv.id)).to.equal('pending');

        const res = await post({ understood: 'on' });
        expect(res.status).to.equal(200);
        const text = textOf(res.html);
        expect(text).to.include('Fabrikam Distribution is now your indirect provider');
        expect(text).to.include('list of indirect providers');
        expect((await fresh.invitations.relationships.get(RESELLER)).indirectProviders.map((p) => p.tenantId)).to.deep.equal([PROVIDER]);
        expect((await fresh.invitations.relationships.get(PROVIDER)).indirectResellers.map((p) => p.tenantId)).to.deep.equal([RESELLER]);
      } finally {
        await fresh.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('declining with a session closes the invitation', async () => {
      const inv = await invite(app, PROVIDER, provAdmin, 'partnership', { email: 'decline@litware.example' });
      const { page, session } = await formFor(inv, resAdmin);
      const res = await fetchPage(inv.link, {
        method: 'POST',
        headers: { ...FORM, cookie: page.cookie! },
        body: new URLSearchParams({ action: 'decline', csrf: page.csrf!, session }).toString(),
      });
      expect(res.status).to.equal(200);
      expect(textOf(res.html)).to.include('The invitation from Fabrikam Distribution is closed');
      expect(await statusOf(app, PROVIDER, inv.id)).to.equal('declined');
    });
  });

  describe("sender's copy page", () => {
    it('shows the recipient, subject, the body with the personalized link, a copy button with a nonce script, and a mailto link', async () => {
      const created = await app.invitations.create(RESELLER, resAdmin, {
        kind: 'reseller',
        purpose: 'new',
        to: { email: 'it@draft.example', name: 'Dee', company: 'Draft Co', domain: 'draft.example' },
      });
      if (!created.ok) throw new Error('create failed');
      const page = await fetchPage(app.invitations.draftPageUrl(created.invitation));
      expect(page.status).to.equal(200);
      expectSecurityHeaders(page);
      const text = textOf(page.html);
      expect(text).to.include('Your invitation email');
      expect(text).to.include('it@draft.example');
      expect(text).to.include('Contoso Cloud & Co invites you to a reseller relationship');
      expect(page.html).to.match(new RegExp(`<textarea id="draft-body" readonly[^>]*>[^<]*${created.link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(page.html).to.match(/<a class="button secondary" id="mailto" href="mailto:it@draft\.example\?subject=[^"]+&amp;body=[^"]+">Open in email<\/a>/);
      expect(page.html).to.match(/<button type="button" id="copy" class="primary" hidden>Copy to clipboard<\/button>/);
      const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers.get('content-security-policy')!)![1]!;
      const script = new RegExp(`<script src="(/assets/copyDraft-[A-Z0-9]+\\.js)" nonce="${nonce.replace(/[+/=]/g, '\\$&')}" defer></script>`).exec(page.html);
      expect(script, 'the copy script, from /assets with the nonce').to.not.equal(null);
      expect(await (await fetch(`${app.url}${script![1]}`)).text()).to.include('navigator.clipboard.writeText');
      expect(page.html).to.include('data-copied="Copied.');
    });

    it('refuses an invalid copy page token (404) and an invitation link used as one (404)', async () => {
      const inv = await invite(app, RESELLER, resAdmin, 'reseller', { email: 'it@draft2.example', company: 'Draft2', domain: 'draft2.example' });
      for (const token of ['garbage', inv.token]) {
        const page = await fetchPage(`${app.url}/invitations/draft/${token}`);
        expect(page.status).to.equal(404);
        expectSecurityHeaders(page);
        expect(textOf(page.html)).to.include("This copy page link isn't valid");
      }
    });
  });

  it('picks the page locale from Accept-Language by q-value, among en-US, de-DE, ru-RU and zh-TW', () => {
    expect(localeFrom(undefined)).to.equal('en-US');
    expect(localeFrom('zh-TW,zh;q=0.9')).to.equal('zh-TW');
    expect(localeFrom('fr;q=0.2, en-GB;q=0.8')).to.equal('en-US');
    expect(localeFrom('fr, de-AT;q=0.7, ru;q=0.9')).to.equal('ru-RU');
    expect(localeFrom('fr-FR, it')).to.equal('en-US');
  });

  // a nested suite runs after the ones above (mocha runs a suite's own tests first)
  describe('logging', () => {
    it('never logs tokens or emails; logs carry the invitation id and an outcome', () => {
      const pageLines = logLines.filter((l) => l.includes('"invitation page"'));
      expect(pageLines.length).to.be.greaterThan(10);
      for (const line of logLines) for (const secret of secrets) expect(line).not.to.include(secret);
      expect(pageLines.every((l) => /"outcome":"[a-zA-Z.]+"/.test(l))).to.equal(true);
      expect(pageLines.some((l) => /"invitationId":"[A-Za-z0-9_-]+","outcome":"post.accepted"/.test(l))).to.equal(true);
    });
  });
});
