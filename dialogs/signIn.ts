/**
 * Sign-in for connected mode, shared by every journey: botbuilder's OAuthPrompt over the OAuth
 * connection of the Azure Bot resource, then the user's roles verified in Microsoft Entra ID
 * (`IdentityService.verify`) and recorded on the tenant's checklist.
 *
 * OAuthPrompt covers each channel's own path: in Teams the SSO token exchange
 * (`signin/tokenExchange`, deduplicated by `TeamsSSOTokenExchangeMiddleware`) or the sign-in card's
 * `signin/verifyState`; in Web Chat the `tokens/response` event or the 6-digit magic code the
 * sign-in page shows. A user who is still signed in is not asked again: the prompt first asks the
 * token service for a token it already holds (the token service refreshes it).
 *
 * The loop engine (`dialogs/loopDialog.ts`) begins this dialog with `turn.signIn()` and gets a
 * {@link SignInResult} back.
 */
import { ComponentDialog, OAuthPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TokenResponse, TurnContext } from 'botbuilder';
import { SUPPORTED_LOCALES, translator, type Translator } from '../src/i18n/index.js';
import { TokenBrokerError } from '../src/identity/tokenBroker.js';
import { describePartnerCenterError, PartnerCenterError } from '../src/partnerCenter/errors.js';
import type { IdentityService } from '../src/identity/identityService.js';
import { turnInfo } from './turnInfo.js';

/** The dialog id journeys begin. */
export const SIGN_IN_DIALOG = 'signIn';

/** How long a sign-in card stays usable (ms; 10 minutes). */
export const SIGN_IN_TIMEOUT_MS = 10 * 60_000;

/**
 * What the sign-in dialog ends with:
 * - `signedIn`: the roles are verified and recorded now;
 * - `handled`: the turn's activity was used up by the sign-in (a code, a token event, an explained
 *   failure); when false, the activity was something else the user said, for the journey to read.
 */
export interface SignInResult {
  kind: 'signIn';
  signedIn: boolean;
  handled: boolean;
}

/** True when a dialog result is a {@link SignInResult} (a waterfall step resumed after sign-in). */
export function isSignInResult(value: unknown): value is SignInResult {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'signIn';
}

const SIX_DIGITS = /^\s*\d{6}\s*$/;

/** OAuthPrompt, then verification of the roles (see the module notes). One per journey loop. */
export class SignInDialog extends ComponentDialog {
  constructor(private readonly identity: IdentityService) {
    super(SIGN_IN_DIALOG);
    // One prompt per language: the sign-in card's title and text are fixed when a prompt is built.
    for (const locale of SUPPORTED_LOCALES) {
      const t = translator(locale);
      this.addDialog(
        new OAuthPrompt(promptId(locale), {
          connectionName: identity.connectionName,
          title: t('identity.signIn.button'),
          text: t('identity.signIn.cardText'),
          timeout: SIGN_IN_TIMEOUT_MS,
          endOnInvalidMessage: true,
          // the link on every channel (botbuilder adds it by default only in Teams): Web Chat on the
          // development Direct Line and the demo's fake token service have nobody else to add it
          showSignInLink: true,
        }),
      );
    }
    this.addDialog(new WaterfallDialog(`${SIGN_IN_DIALOG}.steps`, [this.prompt.bind(this), this.verify.bind(this)]));
    this.initialDialogId = `${SIGN_IN_DIALOG}.steps`;
  }

  private async prompt(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { t } = turnInfo(step.context);
    return step.beginDialog(promptId(t.locale), { prompt: t('identity.signIn.prompt') });
  }

  private async verify(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { t, tenantId, actor } = turnInfo(step.context);
    const token = step.result as TokenResponse | undefined;
    const activity = step.context.activity;
    if (!token?.token) {
      const typedCode = activity.type === 'message' && SIX_DIGITS.test(activity.text ?? '');
      if (typedCode) await step.context.sendActivity(t('identity.signIn.badCode'));
      const result: SignInResult = { kind: 'signIn', signedIn: false, handled: typedCode || activity.type !== 'message' };
      return step.endDialog(result);
    }
    if (!tenantId) throw new Error('sign-in ran without a tenant');
    const verified = await this.identity.verify(tenantId, actor, token.token);
    if (!verified.ok) {
      await step.context.sendActivity(verified.code === 'otherTenant' ? t('identity.signIn.otherTenant') : t(verified.messageKey));
      const result: SignInResult = { kind: 'signIn', signedIn: false, handled: true };
      return step.endDialog(result);
    }
    const roles = verified.roles.map((r) => t(`roles.${r}`));
    const who = verified.user.upn ? `${verified.user.name ?? actor.name ?? ''} (${verified.user.upn})`.trim() : (verified.user.name ?? actor.name ?? '');
    await step.context.sendActivity(
      roles.length > 0 ? t('identity.signIn.verified', { who, roles: new Intl.ListFormat(t.locale).format(roles) }) : t('identity.signIn.noRole', { who }),
    );
    const result: SignInResult = { kind: 'signIn', signedIn: true, handled: true };
    return step.endDialog(result);
  }
}

/**
 * The partner-facing explanation of a failed connected read: a Partner Center failure, or a token
 * Entra would not mint (consent, sign-in expired); undefined for any other error (rethrow it).
 */
export function connectedFailureText(t: Translator, err: unknown): string | undefined {
  if (err instanceof PartnerCenterError) return describePartnerCenterError(t, err);
  if (err instanceof TokenBrokerError) return t(err.messageKey);
  return undefined;
}

/**
 * The token the token service holds for this turn's user on `connectionName` (refreshed by the
 * token service), or undefined when they are not signed in. Never stored by the assistant.
 */
export async function userTokenOf(context: TurnContext, connectionName: string): Promise<string | undefined> {
  return (await new OAuthPrompt(`${SIGN_IN_DIALOG}.read`, { connectionName, title: '' }).getUserToken(context))?.token;
}

/** Signs this turn's user out of `connectionName` (the token service forgets their token). */
export async function signOutOf(context: TurnContext, connectionName: string): Promise<void> {
  await new OAuthPrompt(`${SIGN_IN_DIALOG}.signOut`, { connectionName, title: '' }).signOutUser(context);
}

function promptId(locale: string): string {
  return `${SIGN_IN_DIALOG}.prompt.${SUPPORTED_LOCALES.find((l) => l === locale) ?? SUPPORTED_LOCALES[0]}`;
}
