/**
 * Provider discovery: find, compare and choose an indirect provider (distributor) that serves
 * the partner's country/region, keep a tenant-wide shortlist, mark providers as contacted, and
 * choose one (which ticks "Find an indirect provider" in the transition checklist). Also the
 * provider side: how a provider's company appears here.
 *
 * Source: transition seed "Find an indirect provider" and "Accept a partnership invitation";
 * seed 003 "Connect with an indirect provider"; indirect-provider-tasks seed (providers review
 * their listing on the official list). Every change goes through `ProviderService`.
 */
import { MessageFactory, type Attachment } from 'botbuilder';
import type { DialogTurnResult } from 'botbuilder-dialogs';
import { findCountryCode, findCountryInText, isCountryCode } from '../../src/domain/countries.js';
import { SHORTLIST_LIMIT, type ProviderChoiceCommand, type ProviderChoiceRecord } from '../../src/domain/providerChoice.js';
import { PRIORITIES, type Priority, type ProviderDirectory } from '../../src/domain/providers.js';
import type { HandlerMap, JourneyRouter, MenuEntry } from '../journey.js';
import { LoopDialog, type CommandMap, type JourneyTurn, type LoopOptions } from '../loopDialog.js';
import { matches } from '../recognizer.js';
import type { JourneyServices } from '../services.js';
import type { ProviderSubmit } from './submits.js';
import { asksForListing, recognizeProviderQuery, typedPriorities } from './triggers.js';
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
} from './views.js';

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

type Turn = JourneyTurn<ProviderOptions>;

/** The provider discovery journey. */
export class ProviderDialog extends LoopDialog<ProviderOptions, ProviderSubmit> {
  protected readonly helpKey = 'providers.intro';

  constructor(
    private readonly services: Pick<JourneyServices, 'providers' | 'checklist'>,
    menu: readonly MenuEntry<ProviderOptions>[],
    router: JourneyRouter,
  ) {
    super(PROVIDER_DIALOG, 'providers', menu, router);
  }

  private get directory(): ProviderDirectory {
    return this.services.providers.directory;
  }

  protected home(): ProviderOptions {
    return { stage: 'country' };
  }

  protected override normalize(o: ProviderOptions, answering: boolean): ProviderOptions {
    return { ...o, stage: o.stage ?? (answering || o.country ? 'results' : 'country') };
  }

  protected readonly handlers: HandlerMap<ProviderSubmit, Turn> = {
    'providers.newSearch': (turn) => turn.loop({ stage: 'country' }),
    'providers.country': async (turn, s) => {
      const raw = (s.country ?? '').trim();
      const country = isCountryCode(raw) ? raw.toUpperCase() : findCountryCode(raw);
      if (country) return turn.loop({ stage: 'priorities', country, priorities: turn.options.priorities ?? [] });
      await turn.say(turn.t('providers.countryNotFound', { text: raw.slice(0, 80) }));
      return turn.stay();
    },
    'providers.priorities': async (turn, s) => {
      if (isCountryCode(s.country)) return turn.loop({ stage: 'results', country: s.country, priorities: parsePriorities(s.priorities) });
      await turn.say(turn.t('errors.badSubmit'));
      return turn.stay();
    },
    'providers.compare': async (turn, s) => {
      const ids = [
        ...new Set(
          (s.selected ?? '')
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
        ),
      ];
      const providers = ids.map((id) => this.directory.get(id)).filter((p) => p !== undefined);
      if (providers.length < 2 || providers.length > 3) await turn.say(turn.t(providers.length > 3 ? 'providers.compareTooMany' : 'providers.compareNeedTwo'));
      else await turn.send(compareCard(turn.t, s.country, providers));
      return turn.stay();
    },
    'providers.showShortlist': async (turn) => {
      await turn.send(await this.shortlist(turn));
      return turn.stay();
    },
    'providers.shortlist': (turn, s) => this.change(turn, { type: 'shortlist', providerId: s.providerId, add: s.add }, s.rev),
    'providers.contacted': (turn, s) => this.change(turn, { type: 'contacted', providerId: s.providerId }, s.rev),
    'providers.choose': (turn, s) => this.change(turn, { type: 'choose', providerId: s.providerId }, s.rev),
    'providers.listing': async (turn, s) => {
      const provider = s.providerId ? this.directory.get(s.providerId) : undefined;
      if (!provider) {
        await turn.say(turn.t('providers.unknownProvider'));
        return turn.loop({ stage: 'listing' });
      }
      await turn.send(listingCard(turn.t, provider));
      return turn.end();
    },
  };

  protected override commands(): CommandMap<ProviderOptions> {
    const shortlist = async (turn: Turn) => {
      await turn.send(await this.shortlist(turn));
      return turn.stay();
    };
    return {
      status: shortlist,
      plan: shortlist,
      back: (turn) => {
        const o = turn.options;
        return turn.loop(
          o.stage === 'results' && o.country
            ? { stage: 'priorities', country: o.country, ...(o.priorities ? { priorities: o.priorities } : {}) }
            : { stage: 'country' },
        );
      },
    };
  }

