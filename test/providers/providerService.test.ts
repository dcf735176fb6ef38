/**
 * ProviderService over a real lowdb store in a temp dir, composed as in the app (`createBot`, the
 * synthetic fixture directory): search (region rule, ranking, the saved search), the shortlist,
 * contacted, and choose, which ticks "Find an indirect provider" through the checklist service.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { SHORTLIST_LIMIT } from '../../src/domain/providerChoice.js';
import { ProviderDirectory } from '../../src/domain/providers.js';
import type { Actor } from '../../src/domain/transition.js';
import { SEARCH_RESULTS } from '../../src/providers/providerService.js';
import { LowdbStorage } from '../../src/store/lowdbStorage.js';
import { createBot, type BotUnderTest } from '../support/chat.js';

const ada: Actor = { id: 'ada', name: 'Ada Admin' };
const T = 'tenant-a';

describe('ProviderService (lowdb store, composed as in the app)', () => {
  let dir: string;
  let under: BotUnderTest;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'provider-service-'));
    under = createBot(new LowdbStorage({ dir }));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  describe('search', () => {
    it('ranks only providers serving the country, counts them, and saves the search for the tenant', async () => {
      const found = await under.services.providers.search(T, ada, 'DE', ['financing']);
      expect(found.ranked.map((r) => r.provider.name)).to.deep.equal(['Alpha Distribution (test)', 'Gamma Nordic (test)', 'Beta Cloud (test)']);
      expect(found.total).to.equal(3);
      expect(found.choice.lastSearch).to.deep.equal({ country: 'DE', priorities: ['financing'] });
      expect(await under.services.providers.choice(T)).to.deep.equal(found.choice);
      const australia = await under.services.providers.search(T, ada, 'AU', ['training']);
      expect(australia.ranked.map((r) => r.provider.name)).to.deep.equal(['Delta Oceania (test)']);
      expect((await under.services.providers.search(T, ada, 'BR', [])).ranked).to.deep.equal([]);
    });

    it('returns at most `limit` providers (default SEARCH_RESULTS)', async () => {
      expect((await under.services.providers.search(T, ada, 'DE', [], { limit: 1 })).ranked).to.have.length(1);
      expect(SEARCH_RESULTS).to.equal(5);
    });
  });

  describe('apply', () => {
    it('shortlists, marks contacted, and refuses a stale card or an unknown provider (nothing written)', async () => {
      const listed = await under.services.providers.apply(T, ada, { type: 'shortlist', providerId: 'beta-cloud', add: true }, 0);
      expect(listed.ok && listed.record.shortlist.map((s) => s.providerId)).to.deep.equal(['beta-cloud']);
      expect(listed.ok && listed.provider?.name).to.equal('Beta Cloud (test)');
      const contacted = await under.services.providers.apply(T, ada, { type: 'contacted', providerId: 'alpha-distribution' }, 1);
      expect(contacted.ok && contacted.record.contacted).to.deep.equal([{ by: ada, at: under.clock.now.toISOString(), providerId: 'alpha-distribution' }]);
      expect(contacted.ok && contacted.ticked, 'only choose touches the checklist').to.equal(undefined);
      const before = await under.services.providers.choice(T);
      expect(await under.services.providers.apply(T, ada, { type: 'shortlist', providerId: 'gamma-nordic', add: true }, 0)).to.deep.equal({
        ok: false,
        error: { code: 'stale' },
      });
      expect(await under.services.providers.apply(T, ada, { type: 'choose', providerId: 'nobody' })).to.deep.equal({
        ok: false,
        error: { code: 'unknownProvider' },
      });
      expect(await under.services.providers.choice(T)).to.deep.equal(before);
      expect((await under.services.checklist.read(T)).nextItems).to.deep.equal({});
    });

    it('refuses a full shortlist', async () => {
      const many = new ProviderDirectory(
        Array.from({ length: SHORTLIST_LIMIT + 1 }, (_, i) => ({ ...under.directory.get('alpha-distribution')!, id: `p${i}`, name: `Provider ${i}` })),
      );
      const big = createBot(new LowdbStorage({ dir: path.join(dir, 'big') }), under.clock.now, many);
      for (let i = 0; i < SHORTLIST_LIMIT; i++)
        expect((await big.services.providers.apply(T, ada, { type: 'shortlist', providerId: `p${i}`, add: true })).ok).to.equal(true);
      expect(await big.services.providers.apply(T, ada, { type: 'choose', providerId: `p${SHORTLIST_LIMIT}` })).to.deep.equal({
        ok: false,
        error: { code: 'shortlistFull', limit: SHORTLIST_LIMIT },
      });
    });

    it('choose records the choice and ticks "Find an indirect provider" for the actor at the service clock, at any step', async () => {
      under.clock.now = new Date('2026-11-21T12:00:00Z');
      const chosen = await under.services.providers.apply(T, ada, { type: 'choose', providerId: 'gamma-nordic' }, 0);
      expect(chosen.ok && chosen.ticked).to.equal(true);
      expect(chosen.ok && chosen.record.chosen).to.deep.equal({ by: ada, at: '2026-11-21T12:00:00.000Z', providerId: 'gamma-nordic' });
      expect(chosen.ok && chosen.record.shortlist.map((s) => s.providerId), 'choosing also shortlists').to.deep.equal(['gamma-nordic']);
      const checklist = await under.services.checklist.read(T);
      expect(checklist.nextItems.findProvider).to.deep.equal({ by: ada, at: '2026-11-21T12:00:00.000Z' });
      expect(checklist.done.prepare, 'the checklist has not started').to.equal(undefined);
      // choosing again (another provider): the item is ticked again by the same rule, as in the chat
      const again = await under.services.providers.apply(T, ada, { type: 'choose', providerId: 'alpha-distribution' });
      expect(again.ok && again.ticked).to.equal(true);
    });
  });
});
