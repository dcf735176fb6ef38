/** The shared HTTP module: locale negotiation (negotiator) and its precedence, and the security headers. */
import { expect } from 'chai';
import type { Request } from 'restify';
import { localeFrom, pageLocale } from '../../src/server/http/locale.js';
import { invitationPageHeaders, webChatPageHeaders } from '../../src/server/http/securityHeaders.js';
import { themeFrom } from '../../src/server/webChatPage.js';

const request = (query: Record<string, unknown>, acceptLanguage?: string) =>
  ({ query, headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} }) as unknown as Request;

describe('http module', () => {
  it('negotiates Accept-Language among the supported locales, regional variants included', () => {
    expect(localeFrom('de-AT')).to.equal('de-DE');
    expect(localeFrom('zh-CN, en;q=0.5')).to.equal('zh-TW');
    expect(localeFrom('ru-RU;q=0.4, de;q=0.6')).to.equal('de-DE');
    expect(localeFrom(['fr', 'ru;q=0.5'])).to.equal('ru-RU');
    expect(localeFrom('fr, *;q=0.5, de;q=0.4'), 'a wildcard expresses no preference').to.equal('de-DE');
    expect(localeFrom('')).to.equal('en-US');
    expect(localeFrom('de;q=0')).to.equal('en-US');
  });

  it('lets a well-formed ?lang= win over Accept-Language on pages that take it, and only there', () => {
    expect(pageLocale(request({ lang: 'ru' }, 'de-DE'), { queryParam: 'lang' })).to.equal('ru-RU');
    expect(pageLocale(request({ lang: 'xx' }, 'de-DE'), { queryParam: 'lang' }), 'an unsupported language asked for by the link').to.equal('en-US');
    expect(pageLocale(request({ lang: '<script>' }, 'de-DE'), { queryParam: 'lang' }), 'malformed: the header decides').to.equal('de-DE');
    expect(pageLocale(request({ lang: ['ru', 'zh'] }, 'zh-TW'), { queryParam: 'lang' }), 'repeated: the header decides').to.equal('zh-TW');
    expect(pageLocale(request({ lang: 'ru' }, 'de-DE')), 'a page without the parameter').to.equal('de-DE');
  });

  it('gives invitation pages and the Web Chat page their policies with the nonce', () => {
    const invitation = invitationPageHeaders('abc=');
    expect(invitation['Content-Security-Policy']).to.equal(
      "default-src 'none'; style-src 'nonce-abc='; script-src 'nonce-abc='; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(invitation).to.include({
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    });
    const framed = webChatPageHeaders('abc=', { directLineOrigin: 'https://dl.example', frameAncestors: ['https://portal.example'] });
    expect(framed['Content-Security-Policy'])
      .to.include("connect-src 'self' https://dl.example wss://dl.example")
      .and.include('frame-ancestors https://portal.example');
    expect(framed['X-Frame-Options']).to.equal(undefined);
    expect(webChatPageHeaders('abc=', { frameAncestors: [] })['X-Frame-Options']).to.equal('DENY');
  });

  it('reads the Web Chat theme from the URL with zod, ignoring what does not parse', () => {
    expect(themeFrom({ brand: ' a0522d ', initials: 'NW', avatar: 'https://cdn.example/a b.png' })).to.deep.equal({
      accent: '#A0522D',
      avatarInitials: 'NW',
      avatarImage: 'https://cdn.example/a%20b.png',
    });
    expect(themeFrom({ brand: 'red;}', initials: '<b>', avatar: 'javascript:alert(1)' })).to.deep.equal({ accent: '#0B5CAD', avatarInitials: 'CSP' });
    expect(themeFrom({ avatar: `https://x.example/${'a'.repeat(500)}` }).avatarImage, 'longer than 500 characters').to.equal(undefined);
  });
});
