import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import {
  ASSISTANT_ACTOR,
  CLASS_RULES,
  CSV_COLUMN_ALIASES,
  CUSTOMER_CLASSES,
  MAX_CSV_BYTES,
  MAX_CSV_ROWS,
  MAX_CUSTOMERS,
  MOVE_STATES,
  answerIdentifyingQuestion,
  classifyFromRelationships,
  customersCsv,
  importCustomers,
  listCustomers,
  moveStatus,
  newCustomerRecord,
  parseCustomerCsv,
  summarizeCustomers,
  validateCustomerInput,
  type CsvRowError,
  type Customer,
  type CustomerClass,
  type CustomerFieldError,
  type CustomerInput,
  type CustomerRecord,
  type IdentifyingAnswer,
  type MoveState,
} from '../../src/domain/customers.js';
import { INVITATION_VALID_DAYS, type Invitation } from '../../src/domain/invitations.js';
import type { CustomerLink } from '../../src/domain/relationships.js';
import type { Actor } from '../../src/domain/transition.js';

const DAY = 86_400_000;
const now = new Date('2026-11-20T09:00:00Z');
const at = (days: number) => new Date(now.getTime() + days * DAY);
const rita: Actor = { id: 'rita', name: 'Rita Reseller' };
const northwind = { tenantId: 'tenant-prov', name: 'Northwind Distribution' };
const adatum = { tenantId: 'tenant-adatum', name: 'Adatum Supply' };
const GUID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

/** A record holding `customers` at revision 3. */
function recordWith(...customers: Customer[]): CustomerRecord {
  return { ...newCustomerRecord('tenant-res', at(-10)), revision: 3, customers };
}
function customer(domain: string, overrides: Partial<Customer> = {}): Customer {
  return {
    domain,
    name: domain.split('.')[0]!.replace(/^./, (c) => c.toUpperCase()),
    class: 'unknown',
    added: { by: rita, at: at(-10).toISOString(), source: 'import' },
    ...overrides,
  };
}
function link(domain: string, overrides: Partial<CustomerLink> = {}): CustomerLink {
  return {
    domain,
    name: `Customer ${domain}`,
    relationship: 'resellerAndProvider',
    provider: northwind,
    source: 'invitation',
    since: at(-1).toISOString(),
    ...overrides,
  };
}
function ok<T extends { ok: boolean }>(res: T): Extract<T, { ok: true }> {
  if (!res.ok) throw new Error(`refused: ${JSON.stringify(res)}`);
  return res as Extract<T, { ok: true }>;
}
function csvOk(text: string) {
  const res = parseCustomerCsv(text);
  if (!res.ok) throw new Error(`refused: ${JSON.stringify(res)}`);
  return res;
}

