/**
 * Every page renders untrusted text inert, in every language (the HTML-level matrix; the Chromium
 * pass is test/e2e/pagesEscaping.test.ts). A company name, contact name, email and organization
 * names carry each payload; each page is rendered by the same code the routes use, from data
 * that never went through validation (so the pages do not rely on it), and checked: no element
 * outside the pages' own, no event-handler attribute, scripts only from /assets or /webchat, every
 * textarea closed by itself, and the tainted text shown literally.
 */
import { h } from 'preact';
import { expect } from 'chai';
import type { Invitation, InvitationKind } from '../../src/domain/invitations.js';
import { SUPPORTED_LOCALES, translator, type SupportedLocale } from '../../src/i18n/index.js';
import type { InvitationService, OpenedLink, ServiceError } from '../../src/invitations/invitationService.js';
import type { AssetUrls } from '../../src/server/assets/serve.js';
import { renderDocument } from '../../src/server/http/html.js';
import { postCustomer, postPartnership, reopenButton, type InvitationForm } from '../../src/server/invitationActions.js';
import { customerAcceptedPage, customerPage, customerPrefill } from '../../src/server/pages/customerPage.js';
import { draftPage } from '../../src/server/pages/draftPage.js';
import { renderInvitationPage } from '../../src/server/pages/layout.js';
import { conflictPage, declinedPage, linkProblemPage, messagePage } from '../../src/server/pages/messagePages.js';
import { partnershipAcceptedPage, partnershipPage } from '../../src/server/pages/partnershipPage.js';
import type { Page, PageContext } from '../../src/server/pages/types.js';
import { WebChatDocument } from '../../src/server/pages/webChatPage.js';
import { expectInert, textOf, XSS_PAYLOADS } from '../support/htmlInert.js';

const ASSETS: AssetUrls = { url: (name) => `/assets/${name.replace('.', '-TEST.')}` };
const NOW = new Date('2026-11-20T10:00:00Z');
const AT = '2026-11-19T09:00:00.000Z';
const TOKEN = 'eyJ2IjoxfQ.c2lnbmF0dXJl';
const noLog = () => undefined;

/** The tainted values of one payload. */
function taint(p: string) {
  return {
    company: `Contoso ${p}`,
    name: `Ada ${p}`,
    email: `${p}@contoso.example`,
    sender: `Fabrikam ${p}`,
    provider: `Litware ${p}`,
    actor: `Pat ${p}`,
    organization: `Northwind ${p}`,
  };
}
type Tainted = ReturnType<typeof taint>;

function invitation(kind: InvitationKind, v: Tainted, extra: Partial<Invitation> = {}): Invitation {
  return {
    id: 'inv-1',
    kind,
    purpose: 'new',
    from: { tenantId: 'tenant-from', name: v.sender, partnerId: '1234567' },
    ...(kind === 'resellerAndProvider' ? { provider: { tenantId: 'tenant-provider', name: v.provider } } : {}),
    to: { email: v.email, name: v.name, company: v.company, domain: 'contoso.example' },
    nonce: 'n1',
    status: 'pending',
    created: { by: { id: 'u1', name: v.actor }, at: AT },
    expiresAt: '2026-12-19T09:00:00.000Z',
    ...extra,
  };
}

const opened = (inv: Invitation): OpenedLink => ({ invitation: inv, token: TOKEN, claims: {} as OpenedLink['claims'] });

function context(locale: SupportedLocale): PageContext {
  return {
    t: translator(locale),
    now: NOW,
    links: { webChat: 'https://assistant.contoso.example/?lang=en-US', teams: 'https://teams.microsoft.com/l/app/x' },
    csrfToken: () => 'csrf-token',
  };
}

/** An InvitationService stand-in answering the calls the POST handlers make, with tainted data. */
function service(v: Tainted, answers: { accept?: ServiceError; session?: boolean } = {}): InvitationService {
  const fail = (error: ServiceError) => ({ ok: false as const, error });
  const stub = {
    openSession: () => (answers.session === false ? undefined : { tenantId: 'tenant-reseller', userId: 'u2' }),
    organizationName: async () => v.organization,
    decline: async () => ({ ok: true }),
    acceptPartnership: async () =>
      answers.accept
        ? fail(answers.accept)
        : {
            ok: true,
            invitation: invitation('partnership', v, { status: 'accepted', accepted: { by: { id: 'u2', name: v.name }, at: AT, company: v.company } }),
          },
    acceptCustomer: async () =>
      answers.accept ? fail(answers.accept) : { ok: true, invitation: invitation('resellerAndProvider', v, { status: 'accepted' }) },
    open: async () =>
      fail({
        code: 'link',
        problem: 'used',
        invitation: invitation('reseller', v, { accepted: { by: { id: 'c', name: v.name }, at: AT, company: v.company } }),
      }),
  };
  return stub as unknown as InvitationService;
}

