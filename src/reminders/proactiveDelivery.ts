/**
 * Delivers a reminder as a proactive message (Bot Framework `continueConversationAsync`) to the
 * conversation it was planned in, in the planner's language, and fails the way the scheduler needs
 * (the failure is classified by `classifyDeliveryError` in `./deliveryErrors.ts`):
 *
 * - **A failed send rejects.** `CloudAdapter` runs a proactive turn through `runMiddleware`, which
 *   hands any error to `adapter.onTurnError` and then resolves: a reminder the channel refused
 *   looked sent (and the error handler tried to post "something went wrong" into the same chat).
 *   The send's error is caught inside the turn and thrown again after it.
 * - **One HTTP request per attempt.** The Bot Connector client (core-rest-pipeline's default retry
 *   policy) retries 429 and 503 after their `Retry-After`, however long, and 5xx and network errors
 *   three times, all inside one call: a check could sleep for minutes, past the claim lease (another
 *   instance may then send the same reminder), and the scheduler never learnt the `Retry-After`. For
 *   requests made while a reminder is sent, and only those (an `AsyncLocalStorage` scope; turns are
 *   untouched), a policy inside the retry loop turns an error answer or a failed request into a
 *   {@link ChannelSendError}, which the retry policy lets through; the scheduler owns the back-off.
 *   The policy is added once to each (cached, shared) client's pipeline.
 * - **A time limit** per request ({@link SEND_TIMEOUT_MS}): a connector that never answers fails as a timeout.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { MessageFactory, type Attachment, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import { universalCard } from '../../cards/universal.js';
import { reminderMessageCard } from '../../dialogs/reminders/views.js';
import { translator } from '../i18n/index.js';
import type { ReminderDelivery } from './reminderTypes.js';

/** Longest wait for the Bot Connector's answer to one reminder send (ms). */
export const SEND_TIMEOUT_MS = 30_000;

/** The parts of a core-rest-pipeline request, response and pipeline used here (structural: no import of a transitive package). */
interface SendRequest {
  timeout: number;
}
interface SendResponse {
  status: number;
  headers: { get(name: string): string | undefined };
  bodyAsText?: string | null;
}
interface SendPolicy {
  name: string;
  sendRequest(request: SendRequest, next: (request: SendRequest) => Promise<SendResponse>): Promise<SendResponse>;
}
interface PipelineLike {
  addPolicy(policy: SendPolicy, options?: { afterPhase?: 'Retry' }): void;
}

/**
 * A reminder send the Bot Connector answered with an error status (`statusCode`, its error `code`,
 * `body`, `retryAfter` header), or that got no answer (`cause`: the network error or timeout).
 * Not a `RestError` on purpose: core-rest-pipeline's retry policy rethrows it without retrying.
 */
export class ChannelSendError extends Error {
  override readonly name = 'ChannelSendError';
  readonly statusCode?: number;
  readonly code?: string;
  readonly body?: string;
  readonly retryAfter?: string;

  constructor(answer: { statusCode?: number; code?: string; body?: string; retryAfter?: string }, cause?: unknown) {
    const what = answer.statusCode !== undefined ? `answered ${answer.statusCode}${answer.code ? ` ${answer.code}` : ''}` : 'could not be reached';
    super(`Bot Connector ${what}${cause instanceof Error ? `: ${cause.message}` : ''}`, cause === undefined ? undefined : { cause });
    Object.assign(this, answer);
  }

  /** From an error answer: the body's `error.code` (Bot Framework's `ErrorResponse`) when it has one. */
  static fromResponse(response: SendResponse): ChannelSendError {
    const body = response.bodyAsText ?? undefined;
    let code: string | undefined;
    try {
      const parsed = JSON.parse(body ?? '') as { error?: { code?: unknown } };
      if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    } catch {
      // not JSON: the classifier still searches the text
    }
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return new ChannelSendError({ statusCode: response.status, ...(code ? { code } : {}), ...(body ? { body } : {}), ...(retryAfter ? { retryAfter } : {}) });
  }
}

/** Set while a reminder is being sent: the requests of that send get one attempt and a time limit. */
const reminderSend = new AsyncLocalStorage<{ timeoutMs: number }>();
/** Pipelines that already have the policy (clients are cached and shared by turns and reminders). */
const prepared = new WeakSet<object>();

const oneAttemptPolicy: SendPolicy = {
  name: 'reminderSendOneAttempt',
  async sendRequest(request, next) {
    const scope = reminderSend.getStore();
    if (!scope) return next(request);
    if (!request.timeout) request.timeout = scope.timeoutMs;
    let response: SendResponse;
    try {
      response = await next(request);
    } catch (err) {
      throw new ChannelSendError({}, err);
    }
    if (response.status >= 400) throw ChannelSendError.fromResponse(response);
    return response;
  },
};

/** Adds {@link oneAttemptPolicy} to the pipeline of the turn's connector client, once (inside the retry loop). */
function oneAttemptPerSend(adapter: CloudAdapter, context: TurnContext): void {
  const connector = context.turnState.get(adapter.ConnectorClientKey) as { client?: { pipeline?: PipelineLike } } | undefined;
  const pipeline = connector?.client?.pipeline;
  if (!pipeline || prepared.has(pipeline)) return;
  pipeline.addPolicy(oneAttemptPolicy, { afterPhase: 'Retry' });
  prepared.add(pipeline);
}

/** The reminder card as the channel runs it: Teams gets Universal Actions (`Action.Execute`), as every card of a turn does. */
function channelCard(card: Attachment, channelId: string | undefined): Attachment {
  if (channelId !== 'msteams') return card;
  return { ...card, content: universalCard(card.content as Record<string, unknown>) };
}

/**
 * The reminder delivery of a running app: a proactive message with the reminder's card to
 * `reminder.target.conversation`, in `reminder.target.locale`, sent as bot `appId` (empty with
 * auth off). Rejects with the send's error (see the module comment); `timeoutMs` limits each request.
 */
export function proactiveDelivery(adapter: CloudAdapter, appId: string, options: { timeoutMs?: number } = {}): ReminderDelivery {
  const scope = { timeoutMs: options.timeoutMs ?? SEND_TIMEOUT_MS };
  return async (_tenantId, reminder) => {
    const t = translator(reminder.target.locale);
    const outcome: { failed: boolean; error?: unknown } = { failed: false };
    await reminderSend.run(scope, () =>
      adapter.continueConversationAsync(appId, reminder.target.conversation as Partial<ConversationReference>, async (context) => {
        oneAttemptPerSend(adapter, context);
        try {
          await context.sendActivity(MessageFactory.attachment(channelCard(reminderMessageCard(t, reminder), context.activity.channelId)));
        } catch (error) {
          // thrown here, onTurnError would take it and continueConversationAsync resolve
          outcome.failed = true;
          outcome.error = error;
        }
      }),
    );
    if (outcome.failed) throw outcome.error;
  };
}