  protected override async onText(turn: Turn, text: string): Promise<DialogTurnResult> {
    const { t } = turn;
    const o = turn.options;
    if (asksForListing(t, text)) return turn.loop({ stage: 'listing' });
    const query = recognizeProviderQuery(t, text);
    if (query?.country) return turn.loop({ stage: 'results', country: query.country, priorities: query.priorities });
    if (o.stage === 'country' || (o.stage === 'priorities' && !o.country)) {
      const country = findCountryCode(text) ?? findCountryInText(text);
      if (country) return turn.loop({ stage: 'priorities', country, priorities: query?.priorities ?? [] });
      await turn.say(t('providers.countryNotFound', { text: text.slice(0, 80) }));
      return turn.stay();
    }
    if (o.stage === 'priorities' && o.country) {
      const priorities = typedPriorities(t, text);
      if (priorities.length > 0 || matches(t, 'commands.no', text)) return turn.loop({ stage: 'results', country: o.country, priorities });
    }
    await turn.say(t('errors.notUnderstood'));
    return turn.stay();
  }

  /** Applies a shortlist/contacted/choose change through the service and answers. */
  private async change(turn: Turn, command: Exclude<ProviderChoiceCommand, { type: 'search' }>, rev: number): Promise<DialogTurnResult> {
    const { t } = turn;
    const o = turn.options;
    const result = await this.services.providers.apply(turn.tenantId, turn.actor, command, rev);
    if (!result.ok) {
      const e = result.error;
      if (e.code === 'stale') await turn.say(t('providers.stale'));
      else if (e.code === 'shortlistFull') await turn.say(t('providers.shortlistFull', { limit: e.limit }));
      else await turn.say(t('providers.unknownProvider'));
      await turn.send(await this.shortlist(turn));
      return turn.stay();
    }
    const provider = this.directory.get(command.providerId)!;
    if (command.type === 'shortlist') {
      const count = result.record.shortlist.length;
      await turn.say(
        command.add
          ? t('providers.shortlisted', { name: provider.name, count, limit: SHORTLIST_LIMIT })
          : t('providers.unshortlisted', { name: provider.name }),
      );
    } else {
      if (command.type === 'choose') await turn.say(t(result.ticked ? 'providers.chosen' : 'providers.chosenNotTicked', { name: provider.name }));
      await turn.send(contactedCard(t, provider));
    }
    // the result cards on screen carry the old revision: send a fresh set so the next click works
    if (o.stage === 'results' && o.country) return turn.loop({ ...o, render: true });
    return turn.stay();
  }

  protected override async render(turn: Turn, o: ProviderOptions): Promise<void> {
    const { t, tenantId } = turn;
    switch (o.stage) {
      case 'listing':
        await turn.send(listingPickCard(t, this.directory.all()));
        return;
      case 'country': {
        const preset = (await this.services.checklist.read(tenantId)).details?.country ?? (await this.services.providers.choice(tenantId)).lastSearch?.country;
        await turn.send(countryCard(t, preset, newestChecked(this.directory)));
        return;
      }
      case 'priorities':
        await turn.send(prioritiesCard(t, o.country!, o.priorities));
        return;
      case 'results':
      default:
        await this.sendResults(turn, o.country!, o.priorities ?? []);
    }
  }

  private async sendResults(turn: Turn, country: string, priorities: Priority[]): Promise<void> {
    const { t } = turn;
    const { choice, ranked, total } = await this.services.providers.search(turn.tenantId, turn.actor, country, priorities, {
      language: userLanguage(t),
      limit: RESULTS_SHOWN,
    });
    if (ranked.length === 0) {
      await turn.send(noProviderCard(t, country));
      return;
    }
    await turn.send(resultsSummaryCard(t, country, priorities, ranked, total));
    const cards: Attachment[] = ranked.map((r, i) => providerCard(t, r, i + 1, choice));
    await turn.context.sendActivity(MessageFactory.carousel(cards));
  }

  private async shortlist(turn: Turn): Promise<Attachment> {
    const choice: ProviderChoiceRecord = await this.services.providers.choice(turn.tenantId);
    return shortlistCard(turn.t, choice, (id) => this.directory.get(id)?.name ?? id);
  }
}

/** Priorities from a multi-select value ("training,financing"); unknown values are dropped. */
export function parsePriorities(value: string | undefined): Priority[] {
  const allowed: readonly string[] = PRIORITIES;
  return [...new Set((value ?? '').split(',').map((s) => s.trim()))].filter((s): s is Priority => allowed.includes(s));
}

/** The most recent `checked` date in the directory (for "checked on" notes). */
function newestChecked(directory: ProviderDirectory): string {
  return directory
    .all()
    .map((p) => p.checked)
    .reduce((a, b) => (a > b ? a : b), '1970-01-01');
}
