import { expect } from 'chai';
import { translator } from '../../src/i18n/index.js';
import { TestChat, createBot } from '../support/chat.js';

const en = translator('en-US');
const de = translator('de-DE');
const zh = translator('zh-TW');

describe('languages in the chat', () => {
  it('answers in the activity locale (de-AT -> German, zh-HK -> Traditional Chinese)', async () => {
    const under = createBot();
    const german = new TestChat(under, { userId: 'u-de', locale: 'de-AT', conversationId: 'c-de' });
    await german.say('hi');
    expect(german.text()).to.contain(de('welcome.journeysTitle'));
    const chinese = new TestChat(under, { userId: 'u-zh', locale: 'zh-HK', conversationId: 'c-zh' });
    await chinese.say('hi');
    expect(chinese.text()).to.contain(zh('welcome.journeysTitle'));
    expect(de('welcome.journeysTitle')).to.not.equal(en('welcome.journeysTitle'));
  });

  it('switches language mid-journey: the progress stays, the next card is in the new language, the choice is kept per user', async () => {
    const under = createBot();
    const chat = new TestChat(under, { userId: 'ada', locale: 'en-US' });
    await chat.say('continue');
    expect(chat.text()).to.contain(en('steps.prepare.title'));
    await chat.say('language');
    expect(chat.text()).to.contain(en('language.title'));
    expect(chat.actionTitles()).to.deep.equal(['English', 'Deutsch', 'Русский', '繁體中文']);
    await chat.click('Deutsch');
    expect(chat.text()).to.contain(de('language.switched', { language: 'Deutsch' }).slice(0, 20));
    // the checklist card still on screen works, and the next step comes in German
    await chat.click(en('prepare.confirm'));
    expect(chat.text()).to.contain(de('steps.role.title'));
    expect((await under.transitions.get('tenant-a')).done.prepare?.by.id).to.equal('ada');
    // a new conversation of the same user, with an English client, stays German
    const later = new TestChat(under, { userId: 'ada', locale: 'en-US', conversationId: 'c-2' });
    await later.say('status');
    expect(later.text()).to.contain(de('steps.role.title'));
    // naming a language on its own switches too
    await later.say('English');
    expect(later.text()).to.contain(en('language.switched', { language: 'English' }).slice(0, 20));
  });
});
