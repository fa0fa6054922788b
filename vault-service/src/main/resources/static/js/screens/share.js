// « Partager un document avec un service », on the citizen's own initiative: a registered recipient (GET
// /api/v1/recipients), one of the purposes it declared (with its legal basis), papers of the types allowed for that
// purpose, a duration within the purpose's maximum; confirmed at eidas2 (POST /api/v1/me/shares: step-up, then the
// same share again). The same consent record and journal as a service's request.

import { apiJson, currentGeneration, errorMessage, steppingUp } from '../api.js';
import { durationDays, formatInstant, formatLocalDate, parseDuration } from '../format.js';
import { currentLanguage, t } from '../i18n.js';
import { go } from '../router.js';
import { sayOnShares } from './shares.js';
import { $, contactNode, durationText, element, legalBasisText, show, typeLabel } from '../ui.js';

const DURATIONS = ['P7D', 'P1M', 'P3M', 'P6M', 'P1Y'];

const state = {
  recipients: null,
  documents: [],
  status: null,
  error: null,
  formError: null,
  busy: false,
  loading: Promise.resolve(),
};

export function enterShare() {
  state.status = { key: 'share.loading' };
  state.error = null;
  state.formError = null;
  renderShare();
  state.loading = load();
  return state.loading;
}

async function load() {
  const started = currentGeneration();
  try {
    const [recipients, documents] = await Promise.all([
      apiJson('/api/v1/recipients'),
      apiJson('/api/v1/documents?size=100'),
    ]);
    if (started !== currentGeneration()) {
      return;
    }
    const list = Array.isArray(recipients) ? recipients : Array.isArray(recipients?.items) ? recipients.items : null;
    if (!list) {
      throw new Error('Unexpected recipients');
    }
    state.recipients = list.filter((r) => r && typeof r.clientId === 'string' && Array.isArray(r.purposes));
    state.documents = Array.isArray(documents?.items) ? documents.items : [];
    state.status = null;
    fillRecipients();
  } catch (error) {
    if (started !== currentGeneration()) {
      return;
    }
    state.status = null;
    state.error = errorMessage(error, { notFound: 'error.notAvailable' });
  }
  renderShare();
}

export function resetShare() {
  Object.assign(state, { recipients: null, documents: [], status: null, error: null, formError: null, busy: false });
  $('share-recipient').replaceChildren();
  $('share-purpose-list').replaceChildren();
  $('share-document-list').replaceChildren();
  $('share-recipient-facts').replaceChildren();
}

function recipient() {
  return state.recipients?.find((r) => r.clientId === $('share-recipient').value) ?? null;
}

function purpose() {
  const code = $('share-purpose-list').querySelector('input:checked')?.value;
  return recipient()?.purposes.find((p) => p.code === code) ?? null;
}

function fillRecipients() {
  const select = $('share-recipient');
  const current = select.value;
  const options = [new Option(t('share.recipientChoose'), '')];
  for (const r of state.recipients ?? []) {
    options.push(new Option(String(r.displayName || r.clientId), r.clientId));
  }
  select.replaceChildren(...options);
  select.value = state.recipients?.some((r) => r.clientId === current) ? current : '';
  fillPurposes();
}

function fillPurposes() {
  const r = recipient();
  const list = $('share-purpose-list');
  const current = list.querySelector('input:checked')?.value;
  const choices = (r?.purposes ?? []).map((p, index) => {
    const label = element('label', 'choice');
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'share-purpose';
    input.value = String(p.code);
    input.checked = p.code === current || (r.purposes.length === 1 && index === 0);
    const text = element('span', 'choice-text');
    text.append(element('strong', null, String(p.label || p.code)));
    const basis = legalBasisText(p.legalBasis);
    text.append(element('span', 'factor-details', `${basis.name}. ${(p.documentTypes ?? []).map(typeLabel).join(', ')}`));
    label.append(input, text);
    return label;
  });
  list.replaceChildren(...choices);
  $('share-purposes').hidden = !r;
  const facts = $('share-recipient-facts');
  facts.replaceChildren();
  if (r) {
    const p = element('p', 'hint');
    p.append(t('share.dpo', { service: String(r.displayName || r.clientId) }), ' ', contactNode(r.dpoContact));
    facts.append(p);
  }
  fillDocuments();
}

