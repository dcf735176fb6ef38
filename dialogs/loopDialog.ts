/**
 * The one loop engine every journey runs on: a two-step waterfall that replaces itself after each
 * answer. `show` renders the journey's current stage and waits; `answer` reads the reply in this
 * order: a word that works at any prompt (`help`, `status`, `back`, `cancel`, `start over`,
 * `plan`; `menu` is caught by the main dialog), a malformed card submit (refused, nothing changed),
 * a welcome-card button, a card of another journey or another journey's words (handed back to the
 * main dialog, which starts that journey), this journey's verbs (its handler map), typed text.
 */
import { MessageFactory, type Activity, type Attachment, type TurnContext } from 'botbuilder';
import { ComponentDialog, Dialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { dispatch, type HandlerMap, type JourneyId, type JourneyRouter, type MenuEntry, type VerbPayload } from './journey.js';
import { commandOf, type CommandId } from './recognizer.js';
import type { IdentityService } from '../src/identity/identityService.js';
import { isSignInResult, SIGN_IN_DIALOG, SignInDialog, userTokenOf, type SignInResult } from './signIn.js';
import { REROUTE } from './submitFields.js';
import { turnInfo, type TurnInfo } from './turnInfo.js';

/** What every journey's loop options carry besides its own. */
export interface LoopOptions {
  /** Send the stage's card when the loop (re)starts (default true). */
  render?: boolean;
  /** This turn's activity is already the answer (a card clicked when no journey was active). */
  handleCurrentActivity?: boolean;
}

/** A word that works at any prompt, handled by a journey (`menu` never reaches a journey). */
export type LoopCommand = Exclude<CommandId, 'menu'>;

/**
 * Handlers for the words that work at any prompt; a journey overrides the ones it answers its own
 * way. A handler that answers and keeps the journey where it was returns `turn.stay()`.
 */
export type CommandMap<O extends LoopOptions> = Partial<Record<LoopCommand, (turn: JourneyTurn<O>) => Promise<DialogTurnResult>>>;

/**
 * One turn of a journey's loop, handed to its handlers: the turn's facts (tenant, user, translator,
 * clock), the loop's options, and the ways a handler ends the turn.
 */
export class JourneyTurn<O extends LoopOptions> {
  /** Set by {@link requestSignIn} during `render`: the loop begins sign-in after the stage's card. */
  signInRequested = false;

  constructor(
    /** The waterfall step this turn runs in (the loop engine's; handlers rarely need it). */
    readonly waterfall: WaterfallStepContext,
    private readonly loopId: string,
    /** Connected mode: sign-in and verified roles (the loop has the sign-in dialog); undefined in manual mode. */
    readonly identity?: IdentityService,
  ) {}

  /** True in connected mode (roles verified in Microsoft Entra ID). */
  get connected(): boolean {
    return this.identity !== undefined;
  }

  /** Connected mode: the user's token for the bot's API held by the token service (undefined when not signed in, or in manual mode). */
  async userToken(): Promise<string | undefined> {
    return this.identity ? userTokenOf(this.context, this.identity.connectionName) : undefined;
  }

  /**
   * How this turn reads Partner Center: as the signed-in user (Partner Center tokens minted on their
   * behalf, app + user); `signIn` when they are not signed in; undefined without connected identity
   * (the demo's own token).
   */
  async partnerCenterToken(): Promise<(() => Promise<string>) | 'signIn' | undefined> {
    if (!this.identity) return undefined;
    const userToken = await this.userToken();
    return userToken ? this.identity.partnerCenterToken(userToken) : 'signIn';
  }

  get context(): TurnContext {
    return this.waterfall.context;
  }

  get activity(): Activity {
    return this.waterfall.context.activity;
  }

  /** Tenant, user, translator, clock and channel of the turn (resolved once by the bot). */
  get info(): TurnInfo {
    return turnInfo(this.waterfall.context);
  }

  get t(): TurnInfo['t'] {
    return this.info.t;
  }

  get actor(): TurnInfo['actor'] {
    return this.info.actor;
  }

  get now(): Date {
    return this.info.now;
  }

  /**
   * The partner tenant. Journeys only run for a turn with a tenant (the bot refuses others first).
   * @throws Error when there is none (a wiring bug, not user input).
   */
  get tenantId(): string {
    const id = this.info.tenantId;
    if (!id) throw new Error('a journey ran without a tenant');
    return id;
  }

  /** The options of the running loop (what the next answer is read against). */
  get options(): O {
    return ((this.waterfall.values as { options?: O }).options ?? {}) as O;
  }

  set options(options: O) {
    (this.waterfall.values as { options?: O }).options = options;
  }

  /** Sends a line of text. */
  async say(text: string): Promise<void> {
    await this.waterfall.context.sendActivity(text);
  }

  /** Sends a card; returns the id the channel gave the activity, if any. */
  async send(card: Attachment): Promise<string | undefined> {
    return (await this.waterfall.context.sendActivity(MessageFactory.attachment(card)))?.id;
  }

  /**
   * Restarts the loop with `options` (renders the stage unless `render: false`). When a card sent
   * this turn asked for sign-in ({@link requestSignIn}), sign-in begins instead and the loop
   * restarts with `options` after it.
   */
  loop(options: O): Promise<DialogTurnResult> {
    if (this.signInRequested) {
      this.signInRequested = false;
      const { render: _render, handleCurrentActivity: _now, ...kept } = options;
      this.options = kept as O;
      return this.signIn();
    }
    return this.waterfall.replaceDialog(this.loopId, options);
  }

  /** Waits for the next answer at the same stage, without sending the stage's card again; `patch` changes options. */
  stay(patch: Partial<O> = {}): Promise<DialogTurnResult> {
    return this.loop({ ...this.options, ...patch, render: false });
  }

  /**
   * Connected mode: signs the user in (OAuthPrompt; silent when the token service still holds a
   * token) and verifies their roles; the loop then calls the journey's `afterSignIn`, with the
   * options as they are now (put the answer to replay in them first). Manual mode: says roles are
   * what the user tells the assistant, and waits at the same stage.
   */
  async signIn(): Promise<DialogTurnResult> {
    if (this.connected) return this.waterfall.beginDialog(SIGN_IN_DIALOG);
    await this.say(this.t('identity.notConnected'));
    return this.stay();
  }

  /** From `render`: begin sign-in right after the stage's card (connected mode only; else ignored). */
  requestSignIn(): void {
    this.signInRequested = this.connected;
  }

  /** Leaves the journey (its progress is in the tenant's records). */
  end(): Promise<DialogTurnResult> {
    return this.waterfall.endDialog();
  }

  /** Leaves the journey and asks the main dialog to route this same activity afresh. */
  reroute(): Promise<DialogTurnResult> {
    return this.waterfall.endDialog(REROUTE);
  }
}

/**
 * Base of every looping journey.
 * @typeParam O the loop's options (stage and what it needs).
 * @typeParam S the journey's slice of the submit union (its verbs).
 */
export abstract class LoopDialog<O extends LoopOptions, S extends VerbPayload> extends ComponentDialog {
  private readonly loopId: string;
  private signInWith?: IdentityService;

  constructor(
    id: string,
    private readonly journeyId: JourneyId,
    private readonly menu: readonly MenuEntry<O>[],
    protected readonly router: JourneyRouter,
  ) {
    super(id);
    this.loopId = `${id}.loop`;
    this.addDialog(new WaterfallDialog(this.loopId, [this.show.bind(this), this.answer.bind(this), this.resumed.bind(this)]));
    this.initialDialogId = this.loopId;
  }

  /** Connected mode: gives this journey's loop the sign-in dialog (`turn.signIn()`). Called once by the main dialog. */
  enableSignIn(identity: IdentityService): void {
    if (this.signInWith) return;
    this.addDialog(new SignInDialog(identity));
    this.signInWith = identity;
  }

  /**
   * After sign-in ended (see {@link JourneyTurn.signIn}). Default: a successful sign-in shows the
   * stage again (what the user may do may have changed); a failed one waits at the stage; a message
   * that ended the sign-in prompt without being a code is read as this stage's answer.
   */
  protected afterSignIn(turn: JourneyTurn<O>, result: SignInResult): Promise<DialogTurnResult> {
    if (!result.handled) return turn.loop({ ...turn.options, handleCurrentActivity: true });
    return result.signedIn ? turn.loop({ ...turn.options }) : turn.stay();
  }

  /** Locale key of this journey's help text (the `help` command). */
  protected abstract readonly helpKey: string;

  /** One handler per verb of the journey's submit slice. */
  protected abstract readonly handlers: HandlerMap<S, JourneyTurn<O>>;

  /** The journey's home stage: where `status`, `back` and `start over` go unless overridden. */
  protected abstract home(): O;

  /** Sends the stage's card(s). May change the options (`turn.options = ...`). */
  protected abstract render(turn: JourneyTurn<O>, options: O): Promise<void>;

  /** Handles typed text that no other journey claimed. */
  protected abstract onText(turn: JourneyTurn<O>, text: string): Promise<DialogTurnResult>;

  /** Fills in defaults the stage needs; `answering` is true when the current activity is the answer. */
  protected normalize(options: O, _answering: boolean): O {
    return options;
  }

  /**
   * The words that work at any prompt. Defaults: `help` (this journey's help, then the command
   * list), `plan` (the checklist's: handed to the main dialog), `status` / `back` / `start over`
   * (the home stage), `cancel` (leave; everything is saved in tenant records). A journey overrides
   * entries by returning them from here.
   */
  protected commands(): CommandMap<O> {
    return {};
  }

  private defaultCommands(): Required<CommandMap<O>> {
    const home = (turn: JourneyTurn<O>) => turn.loop(this.home());
    return {
      help: async (turn) => {
        await turn.say(turn.t(this.helpKey));
        await turn.say(turn.t('help.commands'));
        return turn.stay();
      },
      plan: async (turn) => {
        await turn.waterfall.cancelAllDialogs();
        return turn.reroute();
      },
      status: home,
      back: home,
      startOver: home,
      cancel: async (turn) => {
        await turn.say(turn.t('cancel.done'));
        return turn.waterfall.cancelAllDialogs();
      },
    };
  }

  private turnOf(waterfall: WaterfallStepContext): JourneyTurn<O> {
    return new JourneyTurn<O>(waterfall, this.loopId, this.signInWith);
  }

  /** After a sign-in begun by a handler (third step); one begun by `render` resumes in `answer` instead. */
  private resumed(waterfall: WaterfallStepContext): Promise<DialogTurnResult> {
    const result: SignInResult = isSignInResult(waterfall.result) ? waterfall.result : { kind: 'signIn', signedIn: false, handled: true };
    return this.afterSignIn(this.turnOf(waterfall), result);
  }

  private async show(waterfall: WaterfallStepContext): Promise<DialogTurnResult> {
    const turn = this.turnOf(waterfall);
    const given = { ...((waterfall.options ?? {}) as O) };
    if (given.handleCurrentActivity) {
      turn.options = this.normalize({ ...given, handleCurrentActivity: false }, true);
      return waterfall.next();
    }
    const { render, ...kept } = this.normalize(given, false);
    turn.options = kept as O;
    if (render !== false) await this.render(turn, kept as O);
    if (turn.signInRequested) {
      turn.signInRequested = false;
      return turn.signIn();
    }
    return Dialog.EndOfTurn;
  }

  private async answer(waterfall: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isSignInResult(waterfall.result)) return this.resumed(waterfall);
    const turn = this.turnOf(waterfall);
    const { activity } = turn;
    const command = commandOf(turn.t, activity);
    if (command && command !== 'menu') return (this.commands()[command] ?? this.defaultCommands()[command])(turn);
    const parsed = this.router.parse(activity.value);
    if (parsed && !parsed.ok) {
      await turn.say(turn.t('errors.badSubmit'));
      return turn.stay();
    }
    if (parsed?.ok) {
      const { submit } = parsed;
      if (submit.verb === 'menu.open') {
        const opened = this.menu.find((m) => m.id === (submit as { journey?: string }).journey);
        return opened ? turn.loop(opened.options) : turn.reroute();
      }
      if (submit.verb === 'signIn') return turn.signIn();
      if (!this.router.owns(this.journeyId, submit.verb)) return turn.reroute();
      return dispatch(this.handlers, turn, submit as S);
    }
    if (this.router.claimedElsewhere(this.journeyId, turn.t, activity)) return turn.reroute();
    return this.onText(turn, activity.text ?? '');
  }
}
