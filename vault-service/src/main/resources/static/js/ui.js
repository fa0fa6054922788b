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

/** Adds one term and its description to a description list, in a row of its own; nothing when there is no value. */
export function fact(list, label, value) {
  if (!value) {
    return;
  }
  const row = element('div');
  row.append(element('dt', null, label), element('dd', null, value));
  list.append(row);
}

/** "30 jours", "3 mois", "1 an" for an ISO 8601 duration; the duration itself when it has another form. */
export function durationText(iso, parse) {
  const d = parse(iso);
  if (!d) {
    return String(iso ?? '');
  }
  const parts = [];
  for (const [unit, count] of [['years', d.years], ['months', d.months], ['weeks', d.weeks], ['days', d.days]]) {
    if (count) {
      parts.push(t(plural(`duration.${unit}`, count), { count }));
    }
  }
  return parts.join(' ');
}

/** The words for a legal basis (consent, legal-obligation, public-task), and the sentence that explains it. */
export function legalBasisText(code) {
  const known = ['consent', 'legal-obligation', 'public-task'].includes(code);
  return {
    name: known ? t(`basis.${code}`) : String(code ?? ''),
    explanation: known ? t(`basis.${code}.explained`) : '',
  };
}

/** A DPO contact: a mailto link when it is an e-mail address, its text otherwise. */
export function contactNode(contact) {
  const text = String(contact ?? '').trim();
  if (/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(text)) {
    const link = element('a', null, text);
    link.href = `mailto:${text}`;
    return link;
  }
  if (/^https:\/\/[^\s<>"]+$/.test(text)) {
    const link = element('a', null, text);
    link.href = text;
    link.rel = 'noopener noreferrer';
    return link;
  }
  return document.createTextNode(text || t('release.noDpo'));
}
