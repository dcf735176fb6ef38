/**
 * Verified roles (src/identity/): the pure rule from memberships to Partner Center roles, and the
 * official Microsoft Graph client reading `/me/transitiveMemberOf` page by page. The contract part
 * runs against the local fake (documented shape) and, with GRAPH_TOKEN set (a delegated token with
 * GroupMember.Read.All), against the real Microsoft Graph, read-only.
 */
import { expect } from 'chai';
import { FakeGraph } from '../../src/identity/fakeGraph.js';
import { GraphReadError, GraphRoleReader } from '../../src/identity/graphClient.js';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID, rolesFromMemberships, type MembershipObject } from '../../src/identity/graphRoles.js';

const group = (displayName: string, id = `g-${displayName}`): MembershipObject => ({ '@odata.type': '#microsoft.graph.group', id, displayName });
const globalAdmin: MembershipObject = {
  '@odata.type': '#microsoft.graph.directoryRole',
  id: 'r-1',
  displayName: 'Global Administrator',
  roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID,
};

describe('verified Partner Center roles', () => {
  describe('rolesFromMemberships', () => {
    it('reads Global Administrator from the directory role template id and agents from the Partner Center groups', () => {
      expect(rolesFromMemberships([group('All Company'), group('SalesAgents'), globalAdmin, group('AdminAgents')])).to.deep.equal([
        'globalAdmin',
        'adminAgent',
        'salesAgent',
      ]);
      expect(rolesFromMemberships([group('HelpdeskAgents')])).to.deep.equal(['helpdeskAgent']);
    });

    it('proves nothing from look-alikes: another role, a group named like a role, another case, no type', () => {
      expect(
        rolesFromMemberships([
          {
            '@odata.type': '#microsoft.graph.directoryRole',
            id: 'r-2',
            displayName: 'User Administrator',
            roleTemplateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
          },
          group('Global Administrator'),
          group('adminagents'),
          { id: 'x', displayName: 'AdminAgents' },
          { '@odata.type': '#microsoft.graph.group', id: 'y', displayName: null },
        ]),
      ).to.deep.equal([]);
    });
  });

  /** What any Graph (fake or real) must answer for the signed-in user. */
  function contract(reader: () => GraphRoleReader): void {
    it('lists the memberships as directory objects with an id, every page', async () => {
      const memberships = await reader().memberships();
      for (const m of memberships) expect(m.id).to.be.a('string').and.not.equal('');
      expect(new Set(memberships.map((m) => m.id)).size).to.equal(memberships.length);
    });
  }

  describe('Microsoft Graph client against the local fake (documented shape)', () => {
    const many = Array.from({ length: 230 }, (_, i) => group(`Team ${i}`, `g-${i}`));
    const fake = new FakeGraph({ ada: [...many, globalAdmin, group('AdminAgents')], sam: [group('SalesAgents')] });
    const reader = (token = 'ada') => new GraphRoleReader({ baseUrl: `${fake.url}/`, token: async () => token });
    before(() => fake.start());
    after(() => fake.stop());
    beforeEach(() => (fake.seen.length = 0));

    contract(() => reader());

    it('follows @odata.nextLink through 3 pages and derives the roles', async () => {
      expect(await reader().roles()).to.deep.equal(['globalAdmin', 'adminAgent']);
      expect(fake.seen).to.have.length(3);
      expect(fake.seen[0]).to.match(/^\/v1\.0\/me\/transitiveMemberOf\?\$select=id,displayName,roleTemplateId&\$top=100$/);
      expect(await reader('sam').roles()).to.deep.equal(['salesAgent']);
    });

    it('an expired sign-in (401) and a missing consent (403) fail with their codes and messages, never naming the token', async () => {
      const expired = (await reader('nobody')
        .roles()
        .catch((e: unknown) => e)) as GraphReadError;
      expect([expired.code, expired.status, expired.messageKey]).to.deep.equal(['unauthorized', 401, 'identity.errors.unauthorized']);
      fake.fail(403);
      const denied = (await reader()
        .roles()
        .catch((e: unknown) => e)) as GraphReadError;
      expect([denied.code, denied.status]).to.deep.equal(['forbidden', 403]);
      expect(denied.message).to.not.include('ada');
    });

    it("retries a 429 after Retry-After with the client's own middleware", async () => {
      fake.fail(429, 1, '0');
      expect(await reader('sam').roles()).to.deep.equal(['salesAgent']);
      expect(fake.seen).to.have.length(2);
    });
  });

  const token = process.env.GRAPH_TOKEN;
  (token ? describe : describe.skip)(
    token ? 'against the real Microsoft Graph (GRAPH_TOKEN set)' : 'against the real Microsoft Graph: skipped, set GRAPH_TOKEN to run',
    () => {
      contract(() => new GraphRoleReader({ token: async () => token! }));
    },
  );
});

describe('role checks that fail, explained to the partner', () => {
  it('every Graph failure has a message in every language', async () => {
    const { SUPPORTED_LOCALES, translator } = await import('../../src/i18n/index.js');
    for (const locale of SUPPORTED_LOCALES) {
      const t = translator(locale);
      const texts = (['unauthorized', 'forbidden', 'unavailable', 'failed'] as const).map((code) => t(new GraphReadError(code).messageKey));
      expect(new Set(texts).size, locale).to.equal(4);
      for (const text of texts) expect(text, locale).to.not.match(/identity\.errors/);
    }
  });
});
