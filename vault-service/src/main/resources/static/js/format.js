// Pure helpers for the documents of the safe: sizes, dates, file checks, download names.
// No DOM access here, so that they can be checked on their own.

/** Longest title the safe accepts. */
export const MAX_TITLE_LENGTH = 200;

/** Accepted formats: MIME type by file extension (PDF, JPEG, PNG, WebP, HEIC). */
const ACCEPTED = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
};

const ACCEPTED_TYPES = new Set([...Object.values(ACCEPTED), 'image/jpg', 'image/pjpeg']);

/** Value for the accept attribute of the file input. */
export const ACCEPT_ATTRIBUTE = [...Object.keys(ACCEPTED).map((ext) => `.${ext}`), ...new Set(Object.values(ACCEPTED))].join(',');

function extensionOf(name) {
  const match = /\.([A-Za-z0-9]+)$/.exec(String(name || ''));
  return match ? match[1].toLowerCase() : '';
}

/**
 * The MIME type to send for a file, or null when its format is not accepted.
 * Browsers often give no type for HEIC pictures, or the family name "image/heif":
 * the extension is used then.
 */
export function acceptedContentType(file) {
  const type = String(file?.type || '').toLowerCase();
  if (type === 'image/heif' && extensionOf(file?.name) === 'heic') {
    return 'image/heic';
  }
  if (type && ACCEPTED_TYPES.has(type)) {
    return type === 'image/jpg' || type === 'image/pjpeg' ? 'image/jpeg' : type;
  }
  if (!type || type === 'application/octet-stream') {
    return ACCEPTED[extensionOf(file?.name)] ?? null;
  }
  return null;
}

/** The file name without its extension, cut to the longest title allowed. */
export function titleFromFilename(name) {
  const base = String(name || '').split(/[\\/]/).pop();
  const dot = base.lastIndexOf('.');
  const title = (dot > 0 ? base.slice(0, dot) : base).trim();
  return Array.from(title).slice(0, MAX_TITLE_LENGTH).join('');
}

/** BCP 47 locale used for numbers and dates. */
export function localeOf(lang) {
  return lang === 'en' ? 'en-GB' : 'fr-FR';
}

const UNITS = {
  fr: ['octets', 'ko', 'Mo', 'Go'],
  en: ['bytes', 'KB', 'MB', 'GB'],
};

/** "12 ko", "4,2 Mo", "500 Mo" (binary multiples, as the quota). The space is a no-break space. */
export function formatSize(bytes, lang = 'fr') {
  const units = UNITS[lang] ?? UNITS.fr;
  let value = Math.max(0, Number(bytes) || 0);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0 && value === 1 && lang !== 'en') {
    return '1\u00a0octet';
  }
  if (unit === 0 && value === 1) {
    return '1\u00a0byte';
  }
  // Rounding may reach 1024 (1023,96 ko): show the next unit instead.
  if (unit > 0 && unit < units.length - 1 && Math.round(value * 10) / 10 >= 1024) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const number = new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: digits }).format(value);
  return `${number}\u00a0${units[unit]}`;
}

function longDate(date, lang, timeZone) {
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const format = new Intl.DateTimeFormat(localeOf(lang), { day: 'numeric', month: 'long', year: 'numeric', timeZone });
  // French writes the first day of a month "1er".
  return format
    .formatToParts(date)
    .map((part) => (lang === 'fr' && part.type === 'day' && part.value === '1' ? '1er' : part.value))
    .join('');
}

/** "23 novembre 2026" for an instant, in the person's time zone. */
export function formatInstant(iso, lang = 'fr') {
  if (!iso) {
    return '';
  }
  return longDate(new Date(iso), lang, undefined);
}

/** "31 janvier 2027" for a calendar date "2027-01-31" (no time zone shift). */
export function formatLocalDate(isoDate, lang = 'fr') {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(isoDate || ''));
  if (!match) {
    return '';
  }
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return longDate(date, lang, 'UTC');
}

