/**
 * `adaptiveCard/action` invokes: what Teams sends when someone selects an `Action.Execute` on one
 * of the assistant's cards, or when a card's `refresh` runs (see `cards/universal.ts`).
 *
 * - `value` is read with zod: `{ action: { type: 'Action.Execute', verb, data? }, trigger? }`.
 * - Verb `refresh` (`data.view`): read only. The card the view shows now for the person who sees
 *   it, nothing written and nothing sent.
 * - Any other verb: the turn runs exactly as a card submit `{ ...data, verb }` (the same routing,
 *   services and revision guard, through the bot's message path); the answer is the card that
 *   replaces the clicked one (`teamsCards.ts`, `captureReplacement`), so a stale click gets the
 *   current card and changes nothing. In Teams the clicked message is also updated to that card:
 *   the answer is shown only to the client that clicked, while a message update changes the card
 *   for everyone and makes Teams refresh it for the people its `refresh` lists ("User Specific
 *   Views", "Up-to-date cards"). A turn that produced no card answers with its last line
 *   (`application/vnd.microsoft.activity.message`) and leaves the card as it is.
 * - A malformed `action`, an unknown verb or data the verb's schema refuses: `400`
 *   `application/vnd.microsoft.error` `{ code: 'BadRequest', message }`, nothing run.
 *
 * Every answer is an HTTP 200 whose body carries the status (`statusCode`), as the Universal
 * Action Model's response format asks ("the HTTP response's status code returned by the Bot must
 * be equal to 200"; Microsoft Learn, adaptive-cards/authoring-cards/universal-action-model).
 * @module
 */
import { ActivityTypes, type Activity, type AdaptiveCardInvokeResponse, type Attachment, type InvokeResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { ADAPTIVE_CARD, isPlainObject, REFRESH_VERB } from '../../cards/universal.js';
import { parseSubmit } from '../../dialogs/submits.js';
import { turnInfo } from '../../dialogs/turnInfo.js';
import type { Logger } from '../logger.js';
import { universalTurnOf } from './teamsCards.js';

/** The invoke name of `Action.Execute` (and of refresh). */
export const ADAPTIVE_CARD_ACTION = 'adaptiveCard/action';
/** Response type of an error (`value`: `{ code, message }`). */
export const ERROR_RESPONSE = 'application/vnd.microsoft.error';
/** Response type of a message the client shows; the card stays as it is. */
export const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';

/** `activity.value` of an `adaptiveCard/action` invoke (other action properties, such as `id` or `title`, are ignored). */
const invokeValue = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(200),
    data: z.custom<Record<string, unknown>>(isPlainObject).optional(),
  }),
  trigger: z.enum(['manual', 'automatic']).optional(),
});
const refreshData = z.object({ view: z.string().min(1).max(100) });

/** What an `adaptiveCard/action` invoke asks for. */
export type CardAction =
  | { kind: 'refresh'; view: string }
  | { kind: 'execute'; submit: Record<string, unknown> }
  | { kind: 'invalid'; problem: 'malformedAction' | 'malformedRefresh' };

const readActions = new WeakMap<object, CardAction>();

/** Reads an `adaptiveCard/action` invoke (once per activity); undefined for any other activity. */
export function readCardAction(activity: Partial<Activity>): CardAction | undefined {
  if (activity.type !== ActivityTypes.Invoke || activity.name !== ADAPTIVE_CARD_ACTION) return undefined;
  let action = readActions.get(activity);
  if (!action) readActions.set(activity, (action = read(activity.value)));
  return action;
}

function read(value: unknown): CardAction {
  const parsed = invokeValue.safeParse(value);
  if (!parsed.success) return { kind: 'invalid', problem: 'malformedAction' };
  const { verb, data = {} } = parsed.data.action;
  if (verb === REFRESH_VERB) {
    const refresh = refreshData.safeParse(data);
    return refresh.success ? { kind: 'refresh', view: refresh.data.view } : { kind: 'invalid', problem: 'malformedRefresh' };
  }
  return { kind: 'execute', submit: { ...data, verb } };
}

/** An invoke answer: HTTP 200, the outcome in the body. */
function reply(statusCode: number, type: string, value: unknown): InvokeResponse<AdaptiveCardInvokeResponse> {
  return { status: 200, body: { statusCode, type, value: value as Record<string, unknown> } };
}

