import { Dialog, WaterfallDialog, type DialogContext, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { GuidedDialog } from './guidedDialog.js';
import type { CommandId } from './recognizer.js';
import { REROUTE, parseSubmit, type Submit } from './submits.js';
import { turnInfo } from './turnInfo.js';

/** What every looping journey's options carry besides its own. */
export interface LoopOptions {
  /** Send the stage's card when the loop (re)starts (default true). */
  render?: boolean;
  /** This turn's activity is already the answer (a card clicked when no journey was active). */
  handleCurrentActivity?: boolean;
}

/**
 * A journey as one two-step waterfall that replaces itself after every answer: `show` renders the
 * current stage (unless `render: false`) and waits; `answer` reads the reply. A malformed card
 * submit is refused politely with nothing changed; a valid one goes to {@link onSubmit}, typed text
 * to {@link onText}. The options (the stage and what it needs) live in the waterfall's values, so
 * a step can read them with {@link optionsOf} and change them with {@link setOptions}.
 */
export abstract class LoopDialog<O extends LoopOptions> extends GuidedDialog {
  private readonly loopId: string;

  constructor(id: string) {
    super(id);
    this.loopId = `${id}.loop`;
    this.addDialog(new WaterfallDialog(this.loopId, [this.show.bind(this), this.answer.bind(this)]));
    this.initialDialogId = this.loopId;
  }

  /** Locale key of this journey's help text (the `help` command). */
  protected abstract readonly helpKey: string;

  /** The journey's home stage: where `status`, `back` and `start over` go. */
  protected abstract home(): O;

  /**
   * Where the welcome card's `menu.open` button for `journey` leads in this journey, or undefined
   * when the journey is another one (the turn is then handed back to the main dialog).
   */
  protected abstract openJourney(journey: Extract<Submit, { verb: 'menu.open' }>['journey']): O | undefined;

  /**
   * The words that work at any prompt, for a looping journey: `help` (this journey's help, then the
   * command list), `plan` (the checklist's plan: handed to the main dialog), `status` / `back` /
   * `start over` (the home stage), `cancel` (leave; everything is saved in tenant records).
   */
  protected override async onCommand(dc: DialogContext, command: Exclude<CommandId, 'menu'>): Promise<DialogTurnResult | undefined> {
    const ctx = dc.context;
    const { t } = turnInfo(ctx);
    switch (command) {
      case 'help':
        await ctx.sendActivity(t(this.helpKey));
        await ctx.sendActivity(t('help.commands'));
        return Dialog.EndOfTurn;
      case 'plan':
        await dc.cancelAllDialogs();
        return dc.endDialog(REROUTE);
      case 'status':
      case 'back':
      case 'startOver':
        return dc.replaceDialog(this.loopId, this.home());
      case 'cancel':
        await ctx.sendActivity(t('cancel.done'));
        return dc.cancelAllDialogs();
    }
  }

  /** Fills in defaults the stage needs (e.g. which stage); `answering` is true when the current activity is the answer. */
  protected normalize(options: O, _answering: boolean): O {
    return options;
  }

  /** Sends the stage's card(s). May change the options with {@link setOptions}. */
  protected abstract render(step: WaterfallStepContext, options: O): Promise<void>;

  /** Handles a valid card submit (other than `menu.open`, see {@link openJourney}). */
  protected abstract onSubmit(step: WaterfallStepContext, submit: Submit, options: O): Promise<DialogTurnResult>;

  /** Handles typed text. */
  protected abstract onText(step: WaterfallStepContext, text: string, options: O): Promise<DialogTurnResult>;

  /** Restarts the loop with `options` (renders the stage unless `render: false`). */
  protected loop(step: WaterfallStepContext, options: O): Promise<DialogTurnResult> {
    return step.replaceDialog(this.loopId, options);
  }

  /** Restarts the loop from outside a waterfall step (commands). */
  protected get loopDialogId(): string {
    return this.loopId;
  }

  /** The options of the running loop. */
  protected optionsOf(step: WaterfallStepContext): O {
    return ((step.values as { options?: O }).options ?? {}) as O;
  }

  /** Replaces the options of the running loop (what the next answer is read against). */
  protected setOptions(step: WaterfallStepContext, options: O): void {
    (step.values as { options?: O }).options = options;
  }

  private async show(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const given = { ...((step.options ?? {}) as O) };
    if (given.handleCurrentActivity) {
      this.setOptions(step, this.normalize({ ...given, handleCurrentActivity: false }, true));
      return step.next();
    }
    const { render, ...kept } = this.normalize(given, false);
    this.setOptions(step, kept as O);
    if (render !== false) await this.render(step, kept as O);
    return Dialog.EndOfTurn;
  }

  private async answer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = step.context;
    const o = this.optionsOf(step);
    const parsed = parseSubmit(ctx.activity.value);
    if (parsed && !parsed.ok) {
      await ctx.sendActivity(turnInfo(ctx).t('errors.badSubmit'));
      return this.loop(step, { ...o, render: false });
    }
    if (parsed?.ok && parsed.submit.verb === 'menu.open') {
      const opened = this.openJourney(parsed.submit.journey);
      return opened ? this.loop(step, opened) : step.endDialog(REROUTE);
    }
    if (parsed?.ok) return this.onSubmit(step, parsed.submit, o);
    return this.onText(step, ctx.activity.text ?? '', o);
  }
}
