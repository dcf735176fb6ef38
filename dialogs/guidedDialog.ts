import { ComponentDialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { recognizeCommand, type CommandId } from './recognizer.js';
import { parseSubmit } from './submits.js';
import { turnInfo } from './turnInfo.js';

/**
 * Base for every journey: before the active step sees the user's input, it catches the words that
 * work at any prompt (`help`, `status`, `back`, `cancel`, `start over`, `plan`, typed or sent from
 * a card as `{ verb: 'command', command }`) and hands them to {@link GuidedDialog.onCommand}.
 * (`menu` is caught one level up, by the main dialog, because it leaves the journey.)
 */
export abstract class GuidedDialog extends ComponentDialog {
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const command = commandOf(innerDc);
    if (command && command !== 'menu') {
      const result = await this.onCommand(innerDc, command);
      if (result) return result;
    }
    return super.onContinueDialog(innerDc);
  }

  /**
   * Handles a command for this journey. Return a turn result to stop the active step from seeing
   * the input, or `undefined` to let it through.
   */
  protected abstract onCommand(innerDc: DialogContext, command: Exclude<CommandId, 'menu'>): Promise<DialogTurnResult | undefined>;
}

/** The command this turn's activity asks for, typed or from a card button, if any. */
export function commandOf(dc: DialogContext): CommandId | undefined {
  const activity = dc.context.activity;
  const parsed = parseSubmit(activity.value);
  if (parsed?.ok && parsed.submit.verb === 'command') return parsed.submit.command;
  if (parsed) return undefined;
  return recognizeCommand(turnInfo(dc.context).t, activity.text);
}
