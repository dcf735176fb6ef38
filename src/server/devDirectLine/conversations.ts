/**
 * The development Direct Line's conversations, in memory: bearer tokens (stored as sha256),
 * expiry, the activity log with monotonic sequence numbers (the Direct Line watermark), and
 * least-recently-active eviction.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_TTL_SECONDS } from './protocol.js';

/** A stored activity (Bot Framework activity JSON) with the fields this surface always sets. */
export interface DevActivity {
  /** `<conversationId>|<7-digit sequence>`. */
  id: string;
  type: string;
  /** ISO 8601 UTC. */
  timestamp: string;
  text?: string;
  from?: { id: string; name?: string; role?: string };
  replyToId?: string;
  [key: string]: unknown;
}

/** One activity in a conversation's log. */
export interface StoredEntry {
  /** Monotonic per conversation; the Direct Line watermark is the highest seq delivered. */
  seq: number;
  activity: DevActivity;
}

/** One conversation. */
export interface Conversation {
  id: string;
  /** sha256 of the bearer token. */
  tokenHash: Buffer;
  /** Epoch ms. */
  expiresAt: number;
  lastSeq: number;
  entries: StoredEntry[];
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The conversations of one server, bounded in number and in activities per conversation. */
export class Conversations {
  /** Map order = least recently active first. */
  private readonly byId = new Map<string, Conversation>();
  /** hex(sha256(token)) -> conversation id. */
  private readonly tokenIndex = new Map<string, string>();

  /**
   * @param maxConversations at least 1; beyond it the least recently active conversation is evicted
   * @param maxActivities at least 1; beyond it a conversation's oldest activity is dropped
   * @param onEvict told the id of each evicted conversation
   */
  constructor(
    private readonly maxConversations: number,
    private readonly maxActivities: number,
    private readonly onEvict: (conversationId: string) => void = () => undefined,
  ) {}

  /** Number of conversations held. */
  get size(): number {
    return this.byId.size;
  }

  /** The conversation with `id`, if held. */
  get(id: string): Conversation | undefined {
    return this.byId.get(id);
  }

  /** Starts a conversation with a new random token (valid {@link TOKEN_TTL_SECONDS}), evicting as needed. */
  create(): { conversation: Conversation; token: string } {
    while (this.byId.size >= this.maxConversations) {
      const oldest = this.byId.values().next().value as Conversation;
      this.byId.delete(oldest.id);
      this.tokenIndex.delete(oldest.tokenHash.toString('hex'));
      this.onEvict(oldest.id);
    }
    const token = randomBytes(32).toString('base64url');
    const conversation: Conversation = {
      id: randomBytes(16).toString('base64url'),
      tokenHash: sha256(token),
      expiresAt: Date.now() + TOKEN_TTL_SECONDS * 1000,
      lastSeq: 0,
      entries: [],
    };
    this.byId.set(conversation.id, conversation);
    this.tokenIndex.set(conversation.tokenHash.toString('hex'), conversation.id);
    return { conversation, token };
  }

  /** Marks `conversation` most recently active. */
  touch(conversation: Conversation): void {
    this.byId.delete(conversation.id);
    this.byId.set(conversation.id, conversation);
  }

  /** Constant-time comparison of the presented token with the conversation's token, plus expiry. */
  tokenValid(conversation: Conversation, token: string | undefined): boolean {
    if (token === undefined) return false;
    const matches = timingSafeEqual(sha256(token), conversation.tokenHash);
    return matches && Date.now() < conversation.expiresAt;
  }

  /** Conversation for a token alone (routes without a conversation id); undefined if none/expired. */
  forToken(token: string | undefined): Conversation | undefined {
    if (token === undefined) return undefined;
    const id = this.tokenIndex.get(sha256(token).toString('hex'));
    const conversation = id === undefined ? undefined : this.byId.get(id);
    return conversation && this.tokenValid(conversation, token) ? conversation : undefined;
  }

  /** The next sequence number and activity id of `conversation`. */
  nextId(conversation: Conversation): { seq: number; id: string } {
    conversation.lastSeq += 1;
    return { seq: conversation.lastSeq, id: `${conversation.id}|${String(conversation.lastSeq).padStart(7, '0')}` };
  }

  /** Appends an activity, dropping the oldest beyond the limit. */
  append(conversation: Conversation, seq: number, activity: DevActivity): void {
    conversation.entries.push({ seq, activity });
    if (conversation.entries.length > this.maxActivities) conversation.entries.splice(0, conversation.entries.length - this.maxActivities);
  }

  /** Removes the activity with `activityId`; returns it, or undefined when there is none. */
  removeById(conversation: Conversation, activityId: string): StoredEntry | undefined {
    const index = conversation.entries.findIndex((entry) => entry.activity.id === activityId);
    if (index < 0) return undefined;
    return conversation.entries.splice(index, 1)[0];
  }
}
