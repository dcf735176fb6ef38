/**
 * A second baseline for `npm run bench`: the floor of the stack the assistant must be built on.
 * Stock botbuilder only (CloudAdapter, TeamsActivityHandler, ConversationState over MemoryStorage)
 * plus botbuilder-dialogs and adaptivecards-templating, the way any dialog bot uses them: every
 * turn creates a DialogContext, continues a ComponentDialog whose WaterfallDialog replies with one
 * Adaptive Card (the assistant's own `step` template, expanded with fixed English data), and saves
 * state. No domain rules, no disk, no translations, no validation. The ratio of its turns/s to the
 * echo bot's shows what the framework alone costs per turn, before a bot does its job.
 */
import { CardFactory, ConversationState, MemoryStorage, TeamsActivityHandler } from 'botbuilder';
import { ComponentDialog, DialogSet, DialogTurnStatus, WaterfallDialog, type DialogState } from 'botbuilder-dialogs';
import * as ACData from 'adaptivecards-templating';
import stepTemplate from '../cards/templates/step.json' with { type: 'json' };
import { serveBot, type ServedBot } from './serveBot.js';

type Template = { expand(context: { $root: unknown }): unknown };
const template = new (ACData as unknown as { Template: new (json: unknown) => Template }).Template(stepTemplate);

/** Fixed data in the shape the assistant's step cards use (title, text, facts, a note, two buttons). */
const STEP_DATA = {
  title: '3. Eligibility',
  paragraphs: ['Your direct-bill tenant can become an indirect reseller tenant only if its direct-bill enrollment is in Restricted status.'],
  bulletsTitle: 'Before you answer',
  bullets: ['Sign in to Partner Center.', 'Find the direct-bill enrollment.', 'Read its status.'],
  facts: [
    { title: 'Who', value: 'Global admin' },
    { title: 'Can be undone', value: 'Yes' },
  ],
  lines: [],
  note: { title: 'Before you answer', text: 'Check the status in Partner Center; the answer decides the next step.', style: 'warning' },
  actionRows: [],
  actions: [
    { kind: 'submit', title: "Yes, it's Restricted", style: 'positive', data: { verb: 'step.answer', answer: 'restricted' } },
    { kind: 'submit', title: 'No', style: 'default', data: { verb: 'step.answer', answer: 'no' } },
  ],
  footer: 'Step 3 of 8',
};

class StepLoop extends ComponentDialog {
  constructor() {
    super('stepLoop');
    this.addDialog(
      new WaterfallDialog('steps', [
        async (step) => {
          const card = template.expand({ $root: STEP_DATA }) as object;
          await step.context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
          return { status: DialogTurnStatus.waiting };
        },
        async (step) => step.replaceDialog('stepLoop'),
      ]),
    );
  }
}

/** Starts the baseline bot on 127.0.0.1 (auth off); resolves with its /api/messages URL and a close(). */
export async function startDialogsBaselineBot(): Promise<ServedBot> {
  const state = new ConversationState(new MemoryStorage());
  const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState'));
  dialogs.add(new StepLoop());
  const bot = new TeamsActivityHandler();
  bot.onMessage(async (context, next) => {
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog('stepLoop');
    await state.saveChanges(context);
    await next();
  });
  return serveBot('dialogs-baseline', bot);
}
