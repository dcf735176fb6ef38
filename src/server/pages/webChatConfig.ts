/**
 * What the Web Chat page tells its browser script (src/server/browser/webchat.ts): written by the
 * server as JSON into the `data-config` attribute of `#webchat` (an attribute value, so the
 * renderer escapes it like any other), read back with `JSON.parse(element.dataset.config)`.
 * Shared by both sides so a renamed field fails the type-check of both.
 */
export interface WebChatPageConfig {
  /** `dev`: this process's development Direct Line; `portal`: a token from `POST /api/directline/token`. */
  mode: 'dev' | 'portal';
  /** The page's locale (a supported locale, e.g. `de-DE`), sent in the `webchat/join` event. */
  locale: string;
  /** Direct Line API base the portal mode connects to, e.g. `https://directline.botframework.com/v3/directline`. */
  directLineDomain: string;
  theme: {
    /** Brand colour, `#RRGGBB`. */
    accent: string;
    /** Bot avatar initials (1-3 letters or digits). */
    avatarInitials: string;
    /** The user's avatar initials in this language. */
    userInitials: string;
    /** Bot avatar image, an https URL, when the page URL named one. */
    avatarImage?: string;
  };
  /** Localized words the script shows; `connectFailed` holds a literal `{reason}` placeholder. */
  strings: {
    languageAnnounce: string;
    needsPortal: string;
    loadFailed: string;
    notConfigured: string;
    signInExpired: string;
    connectFailed: string;
  };
}

/** localStorage key under which the page keeps the development user id. */
export const USER_ID_STORAGE_KEY = 'csp-assistant-user-id';
