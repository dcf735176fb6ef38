/**
 * The parent side of `bench/contender.ts`: starts one bot of the turn bench in a child process
 * (with tsx, over IPC) and asks it to run walks. Used by `bench/run.ts`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ContenderRequest, WalksResult } from './contender.js';

/** Which bot a contender process runs. */
export type ContenderKind = 'echo' | 'baseline' | 'assistant';

/** A bot running in a child process, with its own loopback channel. */
export class Contender {
  #nextId = 0;
  readonly #waiting = new Map<number, { resolve: (r: WalksResult) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: WalksResult & { error?: string }) => {
      const waiter = this.#waiting.get(m.id);
      if (!waiter) return;
      this.#waiting.delete(m.id);
      if (m.error) waiter.reject(new Error(m.error));
      else waiter.resolve(m);
    });
    child.on('exit', (code) => {
      for (const w of this.#waiting.values()) w.reject(new Error(`bench contender exited (code ${code})`));
      this.#waiting.clear();
    });
  }

  /**
   * Starts `kind` in a new process (`dataDir`: the assistant's DATA_DIR); resolves once it listens.
   * @throws Error when the process exits before it is ready.
   */
  static async start(kind: ContenderKind, dataDir?: string): Promise<Contender> {
    const child = fork(fileURLToPath(new URL('./contender.ts', import.meta.url)), {
      execArgv: ['--import', 'tsx', '--no-deprecation'],
      env: { ...process.env, CONTENDER: kind, ...(dataDir ? { DATA_DIR: dataDir } : {}) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`bench contender ${kind} exited before it was ready (code ${code})`)));
    });
    return new Contender(child);
  }

  /** Runs `walks` walks named `<tag>-<i>`, one at a time or all at once (`parallel`). */
  walks(walks: number, parallel: boolean, tag: string): Promise<WalksResult> {
    return this.#ask({ id: ++this.#nextId, op: 'walks', walks, parallel, tag });
  }

  /** Stops the bot and its process (nothing when it has already exited). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.#ask({ id: ++this.#nextId, op: 'close' }).catch(() => undefined);
    await exited;
  }

  #ask(request: ContenderRequest): Promise<WalksResult> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(request.id, { resolve, reject });
      this.child.send(request);
    });
  }
}
