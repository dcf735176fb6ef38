/**
 * The account journey: "sign in", "my roles", "sign out". Connected mode signs in (roles verified
 * in Microsoft Entra ID) and shows what was read; manual mode shows the declared role, labelled
 * self-declared, and lets the user change it.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import type { ChecklistService } from '../../src/checklist/checklistService.js';
import type { HandlerMap, JourneyRouter, MenuEntry } from '../journey.js';
import { LoopDialog, type JourneyTurn, type LoopOptions } from '../loopDialog.js';
import { signOutOf } from '../signIn.js';
import type { AccountSubmit } from './submits.js';
import { recognizeAccount } from './triggers.js';
import { accountCard } from './views.js';

export const ACCOUNT_DIALOG = 'account';

/** The account loop's options. `signIn`: sign in (again) first; `signOut`: sign out, then show the card. */
export interface AccountOptions extends LoopOptions {
  stage?: 'home' | 'signIn' | 'signOut';
}

type Turn = JourneyTurn<AccountOptions>;

/** What the account journey calls. `connectionName` is set in connected mode. */
export interface AccountKit {
  checklist: ChecklistService;
  connectionName?: string;
}

/** The account journey's dialog. */
export class AccountDialog extends LoopDialog<AccountOptions, AccountSubmit> {
  protected readonly helpKey = 'identity.account.help';
  protected readonly handlers: HandlerMap<AccountSubmit, Turn>;

  constructor(
    private readonly kit: AccountKit,
    menu: readonly MenuEntry<AccountOptions>[],
    router: JourneyRouter,
  ) {
    super(ACCOUNT_DIALOG, 'account', menu, router);
    this.handlers = {
      'account.signOut': (turn) => turn.loop({ stage: 'signOut' }),
      'account.role.set': async (turn, s) => {
        const result = await this.kit.checklist.setRole(turn.tenantId, turn.actor, s.role);
        if (!result.ok) await turn.say(turn.t('identity.account.roleFromSignIn'));
        else await turn.say(turn.t('identity.account.roleRecorded', { role: turn.t(`roles.${s.role}`) }));
        return turn.loop({ stage: 'home' });
      },
    };
  }

  protected home(): AccountOptions {
    return { stage: 'home' };
  }

  /** The account card; connected mode signs in first when asked to or when no role was read yet (silent while the token service holds a token). */
  protected override async render(turn: Turn, o: AccountOptions): Promise<void> {
    turn.options = { stage: 'home' };
    if (o.stage === 'signOut') await this.signOut(turn);
    const person = (await this.kit.checklist.read(turn.tenantId)).people[turn.actor.id];
    if (turn.connected && o.stage !== 'signOut' && (o.stage === 'signIn' || !person?.verified)) {
      turn.requestSignIn();
      return;
    }
    if (o.stage === 'signIn' && !turn.connected) await turn.say(turn.t('identity.notConnected'));
    await turn.send(accountCard(turn.t, person, turn.connected));
  }

  /** Its own words again ("sign in" while a sign-in card waits: a fresh card), else not understood. */
  protected override async onText(turn: Turn, text: string): Promise<DialogTurnResult> {
    const start = recognizeAccount(turn.t, text);
    if (start) return turn.loop(start);
    await turn.say(turn.t('errors.notUnderstood'));
    return turn.stay();
  }

  /** Signs out of the OAuth connection; the verified roles stay recorded (with their time) until the next sign-in. */
  private async signOut(turn: Turn): Promise<void> {
    if (!this.kit.connectionName) {
      await turn.say(turn.t('identity.notConnected'));
      return;
    }
    await signOutOf(turn.context, this.kit.connectionName);
    await turn.say(turn.t('identity.account.signedOut'));
  }
}
