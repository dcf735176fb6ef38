import { AuthenticationConstants, ClaimsIdentity, type BotFrameworkAuthentication } from 'botframework-connector';
import type { ReaderToken } from '../customers/partnerCenterRefresh.js';

/**
 * A reader's token for the bot's API from the token service, outside a turn (the background Partner
 * Center reads): the same user token client a turn gets (`auth` is the adapter's), asked for the
 * user's token without a code. Undefined when they are not signed in (or signed out).
 * @param appId the bot's app id (empty with auth off, the demo)
 */
export function readerTokens(auth: BotFrameworkAuthentication, appId: string, connectionName: string): ReaderToken {
  return async (reader) => {
    const client = await auth.createUserTokenClient(new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: appId }], true));
    return (await client.getUserToken(reader.userId, connectionName, reader.channelId, ''))?.token;
  };
}
