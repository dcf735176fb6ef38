/**
 * Solid colour fills for progress bars, as 1x1 PNG data URIs used as a Column's `backgroundImage`
 * (`fillMode: repeat`, Adaptive Cards 1.2+). Container styles alone are too pale: Web Chat's and
 * Teams' `emphasis`, `good` and `accent` backgrounds are within 1.2:1 of a white card, so a bar of
 * "to do" segments disappears. Each fill below has at least 3:1 contrast against white (WCAG 1.4.11,
 * non-text contrast); the segment's container style stays as the fallback for hosts that ignore
 * background images. Colours from the Fluent palette; `test/cards/swatches.test.ts` decodes each
 * PNG and checks its colour and contrast.
 */

/** Which fill a progress segment gets. */
export type SwatchName = 'done' | 'current' | 'blocked' | 'upcoming';

/** The colour of each fill, `#RRGGBB`, and its 1x1 PNG. */
export const SWATCHES: Record<SwatchName, { color: string; png: string }> = {
  /** Fluent green, 5.4:1 on white. */
  done: { color: '#107C10', png: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4AWMQqBH4DwAC2AGcV6ZJqgAAAABJRU5ErkJggg==' },
  /** Fluent brand blue, 5.4:1 on white. */
  current: { color: '#0F6CBD', png: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4AWPgz9n7HwAD/gI4mn8E3wAAAABJRU5ErkJggg==' },
  /** Fluent dark orange, 4.3:1 on white. */
  blocked: { color: '#C25E00', png: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4AWM4FMfwHwAFJgIgnkDAZwAAAABJRU5ErkJggg==' },
  /** Fluent grey 100, 3.5:1 on white (and 4.1:1 on Teams' dark theme). */
  upcoming: { color: '#8A8886', png: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4AWPo6mj7DwAF0AKYmSrAuwAAAABJRU5ErkJggg==' },
};

/** The `data:image/png;base64,…` URL of a fill. */
export function swatchUrl(name: SwatchName): string {
  return `data:image/png;base64,${SWATCHES[name].png}`;
}
