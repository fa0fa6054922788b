// « Un service vous demande un document »: a service (municipal app, partner) pushed its request to the vault and
// sent the browser here with an opaque handle, {portal}/?request_uri=…. The handle is kept in sessionStorage across
// the sign-in, the request is read from the vault (GET /api/v1/release-requests/{requestUri}) and shown in plain
// words: who will receive what, why, on what legal basis, until when, whom to ask about one's data. The citizen picks
// a paper of an allowed type (or adds one on the spot), then confirms (eidas2: step-up, then the same confirmation
// again) or refuses. Either way the browser goes to the address the vault answers, never to one the page was given.

import { apiJson, currentGeneration, errorMessage, followRedirect, sendDocument, steppingUp } from '../api.js';
import { maxDocumentBytes } from '../catalogue.js';
import {
  ACCEPT_ATTRIBUTE,
  acceptedContentType,
  addDuration,
  formatInstant,
  formatLocalDate,
  formatSize,
  parseDuration,
  randomUuid,
  titleFromFilename,
} from '../format.js';
import { currentLanguage, t } from '../i18n.js';
import { $, contactNode, durationText, element, legalBasisText, setInvalid, show, typeLabel } from '../ui.js';

const REQUEST_KEY = 'civis.portal.releaseRequest';
const REQUEST_PATTERN = /^urn:civis:release-request:[A-Za-z0-9_-]{16,200}$/;
const RELEASE_URL = '/api/v1/release-requests/';

const state = {
  request: null, // the answer of GET …/release-requests/{requestUri}
  documents: new Map(), // type -> [document]
  loading: null, // the promise of the reading in progress
  status: null,
  error: null,
  formError: null,
  busy: false,
  uploadStatus: null,
  uploadError: null,
  uploading: null,
};

// --- The handle ------------------------------------------------------------------------------

/**
 * Takes request_uri out of the page's address (a service sent the person here) and keeps it for after the sign-in.
 * True when there was a well-formed one.
 */
export function takeRequestFromAddress(params) {
  const handle = params.get('request_uri');
  if (handle === null) {
    return false;
  }
  if (!REQUEST_PATTERN.test(handle)) {
    return false;
  }
  try {
    sessionStorage.setItem(REQUEST_KEY, handle);
  } catch {
    return false;
  }
  return true;
}

/** The handle of the request waiting for the citizen's answer, if any. */
export function pendingRequest() {
  try {
    const handle = sessionStorage.getItem(REQUEST_KEY);
    return handle && REQUEST_PATTERN.test(handle) ? handle : null;
  } catch {
    return null;
  }
}

/** Forgets the handle (answered, gone, or the person signs out). */
export function forgetRequest() {
  try {
    sessionStorage.removeItem(REQUEST_KEY);
  } catch {
    // Nothing kept.
  }
}

function requestUrl(handle, suffix = '') {
  return `${RELEASE_URL}${encodeURIComponent(handle)}${suffix}`;
}

// --- Reading ----------------------------------------------------------------------------------

/** Entering the screen: reads the request and the citizen's papers of the types it allows. */
export function enterRelease() {
  state.request = null;
  state.documents = new Map();
  state.status = null;
  state.error = null;
  state.formError = null;
  state.uploadStatus = null;
  state.uploadError = null;
  const handle = pendingRequest();
  if (!handle) {
    state.loading = Promise.resolve();
    renderRelease();
    return;
  }
  state.status = { key: 'release.loading' };
  renderRelease();
  state.loading = load(handle);
}

async function load(handle) {
  const started = currentGeneration();
  try {
    const request = await apiJson(requestUrl(handle));
    if (!request || typeof request !== 'object' || !Array.isArray(request.documentTypes)) {
      throw new Error('Unexpected release request');
    }
    await loadDocuments(request.documentTypes);
    if (started !== currentGeneration()) {
      return;
    }
    state.request = request;
    state.status = null;
  } catch (error) {
    if (started !== currentGeneration()) {
      return;
    }
    state.status = null;
    if (error?.status === 404 || error?.status === 410) {
      // Expired, already answered, or never issued for this person: nothing more can be done with it here.
      forgetRequest();
      state.error = { key: 'release.gone' };
    } else {
      state.error = errorMessage(error);
    }
  }
  renderRelease();
}

