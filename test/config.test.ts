import { expect } from 'chai';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration from the environment (zod)', () => {
  it('has working defaults for local development', () => {
    const c = loadConfig({});
    expect(c).to.include({
      port: 3978,
      host: '127.0.0.1',
      dataDir: './data',
      authEnabled: false,
      microsoftAppType: 'MultiTenant',
      webChatTenantId: 'local-dev-tenant',
    });
  });

  it('is in manual mode unless PARTNER_CENTER_MODE asks for the demo (fake) or the real Partner Center (live, with sign-in)', () => {
    expect(loadConfig({}).partnerCenterMode).to.equal('off');
    expect(loadConfig({}).oauthConnectionName).to.equal(undefined);
    expect(loadConfig({}).partnerCenterRefreshMinutes).to.equal(60);
    expect(loadConfig({ PARTNER_CENTER_MODE: 'fake' }).partnerCenterMode).to.equal('fake');
    const live = loadConfig({ PARTNER_CENTER_MODE: 'live', OAUTH_CONNECTION_NAME: 'Partner Center', MicrosoftAppId: 'a', MicrosoftAppPassword: 'p' });
    expect([live.partnerCenterMode, live.oauthConnectionName]).to.deep.equal(['live', 'Partner Center']);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', MicrosoftAppId: '' }).port).to.equal(3978);
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ HOST: '0.0.0.0' }, /HOST: must be a loopback address/],
    [{ MicrosoftAppId: 'app', HOST: '127.0.0.1' }, /MicrosoftAppPassword: is required/],
    [{ MicrosoftAppType: 'Whatever' }, /MicrosoftAppType/],
    [{ MicrosoftAppType: 'SingleTenant', MicrosoftAppId: 'a', MicrosoftAppPassword: 'p' }, /MicrosoftAppTenantId/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ WEBCHAT_TENANT_ID: 'has spaces' }, /WEBCHAT_TENANT_ID/],
    [{ STORAGE: 'redis' }, /STORAGE/],
    [{ STORAGE: 'blob', INVITATION_SECRET: 'x'.repeat(32) }, /BLOB_CONNECTION_STRING: is required when STORAGE is blob/],
    [{ STORAGE: 'blob', BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true' }, /INVITATION_SECRET: is required when STORAGE is blob/],
    [{ STORAGE: 'blob', BLOB_CONNECTION_STRING: 'c', INVITATION_SECRET: 'x'.repeat(32), BLOB_CONTAINER: 'Bad_Name' }, /BLOB_CONTAINER/],
    [{ STORAGE: 'cosmos', INVITATION_SECRET: 'x'.repeat(32), COSMOS_KEY: 'k' }, /COSMOS_ENDPOINT: is required when STORAGE is cosmos/],
    [{ REMINDER_CHECK_SECONDS: '-1' }, /REMINDER_CHECK_SECONDS/],
    [{ PARTNER_CENTER_MODE: 'real' }, /PARTNER_CENTER_MODE: must be off, fake or live/],
    [{ PARTNER_CENTER_MODE: 'live' }, /PARTNER_CENTER_MODE: live needs OAUTH_CONNECTION_NAME/],
    [{ OAUTH_CONNECTION_NAME: 'graph' }, /OAUTH_CONNECTION_NAME: needs MicrosoftAppId and MicrosoftAppPassword/],
    [
      { OAUTH_CONNECTION_NAME: 'graph', MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', PARTNER_CENTER_MODE: 'fake' },
      /OAUTH_CONNECTION_NAME: must be unset with PARTNER_CENTER_MODE=fake/,
    ],
    [{ OAUTH_CONNECTION_NAME: 'bad/name', MicrosoftAppId: 'a', MicrosoftAppPassword: 'p' }, /OAUTH_CONNECTION_NAME: must be the OAuth connection name/],
    [{ PARTNER_CENTER_REFRESH_MINUTES: '5000' }, /PARTNER_CENTER_REFRESH_MINUTES/],
  ];
  for (const [env, message] of bad) {
    it(`names the bad variable: ${JSON.stringify(env)}`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, message);
    });
  }

  it('allows any host once auth is on', () => {
    const c = loadConfig({ HOST: '0.0.0.0', MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'secret' });
    expect(c.authEnabled).to.equal(true);
    expect(c.host).to.equal('0.0.0.0');
  });

  it('reads the storage backend and the reminder interval', () => {
    expect(loadConfig({}).storage).to.deep.equal({ backend: 'lowdb' });
    expect(loadConfig({}).reminderCheckSeconds).to.equal(60);
    const blob = loadConfig({
      STORAGE: 'blob',
      BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      INVITATION_SECRET: 'x'.repeat(32),
      REMINDER_CHECK_SECONDS: '0',
    });
    expect(blob.storage).to.deep.equal({ backend: 'blob', blob: { connectionString: 'UseDevelopmentStorage=true', container: 'csp-assistant' } });
    expect(blob.reminderCheckSeconds).to.equal(0);
    const cosmos = loadConfig({
      STORAGE: 'cosmos',
      COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
      COSMOS_KEY: 'k',
      INVITATION_SECRET: 'x'.repeat(32),
    });
    expect(cosmos.storage).to.deep.equal({
      backend: 'cosmos',
      cosmos: { endpoint: 'https://acct.documents.azure.com:443/', key: 'k', database: 'csp-assistant', container: 'bot-state' },
    });
  });
});
