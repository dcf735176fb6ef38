import { expect } from 'chai';
import { validateEnrollmentDetails, type FieldError } from '../../src/domain/enrollmentDetails.js';
import { isWebmailAddress } from '../../src/domain/webmail.js';
import { findCountryCode, countryName, countryOptions } from '../../src/domain/countries.js';

const good = { legalName: 'Contoso Ltd.', partnerId: '1234567', country: 'de', primaryContactEmail: 'Ops@Contoso.com' };

describe('enrollment details validation', () => {
  it('accepts good details and normalizes country and email', () => {
    const r = validateEnrollmentDetails(good);
    expect(r).to.deep.equal({ ok: true, value: { ...good, country: 'DE', primaryContactEmail: 'ops@contoso.com' } });
  });

  const cases: Array<[string, Record<string, unknown>, FieldError[]]> = [
    [
      'everything missing',
      {},
      [
        { field: 'legalName', code: 'required' },
        { field: 'partnerId', code: 'required' },
        { field: 'country', code: 'required' },
        { field: 'primaryContactEmail', code: 'required' },
      ],
    ],
    ['blank legal name', { ...good, legalName: '   ' }, [{ field: 'legalName', code: 'required' }]],
    ['one-letter legal name', { ...good, legalName: 'C' }, [{ field: 'legalName', code: 'legalNameLength' }]],
    ['PartnerID with letters', { ...good, partnerId: '12AB567' }, [{ field: 'partnerId', code: 'partnerIdDigits' }]],
    ['PartnerID with a dash', { ...good, partnerId: '123-4567' }, [{ field: 'partnerId', code: 'partnerIdDigits' }]],
    ['PartnerID too short', { ...good, partnerId: '123' }, [{ field: 'partnerId', code: 'partnerIdDigits' }]],
    ['unknown country', { ...good, country: 'XX' }, [{ field: 'country', code: 'countryUnknown' }]],
    ['not an email', { ...good, primaryContactEmail: 'ops at contoso' }, [{ field: 'primaryContactEmail', code: 'emailInvalid' }]],
    ['Gmail', { ...good, primaryContactEmail: 'ceo@gmail.com' }, [{ field: 'primaryContactEmail', code: 'emailWebmail' }]],
    ['Outlook.com', { ...good, primaryContactEmail: 'ceo@outlook.com' }, [{ field: 'primaryContactEmail', code: 'emailWebmail' }]],
    ['Hotmail country variant', { ...good, primaryContactEmail: 'ceo@hotmail.co.uk' }, [{ field: 'primaryContactEmail', code: 'emailWebmail' }]],
    [
      'wrong types',
      { legalName: 42, partnerId: ['1'], country: null, primaryContactEmail: {} },
      [
        { field: 'legalName', code: 'required' },
        { field: 'partnerId', code: 'required' },
        { field: 'country', code: 'required' },
        { field: 'primaryContactEmail', code: 'required' },
      ],
    ],
  ];
  for (const [label, input, errors] of cases) {
    it(`refuses ${label}`, () => {
      expect(validateEnrollmentDetails(input)).to.deep.equal({ ok: false, errors });
    });
  }
});

describe('webmail detection (seed 003: no web-based email for the primary contact)', () => {
  const table: Array<[string, boolean]> = [
    ['a@gmail.com', true],
    ['a@yahoo.com', true],
    ['a@icloud.com', true],
    ['a@aol.com', true],
    ['a@outlook.com', true],
    ['a@hotmail.com', true],
    ['a@GMX.DE', true],
    ['a@mail.ru', true],
    ['a@qq.com', true],
    ['a@contoso.com', false],
    ['a@fabrikam.de', false],
    ['no-at-sign', false],
  ];
  for (const [email, expected] of table) {
    it(`${email} -> ${expected}`, () => expect(isWebmailAddress(email)).to.equal(expected));
  }
});

describe('countries (i18n-iso-countries)', () => {
  it('finds codes from names in four languages and from codes', () => {
    expect(findCountryCode('Germany')).to.equal('DE');
    expect(findCountryCode('Deutschland')).to.equal('DE');
    expect(findCountryCode('Германия')).to.equal('DE');
    expect(findCountryCode('deu')).to.equal('DE');
    expect(findCountryCode('tw')).to.equal('TW');
    expect(findCountryCode('Atlantis')).to.equal(undefined);
  });
  it('lists about 250 countries sorted by localized name', () => {
    const list = countryOptions('en-US');
    expect(list.length).to.be.within(240, 260);
    expect(list[0]!.name.localeCompare(list[1]!.name)).to.be.lessThan(1);
    expect(countryName('DE', 'de-DE')).to.equal('Deutschland');
  });
});