describe('customers (pure)', () => {
  describe('newCustomerRecord', () => {
    it('is empty at revision 0', () => {
      expect(newCustomerRecord('t1', now)).to.deep.equal({ schemaVersion: 1, tenantId: 't1', revision: 0, updatedAt: now.toISOString(), customers: [] });
    });
  });

  describe('validateCustomerInput', () => {
    const long = (n: number) => 'x'.repeat(n);
    type Case = [string, Record<string, unknown>, CustomerInput | CustomerFieldError[]];
    const cases: Case[] = [
      [
        'a name and domain, trimmed and lower-cased',
        { name: '  Fabrikam ', domain: ' Fabrikam.OnMicrosoft.com ' },
        { name: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com' },
      ],
      [
        'a name with inner newlines and spaces (collapsed)',
        { name: 'Fabrikam\r\n  Europe\tLtd', domain: 'fabrikam.eu' },
        { name: 'Fabrikam Europe Ltd', domain: 'fabrikam.eu' },
      ],
      [
        'a tenant ID in upper case (lower-cased)',
        { name: 'F', domain: 'f.com', tenantId: ` ${GUID.toUpperCase()} ` },
        { name: 'F', domain: 'f.com', tenantId: GUID },
      ],
      ['a blank tenant ID (absent)', { name: 'F', domain: 'f.com', tenantId: '  ' }, { name: 'F', domain: 'f.com' }],
      ['a non-string tenant ID (absent)', { name: 'F', domain: 'f.com', tenantId: 42 }, { name: 'F', domain: 'f.com' }],
      ['a domain pasted as an https URL with a trailing slash', { name: 'F', domain: 'HTTPS://Fabrikam.com/' }, { name: 'F', domain: 'fabrikam.com' }],
      ['a domain pasted as an http URL', { name: 'F', domain: 'http://fabrikam.com' }, { name: 'F', domain: 'fabrikam.com' }],
      ['a www. domain (kept)', { name: 'F', domain: 'www.fabrikam.com' }, { name: 'F', domain: 'www.fabrikam.com' }],
      ['a 200-character name (the limit)', { name: long(200), domain: 'f.com' }, { name: long(200), domain: 'f.com' }],
      [
        'nothing',
        {},
        [
          { field: 'name', code: 'required' },
          { field: 'domain', code: 'required' },
        ],
      ],
      [
        'blank fields',
        { name: ' \n ', domain: '  ' },
        [
          { field: 'name', code: 'required' },
          { field: 'domain', code: 'required' },
        ],
      ],
      [
        'non-string fields',
        { name: 7, domain: ['f.com'] },
        [
          { field: 'name', code: 'required' },
          { field: 'domain', code: 'required' },
        ],
      ],
      ['a 201-character name', { name: long(201), domain: 'f.com' }, [{ field: 'name', code: 'tooLong' }]],
      ['a domain without a dot', { name: 'F', domain: 'fabrikam' }, [{ field: 'domain', code: 'domainInvalid' }]],
      ['a domain with an empty label', { name: 'F', domain: 'fabrikam..com' }, [{ field: 'domain', code: 'domainInvalid' }]],
      ['a domain with a trailing dot', { name: 'F', domain: 'fabrikam.com.' }, [{ field: 'domain', code: 'domainInvalid' }]],
      ['a URL with a path', { name: 'F', domain: 'https://fabrikam.com/about' }, [{ field: 'domain', code: 'domainInvalid' }]],
      ['a bare scheme', { name: 'F', domain: 'https://' }, [{ field: 'domain', code: 'domainInvalid' }]],
      ['an email address as domain', { name: 'F', domain: 'it@fabrikam.com' }, [{ field: 'domain', code: 'domainInvalid' }]],
      ['a domain longer than 253 characters', { name: 'F', domain: `${'a'.repeat(60)}.`.repeat(5) + 'com' }, [{ field: 'domain', code: 'domainInvalid' }]],
      ['a tenant ID that is not a GUID', { name: 'F', domain: 'f.com', tenantId: 'contoso' }, [{ field: 'tenantId', code: 'tenantIdInvalid' }]],
      ['a tenant ID in braces', { name: 'F', domain: 'f.com', tenantId: `{${GUID}}` }, [{ field: 'tenantId', code: 'tenantIdInvalid' }]],
      ['a tenant ID with a non-hex digit', { name: 'F', domain: 'f.com', tenantId: GUID.replace(/.$/, 'g') }, [{ field: 'tenantId', code: 'tenantIdInvalid' }]],
      [
        'everything wrong',
        { name: long(201), domain: 'x', tenantId: '1' },
        [
          { field: 'name', code: 'tooLong' },
          { field: 'domain', code: 'domainInvalid' },
          { field: 'tenantId', code: 'tenantIdInvalid' },
        ],
      ],
    ];
    for (const [label, input, expected] of cases) {
      it(`${Array.isArray(expected) ? 'refuses' : 'accepts'} ${label}`, () => {
        expect(validateCustomerInput(input)).to.deep.equal(Array.isArray(expected) ? { ok: false, errors: expected } : { ok: true, value: expected });
      });
    }
  });

  describe('parseCustomerCsv', () => {
    it('reads a good file with the name and domain columns in any order, ignoring other columns', () => {
      const res = csvOk('Notes,Domain,Name,Tenant ID\nvip,fabrikam.com,Fabrikam,\n,contoso.com,Contoso,' + GUID + '\n');
      expect(res).to.deep.equal({
        ok: true,
        rows: [
          { line: 2, value: { name: 'Fabrikam', domain: 'fabrikam.com' } },
          { line: 3, value: { name: 'Contoso', domain: 'contoso.com', tenantId: GUID } },
        ],
        errors: [],
      });
    });

    it('reports bad rows by start line and field, counting the lines of quoted multi-line fields before them', () => {
      const text = [
        'name,domain,tenant id',
        '"Fabrikam',
        'Europe",fabrikam.eu,', // line 2-3
        '"Contoso, Ltd.","contoso.com",""', // line 4
        '"Tail',
        'spin',
        'Toys","bad domain",nope', // lines 5-7: bad domain and tenant ID
        '',
        ',adatum.com,', // line 9: missing name
        '"He said ""hi""",x' + 'y'.repeat(100) + ',', // line 10: bad domain, value truncated to 80
        'Woodgrove,woodgrove.com,', // line 11
      ].join('\r\n');
      const res = csvOk(text);
      expect(res.rows).to.deep.equal([
        { line: 2, value: { name: 'Fabrikam Europe', domain: 'fabrikam.eu' } },
        { line: 4, value: { name: 'Contoso, Ltd.', domain: 'contoso.com' } },
        { line: 11, value: { name: 'Woodgrove', domain: 'woodgrove.com' } },
      ]);
      expect(res.errors).to.deep.equal([
        { line: 5, field: 'domain', code: 'domainInvalid', value: 'bad domain' },
        { line: 5, field: 'tenantId', code: 'tenantIdInvalid', value: 'nope' },
        { line: 9, field: 'name', code: 'required' },
        { line: 10, field: 'domain', code: 'domainInvalid', value: 'x' + 'y'.repeat(79) },
      ] satisfies CsvRowError[]);
    });

    it('counts lines right with LF, CRLF and old-Mac CR line ends alike', () => {
      for (const nl of ['\n', '\r\n', '\r']) {
        const text = ['name,domain', '"A', '', 'B",a.com', 'C,bad'].join(nl);
        const res = csvOk(text);
        expect(res.rows, JSON.stringify(nl)).to.deep.equal([{ line: 2, value: { name: 'A B', domain: 'a.com' } }]);
        expect(res.errors, JSON.stringify(nl)).to.deep.equal([{ line: 5, field: 'domain', code: 'domainInvalid', value: 'bad' }]);
      }
    });

    it('reports a later row repeating an earlier domain (any case) as duplicateInFile with the first line', () => {
      const res = csvOk('name,domain\nFabrikam,fabrikam.com\nContoso,contoso.com\nFabrikam Again,FABRIKAM.com\nBroken,x\nContoso,https://contoso.com/\n');
      expect(res.rows.map((r) => r.line)).to.deep.equal([2, 3]);
      expect(res.errors).to.deep.equal([
        { line: 4, field: 'domain', code: 'duplicateInFile', value: 'fabrikam.com', firstLine: 2 },
        { line: 5, field: 'domain', code: 'domainInvalid', value: 'x' },
        { line: 6, field: 'domain', code: 'duplicateInFile', value: 'contoso.com', firstLine: 3 },
      ]);
    });

    it('reads a semicolon-delimited file (Excel in European locales), commas inside names kept', () => {
      const res = csvOk('Firma;Name;Domain\r\nx;Müller, GmbH;mueller.de\r\ny;"Quote; Inc";quote.com\r\n');
      expect(res.rows).to.deep.equal([
        { line: 2, value: { name: 'Müller, GmbH', domain: 'mueller.de' } },
        { line: 3, value: { name: 'Quote; Inc', domain: 'quote.com' } },
      ]);
    });

    it('reads a tab-separated file', () => {
      expect(csvOk('name\tdomain\nFabrikam\tfabrikam.com\n').rows).to.deep.equal([{ line: 2, value: { name: 'Fabrikam', domain: 'fabrikam.com' } }]);
    });

    it('strips a UTF-8 BOM before the header', () => {
      expect(csvOk('\uFEFFname,domain\r\nFabrikam,fabrikam.com\r\n').rows).to.deep.equal([{ line: 2, value: { name: 'Fabrikam', domain: 'fabrikam.com' } }]);
    });

    it('skips blank lines and rows of empty cells, and reads short rows as blank cells', () => {
      const res = csvOk('\n\nname,domain,tenant id\n\n , ,\n,,\nFabrikam,fabrikam.com\nShort\n');
      expect(res.rows).to.deep.equal([{ line: 7, value: { name: 'Fabrikam', domain: 'fabrikam.com' } }]);
      expect(res.errors).to.deep.equal([{ line: 8, field: 'domain', code: 'required' }]);
    });

    it('keeps stray quotes inside unquoted fields as text', () => {
      expect(csvOk('name,domain\nContoso "EU",contoso.eu\n').rows[0]!.value.name).to.equal('Contoso "EU"');
    });

    it('accepts a header-only file with no rows', () => {
      expect(parseCustomerCsv('name,domain\r\n')).to.deep.equal({ ok: true, rows: [], errors: [] });
    });

    describe('header aliases', () => {
      const headers: Array<[string, string]> = [
        ['Customer Name,Primary Domain Name,Microsoft ID', 'a Partner Center-like export'],
        ['company name;default domain;directory id', 'semicolons, lower case'],
        ['ORGANISATION,DOMAIN NAME,ENTRA TENANT ID', 'upper case'],
        ['Organization,Primary Domain,Azure AD Tenant ID', 'Azure AD name'],
        ['customer_name,primary_domain,tenant_id', 'snake case'],
        ['CustomerName,PrimaryDomainName,TenantId', 'camel case'],
        [' Company , Domain , Customer ID ', 'padded'],
        ['Customer,Domain,Tenant', 'short names'],
      ];
      for (const [header, label] of headers) {
        it(`recognizes "${header}" (${label})`, () => {
          const sep = header.includes(';') ? ';' : ',';
          const res = csvOk(`${header}\nFabrikam${sep}fabrikam.com${sep}${GUID}\n`);
          expect(res.rows).to.deep.equal([{ line: 2, value: { name: 'Fabrikam', domain: 'fabrikam.com', tenantId: GUID } }]);
        });
      }
      it('exports every alias listed in the brief, in lower case', () => {
        expect(CSV_COLUMN_ALIASES.name).to.include.members(['name', 'customer', 'customer name', 'company', 'company name', 'organization', 'organisation']);
        expect(CSV_COLUMN_ALIASES.domain).to.include.members(['domain', 'primary domain', 'primary domain name', 'domain name', 'default domain']);
        expect(CSV_COLUMN_ALIASES.tenantId).to.include.members([
          'tenant id',
          'tenantid',
          'tenant',
          'microsoft id',
          'customer id',
          'directory id',
          'entra tenant id',
          'azure ad tenant id',
        ]);
      });
      it('uses the leftmost matching column when two match', () => {
        expect(csvOk('Company,Customer Name,Domain\nFirst,Second,f.com\n').rows[0]!.value.name).to.equal('First');
      });
    });

    describe('files refused as a whole', () => {
      const cases: Array<[string, string, object]> = [
        ['an empty file', '', { ok: false, problem: 'empty' }],
        ['a BOM and blank lines only', '\uFEFF\r\n  \r\n', { ok: false, problem: 'empty' }],
        [
          'a header without a domain column',
          'Customer Name,Microsoft ID\nFabrikam,x\n',
          { ok: false, problem: 'noHeader', line: 1, missing: ['domain'], detail: 'Customer Name, Microsoft ID' },
        ],
        [
          'data where the header should be',
          'Fabrikam,fabrikam.com\n',
          { ok: false, problem: 'noHeader', line: 1, missing: ['name', 'domain'], detail: 'Fabrikam, fabrikam.com' },
        ],
        [
          'a quote never closed',
          'name,domain\nFabrikam,fabrikam.com\n\n"Contoso,contoso.com\nAdatum,adatum.com\n',
          { ok: false, problem: 'malformed', line: 4, detail: 'line 4: CSV_QUOTE_NOT_CLOSED' },
        ],
        [
          'a quote never closed after a multi-line field',
          'name,domain\r\n"A\r\nB",a.com\r\n"Contoso,contoso.com\r\n',
          { ok: false, problem: 'malformed', line: 4, detail: 'line 4: CSV_QUOTE_NOT_CLOSED' },
        ],
        ['a UTF-16 file read as UTF-8', 'n\0a\0m\0e\0', { ok: false, problem: 'malformed', line: 1, detail: 'line 1: NUL character (binary or UTF-16 file?)' }],
        ['a file over 5 MiB', 'x'.repeat(MAX_CSV_BYTES + 1), { ok: false, problem: 'tooLarge', detail: String(MAX_CSV_BYTES + 1) }],
        [
          'a file over 5 MiB in UTF-8 bytes but not in characters',
          'é'.repeat(MAX_CSV_BYTES / 2 + 1),
          { ok: false, problem: 'tooLarge', detail: String(MAX_CSV_BYTES + 2) },
        ],
      ];
      for (const [label, text, expected] of cases) {
        it(`refuses ${label}`, () => {
          expect(parseCustomerCsv(text)).to.deep.equal(expected);
        });
      }
      const rowsOf = (n: number) => 'name,domain\n' + Array.from({ length: n }, (_, i) => `C${i},c${i}.example\n`).join('');
      it(`refuses more than ${MAX_CSV_ROWS} data rows`, () => {
        expect(parseCustomerCsv(rowsOf(MAX_CSV_ROWS + 1))).to.deep.equal({ ok: false, problem: 'tooManyRows', detail: String(MAX_CSV_ROWS + 1) });
      });
      it(`accepts exactly ${MAX_CSV_ROWS} data rows`, () => {
        expect(csvOk(rowsOf(MAX_CSV_ROWS)).rows).to.have.length(MAX_CSV_ROWS);
      });
      it('accepts a file of exactly 5 MiB', () => {
        const head = 'name,domain\nFabrikam,fabrikam.com\n';
        const res = parseCustomerCsv(head + ' '.repeat(MAX_CSV_BYTES - head.length));
        expect(res.ok).to.equal(true);
      });
    });
  });

  describe('importCustomers', () => {
    const rows: CustomerInput[] = [
      { name: 'Fabrikam', domain: 'fabrikam.com', tenantId: GUID },
      { name: 'Contoso', domain: 'contoso.com' },
    ];

    it('adds new customers as unknown with who/when/source and bumps the revision once', () => {
      const empty = newCustomerRecord('tenant-res', at(-1));
      const res = ok(importCustomers(empty, rows, rita, now, 'import'));
      const added = { by: rita, at: now.toISOString(), source: 'import' };
      expect(res.added).to.deep.equal([
        { domain: 'fabrikam.com', name: 'Fabrikam', tenantId: GUID, class: 'unknown', added },
        { domain: 'contoso.com', name: 'Contoso', class: 'unknown', added },
      ]);
      expect(res.updated).to.deep.equal([]);
      expect(res.unchanged).to.equal(0);
      expect(res.record.customers).to.deep.equal(res.added);
      expect(res.record.revision).to.equal(1);
      expect(res.record.updatedAt).to.equal(now.toISOString());
      expect(empty.customers).to.deep.equal([]);
    });

    it('records the card source', () => {
      const res = ok(importCustomers(newCustomerRecord('t', now), [rows[1]!], rita, now, 'card'));
      expect(res.added[0]!.added.source).to.equal('card');
    });

    it('re-importing the same file adds nothing, counts all unchanged and keeps the revision', () => {
      const text = 'Customer Name,Primary Domain Name,Microsoft ID\r\nFabrikam,fabrikam.com,' + GUID + '\r\nContoso,contoso.com,\r\n';
      const first = ok(
        importCustomers(
          newCustomerRecord('t', now),
          csvOk(text).rows.map((r) => r.value),
          rita,
          now,
          'import',
        ),
      );
      const again = ok(
        importCustomers(
          first.record,
          csvOk(text).rows.map((r) => r.value),
          rita,
          at(1),
          'import',
        ),
      );
      expect([again.added.length, again.updated.length, again.unchanged]).to.deep.equal([0, 0, 2]);
      expect(again.record).to.equal(first.record);
      expect(again.record.revision).to.equal(1);
    });

    it('updates a changed name or tenant ID, keeping class, basis, provider and how it was added', () => {
      const classified = { by: rita, at: at(-2).toISOString() };
      const record = recordWith(
        customer('fabrikam.com', {
          class: 'indirectReseller',
          basis: 'invitation',
          provider: northwind,
          classified: { by: ASSISTANT_ACTOR, at: at(-2).toISOString() },
        }),
        customer('contoso.com', { tenantId: GUID, class: 'directBill', basis: 'question', classified }),
        customer('adatum.com', { name: 'Adatum', tenantId: GUID }),
      );
      const other = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
      const res = ok(
        importCustomers(
          record,
          [
            { name: 'Fabrikam Group', domain: 'fabrikam.com' },
            { name: 'Contoso', domain: 'contoso.com', tenantId: other },
            { name: 'Adatum', domain: 'adatum.com' }, // no tenant ID in the row: the known one stays
            { name: 'Woodgrove', domain: 'woodgrove.com' },
          ],
          rita,
          now,
          'import',
        ),
      );
      expect(res.updated).to.deep.equal([
        { ...record.customers[0]!, name: 'Fabrikam Group' },
        { ...record.customers[1]!, tenantId: other },
      ]);
      expect(res.added.map((c) => c.domain)).to.deep.equal(['woodgrove.com']);
      expect(res.unchanged).to.equal(1);
      expect(res.record.revision).to.equal(4);
      expect(res.record.customers.map((c) => c.domain)).to.deep.equal(['fabrikam.com', 'contoso.com', 'adatum.com', 'woodgrove.com']);
      expect(record.customers[0]!.name).to.equal('Fabrikam');
    });

    it('ignores a row repeating an earlier row in the same call', () => {
      const res = ok(importCustomers(newCustomerRecord('t', now), [rows[1]!, { name: 'Contoso 2', domain: 'CONTOSO.com' }], rita, now, 'card'));
      expect(res.added.map((c) => c.name)).to.deep.equal(['Contoso']);
      expect([res.updated.length, res.unchanged]).to.deep.equal([0, 0]);
    });

    it(`refuses to grow past ${MAX_CUSTOMERS} customers, importing nothing`, () => {
      const full = recordWith(...Array.from({ length: MAX_CUSTOMERS - 1 }, (_, i) => customer(`c${i}.example`)));
      expect(
        importCustomers(
          full,
          [
            { name: 'A', domain: 'a.com' },
            { name: 'B', domain: 'b.com' },
          ],
          rita,
          now,
          'import',
        ),
      ).to.deep.equal({
        ok: false,
        error: { code: 'tooMany', limit: MAX_CUSTOMERS },
      });
      // updates and one addition still fit
      const res = ok(
        importCustomers(
          full,
          [
            { name: 'A', domain: 'a.com' },
            { name: 'Renamed', domain: 'c0.example' },
          ],
          rita,
          now,
          'import',
        ),
      );
      expect([res.added.length, res.updated.length, res.record.customers.length]).to.deep.equal([1, 1, MAX_CUSTOMERS]);
    });

    it('imports 10,000 rows into a record of 10,000 in well under 100 ms', () => {
      const existing = recordWith(...Array.from({ length: 10_000 }, (_, i) => customer(`c${i}.example`, { name: `C${i}` })));
      // half already there (every other one renamed), half new
      const input = Array.from({ length: 10_000 }, (_, i) => ({ name: i % 4 === 0 ? `Renamed ${i}` : `C${i}`, domain: `c${i + 5_000}.example` }));
      let best = Infinity;
      let res: ReturnType<typeof importCustomers> | undefined;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        res = importCustomers(existing, input, rita, now, 'import');
        best = Math.min(best, performance.now() - t0);
      }
      const r = ok(res!);
      expect([r.added.length, r.updated.length + r.unchanged]).to.deep.equal([5_000, 5_000]);
      expect(best).to.be.below(100);
    });
  });

  describe('classifyFromRelationships', () => {
    const since = at(-1).toISOString();
    const before = at(-5).toISOString();
    type Relationship = CustomerLink['relationship'];
    type Source = CustomerLink['source'];
    /** [relationship, source, movedFromDirectBill, the basis it proves or undefined when it proves nothing] */
    const linkKinds: Array<[Relationship, Source, boolean, Customer['basis'] | undefined]> = [
      ['resellerAndProvider', 'invitation', false, 'invitation'],
      ['resellerAndProvider', 'invitation', true, 'moved'],
      ['resellerAndProvider', 'addedByProvider', false, 'addedByProvider'],
      ['resellerAndProvider', 'addedByProvider', true, 'moved'],
      ['reseller', 'invitation', false, undefined],
      ['reseller', 'invitation', true, undefined],
      ['reseller', 'addedByProvider', false, undefined],
      ['reseller', 'addedByProvider', true, undefined],
    ];
    /** Prior state of fabrikam.com in the record (undefined: not in the record). */
    const priors: Array<[string, Partial<Customer> | undefined]> = [
      ['not in the record', undefined],
      ['unknown', {}],
      ['directBill (answered before the relationship)', { class: 'directBill', basis: 'question', classified: { by: rita, at: before } }],
      [
        'indirectReseller with another provider (answered before)',
        { class: 'indirectReseller', basis: 'question', provider: adatum, classified: { by: rita, at: before } },
      ],
      [
        'indirectReseller from an earlier invitation',
        { class: 'indirectReseller', basis: 'invitation', provider: northwind, classified: { by: ASSISTANT_ACTOR, at: before } },
      ],
    ];
    const byAssistant = { by: ASSISTANT_ACTOR, at: now.toISOString() };
    for (const [relationship, source, moved, basis] of linkKinds) {
      for (const [priorLabel, prior] of priors) {
        const l = link('fabrikam.com', { relationship, source, movedFromDirectBill: moved, since, name: 'Fabrikam  Ltd' });
        const record = recordWith(customer('contoso.com'), ...(prior ? [customer('fabrikam.com', prior)] : []));
        const priorCustomer = record.customers[1];
        let expected: Customer | undefined;
        if (!priorCustomer) {
          expected = {
            domain: 'fabrikam.com',
            name: 'Fabrikam Ltd',
            class: basis ? 'indirectReseller' : 'unknown',
            ...(basis ? { provider: northwind, basis, classified: byAssistant } : {}),
            added: { by: ASSISTANT_ACTOR, at: now.toISOString(), source: 'relationship' },
          };
        } else if (basis && !(priorCustomer.basis === basis && priorCustomer.provider === northwind)) {
          expected = { ...priorCustomer, class: 'indirectReseller', provider: northwind, basis, classified: byAssistant };
        }
        const what = basis ? `indirectReseller/${basis}` : expected ? 'added as unknown' : 'nothing (class kept)';
        it(`${relationship} link (${source}${moved ? ', moved' : ''}) on a customer ${priorLabel} -> ${expected ? what : 'no change'}`, () => {
          const res = classifyFromRelationships(record, [l], now);
          if (expected) {
            expect(res.changed).to.deep.equal([expected]);
            expect(res.record.customers.find((c) => c.domain === 'fabrikam.com')).to.deep.equal(expected);
            expect(res.record.revision).to.equal(4);
            expect(res.record.updatedAt).to.equal(now.toISOString());
          } else {
            expect(res.changed).to.deep.equal([]);
            expect(res.record).to.equal(record);
          }
          expect(res.record.customers.find((c) => c.domain === 'contoso.com')).to.equal(record.customers[0]);
        });
      }
    }

    it('keeps an identifying-question answer given after the relationship was made', () => {
      const record = recordWith(customer('fabrikam.com', { class: 'directBill', basis: 'question', classified: { by: rita, at: now.toISOString() } }));
      const res = classifyFromRelationships(record, [link('fabrikam.com', { since })], at(1));
      expect(res.changed).to.deep.equal([]);
      expect(res.record).to.equal(record);
    });

    it('refreshes a renamed provider, and records a provider-less link without one', () => {
      const record = recordWith(
        customer('fabrikam.com', {
          class: 'indirectReseller',
          basis: 'invitation',
          provider: { ...northwind, name: 'Old Name' },
          classified: { by: ASSISTANT_ACTOR, at: before },
        }),
      );
      const res = classifyFromRelationships(record, [link('fabrikam.com'), link('contoso.com', { provider: undefined })], now);
      expect(res.changed.map((c) => [c.domain, c.class, c.provider?.name])).to.deep.equal([
        ['fabrikam.com', 'indirectReseller', 'Northwind Distribution'],
        ['contoso.com', 'indirectReseller', undefined],
      ]);
      expect(res.changed[1]).to.not.have.property('provider');
    });

    it('bumps the revision once for many changes, lists each customer once, and lower-cases link domains', () => {
      const record = recordWith(customer('fabrikam.com'));
      const res = classifyFromRelationships(
        record,
        [link('Fabrikam.COM', { relationship: 'reseller' }), link('fabrikam.com'), link('a.com'), link('b.com', { relationship: 'reseller' })],
        now,
      );
      expect(res.record.revision).to.equal(4);
      expect(res.changed.map((c) => `${c.domain}:${c.class}`)).to.deep.equal(['fabrikam.com:indirectReseller', 'a.com:indirectReseller', 'b.com:unknown']);
      expect(res.record.customers).to.have.length(3);
      expect(record.customers[0]!.class).to.equal('unknown');
    });

    it('does nothing with no links', () => {
      const record = recordWith(customer('fabrikam.com'));
      expect(classifyFromRelationships(record, [], now)).to.deep.equal({ record, changed: [], skipped: 0 });
    });

    it(`skips new customers beyond ${MAX_CUSTOMERS}, still classifying known ones`, () => {
      const full = recordWith(...Array.from({ length: MAX_CUSTOMERS }, (_, i) => customer(`c${i}.example`)));
      const res = classifyFromRelationships(full, [link('new.com'), link('c7.example')], now);
      expect(res.skipped).to.equal(1);
      expect(res.changed.map((c) => c.domain)).to.deep.equal(['c7.example']);
      expect(res.record.customers).to.have.length(MAX_CUSTOMERS);
    });
  });

  describe('answerIdentifyingQuestion', () => {
    const classified = { by: rita, at: now.toISOString() };
    const priors: Array<[string, Partial<Customer>]> = [
      ['unknown', {}],
      [
        'indirectReseller from an invitation',
        { class: 'indirectReseller', basis: 'invitation', provider: northwind, classified: { by: ASSISTANT_ACTOR, at: at(-3).toISOString() } },
      ],
      ['directBill', { class: 'directBill', basis: 'question', classified: { by: rita, at: at(-3).toISOString() } }],
    ];
    type Expect = Pick<Customer, 'class' | 'basis' | 'provider' | 'classified'>;
    const cases: Array<[IdentifyingAnswer, string, Expect, { tenantId?: string; name: string }?]> = [
      ['canAddProducts', 'unknown', { class: 'directBill', basis: 'question', classified }],
      ['canAddProducts', 'indirectReseller from an invitation', { class: 'directBill', basis: 'question', classified }],
      ['cannotAddProducts', 'unknown', { class: 'indirectReseller', basis: 'question', classified }],
      ['cannotAddProducts', 'unknown', { class: 'indirectReseller', basis: 'question', provider: adatum, classified }, adatum],
      ['cannotAddProducts', 'indirectReseller from an invitation', { class: 'indirectReseller', basis: 'question', provider: northwind, classified }],
      ['cannotAddProducts', 'indirectReseller from an invitation', { class: 'indirectReseller', basis: 'question', provider: adatum, classified }, adatum],
      [
        'cannotAddProducts',
        'directBill',
        { class: 'indirectReseller', basis: 'question', provider: { name: 'Adatum Supply' }, classified },
        { name: '  Adatum Supply ' },
      ],
      ['cannotAddProducts', 'directBill', { class: 'indirectReseller', basis: 'question', classified }, { name: '  ' }],
      ['notSure', 'directBill', { class: 'unknown' }],
      ['notSure', 'indirectReseller from an invitation', { class: 'unknown' }],
      ['notSure', 'unknown', { class: 'unknown' }],
    ];
    for (const [answer, priorLabel, expected, provider] of cases) {
      it(`${answer} on a customer ${priorLabel}${provider ? ` with provider "${provider.name}"` : ''} -> ${expected.class}${expected.provider ? ` (${expected.provider.name})` : ''}`, () => {
        const prior = priors.find(([l]) => l === priorLabel)![1];
        const record = recordWith(customer('contoso.com'), customer('fabrikam.com', { tenantId: GUID, ...prior }));
        const res = ok(answerIdentifyingQuestion(record, ' Fabrikam.com ', answer, rita, now, provider, 3));
        const base = customer('fabrikam.com', { tenantId: GUID });
        expect(res.customer).to.deep.equal({ ...base, ...expected });
        expect(res.record.customers[1]).to.deep.equal(res.customer);
        expect(res.record.customers[0]).to.equal(record.customers[0]);
        expect([res.record.revision, res.record.updatedAt]).to.deep.equal([4, now.toISOString()]);
        expect(record.customers[1]).to.deep.equal(customer('fabrikam.com', { tenantId: GUID, ...prior }));
      });
    }

    it('refuses a card rendered from another revision as stale', () => {
      const record = recordWith(customer('fabrikam.com'));
      expect(answerIdentifyingQuestion(record, 'fabrikam.com', 'canAddProducts', rita, now, undefined, 2)).to.deep.equal({
        ok: false,
        error: { code: 'stale' },
      });
      const first = ok(answerIdentifyingQuestion(record, 'fabrikam.com', 'canAddProducts', rita, now, undefined, 3));
      // the same card clicked twice
      expect(answerIdentifyingQuestion(first.record, 'fabrikam.com', 'canAddProducts', rita, now, undefined, 3)).to.deep.equal({
        ok: false,
        error: { code: 'stale' },
      });
    });

    it('refuses an unknown domain as notFound', () => {
      expect(answerIdentifyingQuestion(recordWith(customer('fabrikam.com')), 'contoso.com', 'notSure', rita, now)).to.deep.equal({
        ok: false,
        error: { code: 'notFound' },
      });
    });
  });

  describe('summarizeCustomers and listCustomers', () => {
    const ind = (domain: string, name: string, provider?: { tenantId?: string; name: string }) =>
      customer(domain, { name, class: 'indirectReseller', basis: 'invitation', ...(provider ? { provider } : {}) });
    const record = recordWith(
      customer('b.com', { name: 'beta' }),
      ind('a.com', 'Alpha', northwind),
      customer('c.com', { name: 'Customer 10', class: 'directBill', basis: 'question' }),
      ind('d.com', 'customer 2', adatum),
      ind('e.com', 'Émile', northwind),
      ind('f.com', 'Zed'),
      customer('g.com', { name: 'Alpha', class: 'directBill', basis: 'question' }),
    );

    it('counts per class and groups indirect customers by provider name, largest first, unknown provider as ""', () => {
      expect(summarizeCustomers(record)).to.deep.equal({
        total: 7,
        counts: { directBill: 2, indirectReseller: 4, unknown: 1 },
        byProvider: [
          { name: 'Northwind Distribution', count: 2 },
          { name: '', count: 1 },
          { name: 'Adatum Supply', count: 1 },
        ],
      });
      expect(summarizeCustomers(newCustomerRecord('t', now))).to.deep.equal({
        total: 0,
        counts: { directBill: 0, indirectReseller: 0, unknown: 0 },
        byProvider: [],
      });
    });

    it('sorts by name case- and accent-insensitively, numbers by value, ties by domain', () => {
      expect(listCustomers(record, 'all', 0, 10).items.map((c) => `${c.name}|${c.domain}`)).to.deep.equal([
        'Alpha|a.com',
        'Alpha|g.com',
        'beta|b.com',
        'customer 2|d.com',
        'Customer 10|c.com',
        'Émile|e.com',
        'Zed|f.com',
      ]);
    });

    const pages: Array<[CustomerClass | 'all', number, number, { names: string[]; total: number; pages: number; page: number }]> = [
      ['all', 0, 3, { names: ['Alpha', 'Alpha', 'beta'], total: 7, pages: 3, page: 0 }],
      ['all', 2, 3, { names: ['Zed'], total: 7, pages: 3, page: 2 }],
      ['all', 9, 3, { names: ['Zed'], total: 7, pages: 3, page: 2 }],
      ['all', -1, 3, { names: ['Alpha', 'Alpha', 'beta'], total: 7, pages: 3, page: 0 }],
      ['all', 1.7, 0, { names: ['Alpha'], total: 7, pages: 7, page: 1 }],
      ['indirectReseller', 1, 2, { names: ['Émile', 'Zed'], total: 4, pages: 2, page: 1 }],
      ['directBill', 0, 10, { names: ['Alpha', 'Customer 10'], total: 2, pages: 1, page: 0 }],
      ['unknown', 0, 10, { names: ['beta'], total: 1, pages: 1, page: 0 }],
    ];
    for (const [filter, page, size, expected] of pages) {
      it(`lists ${filter}, page ${page} of size ${size}`, () => {
        const res = listCustomers(record, filter, page, size);
        expect({ names: res.items.map((c) => c.name), total: res.total, pages: res.pages, page: res.page }).to.deep.equal(expected);
      });
    }
    it('has one empty page when nothing matches', () => {
      expect(listCustomers(newCustomerRecord('t', now), 'directBill', 3, 10)).to.deep.equal({ items: [], total: 0, pages: 1, page: 0 });
    });
    it('does not reorder the record', () => {
      listCustomers(record, 'all', 0, 10);
      expect(record.customers.map((c) => c.domain)).to.deep.equal(['b.com', 'a.com', 'c.com', 'd.com', 'e.com', 'f.com', 'g.com']);
    });
  });

  describe('CLASS_RULES', () => {
    it('lists what each class allows (transition seed, Managing your customers)', () => {
      expect(CLASS_RULES).to.deep.equal({
        directBill: { youCan: ['createOrders', 'azureReservations', 'orderHistory', 'purchaseSoftware', 'billDirectly'] },
        indirectReseller: {
          providerDoes: ['ordersProducts'],
          youCan: ['manageLicensesUsers', 'renewals'],
          youCannot: ['directBillPurchases', 'createTenants'],
        },
      });
      expect(CUSTOMER_CLASSES).to.deep.equal(['directBill', 'indirectReseller', 'unknown']);
    });
  });

  describe('moveStatus', () => {
    let seq = 0;
    function invitation(status: Invitation['status'], createdDaysAgo: number, overrides: Partial<Invitation> = {}): Invitation {
      const created = at(-createdDaysAgo);
      seq += 1;
      return {
        id: `inv${seq}`,
        kind: 'resellerAndProvider',
        purpose: 'moveDirect',
        from: { tenantId: 'tenant-res', name: 'Contoso Ltd.' },
        provider: { tenantId: northwind.tenantId, name: northwind.name },
        to: { email: 'it@fabrikam.com', company: 'Fabrikam', domain: 'fabrikam.com' },
        nonce: `n${seq}`,
        status,
        created: { by: rita, at: created.toISOString() },
        expiresAt: new Date(created.getTime() + INVITATION_VALID_DAYS * DAY).toISOString(),
        ...overrides,
      };
    }
    const direct = customer('fabrikam.com', { class: 'directBill', basis: 'question' });
    const cases: Array<[string, Customer, Invitation[], MoveState, number | undefined]> = [
      ['a direct bill customer with no invitation', direct, [], 'notStarted', undefined],
      ['a direct bill customer with a pending invitation', direct, [invitation('pending', 2)], 'invited', 0],
      ['a direct bill customer with a pending invitation past its expiry', direct, [invitation('pending', INVITATION_VALID_DAYS + 1)], 'expired', 0],
      ['a direct bill customer with an accepted invitation', direct, [invitation('accepted', 2)], 'moved', 0],
      ['a direct bill customer with a declined invitation', direct, [invitation('declined', 2)], 'declined', 0],
      ['a direct bill customer with a revoked invitation', direct, [invitation('revoked', 2)], 'revoked', 0],
      ['a direct bill customer: the newest invitation decides (listed last)', direct, [invitation('revoked', 9), invitation('pending', 1)], 'invited', 1],
      ['a direct bill customer: the newest invitation decides (listed first)', direct, [invitation('declined', 1), invitation('accepted', 9)], 'declined', 0],
      ['a direct bill customer: a reseller-only invitation does not count', direct, [invitation('accepted', 2, { kind: 'reseller' })], 'notStarted', undefined],
      [
        'a direct bill customer: another domain does not count',
        direct,
        [invitation('pending', 2, { to: { email: 'it@contoso.com', domain: 'contoso.com' } })],
        'notStarted',
        undefined,
      ],
      [
        'a direct bill customer: an invitation without a domain does not count',
        direct,
        [invitation('pending', 2, { to: { email: 'it@fabrikam.com' } })],
        'notStarted',
        undefined,
      ],
      [
        'an indirect customer moved (with its accepted invitation)',
        customer('fabrikam.com', { class: 'indirectReseller', basis: 'moved' }),
        [invitation('accepted', 3)],
        'moved',
        0,
      ],
      ['an indirect customer moved, no invitation known', customer('fabrikam.com', { class: 'indirectReseller', basis: 'moved' }), [], 'moved', undefined],
      [
        'an indirect customer from a new-customer invitation',
        customer('fabrikam.com', { class: 'indirectReseller', basis: 'invitation' }),
        [invitation('accepted', 3)],
        'notStarted',
        undefined,
      ],
      ['an unknown customer with a pending invitation', customer('fabrikam.com'), [invitation('pending', 2)], 'notStarted', undefined],
    ];
    for (const [label, c, invitations, state, invitationIndex] of cases) {
      it(`${label} -> ${state}`, () => {
        const res = moveStatus(c, invitations, now);
        expect(res.state).to.equal(state);
        expect(res.invitation).to.equal(invitationIndex === undefined ? undefined : invitations[invitationIndex]);
      });
    }
    it('covers every move state', () => {
      expect(new Set(cases.map((c) => c[3]))).to.deep.equal(new Set(MOVE_STATES));
    });
  });

  describe('customersCsv', () => {
    const label = (key: string) => `[${key}]`;
    const movedInvitation: Invitation = {
      id: 'inv1',
      kind: 'resellerAndProvider',
      purpose: 'moveDirect',
      from: { tenantId: 'tenant-res', name: 'Contoso Ltd.' },
      provider: northwind,
      to: { email: 'it@b.com', domain: 'b.com' },
      nonce: 'n1',
      status: 'pending',
      created: { by: rita, at: at(-1).toISOString() },
      expiresAt: at(29).toISOString(),
    };
    const classifiedAt = at(-2).toISOString();
    const record = recordWith(
      customer('b.com', {
        name: 'Beta, "the" company',
        tenantId: GUID,
        class: 'directBill',
        basis: 'question',
        classified: { by: { id: 'u1', name: '=HYPERLINK("http://evil")' }, at: classifiedAt },
      }),
      customer('a.com', {
        name: 'Alpha',
        class: 'indirectReseller',
        basis: 'moved',
        provider: northwind,
        classified: { by: ASSISTANT_ACTOR, at: classifiedAt },
      }),
      customer('c.com', { name: '+Cmd' }),
      customer('d.com', {
        name: '-2+3',
        class: 'indirectReseller',
        basis: 'invitation',
        provider: { name: '@SUM(A1)' },
        classified: { by: { id: 'user-7' }, at: classifiedAt },
      }),
      customer('e.com', { name: '\tTabbed\r\nline' }),
      customer('f.com', { name: 'Direct, not invited', class: 'directBill', basis: 'question', classified: { by: rita, at: classifiedAt } }),
    );
    const text = customersCsv(record, [movedInvitation], now, label);
    const rows = parse(text) as string[][];

    it('writes CRLF line ends, no BOM, and a header of labels', () => {
      expect(text.startsWith('\uFEFF')).to.equal(false);
      expect(text.endsWith('\r\n')).to.equal(true);
      expect(text.replace(/\r\n/g, '').includes('\n')).to.equal(false);
      expect(rows[0]).to.deep.equal(
        ['name', 'domain', 'tenantId', 'class', 'provider', 'basis', 'classifiedBy', 'classifiedAt', 'moveStatus'].map((c) => `[customers.csv.${c}]`),
      );
    });

    it('writes one row per customer, sorted by name (whitespace, then punctuation, then symbols, then letters), with labels for class, basis and move status', () => {
      expect(rows.slice(1)).to.deep.equal([
        ["'\tTabbed\r\nline", 'e.com', '', '[customers.class.unknown]', '', '', '', '', ''],
        ["'-2+3", 'd.com', '', '[customers.class.indirectReseller]', "'@SUM(A1)", '[customers.basis.invitation]', 'user-7', classifiedAt, ''],
        ["'+Cmd", 'c.com', '', '[customers.class.unknown]', '', '', '', '', ''],
        [
          'Alpha',
          'a.com',
          '',
          '[customers.class.indirectReseller]',
          'Northwind Distribution',
          '[customers.basis.moved]',
          'CSP partner assistant',
          classifiedAt,
          '[customers.move.moved]',
        ],
        [
          'Beta, "the" company',
          'b.com',
          GUID,
          '[customers.class.directBill]',
          '',
          '[customers.basis.question]',
          `'=HYPERLINK("http://evil")`,
          classifiedAt,
          '[customers.move.invited]',
        ],
        [
          'Direct, not invited',
          'f.com',
          '',
          '[customers.class.directBill]',
          '',
          '[customers.basis.question]',
          'Rita Reseller',
          classifiedAt,
          '[customers.move.notStarted]',
        ],
      ]);
    });

    it('leaves no cell starting with a formula character', () => {
      for (const cell of rows.flat()) expect(cell, cell).to.not.match(/^[=+\-@\t\r]/);
    });

    it('writes only the header for an empty record', () => {
      expect(parse(customersCsv(newCustomerRecord('t', now), [], now, label))).to.have.length(1);
    });
  });
});