function fillDocuments() {
  const p = purpose();
  const list = $('share-document-list');
  const lang = currentLanguage();
  const checked = new Set([...list.querySelectorAll('input:checked')].map((i) => i.value));
  const allowed = new Set(p?.documentTypes ?? []);
  const docs = state.documents.filter((doc) => allowed.has(doc.type));
  const choices = docs.map((doc) => {
    const label = element('label', 'choice');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = String(doc.id);
    input.checked = checked.has(String(doc.id));
    const text = element('span', 'choice-text');
    text.append(element('strong', null, String(doc.title ?? '')));
    const details = [typeLabel(doc.type)];
    if (doc.expired === true) {
      details.push(t('doc.expired'));
    } else if (doc.validUntil) {
      details.push(t('doc.validUntil', { date: formatLocalDate(doc.validUntil, lang) }));
    } else if (doc.createdAt) {
      details.push(t('doc.added', { date: formatInstant(doc.createdAt, lang) }));
    }
    text.append(element('span', 'factor-details', details.join(' · ')));
    label.append(input, text);
    return label;
  });
  if (p && docs.length === 0) {
    choices.push(element('p', 'empty', t('share.noDocument', { types: [...allowed].map(typeLabel).join(', ') })));
  }
  list.replaceChildren(...choices);
  $('share-documents').hidden = !p;
  fillDurations();
}

function fillDurations() {
  const p = purpose();
  const select = $('share-duration');
  const current = select.value;
  const max = durationDays(p?.maxDuration);
  const allowed = DURATIONS.filter((d) => max === null || durationDays(d) <= max);
  if (p?.maxDuration && parseDuration(p.maxDuration) && !allowed.includes(p.maxDuration)) {
    allowed.push(p.maxDuration);
  }
  select.replaceChildren(...allowed.map((d) => new Option(durationText(d, parseDuration), d)));
  select.value = allowed.includes(current) ? current : (allowed.includes('P1M') ? 'P1M' : allowed[0] ?? '');
  select.closest('.field').hidden = !p;
}

export function renderShare() {
  $('share-form').hidden = state.recipients === null;
  show($('share-status'), state.status, false);
  show($('share-error'), state.error);
  show($('share-form-error'), state.formError);
  $('share-confirm').setAttribute('aria-disabled', String(state.busy));
}

/** Re-writes the choices in the current language. */
export function translateShare() {
  if (state.recipients) {
    fillRecipients();
  }
  renderShare();
}

async function confirmShare(resumed = null) {
  if (state.busy) {
    return;
  }
  let body = resumed;
  if (!body) {
    const r = recipient();
    const p = purpose();
    const documentIds = [...$('share-document-list').querySelectorAll('input:checked')].map((i) => i.value);
    let problem = null;
    if (!r) {
      problem = { key: 'share.error.recipient', field: $('share-recipient') };
    } else if (!p) {
      problem = { key: 'share.error.purpose', field: $('share-purpose-list').querySelector('input') };
    } else if (documentIds.length === 0) {
      problem = { key: 'share.error.documents', field: $('share-document-list').querySelector('input') ?? $('share-recipient') };
    }
    if (problem) {
      state.formError = { key: problem.key };
      renderShare();
      problem.field?.focus();
      return;
    }
    body = { recipient: r.clientId, purpose: p.code, documentIds, duration: $('share-duration').value };
  }
  state.busy = true;
  state.formError = null;
  state.status = { key: 'share.sending' };
  renderShare();
  try {
    await apiJson('/api/v1/me/shares', { method: 'POST', json: body });
    const name = state.recipients?.find((r) => r.clientId === body.recipient)?.displayName ?? body.recipient;
    state.status = null;
    state.busy = false;
    sayOnShares({ key: 'share.done', params: { service: name } });
    go('shares');
  } catch (error) {
    state.busy = false;
    if (steppingUp(error, { screen: 'share', action: 'share', ...body, resumed: Boolean(resumed) })) {
      state.status = { key: 'stepup.asked' };
      renderShare();
      return;
    }
    state.status = null;
    state.formError = errorMessage(error, { notFound: 'error.notAvailable' });
    renderShare();
  }
}

/** After a step-up: the share the citizen had confirmed is sent again, once. */
export async function resumeShare(action) {
  if (action?.action !== 'share' || typeof action.recipient !== 'string' || !Array.isArray(action.documentIds)) {
    return;
  }
  const started = currentGeneration();
  await state.loading;
  if (started === currentGeneration()) {
    confirmShare({
      recipient: action.recipient,
      purpose: String(action.purpose ?? ''),
      documentIds: action.documentIds.map(String),
      duration: String(action.duration ?? ''),
    });
  }
}

export function initShare() {
  $('share-recipient').addEventListener('change', fillPurposes);
  $('share-purpose-list').addEventListener('change', fillDocuments);
  $('share-form').addEventListener('submit', (event) => {
    event.preventDefault();
    confirmShare();
  });
}
