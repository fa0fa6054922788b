// « À faire », at the top of « Mes documents »: what awaits the citizen. A service's request still waiting for an
// answer (its handle is in sessionStorage, see release.js), and papers whose validity ends soon or has ended.

import { apiJson, currentGeneration } from '../api.js';
import { formatLocalDate } from '../format.js';
import { currentLanguage, t } from '../i18n.js';
import { $, element } from '../ui.js';
import { pendingRequest } from './release.js';

let documents = []; // every document of the safe (at most 200: two pages of 100)

/** Reads every document of the safe, to find those about to expire. */
export async function loadTodo() {
  const started = currentGeneration();
  const all = [];
  try {
    for (let page = 0; page < 2; page += 1) {
      const list = await apiJson(`/api/v1/documents?${new URLSearchParams({ page: String(page), size: '100' })}`);
      all.push(...(Array.isArray(list?.items) ? list.items : []));
      if ((Number(list?.totalPages) || 0) <= page + 1) {
        break;
      }
    }
  } catch (error) {
    // A help, not a must: the list of documents says the rest.
    if (!error?.signedOut) {
      console.warn('Cannot read the documents for « À faire »', error);
    }
    return;
  }
  if (started === currentGeneration()) {
    documents = all;
    renderTodo();
  }
}

export function resetTodo() {
  documents = [];
  $('todo-list').replaceChildren();
  $('todo').hidden = true;
}

export function renderTodo() {
  const lang = currentLanguage();
  const items = [];
  if (pendingRequest()) {
    const item = element('li', 'todo-request');
    item.append(element('span', null, t('todo.request')), ' ');
    const link = element('a', null, t('todo.requestLink'));
    link.href = '#/demande';
    link.dataset.route = 'release';
    item.append(link);
    items.push(item);
  }
  const expiring = documents
    // The vault says which are expired or expire soon (civis.reminders.soon-days), as the reminders count.
    .filter((doc) => doc.validUntil && (doc.expired === true || doc.expiringSoon === true))
    .sort((a, b) => String(a.validUntil).localeCompare(String(b.validUntil)));
  for (const doc of expiring) {
    const date = formatLocalDate(doc.validUntil, lang);
    const key = doc.expired === true ? 'todo.expired' : 'todo.expiring';
    const item = element('li', 'todo-expiring', t(key, { title: String(doc.title ?? ''), date }));
    // The same screen as the reminder e-mail's link: that paper, ready to be replaced.
    const link = element('a', 'todo-replace', t('todo.replaceLink'));
    link.href = `#/documents/${encodeURIComponent(String(doc.id ?? ''))}/remplacer`;
    link.dataset.route = 'replace';
    link.dataset.routeId = String(doc.id ?? '');
    link.setAttribute('aria-label', t('todo.replaceLink.label', { title: String(doc.title ?? '') }));
    item.append(' ', link);
    items.push(item);
  }
  $('todo-list').replaceChildren(...items);
  $('todo').hidden = items.length === 0;
}