async function loadDocuments(types) {
  const lists = await Promise.all(types.map((type) => apiJson(`/api/v1/documents?${new URLSearchParams({ type, size: '100' })}`)));
  state.documents = new Map(types.map((type, index) => [type, Array.isArray(lists[index]?.items) ? lists[index].items : []]));
}

// --- Rendering ----------------------------------------------------------------------------------

function fact(list, labelKey, value) {
  const term = element('dt', null, t(labelKey));
  const description = element('dd');
  if (value instanceof Node) {
    description.append(value);
  } else {
    description.textContent = value;
  }
  list.append(term, description);
}

function renderRequest() {
  const request = state.request;
  const lang = currentLanguage();
  const recipient = request.recipient ?? {};
  const purpose = request.purpose ?? {};
  const name = recipient.displayName || recipient.clientId || '';
  const types = request.documentTypes.map(typeLabel);
  show($('release-summary'), { key: 'release.summary', params: { service: name, documents: types.join(', ') } });

  const facts = $('release-facts');
  facts.replaceChildren();
  fact(facts, 'release.who', t(recipient.kind === 'partner' ? 'release.partner' : 'release.municipal', { service: name }));
  fact(facts, 'release.what', types.join(', '));
  fact(facts, 'release.why', purpose.label || purpose.code || '');
  const basis = legalBasisText(purpose.legalBasis);
  fact(facts, 'release.basis', basis.explanation ? `${basis.name}. ${basis.explanation}` : basis.name);
  const end = parseDuration(request.duration) ? addDuration(new Date(), request.duration) : null;
  const until = end
    ? t('release.untilText', { duration: durationText(request.duration, parseDuration), date: formatInstant(end.toISOString(), lang) })
    : durationText(request.duration, parseDuration);
  fact(facts, 'release.until', until);
  fact(facts, 'release.dpo', contactNode(recipient.dpoContact));
}

function documentChoice(doc, type, lang) {
  const label = element('label', 'choice');
  const input = document.createElement('input');
  input.type = 'radio';
  input.name = `release-${type}`;
  input.value = String(doc.id);
  input.className = 'release-document';
  const text = element('span', 'choice-text');
  text.append(element('strong', null, String(doc.title ?? '')));
  const details = [doc.createdAt ? t('doc.added', { date: formatInstant(doc.createdAt, lang) }) : ''];
  if (doc.expired === true) {
    details.push(t('doc.expired'));
  } else if (doc.validUntil) {
    details.push(t('doc.validUntil', { date: formatLocalDate(doc.validUntil, lang) }));
  }
  text.append(element('span', 'factor-details', details.filter(Boolean).join(' · ')));
  label.append(input, text);
  return label;
}

function renderChoices() {
  const container = $('release-choices');
  const lang = currentLanguage();
  const checked = new Set([...container.querySelectorAll('input:checked')].map((input) => input.value));
  const groups = state.request.documentTypes.map((type) => {
    const fieldset = element('fieldset', 'choices');
    fieldset.dataset.type = type;
    fieldset.append(element('legend', null, t('release.pick', { type: typeLabel(type) })));
    const docs = state.documents.get(type) ?? [];
    if (docs.length === 0) {
      fieldset.append(element('p', 'empty', t('release.noDocument', { type: typeLabel(type) })));
    }
    for (const doc of docs) {
      const choice = documentChoice(doc, type, lang);
      const input = choice.querySelector('input');
      input.checked = checked.has(input.value) || (docs.length === 1 && checked.size === 0);
      fieldset.append(choice);
    }
    return fieldset;
  });
  container.replaceChildren(...groups);

  const typeSelect = $('release-upload-type');
  const current = typeSelect.value;
  typeSelect.replaceChildren(...state.request.documentTypes.map((type) => new Option(typeLabel(type), type)));
  if (state.request.documentTypes.includes(current)) {
    typeSelect.value = current;
  }
}

