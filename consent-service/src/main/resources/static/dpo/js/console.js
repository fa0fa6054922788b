// The DPO's console: a page of its own, served by consent-service, built on the portal's modules (login.js, api.js,
// dialogs.js, i18n.js, ui.js, format.js), which the build copies next to this file (docs/adr/0020). The access token
// stays in this module's memory; every text is written with textContent; no inline script or style (strict CSP).

import { api, apiJson, configureApi, errorMessage, newGeneration, portalConfig, responseBlob, saveBlob } from './api.js';
import { closeAllDialogs, closeDialog, openDialog, wireDialogs } from './dialogs.js';
import { filenameFromContentDisposition, formatDateTime, parseDuration } from './format.js';
import { currentLanguage, isSupported, preferredLanguage, t, translatePage, useLanguage } from './i18n.js';
import { SignInUnavailable, authorize, endSession, finishLogin, isCallback, takePendingLogin } from './login.js';
import { decodeJwtPayload } from './oidc.js';
import { drawChart } from './chart.js';
import { $, durationText, element, fact, plural, show } from './ui.js';

const PENDING_LOGIN_KEY = 'civis.dpo.pendingLogin';
// The console's API needs a login at eidas2 (two factors): it is asked for at once, not after a refusal.
const LEVEL = 'eidas2';
const SEARCH_FIELDS = ['recipient', 'purpose', 'documentType', 'from', 'to', 'outcome'];

let config = null;
let accessToken = null;
let idToken = null;
let user = null;
let error = null;
let status = null;
const search = { query: null, entries: [], next: null, status: null };
let verification = null; // { key, params } of the last « Vérifier maintenant »
let checkpoint = null;
let revealing = null; // the entry whose citizen the open dialog would reveal
let anomalies = null; // { thresholds, anomalies }
let figures = []; // per day and service
let retention = null; // { accessEvents, securityEvents, endedConsents, schedule, purges }
let purgeStatus = null;
let reports = null; // the citizens' reports, newest first, each with the check of its signed extract
let following = null; // the report the open follow-up dialog is about
const SERIES = [
  { key: 'grants', labelKey: 'figures.grants' },
  { key: 'accesses', labelKey: 'figures.accesses' },
  { key: 'denials', labelKey: 'figures.denials' },
];

// --- Rendering -------------------------------------------------------------------------

function render() {
  translatePage();
  document.title = t('title');
  for (const button of document.querySelectorAll('.lang-button')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === currentLanguage()));
  }
  $('welcome').hidden = Boolean(user);
  $('console').hidden = !user;
  $('who').textContent = user ? t('who', { name: user }) : '';
  show($('status'), status ? { key: status } : null);
  show($('error'), error);
  show($('search-status'), search.status);
  renderResults();
  $('more-button').hidden = !search.next;
  renderCheckpoint();
  show($('verify-result'), verification);
  renderAnomalies();
  renderFigures();
  renderRetention();
  renderReports();
}

function renderReports() {
  const list = $('reports-list');
  list.replaceChildren();
  if (!reports) {
    show($('reports-status'), null);
    return;
  }
  show($('reports-status'), { key: reports.length ? 'reports.found' : 'reports.none', params: { count: reports.length } });
  const lang = currentLanguage();
  for (const report of reports) {
    const item = element('li', 'item report');
    item.dataset.report = report.id;
    item.dataset.status = report.status;
    item.append(element('h3', 'item-title', t('reports.heading', {
      date: formatDateTime(report.createdAt, lang), citizen: report.citizen,
    })));
    const facts = element('dl', 'item-facts');
    fact(facts, t('reports.status'), t(`reportStatus.${report.status}`));
    fact(facts, t('reports.entries'), (report.entryIds ?? []).join(', '));
    fact(facts, t('reports.comment'), report.comment);
    const check = report.check ?? {};
    const verified = element('dd', `report-check ${check.ok ? 'report-check-ok' : 'report-check-bad'}`,
      check.ok ? t(plural('reports.extractOk', (check.entries ?? []).length), { count: (check.entries ?? []).length })
        : check.signatureValid ? t('reports.extractMismatch', {
          entries: (check.entries ?? []).filter((entry) => !entry.matches).map((entry) => entry.entryId).join(', '),
        }) : t('reports.extractBadSignature'));
    const row = element('div', 'fact');
    row.append(element('dt', null, t('reports.extract')), verified);
    facts.append(row);
    fact(facts, t('reports.note'), report.note);
    if (report.status !== 'new') {
      fact(facts, t('reports.updated'), formatDateTime(report.updatedAt, lang));
    }
    item.append(facts);
    if (report.status !== 'answered') {
      const button = element('button', 'button button-secondary', t('reports.follow'));
      button.type = 'button';
      button.id = `follow-${report.id}`;
      button.addEventListener('click', () => openFollow(report, button));
      const actions = element('p', 'actions');
      actions.append(button);
      item.append(actions);
    }
    list.append(item);
  }
}

