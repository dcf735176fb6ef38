/**
 * The demo's sign-in, as a partner sees it in real Chromium (`PARTNER_CENTER_MODE=fake`): Web Chat
 * shows the OAuth card, its button opens the fake token service's sign-in page, the partner picks a
 * demo person, types the code the page shows into the chat, and the assistant answers with the
 * roles Microsoft Entra ID (the fake, through the real MSAL and Graph client) shows for them.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH): without it the suite FAILS.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { createLogger } from '../../src/logger.js';
import {
  REPLY_MS,
  WEBCHAT_TENANT,
  WEBCHAT_USER,
  cardWith,
  demoSignIn,
  openStage,
  openWebChat,
  send,
  visibleText,
  webChatContext,
  type Stage,
} from '../support/partnerScenes.js';

describe('demo sign-in in Web Chat, in real Chromium', function () {
  this.timeout(90_000);
  let stage: Stage;

  const logLines: string[] = [];

  before(async () => {
    // every log line at trace level, to prove no token or code is ever logged
    const logger = createLogger('trace', { write: (line: string) => void logLines.push(line) });
    stage = await openStage({ PARTNER_CENTER_MODE: 'fake' }, { logger });
  });
  after(() => stage?.close());

  it('OAuth card -> sign-in page -> code typed in the chat -> roles verified and recorded', async () => {
    const context = await webChatContext(stage.browser);
    const page = await context.newPage();
    await openWebChat(page, stage.app, 'en-US');
    const popup = await demoSignIn(page, 'sign in', 'Sign in', /Dana Reyes/);
    expect(await popup.textContent('body')).to.match(/Signed in as Dana Reyes/);
    await popup.close();
    await visibleText(page, /Signed in as Dana Reyes/).waitFor({ timeout: REPLY_MS });
    const account = cardWith(page, /verified in Microsoft Entra ID/);
    await account.waitFor({ timeout: REPLY_MS });
    expect(await account.textContent()).to.match(/Global admin and Admin agent/);
    const record = await stage.app.services.checklist.read(WEBCHAT_TENANT);
    expect(record.people[WEBCHAT_USER.id]?.verified?.roles).to.deep.equal(['globalAdmin', 'adminAgent']);

    // customers are read from Partner Center as Dana (a token minted on her behalf), then nothing secret is kept
    await send(page, 'customers');
    await visibleText(page, /Read from Partner Center: 5 customers/).waitFor({ timeout: REPLY_MS });
    await context.close();
    const stored = await readStore(path.join(stage.dataDir, 'store'));
    expect(stored.length, 'the store has records').to.be.greaterThan(1000);
    // every token here is a JWT (header `eyJ...`): none may be in the store or the logs
    expect(stored).to.not.match(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(logLines.length, 'trace logs were captured').to.be.greaterThan(10);
    expect(logLines.join('\n')).to.not.match(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});

/** Every file under `dir`, concatenated (the lowdb store). */
async function readStore(dir: string): Promise<string> {
  const files = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(path.join(f.parentPath, f.name), 'utf8')));
  return texts.join('\n');
}
