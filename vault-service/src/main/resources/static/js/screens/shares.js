// « Mes partages »: the citizen's consents, active, expired and revoked (GET /api/v1/me/consents, relayed by the
// vault to consent-service), with the service, the purpose, the documents and the dates; « Retirer mon accord »
// (a confirmation that opens on « Annuler »), effective on the service's next fetch; the signed receipt of each
// consent, saved as a .jws file anyone can verify with the published keys.

import { api, apiJson, currentGeneration, errorMessage, responseBlob, saveBlob, steppingUp } from '../api.js';
import { closeDialog, openDialog } from '../dialogs.js';
import { formatInstant } from '../format.js';
import { currentLanguage, t } from '../i18n.js';
import { $, element, fact, legalBasisText, show, typeLabel } from '../ui.js';

const CONSENTS_URL = '/api/v1/me/consents';

const state = {
  consents: null, // newest first
  titles: new Map(), // document id -> title, to name the shared papers
  status: null,
  error: null,
  revoking: null,
  busy: false,
};

/** A message to say when the screen is next entered (a share just made elsewhere). */
let nextStatus = null;

export function sayOnShares(status) {
  nextStatus = status;
}

/** Entering the screen: reads the consents (and the titles of the documents, to name them). */
export async function enterShares({ status = null } = {}) {
  state.status = status ?? nextStatus ?? { key: 'shares.loading' };
  nextStatus = null;
  state.error = null;
  renderShares();
  const started = currentGeneration();
  try {
    const [consents, documents] = await Promise.all([
      apiJson(CONSENTS_URL),
      apiJson('/api/v1/documents?size=100').catch(() => null),
    ]);
    if (started !== currentGeneration()) {
      return;
    }
    const list = Array.isArray(consents) ? consents : Array.isArray(consents?.items) ? consents.items : null;
    if (!list) {
      throw new Error('Unexpected consents');
    }
    state.consents = list;
    state.titles = new Map((documents?.items ?? []).map((doc) => [String(doc.id), String(doc.title ?? '')]));
    if (state.status?.key === 'shares.loading') {
      state.status = null;
    }
  } catch (error) {
    if (started !== currentGeneration()) {
      return;
    }
    state.status = null;
    state.error = errorMessage(error, { notFound: 'error.notAvailable' });
  }
  renderShares();
}

export function resetShares() {
  Object.assign(state, { consents: null, titles: new Map(), status: null, error: null, revoking: null, busy: false });
  $('shares-active').replaceChildren();
  $('shares-ended').replaceChildren();
}

function statusOf(consent) {
  if (consent.status === 'active' || consent.status === 'expired' || consent.status === 'revoked') {
    return consent.status;
  }
  if (consent.revokedAt) {
    return 'revoked';
  }
  return consent.expiresAt && new Date(consent.expiresAt) < new Date() ? 'expired' : 'active';
}

function serviceOf(consent) {
  return String(consent.recipientName || consent.recipient || '');
}

function documentsText(consent) {
  const ids = Array.isArray(consent.documentIds) ? consent.documentIds.map(String) : [];
  const titles = ids.map((id) => state.titles.get(id)).filter(Boolean);
  if (titles.length === ids.length && titles.length > 0) {
    return titles.join(', ');
  }
  const types = Array.isArray(consent.documentTypes) ? consent.documentTypes.map(typeLabel) : [];
  const missing = ids.length - titles.length;
  const parts = [...titles];
  if (missing > 0) {
    parts.push(types.length ? types.join(', ') : t('shares.documentsDeleted', { count: missing }));
  }
  return parts.join(', ');
}

function consentItem(consent, lang) {
  const status = statusOf(consent);
  const item = element('li', 'item consent');
  item.dataset.consentId = String(consent.id ?? '');
  item.dataset.status = status;
  const heading = element('h4', 'item-title', serviceOf(consent));
  heading.append(element('span', `pill pill-${status}`, t(`shares.status.${status}`)));
  item.append(heading);

  const facts = element('dl', 'item-facts');
  fact(facts, t('shares.purpose'), String(consent.purposeLabel || consent.purpose || ''));
  if (consent.legalBasis) {
    fact(facts, t('shares.basis'), legalBasisText(consent.legalBasis).name);
  }
  fact(facts, t('shares.documents'), documentsText(consent));
  fact(facts, t('shares.granted'), formatInstant(consent.grantedAt, lang));
  if (status === 'revoked') {
    fact(facts, t('shares.revoked'), formatInstant(consent.revokedAt, lang));
  } else {
    fact(facts, t(status === 'expired' ? 'shares.expired' : 'shares.expires'), formatInstant(consent.expiresAt, lang));
  }
  if (consent.collectionMethod === 'citizen-initiative') {
    fact(facts, t('shares.how'), t('shares.how.citizen'));
  } else if (consent.collectionMethod === 'service-request') {
    fact(facts, t('shares.how'), t('shares.how.service'));
  }
  item.append(facts);

  const actions = element('div', 'document-actions');
  const service = serviceOf(consent);
  if (status === 'active') {
    const revoke = element('button', 'button button-small button-danger-outline consent-revoke', t('shares.revoke'));
    revoke.type = 'button';
    revoke.setAttribute('aria-label', t('shares.revoke.label', { service }));
    actions.append(revoke);
  }
  const receipt = element('button', 'button button-small button-secondary consent-receipt', t('shares.receipt'));
  receipt.type = 'button';
  receipt.setAttribute('aria-label', t('shares.receipt.label', { service }));
  actions.append(receipt);
  item.append(actions);
  return item;
}

