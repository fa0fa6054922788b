// « Remplacer un document » (#/documents/{id}/remplacer), where the expiry reminder's link and « À faire » lead: the
// paper to replace (read with GET /api/v1/documents/{id}, which answers only its owner), a form for the new file and
// its new validity, the same type and title kept. The new paper is stored first and the old one deleted after (when
// the citizen leaves that ticked): a failure in between leaves both papers, never none.

import { ApiError, DOCUMENTS_URL, api, apiJson, currentGeneration, errorMessage, sendDocument } from '../api.js';
import { DEFAULT_DOCUMENT_TYPE, maxDocumentBytes } from '../catalogue.js';
import {
  ACCEPT_ATTRIBUTE,
  MAX_TITLE_LENGTH,
  acceptedContentType,
  formatLocalDate,
  formatSize,
  isIsoDate,
  randomUuid,
} from '../format.js';
import { go } from '../router.js';
import { currentLanguage, t } from '../i18n.js';
import { $, fact, setInvalid, show, typeLabel } from '../ui.js';

let host = {
  replaced: () => {}, // (message): the paper was replaced, shown on « Mes documents »
};

const state = {
  documentId: null,
  doc: null, // the paper to replace, once read
  status: null,
  error: null,
  formError: null,
  key: null, // Idempotency-Key of the file chosen, kept for a retry of the same one
  sending: null,
};

export async function enterReplace({ id }) {
  resetReplace();
  state.documentId = id;
  state.status = { key: 'replace.loading' };
  renderReplace();
  const started = currentGeneration();
  try {
    const doc = await apiJson(`${DOCUMENTS_URL}/${encodeURIComponent(id)}`);
    if (started !== currentGeneration() || state.documentId !== id) {
      return;
    }
    state.doc = doc;
    state.status = null;
    $('replace-title-field').value = doc?.title ?? '';
  } catch (error) {
    if (started !== currentGeneration() || state.documentId !== id) {
      return;
    }
    state.status = null;
    // Someone else's paper answers 404 like a deleted one: nothing tells them apart.
    state.error = errorMessage(error, { notFound: 'replace.notFound' });
  }
  renderReplace();
}

export function resetReplace() {
  state.sending?.abort();
  Object.assign(state, { documentId: null, doc: null, status: null, error: null, formError: null, key: null, sending: null });
  $('replace-form').reset();
  for (const field of [$('replace-file'), $('replace-title-field'), $('replace-valid-until')]) {
    setInvalid(field, false);
  }
}

export function renderReplace() {
  const doc = state.doc;
  const lang = currentLanguage();
  show($('replace-document'), doc ? { key: 'replace.document', params: { title: String(doc.title ?? '') } } : { text: '' }, false);
  const facts = $('replace-facts');
  facts.replaceChildren();
  if (doc) {
    fact(facts, t('replace.type'), typeLabel(doc.type));
    fact(facts, t('replace.validUntil'), doc.validUntil ? formatLocalDate(doc.validUntil, lang) : t('replace.noValidity'));
  }
  facts.hidden = !doc;
  $('replace-form').hidden = !doc;
  const max = maxDocumentBytes();
  show($('replace-file-hint'), max ? { key: 'upload.file.hint', params: { max: formatSize(max, lang) } } : { key: 'upload.file.hintNoMax' });
  show($('replace-status'), state.status, false);
  show($('replace-error'), state.error);
  show($('replace-form-error'), state.formError);
  $('replace-submit').setAttribute('aria-disabled', String(Boolean(state.sending)));
}

/** The first problem of the form, with its field, or null. */
function formProblem(file, title, dateField) {
  if (!file) {
    return { field: $('replace-file'), message: { key: 'upload.error.noFile' } };
  }
  if (!acceptedContentType(file)) {
    return { field: $('replace-file'), message: { key: 'upload.error.badType' } };
  }
  const max = maxDocumentBytes();
  if (file.size === 0) {
    return { field: $('replace-file'), message: { key: 'upload.error.empty' } };
  }
  if (max && file.size > max) {
    const lang = currentLanguage();
    return {
      field: $('replace-file'),
      message: { key: 'upload.error.tooLarge', params: { size: formatSize(file.size, lang), max: formatSize(max, lang) } },
    };
  }
  if (!title) {
    return { field: $('replace-title-field'), message: { key: 'form.error.titleMissing' } };
  }
  if (Array.from(title).length > MAX_TITLE_LENGTH) {
    return { field: $('replace-title-field'), message: { key: 'form.error.titleTooLong' } };
  }
  if (dateField.validity?.badInput || (dateField.value && !isIsoDate(dateField.value))) {
    return { field: dateField, message: { key: 'form.error.date' } };
  }
  return null;
}

async function replace() {
  const old = state.doc;
  if (!old || state.sending) {
    return;
  }
  const file = $('replace-file').files?.[0] ?? null;
  const title = $('replace-title-field').value.trim();
  const dateField = $('replace-valid-until');
  const problem = formProblem(file, title, dateField);
  for (const field of [$('replace-file'), $('replace-title-field'), dateField]) {
    setInvalid(field, problem?.field === field);
  }
  state.formError = problem?.message ?? null;
  if (problem) {
    renderReplace();
    problem.field.focus();
    return;
  }
  const contentType = acceptedContentType(file);
  const form = new FormData();
  form.append('file', file.type === contentType ? file : new File([file], file.name, { type: contentType }), file.name);
  form.append('type', old.type || DEFAULT_DOCUMENT_TYPE);
  form.append('title', title);
  if (dateField.value) {
    form.append('validUntil', dateField.value);
  }
  state.key ??= randomUuid();
  const sending = sendDocument(form, { key: state.key });
  if (!sending) {
    return; // signed out
  }
  state.sending = sending;
  state.status = { key: 'replace.sending' };
  renderReplace();
  const outcome = await sending.done;
  if (state.sending !== sending || outcome.stale || outcome.signedOut) {
    return;
  }
  state.sending = null;
  if (outcome.error || outcome.aborted) {
    state.status = null;
    state.formError = outcome.error?.network ? { key: 'upload.error.network' } : errorMessage(outcome.error);
    if (!outcome.retry) {
      state.key = null; // refused for good: once corrected, it is a new request
    }
    renderReplace();
    return;
  }
  if ($('replace-delete-old').checked) {
    try {
      await api(`${DOCUMENTS_URL}/${encodeURIComponent(old.id)}`, { method: 'DELETE' });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        // The new paper is stored; only the old one stays: say so, it can be deleted from the list.
        state.status = null;
        state.formError = { key: 'replace.oldKept' };
        state.key = null;
        renderReplace();
        return;
      }
    }
  }
  host.replaced({ key: 'replace.done', params: { title } });
  go('documents');
}

/** Wires the form once. hooks: replaced(message). */
export function initReplace(hooks) {
  host = { ...host, ...hooks };
  $('replace-file').accept = ACCEPT_ATTRIBUTE;
  $('replace-file').addEventListener('change', () => {
    state.key = null; // another file: another request
    setInvalid($('replace-file'), false);
  });
  $('replace-form').addEventListener('submit', (event) => {
    event.preventDefault();
    replace();
  });
}
