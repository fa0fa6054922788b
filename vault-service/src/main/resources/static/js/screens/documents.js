// "Mes documents": the documents of the safe (list, download, rename, delete; the form to add one is upload.js),
// the space used, the export of everything and the closing of the safe.
//
// The access token stays in portal.js (memory only): this module asks for it at each call.
// Every text is written with textContent; every message comes from i18n/<lang>.json,
// except the "detail" of the server's problem+json answers (already in the person's language).

import {
  ApiError,
  DOCUMENTS_URL,
  api,
  currentGeneration,
  errorMessage,
  readJson,
  responseBlob,
  saveBlob,
  steppingUp,
} from '../api.js';
import { DEFAULT_DOCUMENT_TYPE, documentTypes, maxDocumentBytes } from '../catalogue.js';
import { closeAllDialogs, closeDialog, openDialog } from '../dialogs.js';
import {
  MAX_TITLE_LENGTH,
  downloadName,
  filenameFromContentDisposition,
  formatInstant,
  formatLocalDate,
  formatSize,
  isIsoDate,
  localeOf,
} from '../format.js';
import { currentLanguage, t } from '../i18n.js';
import { $, messageText, plural, setInvalid, show, typeLabel } from '../ui.js';
import { canPreview, initPreview, openPreview, resetPreview } from './preview.js';
import { loadTodo, renderTodo, resetTodo } from './todo.js';
import { initUpload, renderUpload, renderUploadCard, resetUpload } from './upload.js';

const SAFE_URL = '/api/v1/me/safe';
const EXPORT_URL = '/api/v1/me/export';
const PAGE_SIZE = 20;
const EXPORT_FALLBACK_NAME = 'mon-coffre.zip';

// --- State (memory only) ---------------------------------------------------------------

/** Set at sign-in, until the screen is first entered. */
let justStarted = false;
/** The first reading of the safe and of the list after sign-in, which a resumed action waits for. */
let initialLoad = Promise.resolve();
let optionsLanguage = null;
let renderedDialogLanguage = null;

const state = {
  safe: null, // answer of GET /api/v1/me/safe, null when unknown
  safeStatus: null, // { key, params } polite message about the safe
  safeError: null, // message of the alert about the safe (export, closing, reopening)
  list: null, // answer of GET /api/v1/documents
  page: 0,
  filter: '',
  search: '', // words searched in the titles (the vault opens them for this citizen only)
  listRequest: 0,
  listLoading: false,
  listStatus: null,
  listError: null,
};

const busy = {
  downloads: new Set(),
  export: false,
  dialog: false,
  reopen: false,
};

function quoted(title) {
  return String(title ?? '');
}

// --- Safe (space used, closing) ---------------------------------------------------------

function safeStatus() {
  return state.safe?.status ?? 'OPEN';
}

function canChange() {
  return safeStatus() === 'OPEN';
}

function applySafe(safe) {
  if (safe && typeof safe === 'object' && typeof safe.status === 'string') {
    state.safe = safe;
  }
}

async function loadSafe() {
  try {
    const response = await api(SAFE_URL);
    applySafe(await readJson(response));
  } catch (error) {
    // The space line is a help, not a must: without it the page still works.
    if (!(error instanceof ApiError) || !error.signedOut) {
      console.warn('Cannot read the state of the safe', error);
    }
  }
  renderSafe();
  renderList();
}

