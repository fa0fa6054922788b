// « Qui a consulté ce document » : every time a service asked for this paper, allowed or refused, with the date, the
// purpose and the outcome; the grants and withdrawals of consents that cover it too (GET
// /api/v1/documents/{id}/accesses, the journal's entries relayed by the vault). « Signaler au DPO » sends the lines
// ticked with a comment (POST /api/v1/me/reports); consent-service signs their extract for the DPO (ADR 0025). Below,
// the citizen's reports about this history and where the DPO is with them (GET /api/v1/me/reports).

import { apiJson, currentGeneration, errorMessage } from '../api.js';
import { closeDialog, openDialog } from '../dialogs.js';
import { formatDateTime } from '../format.js';
import { currentLanguage, lookup, t } from '../i18n.js';
import { $, element, fact, plural, setInvalid, show } from '../ui.js';

const state = {
  documentId: null,
  title: null,
  entries: null,
  status: null,
  error: null,
  picked: new Set(), // entry ids ticked for a report
  reportStatus: null,
  reports: null, // the citizen's reports (all documents), newest first; 'unavailable' when they could not be read
};

const REPORT_STATUSES = ['new', 'in-progress', 'answered'];

export async function enterAccesses({ id }) {
  state.documentId = id;
  state.title = null;
  state.entries = null;
  state.error = null;
  state.picked = new Set();
  state.reportStatus = null;
  state.reports = null;
  state.status = { key: 'accesses.loading' };
  renderAccesses();
  const started = currentGeneration();
  const path = `/api/v1/documents/${encodeURIComponent(id)}`;
  try {
    const [doc, entries, reports] = await Promise.all([
      apiJson(path).catch((error) => (error?.status === 404 ? Promise.reject(error) : null)),
      apiJson(`${path}/accesses`),
      readReports(),
    ]);
    if (started !== currentGeneration() || state.documentId !== id) {
      return;
    }
    state.title = doc?.title ?? null;
    state.reports = reports;
    const list = Array.isArray(entries) ? entries : Array.isArray(entries?.items) ? entries.items : null;
    if (!list) {
      throw new Error('Unexpected accesses');
    }
    state.entries = list.slice().sort((a, b) => String(when(b)).localeCompare(String(when(a))));
    state.status = { key: list.length === 1 ? 'accesses.found.one' : 'accesses.found.other', params: { count: list.length } };
  } catch (error) {
    if (started !== currentGeneration() || state.documentId !== id) {
      return;
    }
    state.status = null;
    state.error = errorMessage(error, { notFound: 'error.notAvailable' });
  }
  renderAccesses();
}

export function resetAccesses() {
  Object.assign(state, { documentId: null, title: null, entries: null, status: null, error: null, picked: new Set(),
    reportStatus: null, reports: null });
  $('accesses-list').replaceChildren();
  $('my-reports-list').replaceChildren();
}

/** The citizen's reports; 'unavailable' rather than a failure: the history itself is still worth showing. */
async function readReports() {
  try {
    const reports = await apiJson('/api/v1/me/reports');
    return Array.isArray(reports) ? reports : 'unavailable';
  } catch (error) {
    if (error?.signedOut) {
      throw error;
    }
    return 'unavailable';
  }
}

function when(entry) {
  return entry.at ?? entry.occurredAt ?? entry.time ?? entry.timestamp ?? '';
}

/** grant | access | denial | revocation | ending; an access refused is a denial whatever it is called. */
function kindOf(entry) {
  const kind = String(entry.kind ?? entry.type ?? 'access').toLowerCase();
  if (entry.outcome === 'refused' || entry.outcome === 'denied' || kind === 'denial' || kind === 'denied') {
    return 'denial';
  }
  return ['grant', 'access', 'revocation', 'ending'].includes(kind) ? kind : 'access';
}

function entryItem(entry, lang) {
  const kind = kindOf(entry);
  const item = element('li', `item access access-${kind}`);
  item.dataset.kind = kind;
  const service = String(entry.recipientName || entry.recipient || t('accesses.unknownService'));
  const heading = element('h3', 'item-title', service);
  heading.append(element('span', `pill ${kind === 'denial' ? 'pill-refused' : kind === 'access' ? 'pill-active' : 'pill-expired'}`, t(`accesses.kind.${kind}`)));
  item.append(heading);
  const facts = element('dl', 'item-facts');
  fact(facts, t('accesses.date'), formatDateTime(when(entry), lang));
  fact(facts, t('accesses.purpose'), String(entry.purposeLabel || entry.purpose || ''));
  let outcome = t(`accesses.outcome.${kind}`);
  if (kind === 'denial' && entry.reason) {
    const reason = lookup(`accesses.reason.${entry.reason}`) ?? String(entry.reason);
    outcome = `${outcome} ${t('accesses.reasonText', { reason })}`;
  }
  fact(facts, t('accesses.outcome'), outcome);
  item.append(facts);
  if (Number.isInteger(entry.entryId)) {
    const pick = element('label', 'choice');
    const box = element('input');
    box.type = 'checkbox';
    box.id = `report-pick-${entry.entryId}`;
    box.className = 'report-pick';
    // Every line has the same label: the line's heading (service and outcome) tells them apart for a screen reader.
    heading.id = `access-entry-${entry.entryId}`;
    box.setAttribute('aria-describedby', heading.id);
    box.checked = state.picked.has(entry.entryId);
    box.addEventListener('change', () => {
      if (box.checked) {
        state.picked.add(entry.entryId);
      } else {
        state.picked.delete(entry.entryId);
      }
    });
    pick.htmlFor = box.id;
    pick.append(box, element('span', 'choice-text', t('report.pick')));
    item.append(pick);
  }
  return item;
}

