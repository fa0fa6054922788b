// « Ajouter un document », on « Mes documents »: the file (chosen, dropped or photographed), its type, title and
// validity, checked here for what can be (format, size from the server's limit, title) and sent with its progress;
// a retry sends the same Idempotency-Key, so a document is never stored twice.

import { errorMessage, sendDocument } from '../api.js';
import { DEFAULT_DOCUMENT_TYPE, maxDocumentBytes } from '../catalogue.js';
import {
  ACCEPT_ATTRIBUTE,
  MAX_TITLE_LENGTH,
  acceptedContentType,
  formatSize,
  isIsoDate,
  randomUuid,
  titleFromFilename,
} from '../format.js';
import { currentLanguage, t } from '../i18n.js';
import { $, setInvalid, show } from '../ui.js';

let host = {
  canChange: () => true, // the safe accepts changes (not closing)
  uploaded: () => {}, // (doc): a document was added
};

const upload = {
  file: null, // the chosen File
  contentType: null, // MIME type to send, null when the format is not accepted
  key: null, // Idempotency-Key: one per chosen file, kept for retries
  titleAuto: true, // the title was filled from the file name (so a new file may replace it)
  xhr: null,
  phase: 'idle', // idle | sending | checking | done | failed | cancelled
  percent: 0,
  announced: -1, // last tenth of the progress announced to screen readers
  error: null,
  retry: false,
};

/** The form is shown (« Ajouter un document » pressed); folded again at sign-out. */
let unfolded = false;

function uploadFields() {
  return {
    file: $('upload-file'),
    camera: $('upload-camera'),
    type: $('upload-type'),
    title: $('upload-title'),
    validUntil: $('upload-valid-until'),
  };
}

/** Problem with the chosen file itself (format, size), or null. */
function fileProblem() {
  if (!upload.file) {
    return { field: 'file', message: { key: 'upload.error.noFile' } };
  }
  if (!upload.contentType) {
    return { field: 'file', message: { key: 'upload.error.badType' } };
  }
  const max = maxDocumentBytes();
  if (max && upload.file.size > max) {
    return {
      field: 'file',
      message: {
        key: 'upload.error.tooLarge',
        params: { size: formatSize(upload.file.size, currentLanguage()), max: formatSize(max, currentLanguage()) },
      },
    };
  }
  if (upload.file.size === 0) {
    return { field: 'file', message: { key: 'upload.error.empty' } };
  }
  return null;
}

function chooseFile(file, { syncInput = false } = {}) {
  if (upload.xhr) {
    return;
  }
  const fields = uploadFields();
  upload.file = file ?? null;
  upload.contentType = file ? acceptedContentType(file) : null;
  upload.key = file ? randomUuid() : null;
  upload.phase = 'idle';
  upload.percent = 0;
  upload.announced = -1;
  upload.retry = false;
  upload.error = null;
  if (file && syncInput) {
    // Show the dropped or photographed file in the main input too (not possible in every browser).
    try {
      const transfer = new DataTransfer();
      transfer.items.add(file);
      fields.file.files = transfer.files;
    } catch {
      fields.file.value = '';
    }
  }
  if (file && (upload.titleAuto || !fields.title.value.trim())) {
    fields.title.value = titleFromFilename(file.name);
    upload.titleAuto = true;
  }
  setInvalid(fields.title, false);
  const problem = file ? fileProblem() : null;
  upload.error = problem?.message ?? null;
  setInvalid(fields.file, Boolean(problem));
  renderUpload();
}

/** Checks the form; shows the first problem and puts the focus on its field. */
function validateUpload() {
  const fields = uploadFields();
  const problems = [];
  const filePb = fileProblem();
  if (filePb) {
    problems.push(filePb);
  }
  const title = fields.title.value.trim();
  if (!title) {
    problems.push({ field: 'title', message: { key: 'form.error.titleMissing' } });
  } else if (Array.from(title).length > MAX_TITLE_LENGTH) {
    problems.push({ field: 'title', message: { key: 'form.error.titleTooLong' } });
  }
  const date = fields.validUntil.value;
  if (fields.validUntil.validity?.badInput || (date && !isIsoDate(date))) {
    problems.push({ field: 'validUntil', message: { key: 'form.error.date' } });
  }
  setInvalid(fields.file, problems.some((p) => p.field === 'file'));
  setInvalid(fields.title, problems.some((p) => p.field === 'title'));
  setInvalid(fields.validUntil, problems.some((p) => p.field === 'validUntil'));
  if (problems.length === 0) {
    return true;
  }
  upload.error = problems[0].message;
  upload.phase = upload.phase === 'done' ? 'idle' : upload.phase;
  renderUpload();
  fields[problems[0].field].focus();
  return false;
}