function renderSafe() {
  const safe = state.safe;
  const lang = currentLanguage();
  const usage = $('safe-usage');
  if (safe && Number.isFinite(safe.documents) && Number.isFinite(safe.usedBytes) && Number.isFinite(safe.quotaBytes)) {
    show(usage, {
      key: plural('safe.usage', safe.documents),
      params: {
        count: new Intl.NumberFormat(localeOf(lang)).format(safe.documents),
        used: formatSize(safe.usedBytes, lang),
        quota: formatSize(safe.quotaBytes, lang),
      },
    });
    usage.hidden = false;
  } else {
    usage.textContent = '';
    usage.hidden = true;
  }

  const status = safeStatus();
  const banner = $('safe-closing-banner');
  banner.hidden = status !== 'CLOSING';
  if (status === 'CLOSING') {
    const until = formatInstant(safe?.retrievalOnlyUntil, lang);
    show($('safe-closing-text'), until ? { key: 'safe.closing', params: { date: until } } : { key: 'safe.closing.noDate' });
  }
  $('safe-closed').hidden = status !== 'CLOSED';
  $('safe-notice').hidden = status !== 'NOTICE';
  if (status === 'NOTICE') {
    show($('safe-notice'), {
      key: 'safe.notice',
      params: { from: formatInstant(safe?.retrievalOnlyFrom, lang), until: formatInstant(safe?.retrievalOnlyUntil, lang) },
    });
  }
  renderUploadCard();
  $('close-safe-button').hidden = !canChange();
  $('export-button').hidden = status === 'CLOSED';
  $('safe-card').hidden = status === 'CLOSED';
  show($('safe-status'), state.safeStatus, false);
  show($('safe-error'), state.safeError);
}

/**
 * Downloads the archive of every document, where the person asked for it: in the page or in the closing dialog
 * (origin), which shows where it stands. resumed: the retry after a step-up.
 */
async function downloadExport(origin, resumed = false) {
  if (busy.export) {
    return;
  }
  const report = origin === 'dialog' ? reportInDialog : reportInPage;
  busy.export = true;
  report({ key: 'safe.exporting' }, null);
  try {
    const response = await api(EXPORT_URL, { accept: 'application/zip, */*' });
    const blob = await responseBlob(response);
    const name = filenameFromContentDisposition(response.headers.get('Content-Disposition')) || EXPORT_FALLBACK_NAME;
    saveBlob(blob, name);
    report({ key: 'safe.exported' }, null);
  } catch (error) {
    if (steppingUp(error, { screen: 'documents', action: 'export', origin, resumed })) {
      report({ key: 'stepup.asked' }, null);
      return;
    }
    report(null, errorMessage(error, { notFound: 'error.notAvailable' }));
  } finally {
    busy.export = false;
  }
}

function reportInPage(status, error) {
  state.safeStatus = status;
  state.safeError = error;
  renderSafe();
}

function reportInDialog(status, error) {
  show($('close-safe-status'), status, false);
  show($('close-safe-error'), error);
}

async function closeSafe(resumed = false) {
  if (busy.dialog) {
    return;
  }
  busy.dialog = true;
  show($('close-safe-error'), null);
  try {
    const response = await api(SAFE_URL, { method: 'DELETE' });
    const safe = await readJson(response);
    applySafe(safe);
    if (!safe || safe.status !== 'CLOSING') {
      await loadSafe();
    }
    state.safeError = null;
    state.safeStatus = null;
    renderSafe();
    renderList();
    closeDialog($('close-safe-dialog')); // the focus goes to the banner (see openCloseSafe)
  } catch (error) {
    if (steppingUp(error, { screen: 'documents', action: 'close', resumed })) {
      show($('close-safe-status'), { key: 'stepup.asked' }, false);
      return;
    }
    show($('close-safe-error'), errorMessage(error, { notFound: 'error.notAvailable' }));
  } finally {
    busy.dialog = false;
  }
}

async function reopenSafe(resumed = false) {
  if (busy.reopen) {
    return;
  }
  busy.reopen = true;
  state.safeError = null;
  state.safeStatus = { key: 'safe.reopening' };
  renderSafe();
  try {
    const response = await api(`${SAFE_URL}/reopen`, { method: 'POST' });
    const safe = await readJson(response);
    applySafe(safe);
    if (!safe || safe.status !== 'OPEN') {
      await loadSafe();
    }
    state.safeStatus = { key: 'safe.reopened' };
    renderSafe();
    renderList();
    $('documents-title').focus();
  } catch (error) {
    state.safeStatus = steppingUp(error, { screen: 'documents', action: 'reopen', resumed }) ? { key: 'stepup.asked' } : null;
    state.safeError = state.safeStatus ? null : errorMessage(error, { notFound: 'error.notAvailable' });
    renderSafe();
  } finally {
    busy.reopen = false;
  }
}

