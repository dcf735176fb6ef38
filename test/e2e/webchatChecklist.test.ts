/**
 * End to end in real Chromium: a partner completes the whole checklist in Web Chat (the built-in
 * page, development Direct Line, the real app on lowdb), clicking the cards' buttons and filling
 * the forms, from "Start the checklist" to "complete". Web Chat cannot run Teams' `Action.Execute`:
 * every card it received carries `Action.Submit` (with its verb), none `Action.Execute` and none a
 * `refresh` block, read from the Direct Line activities the page itself fetched.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH): without it the suite FAILS.
 */
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { NEXT_ITEM_IDS, STEP_IDS } from '../../src/domain/transition.js';
import { watchPage, type PageRecord } from '../support/browser.js';
import { REPLY_MS, WEBCHAT_TENANT, button, cardWith, openStage, openWebChat, visibleText, webChatContext, type Stage } from '../support/partnerScenes.js';

/** Every action object anywhere in a card. */
function actionsIn(node: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(node)) node.forEach((n) => actionsIn(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push(o);
    Object.values(o).forEach((v) => actionsIn(v, out));
  }
  return out;
}

describe('Web Chat in real Chromium: the whole checklist with Submit cards', function () {
  this.timeout(120_000);
  let stage: Stage;
  let context: BrowserContext;
  let page: Page;
  let seen: PageRecord;
  /** Adaptive Cards the page received from Direct Line, in order. */
  const received: Array<Record<string, unknown>> = [];

  before(async () => {
    stage = await openStage();
    context = await webChatContext(stage.browser);
    page = await context.newPage();
    seen = watchPage(page);
    page.on('response', async (response) => {
      if (response.request().method() !== 'GET' || !/\/v3\/directline\/conversations\/[^/]+\/activities/.test(response.url())) return;
      const body = (await response.json().catch(() => undefined)) as
        { activities?: Array<{ from?: { role?: string }; attachments?: Array<{ contentType: string; content: unknown }> }> } | undefined;
      for (const activity of body?.activities ?? [])
        for (const a of activity.attachments ?? [])
          if (a.contentType === 'application/vnd.microsoft.card.adaptive') received.push(a.content as Record<string, unknown>);
    });
    await openWebChat(page, stage.app, 'en-US');
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await stage?.close();
  });

  /** Clicks `name` on the newest card offering it and waits for `then` to show. */
  async function click(name: RegExp, then: RegExp): Promise<void> {
    await page.getByRole('button', { name }).filter({ visible: true }).last().click();
    await visibleText(page, then).waitFor({ timeout: REPLY_MS });
  }

  it('clicks through steps 1 to 7 with the cards and their forms', async function () {
    await click(/Start the checklist/, /Step 1 of 8/);
    await click(/^Both are current$/, /Step 2 of 8/);
    await click(/^Global admin$/, /Step 3 of 8/);
    await click(/Yes, it.s Restricted/, /Step 4 of 8/);

    const form = cardWith(page, /Check my details/);
    await form.getByLabel('Legal business name').fill('Contoso Cloud GmbH');
    await form.getByLabel(/^PartnerID/).fill('1234567');
    await form.locator('input.ac-choiceSetInput-filtered').fill('Germany');
    await form.getByLabel(/Primary contact email/).fill('ops@contoso.example');
    await button(form, /Check my details/).click();
    await visibleText(page, /Step 5 of 8/).waitFor({ timeout: REPLY_MS });

    const enroll = cardWith(page, /There is no rollback/);
    await enroll.getByLabel(/I understand there is no rollback/).check();
    await button(enroll, /I.ve selected Enroll now/).click();
    await visibleText(page, /Step 6 of 8/).waitFor({ timeout: REPLY_MS });
    await click(/It.s approved/, /Step 7 of 8/);
    await click(/I.ve accepted the agreement/, /Step 8 of 8/);
  });

  it("ticks every what's-next item on the list and reaches the finish", async function () {
    for (let done = 1; done <= NEXT_ITEM_IDS.length; done++) {
      const list = cardWith(page, /Mark done/);
      await button(list, /^Mark done$/).click();
      await visibleText(page, new RegExp(`Marked done: .* ${done} of 7 items done`)).waitFor({ timeout: REPLY_MS });
    }
    await visibleText(page, /Your move to indirect reseller is complete/).waitFor({ timeout: REPLY_MS });

    const record = await stage.app.transitions.get(WEBCHAT_TENANT);
    expect(
      STEP_IDS.every((s) => record.done[s]),
      JSON.stringify(record.done),
    ).to.equal(true);
    expect(NEXT_ITEM_IDS.every((i) => record.nextItems[i])).to.equal(true);
    expect(seen.consoleErrors, 'console errors').to.deep.equal([]);
    expect(seen.pageErrors, 'uncaught page errors').to.deep.equal([]);
  });

  it('every card Web Chat received carries Action.Submit with a verb: no Action.Execute, no refresh block', function () {
    expect(received.length, 'cards received').to.be.greaterThan(10);
    const actions = received.flatMap((card) => actionsIn(card));
    const submits = actions.filter((a) => a.type === 'Action.Submit');
    expect(submits.length).to.be.greaterThan(20);
    for (const a of submits) expect((a.data as { verb?: unknown }).verb, JSON.stringify(a)).to.be.a('string');
    expect(actions.filter((a) => a.type === 'Action.Execute')).to.deep.equal([]);
    expect(received.filter((card) => 'refresh' in card)).to.deep.equal([]);
  });
});