function startUpload() {
  if (upload.xhr || !host.canChange()) {
    return;
  }
  upload.error = null;
  if (!validateUpload()) {
    return;
  }
  const fields = uploadFields();
  const file = upload.file;
  // Send the right type even when the browser does not know it (HEIC pictures).
  const content = file.type === upload.contentType ? file : new File([file], file.name, { type: upload.contentType });
  const form = new FormData();
  form.append('file', content, file.name);
  form.append('type', fields.type.value || DEFAULT_DOCUMENT_TYPE);
  form.append('title', fields.title.value.trim());
  if (fields.validUntil.value) {
    form.append('validUntil', fields.validUntil.value);
  }

  const sending = sendDocument(form, {
    key: upload.key,
    onProgress: (percent) => {
      if (upload.xhr === sending) {
        upload.percent = percent;
        renderUpload();
      }
    },
    onSent: () => {
      if (upload.xhr === sending) {
        upload.percent = 100;
        upload.phase = 'checking'; // sent: the safe checks it (viruses) before answering
        renderUpload();
      }
    },
  });
  if (!sending) {
    return; // signed out
  }
  upload.xhr = sending;
  upload.phase = 'sending';
  upload.percent = 0;
  upload.announced = -1;
  upload.retry = false;
  renderUpload(true);
  sending.done.then((outcome) => {
    if (upload.xhr !== sending || outcome.stale) {
      return;
    }
    upload.xhr = null;
    if (outcome.signedOut) {
      return;
    }
    if (outcome.aborted) {
      upload.phase = 'cancelled';
      upload.percent = 0;
    } else if (outcome.error) {
      uploadRefused(outcome.error, outcome.retry);
    } else {
      uploadSucceeded(outcome.doc);
    }
    renderUpload(true);
  });
}

function uploadFailed(message, retry) {
  upload.phase = 'failed';
  upload.error = message;
  upload.retry = retry;
}

function uploadRefused(error, retry) {
  if (error.network) {
    uploadFailed({ key: 'upload.error.network' }, true);
    return;
  }
  if (!retry && error.status >= 400 && error.status < 500) {
    // Refused for good (too large, full, infected, incorrect): once corrected, it is a new request.
    upload.key = randomUuid();
  }
  uploadFailed(errorMessage(error), retry);
}

function uploadSucceeded(doc) {
  const fields = uploadFields();
  upload.phase = 'done';
  upload.percent = 100;
  upload.error = null;
  upload.retry = false;
  upload.file = null;
  upload.contentType = null;
  upload.key = null;
  upload.titleAuto = true;
  $('upload-form').reset();
  fields.camera.value = '';
  for (const field of [fields.file, fields.title, fields.validUntil]) {
    setInvalid(field, false);
  }
  host.uploaded(doc);
}

function cancelUpload() {
  upload.xhr?.abort();
}

/**
 * The form stays folded behind « Ajouter un document » until asked for: on a phone the papers come first, not a
 * screen-high form. Shown only while the safe accepts new documents (host.canChange()).
 */
export function renderUploadCard() {
  const allowed = host.canChange();
  const toggle = $('upload-toggle');
  toggle.hidden = !allowed;
  toggle.setAttribute('aria-expanded', String(unfolded));
  $('upload-card').hidden = !allowed || !unfolded;
}

function toggleUploadCard() {
  unfolded = !unfolded;
  renderUploadCard();
  if (unfolded) {
    $('upload-file').focus();
  }
}

