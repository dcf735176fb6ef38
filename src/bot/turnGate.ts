import { Mutex } from 'async-mutex';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Turns per conversation allowed in one window (`RATE_LIMIT_TURNS`), and the window in seconds. */
export interface TurnGateOptions {
  turns: number;
  windowSeconds: number;
}

/** What {@link TurnGate.run} did: ran the turn, or refused it (rate limit) with when to retry (ms). */
export type GateResult<T> = { ran: true; value: T } | { ran: false; retryAfterMs: number; firstRefusal: boolean };

/**
 * Serializes the turns of one conversation (a second activity of the same conversation waits until
 * the first turn has saved its state, so two turns never read the same dialog state and overwrite
 * each other) and limits how many turns a conversation may run per window. Different
 * conversations run in parallel. Locks are dropped when idle, so memory follows the number of
 * conversations active right now, not all conversations ever seen.
 */
export class TurnGate {
  private readonly locks = new Map<string, { mutex: Mutex; users: number }>();
  private readonly limiter: RateLimiterMemory;
  /** Conversations already told about the limit in their current window (told once, not per refused turn). */
  private readonly warned = new Map<string, number>();

  constructor(options: TurnGateOptions) {
    this.limiter = new RateLimiterMemory({ points: options.turns, duration: options.windowSeconds });
  }

  /**
   * Runs `turn` for conversation `key` once earlier turns of that conversation have finished, unless
   * the conversation is over its rate limit.
   * @param limitKey the budget the turn counts against (default: the conversation's); a Teams card
   *   refresh, read only, counts against its reader's own budget in the conversation.
   * @throws whatever `turn` throws (the lock is released either way).
   */
  async run<T>(key: string, turn: () => Promise<T>, limitKey = key): Promise<GateResult<T>> {
    try {
      await this.limiter.consume(limitKey);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const now = Date.now();
      const until = this.warned.get(limitKey) ?? 0;
      const firstRefusal = until <= now;
      if (firstRefusal) this.warned.set(limitKey, now + err.msBeforeNext);
      if (this.warned.size > 10_000) for (const [k, t] of this.warned) if (t <= now) this.warned.delete(k);
      return { ran: false, retryAfterMs: err.msBeforeNext, firstRefusal };
    }
    let entry = this.locks.get(key);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.locks.set(key, entry);
    }
    entry.users++;
    try {
      return { ran: true, value: await entry.mutex.runExclusive(turn) };
    } finally {
      entry.users--;
      if (entry.users === 0) this.locks.delete(key);
    }
  }

  /** Conversations with a turn running or waiting (for tests and shutdown logs). */
  get activeConversations(): number {
    return this.locks.size;
  }
}