function renderAnomalies() {
  const list = $('anomalies-list');
  list.replaceChildren();
  if (!anomalies) {
    $('anomalies-thresholds').textContent = '';
    show($('anomalies-status'), null);
    return;
  }
  const limits = anomalies.thresholds ?? {};
  $('anomalies-thresholds').textContent = t('anomalies.thresholds', {
    window: limits.windowMinutes,
    citizens: limits.manyCitizens,
    denials: limits.manyDenials,
    late: limits.lateFetchMinutes,
    logins: limits.failedLogins,
  });
  const found = Array.isArray(anomalies.anomalies) ? anomalies.anomalies : [];
  show($('anomalies-status'), { key: found.length ? 'anomalies.found' : 'anomalies.none', params: { count: found.length } });
  for (const anomaly of found) {
    const item = element('li', 'item');
    item.dataset.rule = anomaly.rule;
    item.append(element('h3', 'item-title', t(`anomaly.${anomaly.rule}`, { count: anomaly.count })));
    const facts = element('dl', 'facts item-facts');
    fact(facts, t('entry.recipient'), anomaly.recipient ?? '');
    fact(facts, t('anomalies.since'), formatDateTime(anomaly.windowStart, currentLanguage()));
    item.append(facts);
    list.append(item);
  }
}