/** Shows the state of the upload. moveFocus: the buttons changed, keep the focus on a visible one. */
export function renderUpload(moveFocus = false) {
  const fields = uploadFields();
  const lang = currentLanguage();
  const sending = upload.phase === 'sending' || upload.phase === 'checking';

  const info = $('upload-file-info');
  info.hidden = !upload.file;
  info.textContent = upload.file
    ? t('upload.chosen', { name: upload.file.name, size: formatSize(upload.file.size, lang) })
    : '';

  const area = $('upload-progress-area');
  area.hidden = !(sending || upload.phase === 'done' || (upload.phase === 'failed' && upload.percent > 0));
  const progress = $('upload-progress');
  progress.value = upload.percent;
  progress.textContent = `${upload.percent}\u00a0%`;
  $('upload-percent').textContent = `${upload.percent}\u00a0%`;

  // The live region speaks at each tenth only, not at each percent.
  let status = null;
  if (upload.phase === 'sending') {
    const tenth = Math.floor(upload.percent / 10);
    if (tenth !== upload.announced) {
      upload.announced = tenth;
      status = { key: 'upload.sending', params: { percent: upload.percent } };
    }
  } else if (upload.phase === 'checking') {
    status = { key: 'upload.checking' };
  } else if (upload.phase === 'done') {
    status = { key: 'upload.done' };
  } else if (upload.phase === 'cancelled') {
    status = { key: 'upload.cancelled' };
  } else {
    status = { text: '' };
  }
  if (status) {
    show($('upload-status'), status, false);
  }
  // While sending, the live region speaks at each tenth only: seen, it would lag the bar and its exact percent.
  $('upload-status').classList.toggle('visually-hidden', upload.phase === 'sending');
  show($('upload-error'), upload.error);

  fields.file.disabled = sending;
  fields.camera.disabled = sending;
  const submit = $('upload-submit');
  const retry = $('upload-retry');
  const cancel = $('upload-cancel');
  const focusWasIn = [submit, retry, cancel].includes(document.activeElement);
  submit.setAttribute('aria-disabled', String(sending));
  const offerRetry = upload.phase === 'failed' && upload.retry && Boolean(upload.file);
  retry.hidden = !offerRetry;
  cancel.hidden = !sending;
  submit.hidden = offerRetry || sending;
  if (moveFocus && focusWasIn && document.activeElement?.hidden !== false) {
    // The focused button was hidden: go to the one that replaces it.
    const target = [cancel, retry, submit].find((b) => !b.hidden);
    target?.focus();
  } else if (moveFocus && focusWasIn && document.activeElement === document.body) {
    [cancel, retry, submit].find((b) => !b.hidden)?.focus();
  }
}

/** At sign-out: stops a sending and forgets the form. */
export function resetUpload() {
  const sending = upload.xhr;
  upload.xhr = null;
  sending?.abort();
  Object.assign(upload, {
    file: null, contentType: null, key: null, titleAuto: true, phase: 'idle', percent: 0, announced: -1, error: null, retry: false,
  });
  $('upload-form').reset();
  $('upload-camera').value = '';
  unfolded = false;
}

/** Wires the form once. hooks: canChange(), uploaded(doc). */
export function initUpload(hooks) {
  host = { ...host, ...hooks };
  const fields = uploadFields();
  fields.file.accept = ACCEPT_ATTRIBUTE;

  fields.file.addEventListener('change', () => chooseFile(fields.file.files?.[0] ?? null));
  fields.camera.addEventListener('change', () => {
    const file = fields.camera.files?.[0];
    if (file) {
      chooseFile(file, { syncInput: true });
    }
    fields.camera.value = '';
  });
  fields.title.addEventListener('input', () => {
    upload.titleAuto = false;
    setInvalid(fields.title, false);
  });
  // Phones and tablets can take the picture directly.
  const coarse = window.matchMedia?.('(pointer: coarse)');
  $('upload-camera-group').hidden = !coarse?.matches;
  coarse?.addEventListener?.('change', () => {
    $('upload-camera-group').hidden = !coarse.matches;
  });

  // Drag and drop: the zone only decorates the real file input, which stays usable with a keyboard.
  const zone = $('upload-dropzone');
  const hasFiles = (event) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
  zone.addEventListener('dragover', (event) => {
    if (hasFiles(event)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = upload.xhr ? 'none' : 'copy';
      zone.classList.add('is-dragover');
    }
  });
  zone.addEventListener('dragleave', (event) => {
    if (!zone.contains(event.relatedTarget)) {
      zone.classList.remove('is-dragover');
    }
  });
  zone.addEventListener('drop', (event) => {
    if (!hasFiles(event)) {
      return;
    }
    event.preventDefault();
    zone.classList.remove('is-dragover');
    const file = event.dataTransfer.files?.[0];
    if (file) {
      chooseFile(file, { syncInput: true });
    }
  });
  // A file dropped beside the zone must not replace the page (that would sign the person out).
  for (const type of ['dragover', 'drop']) {
    document.addEventListener(type, (event) => {
      if (hasFiles(event) && !zone.contains(event.target)) {
        event.preventDefault();
        if (event.dataTransfer) {
          event.dataTransfer.dropEffect = 'none';
        }
      }
    });
  }

  $('upload-toggle').addEventListener('click', toggleUploadCard);
  $('upload-form').addEventListener('submit', (event) => {
    event.preventDefault();
    startUpload();
  });
  $('upload-retry').addEventListener('click', startUpload);
  $('upload-cancel').addEventListener('click', cancelUpload);
}