export function renderRelease() {
  const handle = pendingRequest();
  const ready = Boolean(state.request) && Boolean(handle);
  $('release-none').hidden = Boolean(handle) || Boolean(state.error);
  $('release-request').hidden = !ready;
  $('release-form').hidden = !ready;
  $('release-upload-form').hidden = !ready;
  if (ready) {
    renderRequest();
    renderChoices();
    const max = maxDocumentBytes();
    show($('release-upload-hint'), max ? { key: 'upload.file.hint', params: { max: formatSize(max, currentLanguage()) } } : { key: 'upload.file.hintNoMax' });
  }
  show($('release-status'), state.status, false);
  show($('release-error'), state.error);
  show($('release-form-error'), state.formError);
  show($('release-upload-status'), state.uploadStatus, false);
  show($('release-upload-error'), state.uploadError);
  for (const button of [$('release-confirm'), $('release-refuse'), $('release-upload-submit')]) {
    button.setAttribute('aria-disabled', String(state.busy || Boolean(state.uploading)));
  }
}

// --- Answering ----------------------------------------------------------------------------------

function chosenDocuments() {
  const chosen = [];
  for (const fieldset of $('release-choices').querySelectorAll('fieldset')) {
    const input = fieldset.querySelector('input:checked');
    if (!input) {
      return { missing: fieldset };
    }
    chosen.push(input.value);
  }
  return { ids: chosen };
}

async function confirmRelease(documentIds = null, resumed = false) {
  const handle = pendingRequest();
  if (!handle || state.busy || state.uploading) {
    return;
  }
  let ids = documentIds;
  if (!ids) {
    const choice = chosenDocuments();
    if (choice.missing) {
      state.formError = { key: 'release.error.pick', params: { type: typeLabel(choice.missing.dataset.type) } };
      renderRelease();
      (choice.missing.querySelector('input') ?? $('release-upload-file')).focus();
      return;
    }
    ids = choice.ids;
  }
  state.busy = true;
  state.formError = null;
  state.status = { key: 'release.confirming' };
  renderRelease();
  try {
    const answer = await apiJson(requestUrl(handle, '/consent'), { method: 'POST', json: { documentIds: ids } });
    forgetRequest();
    state.status = { key: 'release.confirmed', params: { service: serviceName() } };
    renderRelease();
    if (!followRedirect(answer?.redirect)) {
      state.status = { key: 'release.confirmedNoReturn' };
      renderRelease();
    }
  } catch (error) {
    state.busy = false;
    if (steppingUp(error, { screen: 'release', action: 'consent', documentIds: ids, resumed })) {
      state.status = { key: 'stepup.asked' };
      renderRelease();
      return;
    }
    state.status = null;
    state.formError = errorMessage(error, { notFound: 'release.gone' });
    if (error?.status === 404 || error?.status === 410) {
      forgetRequest();
    }
    renderRelease();
  }
}

async function refuseRelease() {
  const handle = pendingRequest();
  if (!handle || state.busy || state.uploading) {
    return;
  }
  state.busy = true;
  state.formError = null;
  state.status = { key: 'release.refusing' };
  renderRelease();
  try {
    const answer = await apiJson(requestUrl(handle, '/refusal'), { method: 'POST' });
    forgetRequest();
    state.status = { key: 'release.refused', params: { service: serviceName() } };
    renderRelease();
    if (!followRedirect(answer?.redirect)) {
      state.status = { key: 'release.refusedNoReturn' };
      renderRelease();
    }
  } catch (error) {
    state.busy = false;
    state.status = null;
    state.formError = errorMessage(error, { notFound: 'release.gone' });
    if (error?.status === 404 || error?.status === 410) {
      forgetRequest();
    }
    renderRelease();
  }
}

function serviceName() {
  return state.request?.recipient?.displayName || state.request?.recipient?.clientId || '';
}

// --- Adding a paper on the spot -----------------------------------------------------------------

