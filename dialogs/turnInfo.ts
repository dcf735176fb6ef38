import type { TurnContext } from 'botbuilder';
import type { Actor } from '../src/domain/transition.js';
import type { Translator } from '../src/i18n/index.js';

/**
 * What every dialog needs to know about the turn, resolved once by the bot before dialogs run:
 * - `tenantId`: the partner tenant whose journey this is (Teams: `channelData.tenant.id`;
 *   Web Chat: the tenant the page is configured for). Undefined when none can be told.
 * - `actor`: the user (AAD object id when the channel gives one, else the channel user id).
 * - `t`: translator for the user's locale. `now`: the turn's clock reading.
 */
export interface TurnInfo {
  tenantId?: string;
  actor: Actor;
  t: Translator;
  now: Date;
  channelId: string;
}

const TURN_INFO = Symbol('turnInfo');

/** Stores `info` on the turn (bot side). */
export function setTurnInfo(context: TurnContext, info: TurnInfo): void {
  context.turnState.set(TURN_INFO, info);
}

/**
 * Reads the {@link TurnInfo} the bot stored for this turn.
 * @throws Error when the bot did not set it (a wiring bug, not user input).
 */
export function turnInfo(context: TurnContext): TurnInfo {
  const info = context.turnState.get(TURN_INFO) as TurnInfo | undefined;
  if (!info) throw new Error('TurnInfo missing: the bot must call setTurnInfo before running dialogs');
  return info;
}
