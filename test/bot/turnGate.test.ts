import { expect } from 'chai';
import { TurnGate } from '../../src/bot/turnGate.js';

const tick = (ms = 2) => new Promise((r) => setTimeout(r, ms));

describe('TurnGate: per-conversation serialization and rate limit', () => {
  it('never runs two turns of one conversation at once, in arrival order; other conversations run in parallel', async () => {
    const gate = new TurnGate({ turns: 100, windowSeconds: 10 });
    let running = 0;
    let maxSame = 0;
    let maxAll = 0;
    const order: number[] = [];
    const active = new Map<string, number>();
    const turn = (key: string, n: number) =>
      gate.run(key, async () => {
        active.set(key, (active.get(key) ?? 0) + 1);
        running++;
        maxSame = Math.max(maxSame, active.get(key)!);
        maxAll = Math.max(maxAll, running);
        if (key === 'a') order.push(n);
        await tick();
        running--;
        active.set(key, active.get(key)! - 1);
        return n;
      });
    const results = await Promise.all([...Array.from({ length: 10 }, (_, i) => turn('a', i)), ...Array.from({ length: 10 }, (_, i) => turn(`k${i}`, i))]);
    expect(results.every((r) => r.ran)).to.equal(true);
    expect(maxSame, 'turns of one conversation at once').to.equal(1);
    expect(maxAll, 'turns of different conversations at once').to.be.greaterThan(1);
    expect(order).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(gate.activeConversations, 'idle locks are dropped').to.equal(0);
  });

  it('releases the lock when a turn throws', async () => {
    const gate = new TurnGate({ turns: 100, windowSeconds: 10 });
    await gate
      .run('a', async () => {
        throw new Error('boom');
      })
      .catch(() => undefined);
    const next = await gate.run('a', async () => 'ok');
    expect(next).to.deep.equal({ ran: true, value: 'ok' });
  });

  it('refuses turns over the limit per conversation, flagging only the first refusal of a window', async () => {
    const gate = new TurnGate({ turns: 3, windowSeconds: 60 });
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await gate.run('chatty', async () => i));
    expect(results.filter((r) => r.ran)).to.have.length(3);
    const refused = results.filter((r): r is Extract<typeof r, { ran: false }> => !r.ran);
    expect(refused.map((r) => r.firstRefusal)).to.deep.equal([true, false, false]);
    expect(refused[0]!.retryAfterMs).to.be.within(1, 60_000);
    expect((await gate.run('other', async () => 1)).ran).to.equal(true);
  });
});