/** 200 with the card that replaces the clicked one. */
export function cardReply(card: Record<string, unknown>): InvokeResponse<AdaptiveCardInvokeResponse> {
  return reply(200, ADAPTIVE_CARD, card);
}

/** 200 with a message the client shows (the card stays). */
export function messageReply(text: string): InvokeResponse<AdaptiveCardInvokeResponse> {
  return reply(200, MESSAGE_RESPONSE, text);
}

/** An error: 400 `BadRequest` (refused, nothing ran) or 500 `InternalError` (the turn failed). */
export function errorReply(statusCode: 400 | 500, code: 'BadRequest' | 'InternalError', message: string): InvokeResponse<AdaptiveCardInvokeResponse> {
  return reply(statusCode, ERROR_RESPONSE, { code, message });
}

/** The activity that gives `context` its invoke response. */
export function invokeResponseActivity(response: InvokeResponse): Partial<Activity> {
  return { type: ActivityTypes.InvokeResponse, value: response };
}

/** What answering needs from the bot. */
export interface UniversalActionDeps {
  /** The bot's path for a message (a card submit in `activity.value`): tenant check, language, main dialog. */
  converse(context: TurnContext): Promise<void>;
  /** True when `view` names a view {@link renderView} renders. */
  knowsView(view: string): boolean;
  /** Read only: the card `view` shows now for this turn's user (undefined for an unknown view). */
  renderView(context: TurnContext, view: string): Promise<Attachment | undefined>;
  logger: Logger;
}

/** Answers `adaptiveCard/action` invokes (see the module notes). */
export class UniversalActions {
  constructor(private readonly deps: UniversalActionDeps) {}

  async answer(context: TurnContext, action: CardAction): Promise<InvokeResponse> {
    const { t, tenantId } = turnInfo(context);
    const problem = this.problemWith(action);
    if (problem || action.kind === 'invalid') {
      this.deps.logger.info({ channel: context.activity.channelId, problem }, 'card action refused');
      return errorReply(400, 'BadRequest', t('universal.badAction'));
    }
    if (!tenantId) return messageReply(t('errors.noTenant'));
    return action.kind === 'refresh' ? this.refresh(context, action.view) : this.execute(context, action.submit);
  }

  /** Why the bot refuses `action` (a malformed action, a verb its cards don't send or data its schema refuses, an unknown view), if it does. */
  private problemWith(action: CardAction): string | undefined {
    if (action.kind === 'invalid') return action.problem;
    if (action.kind === 'execute') return parseSubmit(action.submit)?.ok ? undefined : 'unknownVerbOrData';
    return this.deps.knowsView(action.view) ? undefined : 'unknownView';
  }

  /** Read only: the view's current card, in the channel's form. */
  private async refresh(context: TurnContext, view: string): Promise<InvokeResponse> {
    const card = await this.deps.renderView(context, view);
    if (!card) {
      this.deps.logger.info({ channel: context.activity.channelId, problem: 'unknownView' }, 'card action refused');
      return errorReply(400, 'BadRequest', turnInfo(context).t('universal.badAction'));
    }
    const content = card.content as Record<string, unknown>;
    const teams = universalTurnOf(context)?.teams;
    return cardReply(teams ? await teams.card(content) : content);
  }

  /** Runs the turn as the card submit `submit` and answers with the card that replaces the clicked one. */
  private async execute(context: TurnContext, submit: Record<string, unknown>): Promise<InvokeResponse> {
    const capture = universalTurnOf(context)?.capture;
    if (!capture) throw new Error('an adaptiveCard/action turn without its capture (the bot installs it)');
    const activity = context.activity;
    const { type, value } = activity;
    try {
      try {
        // the dialogs read a card submit from a message's value: present the click as one
        activity.type = ActivityTypes.Message;
        activity.value = submit;
        await this.deps.converse(context);
      } finally {
        activity.type = type;
        activity.value = value;
      }
    } catch (err) {
      // the client still gets its answer; the error goes on to the adapter's onTurnError (logged, the user told)
      await context.sendActivity(invokeResponseActivity(errorReply(500, 'InternalError', turnInfo(context).t('errors.turnFailed'))));
      throw err;
    }
    // Teams: the clicked message is updated too, so everyone sees the new card and Teams refreshes it for the people its refresh lists ("Up-to-date cards")
    const { card, lastLine } = await capture.finish(activity.channelId === 'msteams');
    return card ? cardReply(card) : messageReply(lastLine ?? turnInfo(context).t('universal.done'));
  }
}
