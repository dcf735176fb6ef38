import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The `email-providers` package's list of common consumer mail domains (about 350). */
const COMMON_PROVIDERS: string[] = require('email-providers/common.json');

/** Domains the list misses that partners in our four markets use (checked 2026-11). */
const EXTRA = [
  'googlemail.com',
  'ymail.com',
  'rocketmail.com',
  'hotmail.de',
  'outlook.de',
  'live.de',
  'yahoo.de',
  'yahoo.com.tw',
  'hotmail.com.tw',
  'msa.hinet.net',
];

const WEBMAIL = new Set([...COMMON_PROVIDERS, ...EXTRA].map((d) => d.toLowerCase()));
/** Country variants of the big consumer brands: outlook.fr, hotmail.co.uk, yahoo.com.tw, live.ru ... */
const BRAND_VARIANT = /^(outlook|hotmail|live|msn|yahoo|gmail|aol|icloud|gmx|yandex)\.[a-z.]{2,10}$/;

/**
 * True when the email address belongs to a consumer webmail service (Gmail, Yahoo! Mail,
 * iCloud Mail, AOL Mail, Outlook.com and the like). Partner Center refuses these for the
 * primary contact of an enrollment.
 * Source: seed 003, "Get started" step 8 (web-based email services are not accepted).
 * @param email any string; the part after the last "@" is checked, case-insensitively
 */
export function isWebmailAddress(email: string): boolean {
  const at = email.lastIndexOf('@');
  if (at < 0) return false;
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase();
  return WEBMAIL.has(domain) || BRAND_VARIANT.test(domain);
}