const form = (v: Tainted, extra: Partial<InvitationForm>): InvitationForm => ({
  action: 'accept',
  company: v.company,
  name: v.name,
  email: v.email,
  domain: 'not a domain',
  ...extra,
});

/** Every invitation page, by name, for one locale and payload. */
async function invitationPages(ctx: PageContext, v: Tainted): Promise<Array<[string, Page]>> {
  const partnership = opened(invitation('partnership', v));
  const customer = opened(invitation('reseller', v));
  const moving = opened(invitation('resellerAndProvider', v, { purpose: 'moveDirect' }));
  const signedIn = { tenantId: 'tenant-reseller', userId: 'u2', token: TOKEN, organization: v.organization };
  const pages: Array<[string, Page]> = [
    ['partnership, public', partnershipPage(ctx, partnership, { sessionGiven: false, signedIn: undefined })],
    ['partnership, stale session', partnershipPage(ctx, partnership, { sessionGiven: true, signedIn: undefined })],
    ['partnership, signed in', partnershipPage(ctx, partnership, { sessionGiven: true, signedIn })],
    ['partnership, 422', await postPartnership(ctx, service(v), partnership, form(v, { session: TOKEN }), noLog)],
    [
      'partnership, 403 session required',
      await postPartnership(ctx, service(v, { session: false }), partnership, form(v, { session: TOKEN, understood: 'on' }), noLog),
    ],
    [
      'partnership, 403 role required',
      await postPartnership(
        ctx,
        service(v, { accept: { code: 'roleRequired', action: 'acceptPartnership' as never, globalAdmins: [v.name, v.actor] } }),
        partnership,
        form(v, { session: TOKEN, understood: 'on' }),
        noLog,
      ),
    ],
    [
      'partnership, 403 roles verified in Microsoft Entra ID',
      await postPartnership(
        ctx,
        service(v, { accept: { code: 'roleRequired', action: 'acceptPartnership' as never, verified: true, globalAdmins: [] } }),
        partnership,
        form(v, { session: TOKEN, understood: 'on' }),
        noLog,
      ),
    ],
    [
      'partnership, 409',
      await postPartnership(ctx, service(v, { accept: { code: 'stale' } }), partnership, form(v, { session: TOKEN, understood: 'on' }), noLog),
    ],
    [
      'partnership, accepted',
      partnershipAcceptedPage(ctx, invitation('partnership', v, { accepted: { by: { id: 'u2', name: v.name }, at: AT, company: v.company } })),
    ],
    ['customer, public', customerPage(ctx, customer, customerPrefill(customer.invitation))],
    ['customer, moving, with provider', customerPage(ctx, moving, customerPrefill(moving.invitation))],
    [
      'customer, 422 with the typed values',
      await postCustomer(
        ctx,
        service(v, {
          accept: {
            code: 'invalid',
            errors: [
              { field: 'domain', code: 'domainInvalid' },
              { field: 'email', code: 'emailInvalid' },
            ],
          },
        }),
        customer,
        form(v, {}),
        noLog,
      ),
    ],
    ['customer, accepted', customerAcceptedPage(ctx, invitation('resellerAndProvider', v))],
    ['customer, declined', await postCustomer(ctx, service(v), customer, form(v, { action: 'decline' }), noLog)],
    ['declined', declinedPage(ctx, customer.invitation)],
    ['draft (copy page)', draftPage(ctx, invitation('resellerAndProvider', v), `https://assistant.contoso.example/invitations/${TOKEN}`)],
    ['403 CSRF', messagePage(ctx, 403, 'pages.csrf.title', [ctx.t('pages.csrf.text')], reopenButton(ctx, TOKEN, { session: v.name }))],
    ['409 conflict', conflictPage(ctx, TOKEN)],
    ['500', messagePage(ctx, 500, 'pages.failure.title', [ctx.t('pages.failure.text')])],
  ];
  for (const problem of ['expired', 'replaced', 'revoked', 'used', 'declined', 'badSignature'] as const) {
    const inv = invitation('reseller', v, {
      accepted: { by: { id: 'c', name: v.name }, at: AT, company: v.company },
      declined: { by: { id: 'c', name: v.name }, at: AT },
      revoked: { by: { id: 'u1', name: v.actor }, at: AT },
    });
    const error: ServiceError = { code: 'link', problem, invitation: inv };
    pages.push([`410/404 ${problem}`, linkProblemPage(ctx, error, 'invite')], [`410/404 ${problem}, copy page`, linkProblemPage(ctx, error, 'draft')]);
  }
  return pages;
}

