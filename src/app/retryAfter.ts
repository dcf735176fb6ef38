/**
 * `Retry-After` (RFC 9110 §10.2.3), read the same way for every outgoing call that honours it
 * (Partner Center, the Bot Connector for reminders).
 */

/**
 * `Retry-After` in ms from `now`: delay-seconds ("120") or an HTTP-date ("Fri, 27 Nov 2026 09:00:00
 * GMT"; a date past is 0). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[A-Za-z]/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