// --- List --------------------------------------------------------------------------------

async function loadList({ announce = false, focusTitle = false } = {}) {
  const request = ++state.listRequest;
  state.listLoading = true;
  state.listError = null;
  // Say "loading" only when it lasts: quick answers would just add noise for screen readers.
  setTimeout(() => {
    if (request === state.listRequest && state.listLoading) {
      state.listStatus = { key: 'list.loading' };
      renderListMessages();
    }
  }, 600);
  const query = new URLSearchParams({ page: String(state.page), size: String(PAGE_SIZE) });
  if (state.filter) {
    query.set('type', state.filter);
  }
  if (state.search) {
    query.set('q', state.search);
  }
  try {
    const response = await api(`${DOCUMENTS_URL}?${query}`);
    const list = await readJson(response);
    if (request !== state.listRequest) {
      return;
    }
    if (!list || !Array.isArray(list.items)) {
      throw new ApiError({ status: 500 });
    }
    const totalPages = Number(list.totalPages) || 0;
    // The last page may have emptied (documents deleted elsewhere): show the one before.
    if (list.items.length === 0 && state.page > 0 && totalPages > 0 && state.page >= totalPages) {
      state.page = totalPages - 1;
      await loadList({ announce, focusTitle });
      return;
    }
    state.list = list;
    state.page = Number(list.page) || 0;
    state.listLoading = false;
    if (announce) {
      state.listStatus = foundMessage(list);
    } else if (state.listStatus?.key === 'list.loading') {
      state.listStatus = null;
    }
    renderList();
    if (focusTitle) {
      $('list-title').focus();
    }
  } catch (error) {
    if (request !== state.listRequest) {
      return;
    }
    state.listLoading = false;
    state.listStatus = null;
    state.listError = errorMessage(error);
    renderList();
  }
}

function foundMessage(list) {
  const total = Number(list.totalItems) || 0;
  const found = { key: plural('list.found', total), params: { count: total } };
  if ((Number(list.totalPages) || 0) > 1) {
    return { text: `${messageText(found)} ${t('list.page', { page: state.page + 1, pages: list.totalPages })}` };
  }
  return found;
}

function renderListMessages() {
  show($('list-status'), state.listStatus, false);
  show($('documents-error'), state.listError);
}