/** What a page must show literally (the values it displays). */
function shownOn(name: string, v: Tainted): string[] {
  if (/403 CSRF|409|500|410\/404 (badSignature|expired|replaced)|copy page$/.test(name)) return [];
  if (/accepted|declined|410\/404/.test(name)) return [v.sender];
  if (/403 session required|roles verified/.test(name)) return [];
  if (/role required/.test(name)) return [v.name, v.actor];
  if (/signed in|partnership, 422/.test(name)) return [v.sender, v.organization];
  if (/^draft/.test(name)) return [v.email, v.actor, v.company];
  return [v.sender, v.company, v.name, v.email];
}

describe('pages render names and emails inert in every language (HTML matrix)', () => {
  for (const locale of SUPPORTED_LOCALES) {
    describe(locale, () => {
      it(`invitation pages: ${XSS_PAYLOADS.length} payloads in company, contact, email and organization names`, async () => {
        let checked = 0;
        for (const payload of XSS_PAYLOADS) {
          const v = taint(payload);
          for (const [name, page] of await invitationPages(context(locale), v)) {
            const html = renderInvitationPage(translator(locale), page, 'bm9uY2U=', ASSETS);
            expect(html, name).to.match(new RegExp(`<html lang="${locale}">`));
            expectInert(html, `${locale} ${name} ${payload}`, { shown: shownOn(name, v), scriptPrefixes: ['/assets/'] });
            // connected mode: the refusal says the role was read from Microsoft Entra ID, not "tell the assistant your role"
            if (name.includes('roles verified')) expect(textOf(html)).to.include(translator(locale)('pages.roleRequired.textVerified'));
            checked++;
          }
        }
        expect(checked).to.equal(XSS_PAYLOADS.length * 31);
      });

      it('Web Chat page: a theme carrying the payloads (never validated here) stays inside its attribute', () => {
        for (const payload of XSS_PAYLOADS) {
          const html = renderDocument(
            h(WebChatDocument, {
              t: translator(locale),
              mode: 'dev',
              nonce: 'bm9uY2U=',
              theme: { accent: `#0B5CAD${payload}`, avatarInitials: payload, avatarImage: `https://x.example/${payload}` },
              directLineDomain: `https://directline.example/${payload}`,
              scripts: { webChat: '/webchat/webchat.js?v=4', app: '/assets/webchat-TEST.js', stylesheet: '/assets/webchat-TEST.css' },
            }),
          );
          expectInert(html, `${locale} Web Chat ${payload}`, { shown: [payload], scriptPrefixes: ['/assets/', '/webchat/'] });
          const config = JSON.parse(
            / data-config="([^"]*)"/
              .exec(html)![1]!
              .replace(/&quot;/g, '"')
              .replace(/&lt;/g, '<')
              .replace(/&amp;/g, '&'),
          ) as { theme: { avatarInitials: string } };
          expect(config.theme.avatarInitials).to.equal(payload);
        }
      });
    });
  }
});

describe('the HTML inertness check itself', () => {
  const page = (body: string) => `<!doctype html>\n<html lang="en-US"><head><title>t</title></head><body><main>${body}</main></body></html>`;
  it('passes escaped payloads and fails each way markup can get in', () => {
    expectInert(
      page(
        '<p>&lt;script>alert(1)&lt;/script></p><input value="&quot;onload=&quot;alert(1)"/><textarea>&lt;/textarea>&lt;img src=x onerror=alert(1)></textarea>',
      ),
      'escaped',
      {
        shown: [...XSS_PAYLOADS],
      },
    );
    const injected = [
      '<p><script>alert(1)</script></p>',
      '<input value="" onload="alert(1)"/>',
      '<textarea></textarea><img src=x onerror=alert(1)></textarea>',
      '<a href="javascript:alert(1)">x</a>',
      '<p>a < b</p>',
    ];
    for (const body of injected) expect(() => expectInert(page(body), body), body).to.throw();
  });
});
