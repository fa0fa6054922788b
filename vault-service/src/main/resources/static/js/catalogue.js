// What the safe accepts, as the server says it (GET /portal/config, "documents"): the document types, in the order
// shown to people, and the size limit. The page keeps no list of its own (ADR 0015); the names of the types are texts
// of the i18n bundles, and a type the bundles do not know yet is shown under its code.

export const DEFAULT_DOCUMENT_TYPE = 'autre';

let types = [DEFAULT_DOCUMENT_TYPE];
let maxBytes = null;

/** documents: { types: [code…], maxBytes } from the portal configuration. */
export function setCatalogue(documents) {
  if (Array.isArray(documents?.types)) {
    const codes = documents.types.filter((code) => typeof code === 'string' && code);
    if (codes.length) {
      types = codes;
    }
  }
  if (Number.isFinite(documents?.maxBytes) && documents.maxBytes > 0) {
    maxBytes = documents.maxBytes;
  }
}

export function documentTypes() {
  return types;
}

/** The largest document the safe accepts, in bytes; null when unknown (the server checks it anyway). */
export function maxDocumentBytes() {
  return maxBytes;
}
