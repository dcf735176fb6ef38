/**
 * The root of every conversation: the welcome card, and routing of words and card submits to the
 * journeys of the registry (`dialogs/registry.ts`). `menu` at any time cancels the active journey
 * (its progress is in the tenant's records, so nothing is lost) and shows the welcome card.
 */
import { MessageFactory, type Attachment, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogSet,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogState,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { summarizeInvitations } from '../src/domain/invitations.js';
import { accountJourney } from './account/index.js';
import { isLiveView, renderLiveView } from './checklist/liveViews.js';
import { LoopDialog } from './loopDialog.js';
import { commandOf, type CommandId } from './recognizer.js';
import { LOOP_JOURNEYS, MENU, OVERLAY_JOURNEYS, claimOf, ownerOf, parseSubmit, router } from './registry.js';
import type { JourneyServices } from './services.js';
import { isReroute } from './submitFields.js';
import { turnInfo } from './turnInfo.js';
import { welcomeCard } from './welcome.js';

export const MAIN_DIALOG = 'mainDialog';
const ROUTE = 'mainDialog.route';
const REROUTED = Symbol('rerouted');

/** Routes each turn to the journey it belongs to; builds every journey's dialog once over the services. */
export class MainDialog extends ComponentDialog {
  constructor(private readonly services: JourneyServices) {
    super(MAIN_DIALOG);
    for (const journey of LOOP_JOURNEYS) {
      const dialog = journey.create(services, router);
      if (services.identity && dialog instanceof LoopDialog) dialog.enableSignIn(services.identity);
      this.addDialog(dialog);
    }
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this), this.finish.bind(this)]));
    this.initialDialogId = ROUTE;
  }

  /**
   * Runs one turn through the dialog stack stored in `dialogState` (conversation state). Overlays
   * (the reminder list) answer first and leave the journey in progress where it was. The caller
   * saves state once at the end of the turn.
   */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const set = new DialogSet(dialogState);
    set.add(this);
    const dc = await set.createContext(context);
    if (commandOf(turnInfo(context).t, context.activity) === 'menu') {
      await dc.cancelAllDialogs();
      await this.sendWelcome(context);
      return;
    }
    const parsed = parseSubmit(context.activity.value);
    for (const overlay of OVERLAY_JOURNEYS) if (await overlay.handle(context, parsed, this.services)) return;
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  /** Sends the welcome card (first contact, "menu", greetings). */
  async sendWelcome(context: TurnContext): Promise<void> {
    const info = turnInfo(context);
    const record = info.tenantId ? await this.services.checklist.read(info.tenantId) : undefined;
    const invitations = info.tenantId ? await this.services.invitations.invitations.get(info.tenantId) : undefined;
    const waiting = invitations ? summarizeInvitations(invitations, info.now).reminders.length : 0;
    await context.sendActivity(MessageFactory.attachment(welcomeCard(info.t, record, info.actor.id, info.actor.name, waiting)));
  }

  /** True when `view` names a live view ({@link renderView} renders it). */
  /**
   * Continues the dialog waiting on the stack in `dialogState` (sign-in answers: Teams'
   * `signin/verifyState` and `signin/tokenExchange` invokes, Web Chat's `tokens/response` event),
   * and starts nothing when none waits (a late answer to a sign-in that is over changes nothing).
   */
  async resume(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const set = new DialogSet(dialogState);
    set.add(this);
    const dc = await set.createContext(context);
    await dc.continueDialog();
  }

  knowsView(view: string): boolean {
    return isLiveView(view);
  }

  /**
   * Read only, for a card's `refresh` in Teams: the card the live view `view` (`checklist.current`,
   * `checklist.next`) shows now for this turn's user. Nothing is written or sent; the dialog stack is
   * not touched. @returns undefined for an unknown view or a turn without a tenant.
   */
  async renderView(context: TurnContext, view: string): Promise<Attachment | undefined> {
    const info = turnInfo(context);
    if (!info.tenantId || !isLiveView(view)) return undefined;
    return renderLiveView(view, await this.services.checklist.read(info.tenantId), info);
  }

  /** A turn no journey is waiting on: a card goes to the journey that owns its verb, words to the journey that claims them. */
  private async route(waterfall: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = waterfall.context;
    const { t } = turnInfo(ctx);
    const parsed = parseSubmit(ctx.activity.value);
    if (parsed && !parsed.ok) {
      await ctx.sendActivity(t('errors.badSubmit'));
      return waterfall.endDialog();
    }
    if (parsed?.ok) {
      const { submit } = parsed;
      if (submit.verb === 'menu.open') {
        const entry = MENU.find((m) => m.id === submit.journey)!;
        return waterfall.beginDialog(entry.journey.dialogId, entry.options as object);
      }
      if (submit.verb === 'command') return this.onCommandOutsideJourney(waterfall, submit.command);
      if (submit.verb === 'signIn') return waterfall.beginDialog(accountJourney.dialogId, accountJourney.answerNow);
      // a card clicked while no journey is waiting (new conversation, after "cancel"): the journey
      // that owns the verb gets the click, and checks the card's revision before acting
      const owner = ownerOf(submit.verb);
      return owner ? waterfall.beginDialog(owner.dialogId, owner.answerNow) : waterfall.endDialog();
    }
    const command = commandOf(t, ctx.activity);
    if (command) return this.onCommandOutsideJourney(waterfall, command);
    const claim = claimOf(t, ctx.activity);
    if (claim) return waterfall.beginDialog(claim.journey.dialogId, claim.options as object);
    await ctx.sendActivity(t('errors.notUnderstood'));
    await this.sendWelcome(ctx);
    return waterfall.endDialog();
  }

  /** `status` and `plan` open the journey that answers them (the checklist); `help` explains; the rest show the welcome card. */
  private async onCommandOutsideJourney(waterfall: WaterfallStepContext, command: CommandId): Promise<DialogTurnResult> {
    const ctx = waterfall.context;
    const { t } = turnInfo(ctx);
    if (command === 'status' || command === 'plan') {
      const journey = LOOP_JOURNEYS.find((j) => j.commands?.[command] !== undefined);
      if (journey) return waterfall.beginDialog(journey.dialogId, journey.commands![command]);
    }
    if (command === 'help') {
      await ctx.sendActivity(t('help.outside'));
      await ctx.sendActivity(t('help.commands'));
      return waterfall.endDialog();
    }
    await this.sendWelcome(ctx);
    return waterfall.endDialog();
  }

  private async finish(waterfall: WaterfallStepContext): Promise<DialogTurnResult> {
    // a journey got a card of another journey: route the same activity again (once per turn)
    if (isReroute(waterfall.result) && !waterfall.context.turnState.get(REROUTED)) {
      waterfall.context.turnState.set(REROUTED, true);
      return waterfall.replaceDialog(ROUTE);
    }
    return waterfall.endDialog(waterfall.result);
  }
}