function documentElement(doc, lang, editable) {
  const title = quoted(doc.title);
  const item = document.createElement('li');
  item.className = 'document';
  item.dataset.documentId = String(doc.id ?? '');

  const heading = document.createElement('h4');
  heading.className = 'document-title';
  heading.textContent = title;
  item.append(heading);

  const meta = document.createElement('p');
  meta.className = 'document-meta';
  const parts = [
    typeLabel(doc.type),
    doc.createdAt ? t('doc.added', { date: formatInstant(doc.createdAt, lang) }) : '',
    Number.isFinite(doc.size) ? formatSize(doc.size, lang) : '',
  ];
  for (const [index, part] of parts.filter(Boolean).entries()) {
    if (index > 0) {
      const separator = document.createElement('span');
      separator.className = 'document-meta-separator';
      separator.setAttribute('aria-hidden', 'true');
      separator.textContent = '·';
      meta.append(' ', separator, ' ');
    }
    const span = document.createElement('span');
    span.className = 'document-meta-part';
    span.textContent = part;
    meta.append(span);
  }
  item.append(meta);

  const validUntil = doc.validUntil ? formatLocalDate(doc.validUntil, lang) : '';
  if (doc.expired === true) {
    const validity = document.createElement('p');
    validity.className = 'document-validity is-expired';
    const badge = document.createElement('strong');
    badge.className = 'document-expired badge';
    badge.textContent = t('doc.expired');
    validity.append(badge);
    if (validUntil) {
      validity.append(' ', t('doc.expiredSince', { date: validUntil }));
    }
    item.append(validity);
  } else if (doc.expiringSoon === true && validUntil) {
    const validity = document.createElement('p');
    validity.className = 'document-validity is-expiring';
    const badge = document.createElement('strong');
    badge.className = 'document-expiring badge';
    badge.textContent = t('doc.expiringSoon');
    validity.append(badge, ' ', t('doc.validUntil', { date: validUntil }));
    item.append(validity);
  } else if (validUntil) {
    const validity = document.createElement('p');
    validity.className = 'document-validity';
    validity.textContent = t('doc.validUntil', { date: validUntil });
    item.append(validity);
  }

  const actions = document.createElement('div');
  actions.className = 'document-actions';
  const buttons = canPreview(doc) ? [['document-preview', 'doc.preview']] : [];
  buttons.push(['document-download', 'doc.download']);
  if (editable) {
    buttons.push(['document-rename', 'doc.rename'], ['document-delete', 'doc.delete']);
  }
  for (const [className, key] of buttons) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `button button-small ${className === 'document-delete' ? 'button-danger-outline' : 'button-secondary'} ${className}`;
    button.textContent = t(key);
    button.setAttribute('aria-label', t(`${key}.label`, { title }));
    if (className === 'document-download' && busy.downloads.has(doc.id)) {
      button.setAttribute('aria-disabled', 'true');
    }
    actions.append(button);
  }
  // « Qui a consulté ce document » : its own screen.
  const accesses = document.createElement('a');
  accesses.className = 'button button-small button-secondary document-accesses';
  accesses.href = `#/documents/${encodeURIComponent(String(doc.id ?? ''))}/consultations`;
  accesses.dataset.route = 'accesses';
  accesses.dataset.routeId = String(doc.id ?? '');
  accesses.textContent = t('doc.accesses');
  accesses.setAttribute('aria-label', t('doc.accesses.label', { title }));
  actions.append(accesses);
  item.append(actions);
  return item;
}

/** Rebuilds the list, keeping the keyboard focus on the same button of the same document. */
function renderList() {
  renderListMessages();
  const container = $('document-list');
  const list = state.list;
  const lang = currentLanguage();

  const active = document.activeElement;
  const activeItem = active && container.contains(active) ? active.closest('.document') : null;
  const focusId = activeItem?.dataset.documentId ?? null;
  const focusClass = active?.classList ? ['document-preview', 'document-download', 'document-rename', 'document-delete', 'document-accesses'].find((c) => active.classList.contains(c)) : null;

  const items = list?.items ?? [];
  const editable = canChange();
  container.replaceChildren(...items.map((doc) => documentElement(doc, lang, editable)));
  container.hidden = items.length === 0;

  const empty = $('documents-empty');
  const showEmpty = Boolean(list) && items.length === 0 && !state.listError;
  empty.hidden = !showEmpty;
  empty.textContent = showEmpty ? t(state.search ? 'search.empty' : state.filter ? 'list.emptyFilter' : 'list.empty') : '';

  const pages = Number(list?.totalPages) || 0;
  $('pager').hidden = pages <= 1;
  $('page-previous').disabled = state.page <= 0;
  $('page-next').disabled = state.page >= pages - 1;
  $('page-info').textContent = pages > 1 ? t('list.page', { page: state.page + 1, pages }) : '';

  if (focusId !== null) {
    const again = findDocumentButton(focusId, focusClass ?? 'document-download') ?? findDocumentButton(focusId, 'document-download');
    (again ?? $('list-title')).focus();
  }
}

function findDocument(id) {
  return state.list?.items?.find((doc) => String(doc.id) === String(id)) ?? null;
}

function findDocumentButton(id, className) {
  for (const item of $('document-list').querySelectorAll('.document')) {
    if (item.dataset.documentId === String(id)) {
      return item.querySelector(`.${className}`);
    }
  }
  return null;
}