function openReport() {
  const count = state.picked.size;
  if (count === 0) {
    show($('report-status'), { key: 'report.noneSelected' }, false);
    $('report-open').focus();
    return;
  }
  show($('report-status'), null, false);
  $('report-dialog-text').textContent = t(plural('report.selected', count), { count });
  setInvalid($('report-comment'), false);
  openDialog($('report-dialog'), { returnFocus: () => $('report-open'), first: $('report-comment') });
}

async function sendReport(event) {
  event.preventDefault();
  const comment = $('report-comment');
  const text = comment.value.trim();
  if (!text) {
    setInvalid(comment, true);
    show($('report-error'), { key: 'report.commentMissing' });
    comment.focus();
    return;
  }
  const send = $('report-send');
  send.disabled = true;
  show($('report-error'), null);
  try {
    await apiJson('/api/v1/me/reports', { method: 'POST', json: { entryIds: [...state.picked], comment: text } });
    state.picked = new Set();
    comment.value = '';
    state.reportStatus = { key: 'report.sent' };
    closeDialog($('report-dialog'));
    renderAccesses();
    const started = currentGeneration();
    const documentId = state.documentId;
    const reports = await readReports();
    if (started === currentGeneration() && state.documentId === documentId) {
      state.reports = reports;
      renderAccesses();
    }
  } catch (error) {
    show($('report-error'), errorMessage(error));
  } finally {
    send.disabled = false;
  }
}

/** Wires the report's button and dialog once. */
export function initAccesses() {
  $('report-open').addEventListener('click', openReport);
  $('report-form').addEventListener('submit', sendReport);
}

export function renderAccesses() {
  const lang = currentLanguage();
  const doc = $('accesses-document');
  doc.textContent = state.title ? t('accesses.document', { title: state.title }) : '';
  doc.hidden = !state.title;
  const entries = state.entries ?? [];
  const list = $('accesses-list');
  list.replaceChildren(...entries.map((entry) => entryItem(entry, lang)));
  list.hidden = entries.length === 0;
  $('accesses-empty').hidden = state.entries === null || entries.length > 0;
  $('accesses-report').hidden = !entries.some((entry) => Number.isInteger(entry.entryId));
  show($('report-status'), state.reportStatus, false);
  show($('accesses-status'), state.status, false);
  show($('accesses-error'), state.error);
  renderReports(entries, lang);
}

/** The reports naming at least one line of this history: a report is always about one document's lines. */
function renderReports(entries, lang) {
  const lines = new Set(entries.map((entry) => entry.entryId).filter(Number.isInteger));
  const unavailable = state.reports === 'unavailable';
  const reports = Array.isArray(state.reports)
    ? state.reports.filter((report) => (report.entryIds ?? []).some((id) => lines.has(id)))
    : [];
  $('my-reports').hidden = !unavailable && reports.length === 0;
  show($('my-reports-status'), unavailable ? { key: 'myReports.unavailable' }
    : reports.length ? { key: plural('myReports.found', reports.length), params: { count: reports.length } } : null, false);
  $('my-reports-list').replaceChildren(...reports.map((report) => reportItem(report, lang)));
}

function reportItem(report, lang) {
  const status = REPORT_STATUSES.includes(report.status) ? report.status : 'new';
  const item = element('li', 'item my-report');
  item.dataset.report = String(report.id);
  item.dataset.status = status;
  const heading = element('h4', 'item-title', t('myReports.heading', { date: formatDateTime(report.createdAt, lang) }));
  heading.append(element('span', `pill ${status === 'new' ? 'pill-expired' : 'pill-active'}`, t(`myReports.pill.${status}`)));
  item.append(heading);
  const facts = element('dl', 'item-facts');
  fact(facts, t('myReports.stateLabel'), t(`myReports.state.${status}`));
  const count = (report.entryIds ?? []).length;
  fact(facts, t('myReports.linesLabel'), t(plural('myReports.lines', count), { count }));
  fact(facts, t('myReports.comment'), report.comment);
  fact(facts, t(status === 'answered' ? 'myReports.answer' : 'myReports.message'), report.note);
  if (status !== 'new') {
    fact(facts, t('myReports.updated'), formatDateTime(report.updatedAt, lang));
  }
  item.append(facts);
  return item;
}