/** The figures per day, all services together unless one was asked for. */
function dailyTotals() {
  const byDay = new Map();
  for (const row of figures) {
    const day = byDay.get(row.day) ?? { day: row.day, values: { grants: 0, accesses: 0, denials: 0 } };
    day.values.grants += row.grants;
    day.values.accesses += row.accesses;
    day.values.denials += row.denials;
    byDay.set(row.day, day);
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

function renderFigures() {
  const days = dailyTotals();
  drawChart($('figures-chart'), days, SERIES.map((s) => ({ key: s.key, label: t(s.labelKey) })));
  const list = $('figures-list');
  list.replaceChildren();
  for (const day of days) {
    list.append(element('li', null, t('figures.day', { day: day.day, ...day.values })));
  }
}

function renderRetention() {
  const periods = $('retention-periods');
  periods.replaceChildren();
  const list = $('purges');
  list.replaceChildren();
  show($('purge-status'), purgeStatus);
  if (!retention) {
    return;
  }
  fact(periods, t('retention.accessEvents'), durationText(retention.accessEvents, parseDuration) || retention.accessEvents);
  fact(periods, t('retention.securityEvents'), durationText(retention.securityEvents, parseDuration) || retention.securityEvents);
  fact(periods, t('retention.endedConsents'), durationText(retention.endedConsents, parseDuration) || retention.endedConsents);
  fact(periods, t('retention.schedule'), t('retention.cron', { cron: retention.schedule }));
  for (const purge of retention.purges ?? []) {
    list.append(element('li', 'item', t('retention.purged', {
      date: formatDateTime(purge.ranAt, currentLanguage()),
      access: purge.accessEvents,
      security: purge.securityEvents,
      consents: purge.consentEvents,
      deleted: purge.consentsDeleted,
      entry: purge.journalEntry ?? '—',
    })));
  }
}

function renderResults() {
  const list = $('results');
  list.replaceChildren();
  const lang = currentLanguage();
  for (const entry of search.entries) {
    const item = element('li', 'item');
    item.dataset.entry = String(entry.entryId);
    item.append(element('h3', 'item-title', `${t(`kind.${entry.kind}`)} – ${entry.recipient ?? ''}`));
    const facts = element('dl', 'facts item-facts');
    fact(facts, t('entry.number'), String(entry.entryId));
    fact(facts, t('entry.date'), formatDateTime(entry.recordedAt, lang));
    fact(facts, t('entry.outcome'), entry.outcome ? t(`outcome.${entry.outcome}`) : '');
    fact(facts, t('entry.purpose'), entry.purpose ?? '');
    fact(facts, t('entry.documentTypes'), (entry.documentTypes ?? []).join(', '));
    fact(facts, t('entry.citizen'), entry.citizen ?? '');
    fact(facts, t('entry.reason'), entry.reason ?? '');
    item.append(facts);
    if (entry.citizen) {
      const reveal = element('button', 'button button-secondary', t('reveal.open'));
      reveal.type = 'button';
      reveal.setAttribute('aria-label', t('reveal.openFor', { entry: entry.entryId }));
      reveal.addEventListener('click', () => openReveal(entry, reveal));
      item.append(element('p', 'actions'));
      item.lastChild.append(reveal);
    }
    list.append(item);
  }
}

function renderCheckpoint() {
  const list = $('checkpoint');
  list.replaceChildren();
  if (!checkpoint) {
    fact(list, t('integrity.checkpoint'), t('integrity.none'));
    return;
  }
  fact(list, t('integrity.checkpoint'), t('integrity.size', { size: checkpoint.size }));
  fact(list, t('integrity.signedAt'), formatDateTime(checkpoint.createdAt, currentLanguage()));
  fact(list, t('integrity.head'), checkpoint.headHash);
  fact(list, t('integrity.key'), checkpoint.keyId);
}

function fail(failure) {
  const message = errorMessage(failure);
  if (message) {
    error = message;
    render();
  }
}

// --- Search and export -----------------------------------------------------------------

function queryOf(form) {
  const params = new URLSearchParams();
  for (const name of SEARCH_FIELDS) {
    const value = String(form.elements[name].value ?? '').trim();
    if (value) {
      params.set(name, value);
    }
  }
  return params;
}

async function runSearch({ more = false } = {}) {
  const params = new URLSearchParams(more ? search.query : queryOf($('search-form')));
  if (more) {
    params.set('before', String(search.next));
  } else {
    search.query = params.toString();
  }
  error = null;
  search.status = { key: 'search.loading' };
  render();
  try {
    const page = await apiJson(`/api/v1/dpo/entries?${params}`);
    const entries = Array.isArray(page?.entries) ? page.entries : [];
    search.entries = more ? [...search.entries, ...entries] : entries;
    search.next = page?.next ?? null;
    search.status = { key: search.entries.length ? 'search.found' : 'search.none', params: { count: search.entries.length } };
  } catch (failure) {
    search.status = null;
    fail(failure);
  }
  render();
}

function runExport(format) {
  const params = queryOf($('search-form'));
  params.set('format', format);
  return download(`/api/v1/dpo/entries/export?${params}`, format === 'csv' ? 'text/csv' : 'application/json', `journal.${format}`);
}

async function download(path, accept, fallbackName) {
  error = null;
  try {
    const response = await api(path, { accept });
    const name = filenameFromContentDisposition(response.headers.get('Content-Disposition')) ?? fallbackName;
    saveBlob(await responseBlob(response), name);
  } catch (failure) {
    fail(failure);
  }
  render();
}

// --- Anomalies, figures, retention ------------------------------------------------------

async function loadAnomalies() {
  try {
    anomalies = await apiJson('/api/v1/dpo/anomalies');
  } catch (failure) {
    fail(failure);
  }
  render();
}

async function loadFigures() {
  const recipient = $('figures-recipient').value.trim();
  try {
    const rows = await apiJson(`/api/v1/dpo/figures${recipient ? `?recipient=${encodeURIComponent(recipient)}` : ''}`);
    figures = Array.isArray(rows) ? rows : [];
  } catch (failure) {
    fail(failure);
  }
  render();
}

async function loadRetention() {
  try {
    retention = await apiJson('/api/v1/dpo/retention');
  } catch (failure) {
    fail(failure);
  }
  render();
}

async function purgeNow() {
  purgeStatus = { key: 'retention.running' };
  render();
  try {
    const purge = await apiJson('/api/v1/dpo/retention/purges', { method: 'POST' });
    purgeStatus = { key: 'retention.done', params: { count: (purge?.accessEvents ?? 0) + (purge?.securityEvents ?? 0) + (purge?.consentEvents ?? 0) } };
    await loadRetention();
  } catch (failure) {
    purgeStatus = errorMessage(failure);
  }
  render();
}

// --- Reports ---------------------------------------------------------------------------

async function loadReports() {
  try {
    const rows = await apiJson('/api/v1/dpo/reports');
    reports = Array.isArray(rows) ? rows : [];
  } catch (failure) {
    fail(failure);
  }
  render();
}

function openFollow(report, opener) {
  following = report;
  $('follow-about').textContent = t('follow.about', { citizen: report.citizen, date: formatDateTime(report.createdAt, currentLanguage()) });
  $('follow-status').value = report.status === 'new' ? 'in-progress' : 'answered';
  $('follow-note').value = report.note ?? '';
  openDialog($('follow-dialog'), { returnFocus: () => opener, fallback: () => $('reports-title'), first: $('follow-status') });
}

async function submitFollow(event) {
  event.preventDefault();
  if (!following) {
    return;
  }
  const note = $('follow-note').value.trim();
  try {
    await apiJson(`/api/v1/dpo/reports/${encodeURIComponent(following.id)}`, {
      method: 'PUT', json: { status: $('follow-status').value, note: note || null },
    });
    following = null;
    closeDialog($('follow-dialog'));
    await loadReports();
  } catch (failure) {
    show($('follow-error'), errorMessage(failure));
  }
}

// --- Reveal ----------------------------------------------------------------------------

function openReveal(entry, opener) {
  revealing = entry;
  $('reveal-about').textContent = t('reveal.about', { citizen: entry.citizen, entry: entry.entryId });
  $('reveal-reason').value = '';
  $('reveal-identity').replaceChildren();
  $('reveal-identity').hidden = true;
  $('reveal-submit').hidden = false;
  openDialog($('reveal-dialog'), { returnFocus: () => opener, fallback: () => $('search-title'), first: $('reveal-reason') });
}

async function submitReveal(event) {
  event.preventDefault();
  const reason = $('reveal-reason').value.trim();
  if (reason.length < 10) {
    $('reveal-reason').setAttribute('aria-invalid', 'true');
    show($('reveal-error'), { key: 'reveal.tooShort' });
    $('reveal-reason').focus();
    return;
  }
  $('reveal-reason').removeAttribute('aria-invalid');
  show($('reveal-error'), null);
  try {
    const identity = await apiJson('/api/v1/dpo/reveals', { method: 'POST', json: { entryId: revealing.entryId, reason } });
    const list = $('reveal-identity');
    list.replaceChildren();
    fact(list, t('identity.name'), [identity?.firstName, identity?.lastName].filter(Boolean).join(' '));
    fact(list, t('identity.username'), identity?.username ?? '');
    fact(list, t('identity.email'), identity?.email ?? '');
    fact(list, t('identity.subject'), identity?.subject ?? '');
    list.hidden = false;
    $('reveal-submit').hidden = true;
    show($('reveal-error'), null);
    list.setAttribute('tabindex', '-1');
    list.focus();
  } catch (failure) {
    const message = errorMessage(failure);
    if (message) {
      show($('reveal-error'), message);
    }
  }
}

// --- Integrity -------------------------------------------------------------------------

async function loadCheckpoint() {
  try {
    checkpoint = (await apiJson('/api/v1/dpo/journal'))?.checkpoint ?? null;
  } catch (failure) {
    fail(failure);
  }
  render();
}

async function verify() {
  verification = { key: 'integrity.running' };
  render();
  try {
    const result = await apiJson('/api/v1/journal/verification', { method: 'POST' });
    if (result?.checkpoint) {
      checkpoint = result.checkpoint;
    }
    verification = result?.ok
      ? { key: 'integrity.ok', params: { size: result.size } }
      : { key: 'integrity.broken', params: { entry: result?.firstBadEntry ?? '?', reason: t(`integrity.reason.${result?.reason}`) } };
  } catch (failure) {
    verification = errorMessage(failure);
  }
  render();
}

// --- Session ---------------------------------------------------------------------------

async function login() {
  error = null;
  status = 'status.redirecting';
  render();
  try {
    await authorize(config, { key: PENDING_LOGIN_KEY, extra: { lang: currentLanguage() }, acr: LEVEL, lang: currentLanguage() });
  } catch (failure) {
    console.error('Cannot start the sign-in', failure);
    status = null;
    error = { key: failure instanceof SignInUnavailable ? 'error.tokenNetwork' : 'error.generic' };
    render();
  }
}

function signedOut() {
  accessToken = null;
  idToken = null;
  user = null;
  newGeneration();
  closeAllDialogs();
  search.entries = [];
  search.next = null;
  search.status = null;
  verification = null;
  checkpoint = null;
  anomalies = null;
  figures = [];
  retention = null;
  purgeStatus = null;
  reports = null;
  following = null;
}

function logout() {
  const hint = idToken;
  signedOut();
  status = 'status.signingOut';
  render();
  endSession(config, hint, currentLanguage());
}

async function start() {
  $('login-button').addEventListener('click', login);
  $('logout-button').addEventListener('click', logout);
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    runSearch();
  });
  $('more-button').addEventListener('click', () => runSearch({ more: true }));
  $('export-csv').addEventListener('click', () => runExport('csv'));
  $('export-json').addEventListener('click', () => runExport('json'));
  $('verify-button').addEventListener('click', verify);
  $('reveal-form').addEventListener('submit', submitReveal);
  $('follow-form').addEventListener('submit', submitFollow);
  $('figures-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadFigures();
  });
  $('purge-button').addEventListener('click', purgeNow);
  $('register-csv').addEventListener('click', () => download('/api/v1/dpo/register?format=csv', 'text/csv', 'registre.csv'));
  $('register-json').addEventListener('click', () => download('/api/v1/dpo/register?format=json', 'application/json', 'registre.json'));
  for (const button of document.querySelectorAll('.lang-button')) {
    button.addEventListener('click', async () => {
      if (isSupported(button.dataset.lang)) {
        await useLanguage(button.dataset.lang);
        render();
      }
    });
  }
  wireDialogs();
  configureApi({
    token: () => accessToken,
    signedOut: () => {
      signedOut();
      error = { key: 'error.sessionExpired' };
      render();
    },
    // The API asked for a stronger login than the one the console asks for: sign in again at that level.
    stepUp: () => login(),
  });

  const params = new URLSearchParams(window.location.search);
  const pending = isCallback(params) ? takePendingLogin(PENDING_LOGIN_KEY) : null;
  if (isCallback(params)) {
    window.history.replaceState(null, '', window.location.pathname);
    status = 'status.signingIn';
  }
  const lang = pending && isSupported(pending.lang) ? pending.lang : preferredLanguage();
  [config] = await Promise.all([portalConfig, useLanguage(lang)]);
  render();
  if (!config) {
    error = { key: 'error.config' };
    render();
    return;
  }
  if (!isCallback(params)) {
    return;
  }
  const result = await finishLogin(config, params, pending);
  status = null;
  if (result.error) {
    error = result.error;
    render();
    return;
  }
  newGeneration();
  accessToken = result.tokens.access_token;
  idToken = result.tokens.id_token;
  const claims = decodeJwtPayload(accessToken);
  user = claims.preferred_username ?? claims.sub;
  render();
  $('search-title').focus();
  await Promise.all([runSearch(), loadCheckpoint(), loadAnomalies(), loadFigures(), loadRetention(), loadReports()]);
}

start().catch((failure) => {
  console.error(failure);
  error = { key: 'error.generic' };
  render();
});
