/**
 * Browser-test support: launches the system Chromium through playwright-core (never
 * `playwright install`) and records what a page does that a test may want to forbid
 * (console errors, uncaught exceptions, failed requests, requests leaving the local server).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where CI (`.ci/run`, `apt-get install -y chromium`) puts Chromium; `CHROMIUM_PATH` overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags that keep Chromium offline and quiet in a container (no sandbox: runs as root in CI). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/**
 * Launches headless Chromium from {@link CHROMIUM_PATH}.
 * @throws Error with an install hint when the binary is missing: browser suites fail, never skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Browser tests need it: run \`apt-get update && apt-get install -y chromium\` ` +
        '(CI installs it in .ci/run), or set CHROMIUM_PATH. Do not run `playwright install`.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

/** What {@link watchPage} has seen so far (arrays grow while the page lives). */
export interface PageRecord {
  /** `console.error` messages and browser-reported errors (CSP violations, failed loads). */
  consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** `<url> <error text>` of every request that failed. */
  failedRequests: string[];
  /** URLs of every request whose origin is not the app's host (data: URLs count as local). */
  externalRequests: string[];
}

/** True when `url` stays on `localHost` (blob: URLs are judged by their origin, data: and about: are local). */
export function isLocalUrl(url: string, localHost: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'data:' || parsed.protocol === 'about:') return true;
  try {
    const inner = parsed.protocol === 'blob:' ? new URL(parsed.pathname) : parsed;
    return inner.hostname === localHost;
  } catch {
    return false;
  }
}

/** Starts recording console errors, page errors, failed and external requests of `page`. */
export function watchPage(page: Page, localHost = '127.0.0.1'): PageRecord {
  const record: PageRecord = { consoleErrors: [], pageErrors: [], failedRequests: [], externalRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') record.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => record.pageErrors.push(`${error.name}: ${error.message}`));
  page.on('requestfailed', (request) => record.failedRequests.push(`${request.url()} ${request.failure()?.errorText ?? ''}`.trim()));
  page.on('request', (request) => {
    if (!isLocalUrl(request.url(), localHost)) record.externalRequests.push(request.url());
  });
  return record;
}
