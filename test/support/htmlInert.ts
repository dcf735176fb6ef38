/**
 * HTML-level checks that untrusted text stayed text: a small tokenizer for the markup our renderer
 * writes (attribute values always double-quoted, `<` `&` `"` always escaped), so every `<` starts a
 * real tag. Used by the escaping matrix; the Chromium pass checks the same with the browser's parser.
 */
import { expect } from 'chai';

/** What injected markup tries (each must stay literal text). */
export const XSS_PAYLOADS = ['<script>alert(1)</script>', '"onload="alert(1)', '</textarea><img src=x onerror=alert(1)>'] as const;

/** One tag of a document. */
export interface Tag {
  name: string;
  closing: boolean;
  attrs: Array<[string, string]>;
  /** Offsets of the tag in the document: `html.slice(start, end)` is the tag. */
  start: number;
  end: number;
}

/** Elements the pages use; anything else in a page means markup got in. */
const ALLOWED_ELEMENTS = new Set(
  'html head meta title link style body header div span main section h1 h2 p dl dt dd ul ol li a form input label button textarea br noscript script'.split(
    ' ',
  ),
);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes named and numeric character references. */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi, (whole, dec: string, hex: string, name: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (ENTITIES[name] ?? whole),
  );
}

/**
 * The tags of `html` in order (the doctype skipped).
 * @throws AssertionError when a `<` does not start a well-formed tag (markup was broken)
 */
export function scanTags(html: string): Tag[] {
  const tags: Tag[] = [];
  const tagPattern = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'=<>`/]+(?:="[^"<]*")?)*)\s*\/?>/y;
  for (let i = html.indexOf('<'); i >= 0; i = html.indexOf('<', i + 1)) {
    if (html.startsWith('<!doctype html>', i)) continue;
    tagPattern.lastIndex = i;
    const match = tagPattern.exec(html);
    expect(match, `a "<" that starts no well-formed tag at ${i}: ${html.slice(i, i + 80)}`).to.not.equal(null);
    const attrs = [...match![3]!.matchAll(/\s+([^\s"'=<>`/]+)(?:="([^"]*)")?/g)].map((m): [string, string] => [
      m[1]!.toLowerCase(),
      decodeEntities(m[2] ?? ''),
    ]);
    tags.push({ name: match![2]!.toLowerCase(), closing: match![1] === '/', attrs, start: i, end: i + match![0].length });
  }
  return tags;
}

/** The document's text (between tags, `<style>` and `<script>` content dropped), entities decoded. */
export function textOf(html: string, tags = scanTags(html)): string {
  const parts: string[] = [];
  let raw = false;
  tags.forEach((tag, i) => {
    if (tag.name === 'style' || tag.name === 'script') raw = !tag.closing;
    const next = tags[i + 1]?.start ?? html.length;
    if (!raw) parts.push(html.slice(tag.end, next));
  });
  return decodeEntities(parts.join(' ')).replace(/\s+/g, ' ');
}

/** Options of {@link expectInert}. */
export interface InertOptions {
  /** Strings that must show literally (in the text or in an attribute value), e.g. `Contoso <script>...`. */
  shown?: string[];
  /** Script URLs allowed (prefixes); every `<script>` must have one of them as `src` and no content. */
  scriptPrefixes?: string[];
}

/**
 * Asserts that `html` holds only the pages' own elements: no element outside the allowlist, no
 * event-handler attribute, no `javascript:` URL, every script an empty external one from an
 * allowed prefix, every textarea closed by its own end tag; and that each of `shown` appears
 * literally as text or as an attribute value.
 */
export function expectInert(html: string, label: string, options: InertOptions = {}): void {
  const tags = scanTags(html);
  for (const tag of tags) {
    expect(ALLOWED_ELEMENTS.has(tag.name), `${label}: unexpected <${tag.name}>`).to.equal(true);
    for (const [name, value] of tag.attrs) {
      expect(name, `${label}: event handler attribute on <${tag.name}>`).to.not.match(/^on/);
      expect(value, `${label}: script URL in ${name}`).to.not.match(/^\s*javascript:/i);
    }
    if (tag.name === 'script' && !tag.closing) {
      const src = tag.attrs.find(([n]) => n === 'src')?.[1] ?? '';
      expect(
        (options.scriptPrefixes ?? []).some((p) => src.startsWith(p)),
        `${label}: script ${src || '(inline)'}`,
      ).to.equal(true);
    }
  }
  expect(html, `${label}: script with content`).to.not.match(/<script\b[^>]*>[^<]/);
  const opened = tags.filter((t) => t.name === 'textarea' && !t.closing).length;
  expect(tags.filter((t) => t.name === 'textarea' && t.closing).length, `${label}: textarea end tags`).to.equal(opened);
  const text = textOf(html, tags);
  const values = tags.flatMap((t) => t.attrs.map(([, v]) => v));
  for (const s of options.shown ?? []) {
    expect(text.includes(s) || values.some((v) => v.includes(s)), `${label}: "${s}" shown literally`).to.equal(true);
  }
}
