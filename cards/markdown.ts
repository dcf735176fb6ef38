/**
 * Adaptive Card TextBlocks (and Web Chat's plain bot messages) are rendered as markdown. Two things
 * in ordinary text then go wrong in real clients, and this module guards against both with
 * standard CommonMark backslash escapes:
 * - A text that starts with a number and a period ("2. Who you are", German dates such as
 *   "21. Nov. 2026 · …") is an ordered list item; Web Chat renders every such block as "1.".
 * - A domain name ("outlook.com", "fabrikam.onmicrosoft.com") is turned into a link by the
 *   renderer's linkify; a domain in a refusal or a customer list is data, not a place to go.
 */

/** Markdown's inline specials that a user-typed value may carry (`*bold*`, `[link](…)`, `` `code` ``, `<tag>`). */
const INLINE_SPECIALS = /[\\`*_[\]<>~|]/g;

/**
 * A dot between two word characters, as in a domain name or an email address: escaped, the
 * renderer's linkify no longer sees a host name (markdown-it splits the text at the escape).
 */
const DOMAIN_DOT = /(?<=[\p{L}\p{N}-])\.(?=[\p{L}\p{N}])/gu;

/** The colon of a URL scheme (`https://`): escaped, a typed URL stays text. */
const SCHEME_COLON = /:(?=\/\/)/g;

/**
 * `value` (a company, person, domain or email typed by someone) made literal for a markdown
 * TextBlock: inline specials escaped, dots inside names escaped so nothing becomes a link, and a
 * leading list or heading marker escaped. The text reads the same; only the markup is neutralized.
 * Never use it for text that is not rendered as markdown (input values, mailto bodies, web pages).
 */
export function markdownLiteral(value: string): string {
  return escapeLeadingMarker(value.replace(INLINE_SPECIALS, '\\$&').replace(DOMAIN_DOT, '\\.').replace(SCHEME_COLON, '\\:'));
}

/** A line that CommonMark would start a block with: an ordered item ("21. ", "3) "), a bullet, a heading or a quote. */
const LEADING_MARKER = /^(\s{0,3})(\d{1,9})([.)])(?=\s|$)|^(\s{0,3})([-+*#>])(?=\s|$)/;

/**
 * Escapes the block marker at the start of a single-line text ("21. Nov. 2026" -> "21\. Nov. 2026"),
 * so it renders as written instead of as a list item numbered 1. Texts of several lines are left
 * alone: their numbered or bulleted lines are meant as lists.
 */
export function escapeLeadingMarker(text: string): string {
  if (text.includes('\n')) return text;
  return text.replace(
    LEADING_MARKER,
    (_m, ws1: string | undefined, num: string | undefined, delim: string | undefined, ws2: string | undefined, bullet: string | undefined) =>
      num !== undefined ? `${ws1 ?? ''}${num}\\${delim}` : `${ws2 ?? ''}\\${bullet}`,
  );
}
