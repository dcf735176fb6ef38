/**
 * Runs `work` with `globalThis.fetch` refused, so that a check which should stay offline fails
 * loudly if it reaches for the network (e.g. @microsoft/app-manifest's schema download, whose
 * fetch helper uses `globalThis.fetch`).
 */
export async function offline<T>(work: () => Promise<T>): Promise<T> {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request) => Promise.reject(new Error(`network used: ${String(input)}`));
  try {
    return await work();
  } finally {
    globalThis.fetch = realFetch;
  }
}
