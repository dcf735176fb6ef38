import { expect } from 'chai';
import { MemoryStorage, type Activity, type Middleware } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { ChecklistDialog } from '../../../dialogs/checklist/dialog.js';
import { checklistJourney } from '../../../dialogs/checklist/index.js';
import { ChecklistService } from '../../../src/checklist/checklistService.js';
import { createPartnerRecords } from '../../../src/invitations/partnerRecords.js';
import { router } from '../../../dialogs/registry.js';
import { setTurnInfo } from '../../../dialogs/turnInfo.js';
import { translator } from '../../../src/i18n/index.js';
import { TransitionRepository } from '../../../src/store/transitionRepository.js';
import { describe as describeActivity } from '../../support/chat.js';

/** Middleware that does what the bot does before dialogs run: resolve tenant, user, locale, clock. */
function turnInfoMiddleware(tenantId: string, now: Date): Middleware {
  return {
    onTurn: async (context, next) => {
      setTurnInfo(context, {
        tenantId,
        actor: { id: context.activity.from.id, name: context.activity.from.name },
        t: translator('en-US'),
        now,
        channelId: 'test',
      });
      await next();
    },
  };
}

describe('ChecklistDialog alone (botbuilder-testing DialogTestClient)', () => {
  const now = new Date('2026-11-20T09:00:00Z');

  function client() {
    const storage = new MemoryStorage();
    const transitions = new TransitionRepository(storage, () => now);
    const checklist = new ChecklistService({ transitions: transitions, partners: createPartnerRecords(storage, () => now), clock: () => now });
    const dialog = new ChecklistDialog(checklist, checklistJourney.menu, router);
    return { transitions, client: new DialogTestClient('test', dialog, {}, [turnInfoMiddleware('tenant-x', now)]) };
  }

  const value = (v: Record<string, unknown>) => ({ type: 'message', value: v }) as Partial<Activity>;

  it('begins at step 1 and answers typed words and card submits', async () => {
    const { client: c, transitions } = client();
    const first = await c.sendActivity('continue');
    expect(describeActivity(first)).to.match(/Step 1 of 8: Before you start/);
    const second = await c.sendActivity('yes');
    expect(describeActivity(second)).to.match(/Step 2 of 8: Who you are/);
    const third = await c.sendActivity(value({ verb: 'transition.role.set', rev: 1, role: 'userAdmin' }));
    expect(third.text).to.match(/Noted: you are \*\*User admin\*\*/);
    expect(describeActivity(c.getNextReply())).to.match(/can't enroll/);
    expect(describeActivity(c.getNextReply())).to.match(/Step 3 of 8: Eligibility/);
    expect((await transitions.get('tenant-x')).people['user1']?.role).to.equal('userAdmin');
  });

  it('keeps waiting at the same step after a bad answer', async () => {
    const { client: c } = client();
    await c.sendActivity('continue');
    const reply = await c.sendActivity('purple');
    expect(reply.text).to.match(/I didn't catch that/);
    expect(c.dialogTurnResult.status).to.equal('waiting');
    const ok = await c.sendActivity('yes');
    expect(describeActivity(ok)).to.match(/Who you are/);
  });

  it('ends on cancel, leaving the saved journey alone', async () => {
    const { client: c, transitions } = client();
    await c.sendActivity('continue');
    await c.sendActivity('yes');
    const reply = await c.sendActivity('cancel');
    expect(reply.text).to.match(/Paused/);
    expect(c.dialogTurnResult.status).to.equal('complete');
    expect((await transitions.get('tenant-x')).done.prepare).to.not.equal(undefined);
  });
});
