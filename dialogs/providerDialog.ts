/**
 * Provider discovery: find, compare and choose an indirect provider (distributor) that serves
 * the partner's country/region, keep a tenant-wide shortlist, mark providers as contacted, and
 * choose one (which ticks "Find an indirect provider" in the transition checklist). Also the
 * provider side: how a provider's company appears here.
 *
 * Source: transition seed "Find an indirect provider" and "Accept a partnership invitation";
 * seed 003 "Connect with an indirect provider"; indirect-provider-tasks seed (providers review
 * their listing on the official list).
 */
import { MessageFactory, type Attachment, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { findCountryCode, findCountryInText, isCountryCode } from '../src/domain/countries.js';
import { SHORTLIST_LIMIT, applyProviderChoice, type ProviderChoiceCommand, type ProviderChoiceRecord } from '../src/domain/providerChoice.js';
import { PRIORITIES, PROVIDER_SERVICES, rankProviders, type Priority, type ProviderDirectory } from '../src/domain/providers.js';
import { applyCommand } from '../src/domain/transition.js';
import type { TenantRecords } from '../src/store/tenantRecords.js';
import type { TransitionRepository } from '../src/store/transitionRepository.js';
import { LoopDialog, type LoopOptions } from './loopDialog.js';
import {
  compareCard,
  contactedCard,
  countryCard,
  listingCard,
  listingPickCard,
  noProviderCard,
  prioritiesCard,
  providerCard,
  resultsSummaryCard,
  shortlistCard,
  userLanguage,
} from './providerViews.js';
import { asksForCustomers, asksForInvitations, matches, mentions, recognizeIntent, recognizeProviderQuery, type CommandId } from './recognizer.js';
import { REROUTE, type Submit } from './submits.js';
import { turnInfo } from './turnInfo.js';

export const PROVIDER_DIALOG = 'providerDialog';

/** How many ranked providers a search shows (the rest are counted, not shown). */
export const RESULTS_SHOWN = 5;

/**
 * Where the search stands. `stage` decides what is shown and how typed words are read:
 * `country` (which country/region), `priorities` (what matters), `results` (ranked providers),
 * `listing` (a provider's staff picking their company).
 */
export interface ProviderOptions extends LoopOptions {
  stage?: 'country' | 'priorities' | 'results' | 'listing';
  country?: string;
  priorities?: Priority[];
}

/** The provider discovery journey as a ComponentDialog. */
export class ProviderDialog extends LoopDialog<ProviderOptions> {
  constructor(
    private readonly directory: ProviderDirectory,
    private readonly choices: TenantRecords<ProviderChoiceRecord>,
    private readonly journeys: TransitionRepository,
  ) {
    super(PROVIDER_DIALOG);
  }

  // ---- the loop ----------------------------------------------------------------------------

  protected readonly helpKey = 'providers.intro';

  protected home(): ProviderOptions {
    return { stage: 'country' };
  }

  protected override normalize(o: ProviderOptions, answering: boolean): ProviderOptions {
    return { ...o, stage: o.stage ?? (answering || o.country ? 'results' : 'country') };
  }

  protected override async onText(step: WaterfallStepContext, text: string, o: ProviderOptions): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t } = turnInfo(ctx);
    if (matches(t, 'commands.providerListing', text)) return this.loop(step, { stage: 'listing' });
    if (recognizeIntent(t, text) || asksForInvitations(t, text) || asksForCustomers(t, text)) return step.endDialog(REROUTE); // another journey's words
    const query = recognizeProviderQuery(t, text);
    if (query?.country) return this.loop(step, { stage: 'results', country: query.country, priorities: query.priorities });
    if (o.stage === 'country' || (o.stage === 'priorities' && !o.country)) {
      const country = findCountryCode(text) ?? findCountryInText(text);
      if (!country) {
        await ctx.sendActivity(t('providers.countryNotFound', { text: text.slice(0, 80) }));
        return this.loop(step, { ...o, render: false });
      }
      return this.loop(step, { stage: 'priorities', country, priorities: query?.priorities ?? [] });
    }
    if (o.stage === 'priorities' && o.country) {
      const priorities = typedPriorities(ctx, text);
      if (priorities.length > 0 || matches(t, 'commands.no', text)) return this.loop(step, { stage: 'results', country: o.country, priorities });
    }
    await ctx.sendActivity(t('errors.notUnderstood'));
    return this.loop(step, { ...o, render: false });
  }

  // ---- commands that work at any prompt --------------------------------------------------

  protected override async onCommand(dc: DialogContext, command: Exclude<CommandId, 'menu'>): Promise<DialogTurnResult | undefined> {
    const ctx = dc.context;
    const { t, tenantId } = turnInfo(ctx);
    const o = ((dc.activeDialog?.state as { values?: { options?: ProviderOptions } } | undefined)?.values?.options ?? {}) as ProviderOptions;
    switch (command) {
      case 'help':
        await ctx.sendActivity(t('providers.intro'));
        await ctx.sendActivity(t('help.commands'));
        return Dialog.EndOfTurn;
      case 'status':
      case 'plan':
        await ctx.sendActivity(MessageFactory.attachment(this.shortlist(t, await this.choices.get(tenantId!))));
        return Dialog.EndOfTurn;
      case 'back':
        if (o.stage === 'results' && o.country) return dc.replaceDialog(this.loopDialogId, { stage: 'priorities', country: o.country, priorities: o.priorities } satisfies ProviderOptions);
        return dc.replaceDialog(this.loopDialogId, { stage: 'country' } satisfies ProviderOptions);
      case 'startOver':
        return dc.replaceDialog(this.loopDialogId, { stage: 'country' } satisfies ProviderOptions);
      case 'cancel':
        await ctx.sendActivity(t('cancel.done'));
        return dc.cancelAllDialogs();
    }
  }

  // ---- answers ---------------------------------------------------------------------------

  protected openJourney(journey: string): ProviderOptions | undefined {
    if (journey === 'providers') return { stage: 'country' };
    return journey === 'providerListing' ? { stage: 'listing' } : undefined;
  }

  protected override async onSubmit(step: WaterfallStepContext, submit: Submit, o: ProviderOptions): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { t, tenantId } = turnInfo(ctx);
    switch (submit.verb) {
      case 'providers.newSearch':
        return this.loop(step, { stage: 'country' });
      case 'providers.country': {
        const raw = (submit.country ?? '').trim();
        const country = isCountryCode(raw) ? raw.toUpperCase() : findCountryCode(raw);
        if (!country) {
          await ctx.sendActivity(t('providers.countryNotFound', { text: raw.slice(0, 80) }));
          return this.loop(step, { ...o, render: false });
        }
        return this.loop(step, { stage: 'priorities', country, priorities: o.priorities ?? [] });
      }
      case 'providers.priorities': {
        if (!isCountryCode(submit.country)) {
          await ctx.sendActivity(t('errors.badSubmit'));
          return this.loop(step, { ...o, render: false });
        }
        return this.loop(step, { stage: 'results', country: submit.country, priorities: parsePriorities(submit.priorities) });
      }
      case 'providers.compare': {
        const ids = [...new Set((submit.selected ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
        const providers = ids.map((id) => this.directory.get(id)).filter((p) => p !== undefined);
        if (providers.length < 2 || providers.length > 3) {
          await ctx.sendActivity(t(providers.length > 3 ? 'providers.compareTooMany' : 'providers.compareNeedTwo'));
          return this.loop(step, { ...o, render: false });
        }
        await ctx.sendActivity(MessageFactory.attachment(compareCard(t, submit.country, providers)));
        return this.loop(step, { ...o, render: false });
      }
      case 'providers.showShortlist':
        await ctx.sendActivity(MessageFactory.attachment(this.shortlist(t, await this.choices.get(tenantId!))));
        return this.loop(step, { ...o, render: false });
      case 'providers.shortlist':
        return this.change(step, o, { type: 'shortlist', providerId: submit.providerId, add: submit.add }, submit.rev);
      case 'providers.contacted':
        return this.change(step, o, { type: 'contacted', providerId: submit.providerId }, submit.rev);
      case 'providers.choose':
        return this.change(step, o, { type: 'choose', providerId: submit.providerId }, submit.rev);
      case 'providers.listing': {
        const provider = submit.providerId ? this.directory.get(submit.providerId) : undefined;
        if (!provider) {
          await ctx.sendActivity(t('providers.unknownProvider'));
          return this.loop(step, { stage: 'listing' });
        }
        await ctx.sendActivity(MessageFactory.attachment(listingCard(t, provider)));
        return step.endDialog();
      }
      default:
        return step.endDialog(REROUTE);
    }
  }

  /** Applies a shortlist/contacted/choose change to the tenant's provider record and answers. */
  private async change(step: WaterfallStepContext, o: ProviderOptions, command: ProviderChoiceCommand, rev: number): Promise<DialogTurnResult> {
    const ctx = step.context;
    const info = turnInfo(ctx);
    const { t } = info;
    const exists = (id: string) => this.directory.get(id) !== undefined;
    const result = await this.choices.update(info.tenantId!, (r) => applyProviderChoice(r, command, info.actor, info.now, exists, rev));
    if (!result.ok) {
      const e = result.error;
      if (e.code === 'stale') await ctx.sendActivity(t('providers.stale'));
      else if (e.code === 'shortlistFull') await ctx.sendActivity(t('providers.shortlistFull', { limit: e.limit }));
      else await ctx.sendActivity(t('providers.unknownProvider'));
      await ctx.sendActivity(MessageFactory.attachment(this.shortlist(t, await this.choices.get(info.tenantId!))));
      return this.loop(step, { ...o, render: false });
    }
    if (command.type === 'search') return this.loop(step, { ...o, render: false });
    const provider = this.directory.get(command.providerId)!;
    const record = result.record;
    switch (command.type) {
      case 'shortlist':
        await ctx.sendActivity(
          command.add
            ? t('providers.shortlisted', { name: provider.name, count: record.shortlist.length, limit: SHORTLIST_LIMIT })
            : t('providers.unshortlisted', { name: provider.name }),
        );
        break;
      case 'contacted':
        await ctx.sendActivity(MessageFactory.attachment(contactedCard(t, provider)));
        break;
      case 'choose': {
        const ticked = await this.journeys.update(info.tenantId!, (r) =>
          applyCommand(r, { type: 'setNextItem', item: 'findProvider', done: true }, info.actor, info.now),
        );
        await ctx.sendActivity(t(ticked.ok ? 'providers.chosen' : 'providers.chosenNotTicked', { name: provider.name }));
        await ctx.sendActivity(MessageFactory.attachment(contactedCard(t, provider)));
        break;
      }
    }
    // the result cards on screen carry the old revision: send a fresh set so the next click works
    if (o.stage === 'results' && o.country) return this.loop(step, { ...o, render: true });
    return this.loop(step, { ...o, render: false });
  }

  // ---- rendering -------------------------------------------------------------------------

  protected override async render(step: WaterfallStepContext, o: ProviderOptions): Promise<void> {
    const ctx = step.context;
    const { t, tenantId } = turnInfo(ctx);
    switch (o.stage) {
      case 'listing':
        await ctx.sendActivity(MessageFactory.attachment(listingPickCard(t, this.directory.all())));
        return;
      case 'country': {
        const preset = (await this.journeys.get(tenantId!)).details?.country ?? (await this.choices.get(tenantId!)).lastSearch?.country;
        await ctx.sendActivity(MessageFactory.attachment(countryCard(t, preset, newestChecked(this.directory))));
        return;
      }
      case 'priorities':
        await ctx.sendActivity(MessageFactory.attachment(prioritiesCard(t, o.country!, o.priorities)));
        return;
      case 'results':
      default:
        await this.sendResults(ctx, o.country!, o.priorities ?? []);
    }
  }

  private async sendResults(ctx: TurnContext, country: string, priorities: Priority[]): Promise<void> {
    const info = turnInfo(ctx);
    const { t } = info;
    const exists = () => true;
    const saved = await this.choices.update(info.tenantId!, (r) => applyProviderChoice(r, { type: 'search', country, priorities }, info.actor, info.now, exists));
    const choice = saved.ok ? saved.record : await this.choices.get(info.tenantId!);
    const ranked = rankProviders(this.directory, { country, priorities, language: userLanguage(t) }, RESULTS_SHOWN);
    if (ranked.length === 0) {
      await ctx.sendActivity(MessageFactory.attachment(noProviderCard(t, country)));
      return;
    }
    const total = this.directory.servingCountry(country).length;
    await ctx.sendActivity(MessageFactory.attachment(resultsSummaryCard(t, country, priorities, ranked, total)));
    const cards: Attachment[] = ranked.map((r, i) => providerCard(t, r, i + 1, choice));
    await ctx.sendActivity(MessageFactory.carousel(cards));
  }

  private shortlist(t: ReturnType<typeof turnInfo>['t'], choice: ProviderChoiceRecord): Attachment {
    return shortlistCard(t, choice, (id) => this.directory.get(id)?.name ?? id);
  }

}

/** Priorities from a multi-select value ("training,financing"); unknown values are dropped. */
export function parsePriorities(value: string | undefined): Priority[] {
  const allowed: readonly string[] = PRIORITIES;
  return [...new Set((value ?? '').split(',').map((s) => s.trim()))].filter((s): s is Priority => allowed.includes(s));
}

function typedPriorities(ctx: TurnContext, text: string): Priority[] {
  const { t } = turnInfo(ctx);
  const found: Priority[] = PROVIDER_SERVICES.filter((s) => mentions(t, `keywords.${s}`, text));
  return found;
}

/** The most recent `checked` date in the directory (for "checked on" notes). */
function newestChecked(directory: ProviderDirectory): string {
  return directory
    .all()
    .map((p) => p.checked)
    .reduce((a, b) => (a > b ? a : b), '1970-01-01');
}
