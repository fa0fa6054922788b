// Tiny translation layer: texts live in /i18n/<lang>.json, French first.

export const SUPPORTED_LANGUAGES = ['fr', 'en'];
export const DEFAULT_LANGUAGE = 'fr';

const dictionaries = new Map();
let current = DEFAULT_LANGUAGE;

/** First supported language found in the browser preferences, French otherwise. */
export function preferredLanguage(languages = navigator.languages || [navigator.language]) {
  for (const tag of languages || []) {
    const primary = String(tag || '').toLowerCase().split('-')[0];
    if (SUPPORTED_LANGUAGES.includes(primary)) {
      return primary;
    }
  }
  return DEFAULT_LANGUAGE;
}

export function isSupported(lang) {
  return SUPPORTED_LANGUAGES.includes(lang);
}

export function currentLanguage() {
  return current;
}

async function loadDictionary(lang) {
  if (dictionaries.has(lang)) {
    return dictionaries.get(lang);
  }
  const response = await fetch(`i18n/${lang}.json`, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(`Cannot load texts for ${lang}: HTTP ${response.status}`);
  }
  const dictionary = await response.json();
  dictionaries.set(lang, dictionary);
  return dictionary;
}

/** Loads the texts of a language (and French as a fallback). Never throws. */
export async function useLanguage(lang) {
  const wanted = isSupported(lang) ? lang : DEFAULT_LANGUAGE;
  const loads = [loadDictionary(DEFAULT_LANGUAGE).catch(() => null)];
  if (wanted !== DEFAULT_LANGUAGE) {
    loads.push(loadDictionary(wanted).catch(() => null));
  }
  const [, chosen] = await Promise.all(loads);
  current = wanted === DEFAULT_LANGUAGE || chosen ? wanted : DEFAULT_LANGUAGE;
  return current;
}

/** Returns the text for key, with {placeholders} replaced; undefined when no text exists. */
export function lookup(key, params = {}) {
  const text = dictionaries.get(current)?.[key] ?? dictionaries.get(DEFAULT_LANGUAGE)?.[key];
  if (text === undefined) {
    return undefined;
  }
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

/** Like lookup, but falls back to the key itself so that something is always shown. */
export function t(key, params = {}) {
  return lookup(key, params) ?? key;
}

/**
 * Translates the static page: elements with data-i18n get their text,
 * elements with data-i18n-aria-label get their aria-label.
 * Elements whose text is missing keep their (French) HTML text.
 */
export function translatePage(root = document) {
  document.documentElement.lang = current;
  for (const element of root.querySelectorAll('[data-i18n]')) {
    const text = lookup(element.dataset.i18n);
    if (text !== undefined) {
      element.textContent = text;
    }
  }
  for (const element of root.querySelectorAll('[data-i18n-aria-label]')) {
    const text = lookup(element.dataset.i18nAriaLabel);
    if (text !== undefined) {
      element.setAttribute('aria-label', text);
    }
  }
}
