// « Rappels avant l'échéance d'un document », in « Mon compte »: the citizen turns the e-mails sent before a paper
// expires on or off (GET/PUT /api/v1/me/reminders). On until they say otherwise.

import { apiJson, currentGeneration, errorMessage } from '../api.js';
import { $, show } from '../ui.js';

const REMINDERS_URL = '/api/v1/me/reminders';

let saving = false;

function apply(answer) {
  if (typeof answer?.enabled === 'boolean') {
    $('reminders-enabled').checked = answer.enabled;
  }
}

/** Entering « Mon compte »: reads the current choice. */
export async function enterReminders() {
  const started = currentGeneration();
  show($('reminders-error'), null);
  try {
    const answer = await apiJson(REMINDERS_URL);
    if (started === currentGeneration() && !saving) {
      apply(answer);
    }
  } catch (error) {
    if (started === currentGeneration() && !error?.signedOut) {
      show($('reminders-error'), errorMessage(error));
    }
  }
}

async function save() {
  const box = $('reminders-enabled');
  const enabled = box.checked;
  if (saving) {
    box.checked = !enabled; // one change at a time; the box keeps the focus (a disabled one would lose it)
    return;
  }
  saving = true;
  box.setAttribute('aria-busy', 'true');
  show($('reminders-error'), null);
  show($('reminders-status'), null, false);
  try {
    apply(await apiJson(REMINDERS_URL, { method: 'PUT', json: { enabled } }));
    show($('reminders-status'), { key: box.checked ? 'reminders.on' : 'reminders.off' }, false);
  } catch (error) {
    box.checked = !enabled;
    show($('reminders-error'), errorMessage(error));
  } finally {
    saving = false;
    box.removeAttribute('aria-busy');
  }
}

export function resetReminders() {
  $('reminders-enabled').checked = true;
  show($('reminders-status'), null, false);
  show($('reminders-error'), null);
}

/** Wires the setting once. */
export function initReminders() {
  $('reminders-enabled').addEventListener('change', save);
}