async function downloadDocument(doc) {
  if (busy.downloads.has(doc.id)) {
    return;
  }
  busy.downloads.add(doc.id);
  state.listError = null;
  state.listStatus = { key: 'doc.downloading', params: { title: quoted(doc.title) } };
  renderListMessages();
  findDocumentButton(doc.id, 'document-download')?.setAttribute('aria-disabled', 'true');
  try {
    const response = await api(`${DOCUMENTS_URL}/${encodeURIComponent(doc.id)}/content`, { accept: '*/*' });
    const blob = await responseBlob(response);
    const original = filenameFromContentDisposition(response.headers.get('Content-Disposition')) || doc.filename;
    const name = downloadName(doc.title, original) || 'document';
    saveBlob(blob, name);
    state.listStatus = { key: 'doc.downloaded', params: { title: quoted(doc.title) } };
  } catch (error) {
    state.listStatus = null;
    state.listError = errorMessage(error, { notFound: 'error.documentGone' });
    if (error instanceof ApiError && error.status === 404) {
      loadList();
    }
  } finally {
    busy.downloads.delete(doc.id);
    findDocumentButton(doc.id, 'document-download')?.removeAttribute('aria-disabled');
    renderListMessages();
  }
}

/** A document was added: show it (first page, no filter hiding it), and the space and « À faire » again. */
function uploaded(doc) {
  if (state.filter && doc?.type !== state.filter) {
    state.filter = '';
    $('document-filter').value = '';
  }
  state.page = 0;
  loadList();
  loadSafe();
  loadTodo();
}

// --- Dialogs -------------------------------------------------------------------------------

let renaming = null;
let deleting = null;

function openRename(doc) {
  renaming = doc;
  $('rename-title').value = doc.title ?? '';
  fillTypeSelect($('rename-type'), { current: doc.type });
  $('rename-valid-until').value = doc.validUntil && isIsoDate(doc.validUntil) ? doc.validUntil : '';
  setInvalid($('rename-title'), false);
  setInvalid($('rename-valid-until'), false);
  openDialog($('rename-dialog'), {
    returnFocus: () => findDocumentButton(doc.id, 'document-rename'),
    fallback: () => $('list-title'),
    first: $('rename-title'),
  });
}

