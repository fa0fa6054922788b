// « Aperçu »: a document shown in the page, in a dialog. The vault sends a picture as it is, or one page of a PDF drawn
// as a PNG (GET /api/v1/documents/{id}/preview): the page gets pixels only, never the PDF's scripts, forms or
// attached files, and shows them in an <img>, which runs nothing. The picture lives in a blob: address of this page
// (the CSP allows img-src blob:), forgotten when the dialog closes.

import { DOCUMENTS_URL, api, errorMessage, responseBlob } from '../api.js';
import { openDialog } from '../dialogs.js';
import { t } from '../i18n.js';
import { $, show } from '../ui.js';

/** What the vault can preview: the browsers draw these pictures, and it draws the PDFs' pages. */
const PREVIEWABLE = new Set(['application/pdf', 'image/jpeg', 'image/png', 'image/webp']);

let shown = null; // { doc, page, pages, url, request }

export function canPreview(doc) {
  return PREVIEWABLE.has(String(doc?.contentType ?? ''));
}

function forgetImage() {
  const image = $('preview-image');
  image.hidden = true;
  image.removeAttribute('src');
  if (shown?.url) {
    URL.revokeObjectURL(shown.url);
    shown.url = null;
  }
}

async function loadPage(page) {
  const current = shown;
  const request = ++current.request;
  current.page = page;
  forgetImage();
  renderPager();
  show($('preview-error'), null);
  show($('preview-status'), { key: 'preview.loading' }, false);
  try {
    const response = await api(`${DOCUMENTS_URL}/${encodeURIComponent(current.doc.id)}/preview?page=${page}`, { accept: 'image/*' });
    const blob = await responseBlob(response);
    if (shown !== current || request !== current.request) {
      return; // closed, or another page asked meanwhile
    }
    current.pages = Math.max(1, Number(response.headers.get('Civis-Page-Count')) || 1);
    current.url = URL.createObjectURL(blob);
    const image = $('preview-image');
    image.alt = t('preview.alt', { title: String(current.doc.title ?? ''), page, pages: current.pages });
    image.src = current.url;
    image.hidden = false;
    show($('preview-status'), null, false);
    renderPager();
  } catch (error) {
    if (shown === current && request === current.request) {
      show($('preview-status'), null, false);
      show($('preview-error'), errorMessage(error, { notFound: 'error.documentGone' }));
    }
  }
}

function renderPager() {
  const pages = shown?.pages ?? 1;
  $('preview-pager').hidden = pages <= 1;
  $('preview-previous').disabled = !shown || shown.page <= 1;
  $('preview-next').disabled = !shown || shown.page >= pages;
  $('preview-page-info').textContent = pages > 1 ? t('preview.page', { page: shown.page, pages }) : '';
}

/** Opens the preview of doc; the focus goes back to returnFocus() when it closes. */
export function openPreview(doc, { returnFocus, fallback }) {
  forgetImage();
  shown = { doc, page: 1, pages: 1, url: null, request: 0 };
  $('preview-dialog-title').textContent = t('preview.title', { title: String(doc.title ?? '') });
  openDialog($('preview-dialog'), { returnFocus, fallback, first: $('preview-close') });
  loadPage(1);
}

export function resetPreview() {
  forgetImage();
  shown = null;
}

/** Wires the dialog once. */
export function initPreview() {
  $('preview-dialog').addEventListener('close', resetPreview);
  $('preview-previous').addEventListener('click', () => shown && shown.page > 1 && loadPage(shown.page - 1));
  $('preview-next').addEventListener('click', () => shown && shown.page < shown.pages && loadPage(shown.page + 1));
}
