// Step 1: the service catalogue, grouped by skill group, searchable in either language or by code. The list is
// read once per sign-in from /api/catalogue (any valid token may read it) and filtered here as the staff types.
import { t, names } from './i18n.js';
import { el } from './dom.js';

/** Reads the catalogue with the station's token; rejects with a message fit to show. */
export async function loadCatalogue(token) {
  let res;
  try {
    res = await fetch('/api/catalogue', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch (e) {
    throw new Error(t('error.connect'));
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Error(`${res.status} ${body.message || body.error || res.statusText}`);
  }
  return res.json();
}

/** Every word of the query appears in the item's names, its code or its group's names (case does not matter). */
function matches(item, group, words) {
  const hay = [item.code, item.nameZh, item.nameEn, group?.nameZh, group?.nameEn].join(' ').toLowerCase();
  return words.every(w => hay.includes(w));
}

/**
 * Draws the catalogue into {@code box}: one section per skill group in the catalogue's order, one button per item,
 * only those matching {@code query}; and into {@code nav} one button per group that scrolls to it (with the number
 * of its items shown). {@code chosen} is the selected item's code; {@code onPick(item)} is called on a click.
 * Returns the items shown.
 */
export function renderCatalogue(box, nav, catalogue, query, chosen, onPick) {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const groups = new Map(catalogue.skillGroups.map(g => [g.code, g]));
  const shown = catalogue.items.filter(i => matches(i, groups.get(i.skillGroup), words));
  const byGroup = catalogue.skillGroups.map(g => [g, shown.filter(i => i.skillGroup === g.code)]);
  box.replaceChildren(...byGroup.filter(([, items]) => items.length)
    .map(([g, items]) => groupSection(g, items, chosen, onPick)));
  nav.replaceChildren(...byGroup.map(([g, items]) => {
    const b = el('button', '', null, { group: g.code }, el('span', '', names(g)[0]), el('span', 'n', items.length));
    b.type = 'button';
    b.disabled = items.length === 0;
    b.onclick = () => {
      box.querySelector(`section[data-group="${g.code}"]`)?.scrollIntoView({ block: 'start' });
      nav.querySelectorAll('button').forEach(x => x.setAttribute('aria-current', String(x === b)));
    };
    return b;
  }));
  return shown;
}

function groupSection(group, items, chosen, onPick) {
  const [first, second] = names(group);
  const head = el('h3', '', first, {}, el('small', '', second),
    el('span', 'count', t('catalogue.items', { n: items.length })));
  const list = el('div', 'items', null, {}, ...items.map(item => itemButton(item, item.code === chosen, onPick)));
  return el('section', 'group', null, { group: group.code }, head, list);
}

function itemButton(item, pressed, onPick) {
  const [first, second] = names(item);
  const b = el('button', 'item', null, { item: item.code },
    el('span', 'name', first), el('span', 'other', second), el('span', 'code', item.code));
  b.type = 'button';
  b.setAttribute('aria-pressed', String(pressed));
  b.onclick = () => onPick(item);
  return b;
}
