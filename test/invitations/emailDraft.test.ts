import { expect } from 'chai';
import type { Invitation, InvitationKind, InvitationPurpose } from '../../src/domain/invitations.js';
import { translator } from '../../src/i18n/index.js';
import { MAX_MAILTO_LENGTH, draftBody, draftSubject, emailVariant, mailtoUrl } from '../../src/invitations/emailDraft.js';

const t = translator('en-US');
const link = 'https://assistant.contoso.com/invitations/eyJ2IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function invitation(kind: InvitationKind, purpose: InvitationPurpose, extra: Partial<Invitation> = {}): Invitation {
  const partnership = kind === 'partnership';
  return {
    id: 'inv1',
    kind,
    purpose,
    from: partnership ? { tenantId: 'tp', name: 'Northwind Distribution' } : { tenantId: 'tr', name: 'Contoso Ltd.' },
    ...(kind === 'resellerAndProvider' ? { provider: { tenantId: 'tp', name: 'Northwind Distribution' } } : {}),
    to: partnership
      ? { email: 'rita@contoso.com', name: 'Rita', company: 'Contoso Ltd.' }
      : { email: 'ivy@fabrikam.com', name: 'Ivy', company: 'Fabrikam', domain: 'fabrikam.com' },
    nonce: 'n1',
    status: 'pending',
    created: { by: { id: 'sam' }, at: '2026-11-20T09:00:00.000Z' },
    expiresAt: '2026-12-20T09:00:00.000Z',
    ...extra,
  };
}

describe('invitation email drafts', () => {
  const variants: Array<[InvitationKind, InvitationPurpose, ReturnType<typeof emailVariant>, string[]]> = [
    ['partnership', 'new', 'partnership', ['Northwind Distribution', 'Contoso Ltd.']],
    ['reseller', 'new', 'reseller', ['Contoso Ltd.', 'Fabrikam']],
    ['resellerAndProvider', 'new', 'resellerAndProvider', ['Contoso Ltd.', 'Northwind Distribution', 'Fabrikam']],
    ['resellerAndProvider', 'moveDirect', 'moveDirect', ['Contoso Ltd.', 'Northwind Distribution', 'Fabrikam']],
  ];
  for (const [kind, purpose, variant, names] of variants) {
    it(`${kind}/${purpose}: uses the ${variant} text with the link, the names, the expiry and the signature`, () => {
      const inv = invitation(kind, purpose);
      expect(emailVariant(inv)).to.equal(variant);
      const body = draftBody(t, inv, link, 'Sam Sender');
      expect(body).to.include(link);
      expect(body.split(link)).to.have.length(2);
      for (const name of names) expect(body).to.include(name);
      expect(body.startsWith(`Hello ${inv.to.name},`)).to.equal(true);
      expect(body).to.include('December 20, 2026');
      expect(body.endsWith(`Kind regards,\nSam Sender\n${inv.from.name}`)).to.equal(true);
      expect(body).to.not.match(/\{\{|\}\}|undefined/);
      const subject = draftSubject(t, inv);
      expect(subject).to.include(inv.from.name);
      if (inv.provider) expect(subject).to.include(inv.provider.name);
      expect(subject).to.not.match(/\{\{|undefined/);
    });
  }

  it('has a different text and subject for each variant', () => {
    const invs = variants.map(([kind, purpose]) => invitation(kind, purpose));
    const bodies = new Set(invs.map((inv) => draftBody(t, inv, link)));
    const subjects = new Set(invs.map((inv) => draftSubject(t, inv)));
    expect(bodies.size).to.equal(variants.length);
    expect(subjects.size).to.equal(variants.length);
  });

  it('uses the reseller text for a reseller-only invitation even when moving a direct bill customer', () => {
    expect(emailVariant(invitation('reseller', 'moveDirect'))).to.equal('reseller');
  });

  it('greets without a name and names "your organization" when the sender gave neither', () => {
    const inv = invitation('partnership', 'new', { to: { email: 'rita@contoso.com' } });
    const body = draftBody(t, inv, link);
    expect(body.startsWith('Hello,')).to.equal(true);
    expect(body).to.include('your organization');
    expect(body.endsWith('Kind regards,\nNorthwind Distribution')).to.equal(true);
  });

  it("uses the sender's saved draft as it is", () => {
    const draft = `Hi Rita,\n\nhere is our link: ${link}\n\nPat`;
    expect(draftBody(t, invitation('partnership', 'new', { draft }), link, 'Sam Sender')).to.equal(draft);
  });

  describe('mailtoUrl', () => {
    it('percent-encodes subject and body with CRLF line breaks and keeps the @ of the address', () => {
      const url = mailtoUrl('ivy@fabrikam.com', 'Hello & welcome?', 'Line 1\nLine 2\r\nLine 3 = 100%');
      expect(url).to.equal('mailto:ivy@fabrikam.com?subject=Hello%20%26%20welcome%3F&body=Line%201%0D%0ALine%202%0D%0ALine%203%20%3D%20100%25');
      expect(url).to.not.include('%0D%0D');
      expect(url).to.not.include('%40');
    });

    it('decodes back to the same text (with CRLF line breaks)', () => {
      const body = draftBody(t, invitation('resellerAndProvider', 'moveDirect'), link, 'Sam Sender');
      const url = new URL(mailtoUrl('ivy@fabrikam.com', 'Subject', body));
      expect(url.pathname).to.equal('ivy@fabrikam.com');
      expect(url.searchParams.get('body')).to.equal(body.replace(/\n/g, '\r\n'));
      expect(url.searchParams.get('subject')).to.equal('Subject');
    });

    it(`keeps the body up to ${MAX_MAILTO_LENGTH} characters, else only address and subject`, () => {
      const prefix = 'mailto:ivy@fabrikam.com?subject=Hi&body=';
      const fits = mailtoUrl('ivy@fabrikam.com', 'Hi', 'a'.repeat(MAX_MAILTO_LENGTH - prefix.length));
      expect(fits.length).to.equal(MAX_MAILTO_LENGTH);
      expect(fits.startsWith(prefix)).to.equal(true);
      const tooLong = mailtoUrl('ivy@fabrikam.com', 'Hi', 'a'.repeat(MAX_MAILTO_LENGTH - prefix.length + 1));
      expect(tooLong).to.equal('mailto:ivy@fabrikam.com?subject=Hi');
    });

    it('counts encoded characters: a body that grows past the limit once encoded falls back to subject only', () => {
      const body = '\n'.repeat(400); // 400 characters, 2,400 once encoded as %0D%0A
      expect(mailtoUrl('ivy@fabrikam.com', 'Hi', body)).to.equal('mailto:ivy@fabrikam.com?subject=Hi');
    });
  });
});
