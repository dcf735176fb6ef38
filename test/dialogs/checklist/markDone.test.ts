/**
 * "Mark done" on the what's-next list (dialogs/transitionDialog.ts `setNextItem`): the turn answers
 * with one plain line ("✓ Marked done: … N of 7 items done.") and updates the list card in place
 * (Teams: the clicked card, from `replyToId`; Web Chat: the last list card this conversation
 * showed) instead of sending it again; a double click on the same button changes nothing and says
 * who did it; marking the last item sends the completion card.
 */
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { NEXT_ITEM_IDS, type NextItemId } from '../../../src/domain/transition.js';
import { TestChat, actionsOf, createBot, walkChecklistToNext, type BotUnderTest, type FoundAction } from '../../support/chat.js';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** Each what's-next item's button title ("Mark done" / "Reopen") on a list card. */
function buttons(activity: Partial<Activity>): Partial<Record<NextItemId, string>> {
  const out: Partial<Record<NextItemId, string>> = {};
  for (const a of actionsOf([activity])) if (a.data.verb === 'transition.next.set') out[a.data.item as NextItemId] = a.title;
  return out;
}

/** The list card among the last replies (the one with the items' buttons). */
function listCard(chat: TestChat): Partial<Activity> {
  const card = chat.replies.find((r) => Object.keys(buttons(r)).length === NEXT_ITEM_IDS.length);
  if (!card) throw new Error(`no what's-next list in: ${chat.text()}`);
  return card;
}

/** The button of `item` on a list card. */
function buttonFor(activity: Partial<Activity>, item: NextItemId): FoundAction {
  const action = actionsOf([activity]).find((a) => a.data.verb === 'transition.next.set' && a.data.item === item);
  if (!action) throw new Error(`no button for ${item}`);
  return action;
}

/** A global admin on `channelId` walked to the what's-next list. */
async function atTheList(channelId: 'msteams' | 'webchat', under: BotUnderTest = createBot()) {
  const chat = new TestChat(under, channelId === 'webchat' ? { channelId, tenantId: '' } : {});
  await walkChecklistToNext(chat);
  const tenantId = channelId === 'webchat' ? 'webchat-tenant' : 'tenant-a';
  const list = listCard(chat);
  expect(list.id, 'the channel returned the list card id').to.be.a('string');
  expect(Object.values(buttons(list))).to.deep.equal(Array(7).fill('Mark done'));
  // Teams: the walk's answered step cards were retired in place; only updates from here on count
  const walked = chat.updates.length;
  const updates = () => chat.updates.slice(walked);
  return { under, chat, list, tenantId, updates };
}

