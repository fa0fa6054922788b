// "Mon compte": who is signed in, as the vault sees them (GET /api/v1/me): the account's unique identifier, the
// user name, the role and the level of the current sign-in.

import { lookup, t } from '../i18n.js';
import { $ } from '../ui.js';

let me = null;

function roleLabel(code) {
  return lookup(`role.${code}`) ?? code;
}

function acrLabel(code) {
  if (code === null || code === undefined || code === '') {
    return t('acr.unknown');
  }
  return lookup(`acr.${code}`) ?? String(code);
}

/** identity: the answer of GET /api/v1/me; null at sign-out. */
export function setAccount(identity) {
  me = identity;
  renderAccount();
}

export function renderAccount() {
  if (!me) {
    return;
  }
  const roles = Array.isArray(me.roles) ? me.roles.filter((r) => typeof r === 'string') : [];
  $('me-sub').textContent = me.sub ?? '';
  $('me-username').textContent = me.username || t('me.none');
  const rolesElement = $('me-roles');
  rolesElement.dataset.roles = roles.join(',');
  rolesElement.textContent = roles.length ? roles.map(roleLabel).join(', ') : t('me.noRoles');
  const acrElement = $('me-acr');
  acrElement.dataset.acr = me.acr ?? '';
  acrElement.textContent = acrLabel(me.acr);
  const greeting = $('me-greeting');
  greeting.hidden = !me.name;
  greeting.textContent = me.name ? t('me.greeting', { name: me.name }) : '';
}