async function saveRename() {
  if (!renaming || busy.dialog) {
    return;
  }
  const titleField = $('rename-title');
  const dateField = $('rename-valid-until');
  const title = titleField.value.trim();
  let problem = null;
  if (!title) {
    problem = { field: titleField, key: 'form.error.titleMissing' };
  } else if (Array.from(title).length > MAX_TITLE_LENGTH) {
    problem = { field: titleField, key: 'form.error.titleTooLong' };
  } else if (dateField.validity?.badInput || (dateField.value && !isIsoDate(dateField.value))) {
    problem = { field: dateField, key: 'form.error.date' };
  }
  setInvalid(titleField, problem?.field === titleField);
  setInvalid(dateField, problem?.field === dateField);
  if (problem) {
    show($('rename-error'), { key: problem.key });
    problem.field.focus();
    return;
  }
  busy.dialog = true;
  show($('rename-error'), null);
  const doc = renaming;
  try {
    const response = await api(`${DOCUMENTS_URL}/${encodeURIComponent(doc.id)}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title, type: $('rename-type').value || DEFAULT_DOCUMENT_TYPE, validUntil: dateField.value || null }),
    });
    const updated = await readJson(response);
    const items = state.list?.items;
    if (items && updated?.id) {
      const index = items.findIndex((d) => String(d.id) === String(updated.id));
      if (index >= 0) {
        items[index] = updated;
      }
    }
    renaming = null;
    state.listError = null;
    state.listStatus = { key: 'rename.done', params: { title: quoted(updated?.title ?? title) } };
    renderList();
    closeDialog($('rename-dialog'));
    loadTodo();
    // The type may no longer match the filter: ask the server for the page again.
    if (state.filter) {
      loadList();
    }
  } catch (error) {
    show($('rename-error'), errorMessage(error, { notFound: 'error.documentGone' }));
    if (error instanceof ApiError && error.status === 404) {
      loadList();
    }
  } finally {
    busy.dialog = false;
  }
}

function openDelete(doc) {
  deleting = doc;
  $('delete-dialog-text').textContent = t('delete.text', { title: quoted(doc.title) });
  openDialog($('delete-dialog'), {
    returnFocus: () => findDocumentButton(doc.id, 'document-delete'),
    fallback: () => $('list-title'),
  });
}

async function confirmDelete() {
  if (!deleting || busy.dialog) {
    return;
  }
  busy.dialog = true;
  show($('delete-error'), null);
  const doc = deleting;
  try {
    await api(`${DOCUMENTS_URL}/${encodeURIComponent(doc.id)}`, { method: 'DELETE' });
    deleted(doc);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && (!error.problem?.code || error.problem.code === 'not-found')) {
      deleted(doc); // already gone: that is what was asked
    } else {
      show($('delete-error'), errorMessage(error));
    }
  } finally {
    busy.dialog = false;
  }
}

function deleted(doc) {
  deleting = null;
  if (state.list?.items) {
    state.list.items = state.list.items.filter((d) => String(d.id) !== String(doc.id));
  }
  state.listError = null;
  state.listStatus = { key: 'delete.done', params: { title: quoted(doc.title) } };
  renderList();
  closeDialog($('delete-dialog'));
  loadList();
  loadSafe();
  loadTodo();
}

function openCloseSafe() {
  show($('close-safe-status'), null, false);
  openDialog($('close-safe-dialog'), {
    returnFocus: () => $('close-safe-button'),
    fallback: () => ($('safe-closing-banner').hidden ? $('documents-title') : $('safe-closing-banner')),
    first: $('close-safe-export'),
  });
}

// --- Selects -------------------------------------------------------------------------------

function fillTypeSelect(select, { all = false, current = select.value } = {}) {
  const options = [];
  if (all) {
    options.push(new Option(t('list.all'), ''));
  }
  for (const code of documentTypes()) {
    const option = new Option(typeLabel(code), code);
    option.defaultSelected = !all && code === DEFAULT_DOCUMENT_TYPE;
    options.push(option);
  }
  // A type this page does not know yet (added on the server) stays selectable.
  if (current && !all && !documentTypes().includes(current)) {
    options.push(new Option(typeLabel(current), current));
  }
  select.replaceChildren(...options);
  select.value = current || (all ? '' : DEFAULT_DOCUMENT_TYPE);
}

function renderSelects() {
  const lang = currentLanguage();
  if (optionsLanguage === lang) {
    return;
  }
  optionsLanguage = lang;
  fillTypeSelect($('upload-type'));
  fillTypeSelect($('rename-type'));
  fillTypeSelect($('document-filter'), { all: true, current: state.filter });
}

// --- Public interface ------------------------------------------------------------------------

/** Writes all the texts of the screen in the current language. */
export function renderDocuments() {
  renderSelects();
  const max = maxDocumentBytes();
  show($('upload-file-hint'), max ? { key: 'upload.file.hint', params: { max: formatSize(max, currentLanguage()) } } : { key: 'upload.file.hintNoMax' });
  if (renderedDialogLanguage !== currentLanguage()) {
    renderedDialogLanguage = currentLanguage();
    if (deleting) {
      $('delete-dialog-text').textContent = t('delete.text', { title: quoted(deleting.title) });
    }
  }
  renderSafe();
  renderUpload();
  renderList();
  renderTodo();
}

/** A paper was replaced on its own screen: said here, where the person comes back; the space used changed. */
export function documentReplaced(message) {
  state.listError = null;
  state.listStatus = message;
  renderListMessages();
  loadSafe();
}

/** Entering the screen again: the papers and what awaits may have changed (a paper added for a service's request). */
export function enterDocuments() {
  if (justStarted) {
    justStarted = false; // startDocuments() is reading them already
  } else {
    loadList();
    loadTodo();
  }
  renderTodo();
}

/** After sign-in: reads the safe and the first page of documents. */
export function startDocuments() {
  justStarted = true;
  state.page = 0;
  state.list = null;
  state.safe = null;
  state.safeError = null;
  state.safeStatus = null;
  initialLoad = Promise.allSettled([loadSafe(), loadList()]);
  loadTodo();
}

/** At sign-out (or when the session has expired): forgets everything shown. */
export function resetDocuments() {
  resetUpload();
  closeAllDialogs();
  resetPreview();
  renaming = null;
  deleting = null;
  Object.assign(state, {
    safe: null, safeStatus: null, safeError: null, list: null, page: 0, filter: '', search: '',
    listLoading: false, listStatus: null, listError: null,
  });
  busy.downloads.clear();
  $('document-filter').value = '';
  $('document-search').value = '';
  $('document-list').replaceChildren();
  resetTodo();
}

/**
 * After a step-up, does once more what the person had asked for before leaving for Keycloak, where they had asked
 * for it (the closing dialog is opened again for what was done in it). Anything else is ignored: the action comes
 * back from sessionStorage.
 */
export async function resumeAction(action) {
  // Done after the first reading of the safe, whose answer could otherwise land after the act's and undo it on screen.
  const started = currentGeneration();
  await initialLoad;
  if (started !== currentGeneration()) {
    return; // signed out meanwhile
  }
  if (action?.action === 'export' && (action.origin === 'page' || action.origin === 'dialog')) {
    if (action.origin === 'dialog') {
      openCloseSafe();
    }
    downloadExport(action.origin, true);
  } else if (action?.action === 'close') {
    openCloseSafe();
    closeSafe(true);
  } else if (action?.action === 'reopen') {
    reopenSafe(true);
  }
}

/** Wires the screen once. */
export function initDocuments() {
  initUpload({ canChange, uploaded });
  initPreview();
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.search = $('document-search').value.trim();
    state.page = 0;
    loadList({ announce: true });
  });
  $('document-filter').addEventListener('change', () => {
    state.filter = $('document-filter').value;
    state.page = 0;
    loadList({ announce: true });
  });
  $('page-previous').addEventListener('click', () => {
    if (state.page > 0) {
      state.page -= 1;
      loadList({ announce: true, focusTitle: true });
    }
  });
  $('page-next').addEventListener('click', () => {
    if (state.page < (Number(state.list?.totalPages) || 0) - 1) {
      state.page += 1;
      loadList({ announce: true, focusTitle: true });
    }
  });

  $('document-list').addEventListener('click', (event) => {
    const button = event.target.closest('button');
    const item = button?.closest('.document');
    const doc = item ? findDocument(item.dataset.documentId) : null;
    if (!doc) {
      return;
    }
    if (button.classList.contains('document-preview')) {
      openPreview(doc, {
        returnFocus: () => findDocumentButton(doc.id, 'document-preview'),
        fallback: () => $('list-title'),
      });
    } else if (button.classList.contains('document-download')) {
      downloadDocument(doc);
    } else if (button.classList.contains('document-rename') && canChange()) {
      openRename(doc);
    } else if (button.classList.contains('document-delete') && canChange()) {
      openDelete(doc);
    }
  });

  $('rename-form').addEventListener('submit', (event) => {
    event.preventDefault();
    saveRename();
  });
  $('confirm-delete').addEventListener('click', confirmDelete);
  $('close-safe-button').addEventListener('click', openCloseSafe);
  $('confirm-close-safe').addEventListener('click', () => closeSafe());
  $('close-safe-export').addEventListener('click', () => downloadExport('dialog'));
  $('export-button').addEventListener('click', () => downloadExport('page'));
  $('reopen-safe-button').addEventListener('click', () => reopenSafe());
}
