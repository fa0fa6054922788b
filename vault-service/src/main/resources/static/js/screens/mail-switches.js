// The e-mail switches of « Mon compte »: the reminders before a paper expires (GET/PUT /api/v1/me/reminders) and
// the e-mail sent when a service accessed one of the citizen's documents (GET/PUT /api/v1/me/access-notices). Each
// is on until the citizen says otherwise; the choice is kept by the server.

import { apiJson, currentGeneration, errorMessage } from '../api.js';
import { $, show } from '../ui.js';

/** prefix: the ids' prefix in index.html (`${prefix}-enabled`, `-status`, `-error`) and the texts' (`${prefix}.on`). */
function mailSwitch(prefix, url) {
  let saving = false;
  const box = () => $(`${prefix}-enabled`);

  function apply(answer) {
    if (typeof answer?.enabled === 'boolean') {
      box().checked = answer.enabled;
    }
  }

  async function enter() {
    const started = currentGeneration();
    show($(`${prefix}-error`), null);
    try {
      const answer = await apiJson(url);
      if (started === currentGeneration() && !saving) {
        apply(answer);
      }
    } catch (error) {
      if (started === currentGeneration() && !error?.signedOut) {
        show($(`${prefix}-error`), errorMessage(error));
      }
    }
  }

  async function save() {
    const enabled = box().checked;
    if (saving) {
      box().checked = !enabled; // one change at a time; the box keeps the focus (a disabled one would lose it)
      return;
    }
    saving = true;
    box().setAttribute('aria-busy', 'true');
    show($(`${prefix}-error`), null);
    show($(`${prefix}-status`), null, false);
    try {
      apply(await apiJson(url, { method: 'PUT', json: { enabled } }));
      show($(`${prefix}-status`), { key: box().checked ? `${prefix}.on` : `${prefix}.off` }, false);
    } catch (error) {
      box().checked = !enabled;
      show($(`${prefix}-error`), errorMessage(error));
    } finally {
      saving = false;
      box().removeAttribute('aria-busy');
    }
  }

  function reset() {
    box().checked = true;
    show($(`${prefix}-status`), null, false);
    show($(`${prefix}-error`), null);
  }

  return { enter, save, reset, init: () => box().addEventListener('change', save) };
}

const switches = [mailSwitch('reminders', '/api/v1/me/reminders'), mailSwitch('notices', '/api/v1/me/access-notices')];

/** Entering « Mon compte »: reads the current choices. */
export function enterMailSwitches() {
  return Promise.all(switches.map((one) => one.enter()));
}

export function resetMailSwitches() {
  switches.forEach((one) => one.reset());
}

/** Wires the switches once. */
export function initMailSwitches() {
  switches.forEach((one) => one.init());
}
