/**
 * A check run every `intervalMs` in the background, one at a time (a check still running when the
 * next is due skips that one), on an unref'd timer so it never keeps the process alive. Used by the
 * reminder scheduler and the background Partner Center reads.
 */
export class PeriodicCheck {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  /**
   * @param check one check; what it throws goes to `onError` (the check is tried again next time)
   * @param onError told of a failed check (e.g. logs it)
   */
  constructor(
    private readonly check: () => Promise<unknown>,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Checks every `intervalMs` (ms) until {@link stop}; a second call while running changes nothing. */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.check()
        .catch((err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err))))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops checking and waits for a check in progress to finish. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