export function renderShares() {
  const lang = currentLanguage();
  const consents = state.consents ?? [];
  const active = consents.filter((c) => statusOf(c) === 'active');
  const ended = consents.filter((c) => statusOf(c) !== 'active');
  const focused = document.activeElement;
  const focusId = focused?.closest?.('.consent')?.dataset.consentId ?? null;
  const focusClass = focused?.classList?.contains('consent-receipt') ? 'consent-receipt' : 'consent-revoke';
  $('shares-active').replaceChildren(...active.map((c) => consentItem(c, lang)));
  $('shares-ended').replaceChildren(...ended.map((c) => consentItem(c, lang)));
  const loaded = state.consents !== null;
  $('shares-active-empty').hidden = !loaded || active.length > 0;
  $('shares-ended-empty').hidden = !loaded || ended.length > 0;
  $('shares-active').hidden = active.length === 0;
  $('shares-ended').hidden = ended.length === 0;
  if (focusId !== null) {
    (findButton(focusId, focusClass) ?? findButton(focusId, 'consent-receipt') ?? $('shares-title')).focus();
  }
  show($('shares-status'), state.status, false);
  show($('shares-error'), state.error);
  if (state.revoking) {
    $('revoke-dialog-text').textContent = t('revoke.text', { service: serviceOf(state.revoking) });
  }
}

function findButton(id, className) {
  for (const item of document.querySelectorAll('#shares .consent')) {
    if (item.dataset.consentId === String(id)) {
      return item.querySelector(`.${className}`);
    }
  }
  return null;
}

function findConsent(id) {
  return state.consents?.find((c) => String(c.id) === String(id)) ?? null;
}

// --- Revoking ---------------------------------------------------------------------------------

function openRevoke(consent) {
  state.revoking = consent;
  $('revoke-dialog-text').textContent = t('revoke.text', { service: serviceOf(consent) });
  // Opens on « Annuler »: withdrawing is never one keystroke away.
  openDialog($('revoke-dialog'), {
    returnFocus: () => findButton(consent.id, 'consent-revoke') ?? findButton(consent.id, 'consent-receipt'),
    fallback: () => $('shares-title'),
  });
}

async function confirmRevoke(resumedId = null) {
  const consent = resumedId ? findConsent(resumedId) : state.revoking;
  if (!consent || state.busy) {
    return;
  }
  state.busy = true;
  show($('revoke-error'), null);
  try {
    await api(`${CONSENTS_URL}/${encodeURIComponent(consent.id)}/revocation`, { method: 'POST' });
    state.revoking = null;
    closeDialog($('revoke-dialog'));
    await enterShares({ status: { key: 'shares.revokedDone', params: { service: serviceOf(consent) } } });
    (findButton(consent.id, 'consent-receipt') ?? $('shares-title')).focus();
  } catch (error) {
    if (steppingUp(error, { screen: 'shares', action: 'revoke', consentId: String(consent.id), resumed: Boolean(resumedId) })) {
      show($('revoke-error'), { key: 'stepup.asked' });
      return;
    }
    const message = errorMessage(error, { notFound: 'error.notAvailable' });
    if ($('revoke-dialog').open) {
      show($('revoke-error'), message);
    } else {
      state.error = message;
      renderShares();
    }
  } finally {
    state.busy = false;
  }
}

// --- Receipt ----------------------------------------------------------------------------------

async function downloadReceipt(consent) {
  state.error = null;
  state.status = { key: 'shares.receiptDownloading', params: { service: serviceOf(consent) } };
  renderShares();
  try {
    const response = await api(`${CONSENTS_URL}/${encodeURIComponent(consent.id)}/receipt`, { accept: 'application/jose, */*' });
    const blob = await responseBlob(response);
    saveBlob(new Blob([blob], { type: 'application/jose' }), `recu-partage-${String(consent.id).replace(/[^\w-]/g, '')}.jws`);
    state.status = { key: 'shares.receiptDone', params: { service: serviceOf(consent) } };
  } catch (error) {
    state.status = null;
    state.error = errorMessage(error, { notFound: 'error.notAvailable' });
  }
  renderShares();
}

/** After a step-up: the withdrawal the citizen had confirmed is sent again, once. */
export async function resumeShares(action) {
  if (action?.action === 'revoke' && typeof action.consentId === 'string') {
    await enterShares();
    confirmRevoke(action.consentId);
  }
}

export function initShares() {
  for (const listId of ['shares-active', 'shares-ended']) {
    $(listId).addEventListener('click', (event) => {
      const button = event.target.closest('button');
      const consent = findConsent(button?.closest('.consent')?.dataset.consentId);
      if (!consent) {
        return;
      }
      if (button.classList.contains('consent-revoke')) {
        openRevoke(consent);
      } else if (button.classList.contains('consent-receipt')) {
        downloadReceipt(consent);
      }
    });
  }
  $('confirm-revoke').addEventListener('click', () => confirmRevoke());
}
