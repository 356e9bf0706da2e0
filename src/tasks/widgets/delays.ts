/**
 * How long the delayed widgets keep their result hidden, as on the official pages: an accordion panel
 * while it opens (400 ms of jQuery UI animation) and autocomplete suggestions after a keystroke
 * (jQuery UI waits 300 ms). The -nodelay variants show them at once.
 */
export const ACCORDION_DELAY_MS = 400;
export const AUTOCOMPLETE_DELAY_MS = 300;