describe("what's next: Mark done confirms in one line and updates the list in place", () => {
  it('Teams: one plain line, no card; the clicked card is updated with Reopen on the item', async () => {
    const { under, chat, list, tenantId, updates } = await atTheList('msteams');
    const before = await under.transitions.get(tenantId);
    const first = buttonFor(list, 'serveDirect');

    const replies = await chat.click('Mark done');
    expect(replies).to.have.length(1);
    expect(replies[0]!.text).to.match(/^✓ Marked done: .* 1 of 7 items done\.$/);
    expect(replies[0]!.text).to.contain('Keep serving your direct bill customers');
    expect(replies[0]!.attachments ?? [], 'the list is not sent again').to.deep.equal([]);

    expect(updates()).to.have.length(1);
    const updated = updates()[0]!;
    expect(updated.id, 'the clicked card (replyToId)').to.equal(list.id);
    expect(updated.attachments?.[0]?.contentType).to.equal(ADAPTIVE);
    const after = buttons(updated);
    expect(after.serveDirect).to.equal('Reopen');
    expect(NEXT_ITEM_IDS.filter((i) => i !== 'serveDirect').map((i) => after[i])).to.deep.equal(Array(6).fill('Mark done'));
    expect(JSON.stringify(updated.attachments)).to.match(/Done by Ada Admin on Nov 20, 2026/);

    const stored = await under.transitions.get(tenantId);
    expect(stored.revision).to.equal(before.revision + 1);
    expect(stored.nextItems.serveDirect?.by.name).to.equal('Ada Admin');
    expect(buttonFor(updated, 'findProvider').data, 'no revision: the item state guards the click').to.deep.equal({
      verb: 'transition.next.set',
      item: 'findProvider',
      done: true,
    });

    // the old copy of the button (captured before the click) clicked again: already done, nothing changes
    const stale = await chat.send({ type: 'message', value: first.data, replyToId: list.id! });
    expect(stale).to.have.length(1);
    expect(stale[0]!.text).to.match(/Keep serving your direct bill customers.* was already marked done by Ada Admin on Nov 20, 2026\. Nothing changed\./);
    expect(stale[0]!.attachments ?? []).to.deep.equal([]);
    const unchanged = await under.transitions.get(tenantId);
    expect(unchanged.revision).to.equal(stored.revision);
    expect(unchanged).to.deep.equal(stored);
    expect(updates(), 'no update for a click that changed nothing').to.have.length(1);
  });

  it('Teams: Reopen, then the same Reopen button again (double click): already open, nothing changes', async () => {
    const { under, chat, tenantId, updates } = await atTheList('msteams');
    await chat.click('Mark done');
    const rev = (await under.transitions.get(tenantId)).revision;
    await chat.click('Reopen');
    expect(chat.text()).to.match(/^Reopened: Keep serving your direct bill customers\. 0 of 7 items done\.$/);
    expect(buttons(updates().at(-1)!).serveDirect).to.equal('Mark done');
    const reopenAgain = updates().at(-2)!;
    await chat.send({ type: 'message', value: buttonFor(reopenAgain, 'serveDirect').data });
    expect(chat.text()).to.match(/is already open\. Nothing changed\./);
    expect((await under.transitions.get(tenantId)).revision).to.equal(rev + 1);
  });

  it('Web Chat (no replyToId): the update goes to the id of the last list card shown', async () => {
    const { under, chat, list, tenantId, updates } = await atTheList('webchat');
    const replies = await chat.click('Mark done');
    expect(replies).to.have.length(1);
    expect(replies[0]!.text).to.match(/Marked done: .* 1 of 7/);
    expect(replies[0]!.attachments ?? []).to.deep.equal([]);
    expect(updates().map((u) => u.id)).to.deep.equal([list.id]);
    expect(buttons(updates()[0]!).serveDirect).to.equal('Reopen');

    // the next click (again without replyToId) updates the same card
    await chat.click('Mark done');
    expect(chat.text()).to.match(/Marked done: Find an indirect provider\. 2 of 7/);
    expect(updates().map((u) => u.id)).to.deep.equal([list.id, list.id]);
    expect(buttons(updates()[1]!)).to.include({ serveDirect: 'Reopen', findProvider: 'Reopen', acceptPartnership: 'Mark done' });
    expect(Object.keys((await under.transitions.get(tenantId)).nextItems)).to.have.members(['serveDirect', 'findProvider']);
  });

  it('Web Chat: after the list is shown again, updates go to the newest list card', async () => {
    const { chat, list, updates } = await atTheList('webchat');
    await chat.say('continue');
    const newer = listCard(chat);
    expect(newer.id).to.not.equal(list.id);
    await chat.click('Mark done');
    expect(updates().map((u) => u.id)).to.deep.equal([newer.id]);
  });

  for (const channelId of ['msteams', 'webchat'] as const) {
    it(`${channelId}: marking all 7 ends with the completion card`, async () => {
      const { under, chat, tenantId, updates } = await atTheList(channelId);
      for (let n = 1; n <= 6; n++) {
        const replies = await chat.click('Mark done');
        expect(replies, `click ${n}`).to.have.length(1);
        expect(replies[0]!.text).to.match(new RegExp(`Marked done: .* ${n} of 7 items done`));
      }
      expect(updates()).to.have.length(6);
      const last = await chat.click('Mark done');
      expect(last[0]!.text).to.match(/Marked done: .* 7 of 7 items done/);
      expect(chat.text()).to.match(/Your move to indirect reseller is complete/);
      expect(last.some((r) => r.attachments?.some((a) => a.contentType === ADAPTIVE))).to.equal(true);
      const stored = await under.transitions.get(tenantId);
      expect(Object.keys(stored.nextItems)).to.have.length(7);
      expect(stored.done.next?.by.name).to.equal('Ada Admin');
    });
  }
});