/** True for a real calendar date written "YYYY-MM-DD". */
export function isIsoDate(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || ''));
  if (!match) {
    return false;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Removes what cannot be part of a file name on the person's computer. */
function safeFilename(name) {
  const cleaned = String(name || '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[\\/:*?"<>|]/g, '_')
    .trim();
  return cleaned === '.' || cleaned === '..' ? '' : cleaned;
}

/**
 * The name a downloaded document is saved under: the title the person gave it, with the extension of the file it
 * came from ("Quittance de loyer.pdf"), since that title is how they know it. The original name when there is no
 * usable title.
 */
export function downloadName(title, original) {
  const base = String(original || '').split(/[\\/]/).pop();
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? safeFilename(base.slice(dot)) : '';
  const named = safeFilename(title);
  if (!named) {
    return safeFilename(base) || null;
  }
  return named.toLowerCase().endsWith(extension.toLowerCase()) ? named : named + extension;
}

/**
 * File name announced by a Content-Disposition header (RFC 6266):
 * filename*=UTF-8''… first (RFC 8187), then filename="…", then filename=token.
 * Returns null when there is none.
 */
export function filenameFromContentDisposition(header) {
  const value = String(header || '');
  const extended = /(?:^|;)\s*filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(value);
  if (extended) {
    const charset = extended[1].trim().toLowerCase();
    const encoded = extended[2].trim().replace(/^"(.*)"$/, '$1');
    try {
      const decoded = charset === 'utf-8' || charset === ''
        ? decodeURIComponent(encoded)
        : unescape(encoded); // ISO-8859-1: each %XX is one character
      const name = safeFilename(decoded);
      if (name) {
        return name;
      }
    } catch {
      // Badly encoded: try the plain parameter.
    }
  }
  const quoted = /(?:^|;)\s*filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(value);
  if (quoted) {
    const name = safeFilename(quoted[1].replace(/\\(.)/g, '$1'));
    if (name) {
      return name;
    }
  }
  const token = /(?:^|;)\s*filename\s*=\s*([^";\s]+)/i.exec(value);
  if (token) {
    const name = safeFilename(token[1]);
    if (name) {
      return name;
    }
  }
  return null;
}

/** A random UUID (v4) for Idempotency-Key, also where crypto.randomUUID is missing. */
export function randomUuid() {
  if (globalThis.crypto?.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** "23 novembre 2026 à 14:05" for an instant, in the person's time zone. */
export function formatDateTime(iso, lang = 'fr') {
  const date = new Date(iso || '');
  if (!iso || Number.isNaN(date.getTime())) {
    return '';
  }
  const time = new Intl.DateTimeFormat(localeOf(lang), { hour: '2-digit', minute: '2-digit' }).format(date);
  return `${longDate(date, lang, undefined)} ${lang === 'en' ? 'at' : 'à'} ${time}`;
}

/**
 * The parts of an ISO 8601 duration of days, weeks, months or years ("P30D", "P3M", "P1Y", "P2W"); null for any
 * other form (times of day are not used for consents).
 */
export function parseDuration(iso) {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(String(iso || ''));
  if (!match || match.slice(1).every((part) => part === undefined)) {
    return null;
  }
  const [years, months, weeks, days] = match.slice(1).map((part) => Number(part || 0));
  return { years, months, weeks, days };
}

/** A duration's length in days, roughly (a month is 30 days, a year 365): to compare durations. */
export function durationDays(iso) {
  const d = parseDuration(iso);
  return d ? d.years * 365 + d.months * 30 + d.weeks * 7 + d.days : null;
}

/** The calendar day a duration ends when it starts at from (a Date): months and years as the calendar has them. */
export function addDuration(from, iso) {
  const d = parseDuration(iso);
  if (!d) {
    return null;
  }
  const end = new Date(from.getTime());
  end.setFullYear(end.getFullYear() + d.years, end.getMonth() + d.months, end.getDate() + d.weeks * 7 + d.days);
  return end;
}
