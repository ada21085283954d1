// The page's words in the reader's language. Every string a person sees is an entry of one
// catalogue per language (www/i18n/en.js, www/i18n/zh-CN.js), keyed by an id namespaced by the
// module that shows it (`controls.batch.bgd`, `lessons.momentum.title`); `t(id, params)` words
// it. The language comes from `lang=` in the URL, else the browser's languages, else English; a
// menu in the header switches it, and every module that shows words hears the switch.
import EN from './i18n/en.js';

/**
 * The languages offered: the URL's `lang` value → its name (in itself) and how its catalogue is
 * loaded. English, every entry's fallback, comes with this module; another language's catalogue
 * is fetched when it is first chosen (or, after the lab has started, ahead of a switch), so a
 * reader downloads only the words of the language they read.
 */
export const LANGUAGES = {
  en: { name: 'English', load: async () => EN },
  'zh-CN': { name: '简体中文', load: async () => (await import('./i18n/zh-CN.js')).default },
};

/** The catalogues loaded so far, by language code. */
const catalogues = { en: EN };

let current = 'en';
const listeners = [];

/**
 * The language offered for language tag `tag`: the one it names (any case), else the one whose
 * primary tag it shares (`zh`, `zh-TW`, `zh-Hans-CN` → `zh-CN`; `en-GB` → `en`); null for none.
 */
export function offeredLanguage(tag) {
  const lower = String(tag).toLowerCase();
  const codes = Object.keys(LANGUAGES);
  return codes.find((code) => code.toLowerCase() === lower)
    ?? codes.find((code) => code.toLowerCase().split('-')[0] === lower.split('-')[0])
    ?? null;
}

/**
 * The language for a URL's `lang` value (`null`: absent) and the browser's `preferred` languages
 * (navigator.languages): the first of them that is offered ([`offeredLanguage`]), else English.
 */
export function chooseLanguage(requested, preferred = []) {
  for (const tag of [requested, ...preferred]) {
    const code = tag === null || tag === undefined ? null : offeredLanguage(tag);
    if (code) return code;
  }
  return 'en';
}

/** The current language's code (`en`, `zh-CN`). */
export function language() {
  return current;
}

/**
 * Words entry `id` of the current language with `params`: an entry is a string whose `{name}`
 * marks are filled from `params`, or a function of `params` (plurals, choices). A missing entry
 * falls back to English, and a missing English one to the id itself (the tests forbid both).
 */
export function t(id, params = {}) {
  const entry = catalogues[current][id] ?? EN[id];
  if (entry === undefined) return id;
  if (typeof entry === 'function') return entry(params);
  return entry.replace(/\{(\w+)\}/g, (mark, name) => (name in params ? String(params[name]) : mark));
}

/**
 * Sentences joined as the current language writes them: with a space in English, with none in
 * Chinese, whose full-width stops and colons carry their own.
 */
export function sentences(...parts) {
  return parts.filter(Boolean).join(current === 'zh-CN' ? '' : ' ');
}

/** Whether the current catalogue has entry `id` (for words that exist only sometimes). */
export function has(id) {
  return id in catalogues[current];
}

/**
 * Fills the marked elements under `root` from the catalogue: `data-i18n` their text,
 * `data-i18n-aria-label`, `data-i18n-title` and `data-i18n-placeholder` those attributes. Words
 * that are already right are left alone: index.html is written in English, and rewriting its
 * text with the same words would only make the browser lay the page out again before the first
 * heat map.
 */
export function translatePage(root = document) {
  // The elements under `root` that match, and `root` itself when it does.
  const matching = (selector) => [...(root.matches?.(selector) ? [root] : []), ...root.querySelectorAll(selector)];
  for (const element of matching('[data-i18n]')) {
    const text = t(element.dataset.i18n);
    if (element.textContent !== text) element.textContent = text;
  }
  for (const [data, attribute] of [['i18nAriaLabel', 'aria-label'], ['i18nTitle', 'title'], ['i18nPlaceholder', 'placeholder']]) {
    const selector = `[data-${attribute === 'aria-label' ? 'i18n-aria-label' : `i18n-${attribute}`}]`;
    for (const element of matching(selector)) {
      const text = t(element.dataset[data]);
      if (element.getAttribute(attribute) !== text) element.setAttribute(attribute, text);
    }
  }
  document.documentElement.lang = current;
  document.title = t('page.documentTitle');
}

/**
 * Switches to language `code` (one of LANGUAGES), once its catalogue is loaded; refills the page
 * and tells every listener. Resolves when the page is in that language.
 */
export async function setLanguage(code) {
  if (!LANGUAGES[code]) return;
  catalogues[code] ??= await LANGUAGES[code].load();
  current = code;
  translatePage();
  for (const listener of listeners) listener(code);
}

/** Fetches every language's catalogue not loaded yet, so that a later switch is immediate. */
export async function loadAllLanguages() {
  for (const [code, { load }] of Object.entries(LANGUAGES)) catalogues[code] ??= await load();
}

/** Calls `listener(code)` after every language switch. */
export function onLanguageChange(listener) {
  listeners.push(listener);
}

/**
 * The title of a catalog entry the lab lists (`kind`: `surface`, `dataset`, `optimizer`): the
 * catalogue's `catalog.<kind>.<name>` where it has one, else the lab's own title (a name such as
 * "Adam", the same in every language).
 */
export function catalogTitle(kind, entry) {
  const id = `catalog.${kind}.${entry.name}`;
  return has(id) ? t(id) : entry.title;
}

/**
 * The font stack for words drawn on a canvas: the page's own, then fonts that have Chinese
 * glyphs (Noto Sans CJK and WenQuanYi on Linux, PingFang on macOS, YaHei on Windows).
 */
export const CANVAS_FONTS = 'system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", "Droid Sans Fallback", sans-serif';
