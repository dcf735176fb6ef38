import { expect } from 'chai';
import { ActivityTypes } from 'botbuilder';
import { TestChat, createBot } from '../support/chat.js';

/** A message in a team channel that @mentions the bot, as Teams sends it. */
function mentioned(chat: TestChat, text: string) {
  return chat.send({
    type: ActivityTypes.Message,
    text: `<at>CSP assistant</at> ${text}`,
    entities: [{ type: 'mention', mentioned: { id: 'bot', name: 'CSP assistant' }, text: '<at>CSP assistant</at>' }],
  });
}

describe('Teams team channels', () => {
  it("reads @mention text, uses the tenant from channelData, and keeps each user's journey separate", async () => {
    const under = createBot();
    const ada = new TestChat(under, {
      userId: 'ada',
      userName: 'Ada Admin',
      tenantId: 'tenant-team',
      conversationId: '19:general@thread.skype',
      channel: true,
    });
    const bob = new TestChat(under, {
      userId: 'bob',
      userName: 'Bob Sales',
      tenantId: 'tenant-team',
      conversationId: '19:general@thread.skype',
      channel: true,
    });
    await mentioned(ada, 'continue');
    expect(ada.text()).to.match(/Before you start/);
    await mentioned(bob, 'providers in Germany');
    expect(bob.text()).to.match(/providers in this directory serve Germany/);
    // Ada's journey is still waiting for her typed answer, although Bob spoke in between
    await mentioned(ada, 'yes');
    expect(ada.text()).to.match(/Which Partner Center role/);
    // and Bob's journey is still his provider search
    await mentioned(bob, 'back');
    expect(bob.text()).to.match(/What matters most/);
    const record = await under.transitions.get('tenant-team');
    expect(record.done.prepare?.by.id).to.equal('ada');
  });
});