async function uploadOnTheSpot() {
  if (state.uploading || state.busy) {
    return;
  }
  const fileInput = $('release-upload-file');
  const titleInput = $('release-upload-title');
  const file = fileInput.files?.[0] ?? null;
  const contentType = file ? acceptedContentType(file) : null;
  const max = maxDocumentBytes();
  let problem = null;
  if (!file) {
    problem = { field: fileInput, message: { key: 'upload.error.noFile' } };
  } else if (!contentType) {
    problem = { field: fileInput, message: { key: 'upload.error.badType' } };
  } else if (max && file.size > max) {
    problem = {
      field: fileInput,
      message: { key: 'upload.error.tooLarge', params: { size: formatSize(file.size, currentLanguage()), max: formatSize(max, currentLanguage()) } },
    };
  } else if (file.size === 0) {
    problem = { field: fileInput, message: { key: 'upload.error.empty' } };
  }
  const title = titleInput.value.trim() || titleFromFilename(file?.name);
  setInvalid(fileInput, Boolean(problem));
  if (problem) {
    state.uploadError = problem.message;
    renderRelease();
    problem.field.focus();
    return;
  }
  const type = $('release-upload-type').value;
  const form = new FormData();
  form.append('file', file.type === contentType ? file : new File([file], file.name, { type: contentType }), file.name);
  form.append('type', type);
  form.append('title', title);
  const sending = sendDocument(form, {
    key: randomUuid(),
    onSent: () => {
      state.uploadStatus = { key: 'upload.checking' };
      renderRelease();
    },
  });
  if (!sending) {
    return;
  }
  state.uploading = sending;
  state.uploadError = null;
  state.uploadStatus = { key: 'release.uploading' };
  renderRelease();
  const outcome = await sending.done;
  state.uploading = null;
  if (outcome.stale || outcome.signedOut) {
    return;
  }
  if (outcome.error || outcome.aborted) {
    state.uploadStatus = null;
    state.uploadError = outcome.error?.network ? { key: 'upload.error.network' } : errorMessage(outcome.error);
    renderRelease();
    return;
  }
  const doc = outcome.doc;
  if (doc?.id) {
    const list = state.documents.get(type) ?? [];
    state.documents.set(type, [doc, ...list.filter((d) => String(d.id) !== String(doc.id))]);
  }
  fileInput.value = '';
  titleInput.value = '';
  state.uploadStatus = { key: 'release.uploaded', params: { title } };
  renderRelease();
  // The new paper is the one chosen for its type.
  const input = [...$('release-choices').querySelectorAll('input')].find((i) => i.value === String(doc?.id));
  if (input) {
    input.checked = true;
    input.focus();
  }
}

// --- Wiring -------------------------------------------------------------------------------------

/** After a step-up: the confirmation the citizen had given is sent again, once. */
export async function resumeRelease(action) {
  if (action?.action !== 'consent' || !Array.isArray(action.documentIds)) {
    return;
  }
  const started = currentGeneration();
  await state.loading;
  if (started === currentGeneration() && state.request) {
    confirmRelease(action.documentIds.map(String), true);
  }
}

export function resetRelease() {
  state.request = null;
  state.documents = new Map();
  state.status = null;
  state.error = null;
  state.formError = null;
  state.busy = false;
  state.uploading?.abort();
  state.uploading = null;
  state.uploadStatus = null;
  state.uploadError = null;
}

export function initRelease() {
  $('release-upload-file').accept = ACCEPT_ATTRIBUTE;
  $('release-form').addEventListener('submit', (event) => {
    event.preventDefault();
    confirmRelease();
  });
  $('release-refuse').addEventListener('click', refuseRelease);
  $('release-upload-form').addEventListener('submit', (event) => {
    event.preventDefault();
    uploadOnTheSpot();
  });
  $('release-upload-file').addEventListener('change', () => {
    const file = $('release-upload-file').files?.[0];
    if (file && !$('release-upload-title').value.trim()) {
      $('release-upload-title').value = titleFromFilename(file.name);
    }
    setInvalid($('release-upload-file'), false);
  });
}
