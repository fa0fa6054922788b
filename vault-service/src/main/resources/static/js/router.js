// A small router between the screens of the portal, on the address's fragment: "#/partages", "#/compte"…; the
// documents screen is the page's own address (no fragment). Each screen is a <section data-screen> shown alone; on a
// screen change the focus goes to its heading (so a screen reader says where the person is) and the page's title
// names it. No build step, no library: history.pushState, popstate and hashchange.

const screens = new Map(); // name -> { path, pattern, section, heading, titleKey, enter }
const HOME = 'documents';

let signedIn = () => false;
let onChange = () => {};
let active = null; // the route shown: { name, params, key }

function compile(path) {
  // "documents/:id/consultations" -> /^documents\/([^/]+)\/consultations$/ with names ["id"]
  const names = [];
  const source = path
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        names.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('\\/');
  return { regex: new RegExp(`^${source}$`), names };
}

/**
 * name: the screen's name; path: its fragment without "#/" ("" for the home screen, ":param" for a part); section:
 * the element shown; heading: the element focused on arrival; titleKey: i18n key of its name; enter(params): called
 * each time the screen is entered (read what it shows).
 */
export function defineScreen(name, { path, section, heading, titleKey, enter = () => {} }) {
  screens.set(name, { path, pattern: compile(path), section, heading, titleKey, enter });
}

/** The route of a fragment ("#/partages"); the home screen for an empty or unknown one. */
export function parse(hash = window.location.hash) {
  const path = decodeURIComponent(String(hash || '').replace(/^#\/?/, '')).replace(/\/$/, '');
  for (const [name, screen] of screens) {
    const match = screen.pattern.regex.exec(path);
    if (match) {
      const params = Object.fromEntries(screen.pattern.names.map((n, i) => [n, match[i + 1]]));
      return { name, params };
    }
  }
  return { name: HOME, params: {} };
}

/** The fragment of a route: "#/documents/…/consultations"; "" for the home screen. */
export function hrefOf(name, params = {}) {
  const screen = screens.get(name);
  if (!screen || !screen.path) {
    return '';
  }
  return `#/${screen.path.replace(/:(\w+)/g, (m, n) => encodeURIComponent(params[n] ?? ''))}`;
}

/** The fragment of the screen shown now (to come back to it after a trip to Keycloak). */
export function currentHref() {
  const route = active ?? parse();
  return hrefOf(route.name, route.params);
}

export function currentScreen() {
  return active ? screens.get(active.name) : null;
}

export function currentName() {
  return (active ?? parse()).name;
}

/** Goes to a screen (a new history entry unless replace), and puts the focus on its heading. */
export function go(name, params = {}, { replace = false } = {}) {
  const url = window.location.pathname + window.location.search + hrefOf(name, params);
  if (replace) {
    window.history.replaceState(null, '', url);
  } else {
    window.history.pushState(null, '', url);
  }
  apply({ focus: true });
}

/**
 * Shows the screen of the address when signed in, none otherwise. A screen is entered (read again) when the route
 * changes or when force; the focus goes to its heading when focus.
 */
export function apply({ focus = false, force = false } = {}) {
  const route = parse();
  const key = `${route.name}|${JSON.stringify(route.params)}`;
  const shown = signedIn();
  for (const [name, screen] of screens) {
    screen.section.hidden = !shown || name !== route.name;
  }
  for (const link of document.querySelectorAll('[data-route]')) {
    if (link.dataset.route === route.name) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  if (!shown) {
    active = null;
    onChange();
    return;
  }
  const changed = active?.key !== key;
  active = { ...route, key };
  const screen = screens.get(route.name);
  if (changed || force) {
    screen.enter(route.params);
  }
  onChange();
  // A new screen (or a person's navigation) puts the focus on its heading, so a screen reader says where one is.
  if (focus || changed) {
    screen.heading?.focus();
  }
}

/** Once: isSignedIn() says whether screens may be shown; changed() is called after each screen change. */
export function startRouter({ isSignedIn, changed = () => {} }) {
  signedIn = isSignedIn;
  onChange = changed;
  window.addEventListener('popstate', () => apply({ focus: true }));
  window.addEventListener('hashchange', () => apply({ focus: true }));
  // Links to screens stay links (middle click, copy), but do not reload the page (which would forget the session).
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[data-route]');
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    go(link.dataset.route, link.dataset.routeId ? { id: link.dataset.routeId } : {});
  });
}
