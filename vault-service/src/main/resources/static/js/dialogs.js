// Modal dialogs (<dialog>): open with the focus on a chosen element (« Annuler » for confirmations), close, and give
// the focus back to what opened them, or to a fallback when that element is gone.

import { show } from './ui.js';

const dialogReturn = new Map();

function isShown(element) {
  return Boolean(element && element.isConnected && element.getClientRects().length > 0);
}

function restoreFocus(dialog) {
  const memory = dialogReturn.get(dialog);
  dialogReturn.delete(dialog);
  if (!memory) {
    return;
  }
  const target = memory.returnFocus?.();
  (isShown(target) ? target : memory.fallback?.())?.focus();
}

/**
 * returnFocus(): the element to focus once closed; fallback(): when that one is no longer shown; first: the element
 * focused on opening (the first field or button when absent: « Annuler » comes first in confirmations).
 */
export function openDialog(dialog, { returnFocus, fallback, first } = {}) {
  dialogReturn.set(dialog, { returnFocus, fallback });
  for (const alert of dialog.querySelectorAll('[role="alert"]')) {
    show(alert, null);
  }
  if (typeof dialog.showModal === 'function') {
    if (!dialog.open) {
      dialog.showModal();
    }
  } else {
    dialog.setAttribute('open', '');
  }
  (first ?? dialog.querySelector('input, select, button'))?.focus();
}

export function closeDialog(dialog) {
  if (typeof dialog.close === 'function') {
    if (dialog.open) {
      dialog.close();
    }
  } else if (dialog.hasAttribute('open')) {
    dialog.removeAttribute('open');
    restoreFocus(dialog);
  }
}

/** Signed out: every dialog closes, and nobody gets the focus back. */
export function closeAllDialogs() {
  for (const dialog of document.querySelectorAll('dialog')) {
    dialogReturn.delete(dialog);
    closeDialog(dialog);
  }
}

/** Once: [data-close-dialog] buttons close their dialog, Escape too, and closing gives the focus back. */
export function wireDialogs() {
  for (const dialog of document.querySelectorAll('dialog')) {
    dialog.addEventListener('close', () => restoreFocus(dialog));
    for (const button of dialog.querySelectorAll('[data-close-dialog]')) {
      button.addEventListener('click', () => closeDialog(dialog));
    }
    // Escape also closes where the browser has no native dialog.
    dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && typeof dialog.showModal !== 'function') {
        closeDialog(dialog);
      }
    });
  }
}
