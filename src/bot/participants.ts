/**
 * Who takes part in a Teams group chat or channel conversation, as far as the assistant knows: the
 * people who have written to it or clicked its cards there, and people Teams reported as added
 * (`membersAdded`), minus people reported as removed. These are the `userIds` of the cards'
 * `refresh` blocks: Teams refreshes a card automatically only for the users listed, at most 60
 * ("Work with Universal Actions for Adaptive Cards", User IDs in refresh), so the 60 most
 * recently seen are kept. Anyone else still sees the card as it was sent; a click on an outdated
 * copy is answered with the current card.
 *
 * Why not the roster: `TeamsInfo.getPagedMembers` costs a Bot Connector call per conversation (and
 * a cache to keep it current); channels can have thousands of members of whom only a few use the
 * assistant, and those are the ones whose cards go stale. Kept in conversation state (shared by
 * the conversation's members, unlike the per-user dialog stacks), rewritten only when someone is
 * new or gone, or was last noted more than a day ago.
 * @module
 */
import type { ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import { MAX_REFRESH_USER_IDS } from '../../cards/universal.js';

/** One person: their Teams user MRI (`activity.from.id`) and when last seen (minutes since the epoch). */
export interface Participant {
  id: string;
  at: number;
}

/** The conversation state property: people, most recently seen first. */
export interface Participants {
  people: Participant[];
}

/** A person already noted is noted again (a state write) only after this long, in minutes (a day). */
export const RENOTE_AFTER_MINUTES = 24 * 60;

/** The people of group conversations, in conversation state (see the module notes). */
export class ParticipantRoster {
  private readonly property: StatePropertyAccessor<Participants>;

  constructor(conversationState: ConversationState) {
    this.property = conversationState.createProperty<Participants>('participants');
  }

  /** The user MRIs to list in `refresh.userIds`: most recently seen first, at most 60. */
  async userIds(context: TurnContext): Promise<string[]> {
    const state = await this.property.get(context);
    return (state?.people ?? []).slice(0, MAX_REFRESH_USER_IDS).map((p) => p.id);
  }

  /**
   * Notes `seen` (user MRIs) as present at `now` and forgets `left`. The state changes (and is
   * written with the turn) only when someone is new or gone, or was last noted over a day ago.
   */
  async note(context: TurnContext, seen: readonly string[], now: Date, left: readonly string[] = []): Promise<void> {
    const minute = Math.floor(now.getTime() / 60_000);
    const state = await this.property.get(context);
    let people = state?.people ?? [];
    let changed = false;
    if (left.length > 0 && people.some((p) => left.includes(p.id))) {
      people = people.filter((p) => !left.includes(p.id));
      changed = true;
    }
    for (const id of seen) {
      if (!id) continue;
      const known = people.find((p) => p.id === id);
      if (known && minute - known.at < RENOTE_AFTER_MINUTES) continue;
      people = [{ id, at: minute }, ...people.filter((p) => p.id !== id)].slice(0, MAX_REFRESH_USER_IDS);
      changed = true;
    }
    if (changed) await this.property.set(context, { people });
  }
}
