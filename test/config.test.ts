import { expect } from 'chai';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration from the environment (zod)', () => {
  it('has working defaults for local development', () => {
    const c = loadConfig({});
    expect(c).to.include({ port: 3978, host: '127.0.0.1', dataDir: './data', authEnabled: false, microsoftAppType: 'MultiTenant', webChatTenantId: 'local-dev-tenant' });
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
});
