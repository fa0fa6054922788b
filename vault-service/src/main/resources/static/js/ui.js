// Small helpers every screen uses to write messages and labels. Texts are written with textContent only.

import { currentLanguage, lookup, t } from './i18n.js';
import { localeOf } from './format.js';

export const $ = (id) => document.getElementById(id);

/** A message is { key, params } for our own words, { text } for the server's (already in the person's language). */
export function messageText(message) {
  if (!message) {
    return '';
  }
  return message.text ?? t(message.key, message.params);
}

/** Writes a message into an element; alerts (and messages marked hideEmpty) are hidden when empty. */
export function show(element, message, hideEmpty = element.getAttribute('role') === 'alert') {
  const text = messageText(message);
  if (element.textContent !== text) {
    element.textContent = text;
  }
  if (hideEmpty) {
    element.hidden = !text;
  }
}

/** The i18n key of the plural form of keyBase for count (keyBase.one, keyBase.other…). */
export function plural(keyBase, count) {
  const category = new Intl.PluralRules(localeOf(currentLanguage())).select(count);
  return lookup(`${keyBase}.${category}`) !== undefined ? `${keyBase}.${category}` : `${keyBase}.other`;
}

/** The name of a document type in the person's language; its code when the bundles do not know it yet. */
export function typeLabel(code) {
  return lookup(`type.${code}`) ?? String(code ?? '');
}

export function setInvalid(field, invalid) {
  if (invalid) {
    field.setAttribute('aria-invalid', 'true');
  } else {
    field.removeAttribute('aria-invalid');
  }
}

/** Creates an element with a class and a text. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined && text !== null) {
    node.textContent = text;
  }
  return node;
}
