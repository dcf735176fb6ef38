import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { MAX_TOKEN_LENGTH, findTokenInText, signToken, verifyToken, type TokenClaims, type TokenPurpose } from '../../src/domain/invitationToken.js';

const secret = Buffer.alloc(32, 7);
const otherSecret = Buffer.alloc(32, 8);
const now = new Date('2026-11-20T09:00:00Z');
const e = now.getTime() + 60_000;
const claims: TokenClaims = { v: 1, p: 'invite', t: 'tenant-a', k: 'partnership', i: 'inv1', n: 'nonce1', e };
const token = signToken(secret, claims);
const [payload, signature] = token.split('.') as [string, string];
const expectInvite = { purpose: 'invite' as TokenPurpose };

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** `s` with the character at `index` replaced by a different base64url character. */
function changeChar(s: string, index: number, pick = 0): string {
  const others = [...B64URL].filter((c) => c !== s[index]);
  return s.slice(0, index) + others[pick % others.length] + s.slice(index + 1);
}
const encode = (c: unknown) => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');

describe('invitation tokens (signed links)', () => {
  it('round-trips: a signed token verifies and gives back the claims', () => {
    expect(token).to.match(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyToken(secret, token, now, { purpose: 'invite', tenantId: 'tenant-a', kind: 'partnership' })).to.deep.equal({ ok: true, claims });
    const session: TokenClaims = { ...claims, p: 'accept', s: { t: 'tenant-b', u: 'user-1' } };
    expect(verifyToken(secret, signToken(secret, session), now, { purpose: 'accept' })).to.deep.equal({ ok: true, claims: session });
  });

  const refused: Array<[string, unknown, Buffer, 'badSignature' | 'malformed']> = [
    ['one payload character changed', `${changeChar(payload, 10)}.${signature}`, secret, 'badSignature'],
    ['the last payload character changed', `${changeChar(payload, payload.length - 1)}.${signature}`, secret, 'badSignature'],
    ['claims re-encoded for another tenant with the old signature', `${encode({ ...claims, t: 'tenant-evil' })}.${signature}`, secret, 'badSignature'],
    ['claims re-encoded with a later expiry with the old signature', `${encode({ ...claims, e: e + 86_400_000 })}.${signature}`, secret, 'badSignature'],
    ['the first signature character changed', `${payload}.${changeChar(signature, 0)}`, secret, 'badSignature'],
    ['signed with another secret', token, otherSecret, 'badSignature'],
    ['a payload truncated by one character', token.slice(1), secret, 'badSignature'],
    ['a signature truncated by one character', token.slice(0, -1), secret, 'malformed'],
    ['the signature cut off', `${payload}.`, secret, 'malformed'],
    ['no dot at all', payload, secret, 'malformed'],
    ['a signature one character too long', `${token}A`, secret, 'malformed'],
    ['characters outside base64url', `${payload}.${'+'.repeat(43)}`, secret, 'malformed'],
    ['an empty string', '', secret, 'malformed'],
    ['a number', 12345, secret, 'malformed'],
    ['undefined', undefined, secret, 'malformed'],
    ['null', null, secret, 'malformed'],
    ['an object', { token }, secret, 'malformed'],
    ['an array', [token], secret, 'malformed'],
    ['a string longer than MAX_TOKEN_LENGTH', `${'A'.repeat(MAX_TOKEN_LENGTH)}.${signature}`, secret, 'malformed'],
  ];
  for (const [label, input, key, problem] of refused) {
    it(`refuses ${label} (${problem})`, () => {
      expect(verifyToken(key, input, now, expectInvite)).to.deep.equal({ ok: false, problem });
    });
  }

  it('refuses every other spelling of the signature, including the last character (no malleable tokens)', () => {
    const accepted: string[] = [];
    for (let index = 0; index < signature.length; index++) {
      for (let pick = 0; pick < (index === signature.length - 1 ? B64URL.length - 1 : 3); pick++) {
        const forged = `${payload}.${changeChar(signature, index, pick)}`;
        if (verifyToken(secret, forged, now, expectInvite).ok) accepted.push(forged);
      }
    }
    expect(accepted).to.deep.equal([]);
  });

  it('refuses a correctly signed token whose payload is not valid claims (malformed)', () => {
    // signToken signs whatever it is given, so a cast reaches the claims check behind a valid signature
    const bad = [
      { ...claims, v: 2 },
      { ...claims, p: 'admin' },
      { ...claims, t: '' },
      { ...claims, e: 'tomorrow' },
      { ...claims, s: { t: 'x' } },
      { ...claims, i: 'x'.repeat(201) },
    ];
    for (const c of bad) {
      expect(verifyToken(secret, signToken(secret, c as unknown as TokenClaims), now, expectInvite), JSON.stringify(c)).to.deep.equal({
        ok: false,
        problem: 'malformed',
      });
    }
  });

  it('refuses a correctly signed payload that is not JSON (malformed)', () => {
    const notJson = Buffer.from('not json {', 'utf8').toString('base64url');
    const sig = createHmac('sha256', secret).update(`csp-invite.v1.${notJson}`).digest('base64url');
    expect(verifyToken(secret, `${notJson}.${sig}`, now, expectInvite)).to.deep.equal({ ok: false, problem: 'malformed' });
    expect(verifyToken(otherSecret, `${notJson}.${sig}`, now, expectInvite)).to.deep.equal({ ok: false, problem: 'badSignature' });
  });

  const expiry: Array<[string, number, boolean]> = [
    ['one millisecond before e', e - 1, true],
    ['exactly at e', e, false],
    ['one millisecond after e', e + 1, false],
    ['a year after e', e + 365 * 86_400_000, false],
  ];
  for (const [label, at, valid] of expiry) {
    it(`is ${valid ? 'valid' : 'expired'} ${label}`, () => {
      const res = verifyToken(secret, token, new Date(at), expectInvite);
      expect(res).to.deep.equal(valid ? { ok: true, claims } : { ok: false, problem: 'expired', expiredClaims: claims });
    });
  }

  const expectations: Array<[string, Parameters<typeof verifyToken>[3], string]> = [
    ['an invite link used as an accept session', { purpose: 'accept' }, 'wrongPurpose'],
    ['an invite link used as a draft page', { purpose: 'draft' }, 'wrongPurpose'],
    ['a link bound to another tenant', { purpose: 'invite', tenantId: 'tenant-b' }, 'wrongTenant'],
    ['a link bound to another kind', { purpose: 'invite', tenantId: 'tenant-a', kind: 'reseller' }, 'wrongKind'],
  ];
  for (const [label, expectation, problem] of expectations) {
    it(`refuses ${label} (${problem})`, () => {
      expect(verifyToken(secret, token, now, expectation)).to.deep.equal({ ok: false, problem });
    });
  }

  it('checks the signature before the expiry and the expiry before the purpose', () => {
    const expiredAndWrongPurpose = verifyToken(secret, token, new Date(e), { purpose: 'accept' });
    expect(expiredAndWrongPurpose).to.deep.equal({ ok: false, problem: 'expired', expiredClaims: claims });
    expect(verifyToken(otherSecret, token, new Date(e), { purpose: 'accept' })).to.deep.equal({ ok: false, problem: 'badSignature' });
  });

  it('refuses to sign with a secret shorter than 32 bytes', () => {
    expect(() => signToken(Buffer.alloc(31, 1), claims)).to.throw(/at least 32 bytes/);
    expect(() => signToken(Buffer.alloc(0), claims)).to.throw(/at least 32 bytes/);
    expect(signToken(Buffer.alloc(32, 1), claims)).to.be.a('string');
  });

  describe('findTokenInText', () => {
    const cases: Array<[string, string | undefined, string | undefined]> = [
      ['a pasted link within a sentence', `Hi, please open https://assistant.contoso.com/invitations/${token} and accept it`, token],
      ['a link at the end of a sentence, followed by a full stop', `The link is https://assistant.contoso.com/invitations/${token}.`, token],
      ['a link with a session query', `https://assistant.contoso.com/invitations/${token}?session=abc`, token],
      ['a link in angle brackets (Teams markup)', `<https://assistant.contoso.com/invitations/${token}>`, token],
      ['a bare token', token, token],
      ['a bare token between words', `accept ${token} please`, token],
      ['a bare token surrounded by new lines', `\n${token}\n`, token],
      ['text without a token', 'I got an invitation from Contoso, what now?', undefined],
      ['a link to another page', 'https://partner.microsoft.com/en-us/partner/find-a-provider', undefined],
      ['a token with its signature cut short', `https://assistant.contoso.com/invitations/${token.slice(0, -2)}`, undefined],
      ['an empty string', '', undefined],
      ['undefined', undefined, undefined],
    ];
    for (const [label, text, found] of cases) {
      it(`finds ${found ? 'the token' : 'nothing'} in ${label}`, () => {
        expect(findTokenInText(text)).to.equal(found);
      });
    }
  });
});
