// The few DOM helpers the station page's parts share.

export const $ = id => document.getElementById(id);

/** A new element with a class, text and data-* attributes; children appended after the text. */
export function el(tag, className, text, data = {}, ...children) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  Object.assign(e.dataset, data);
  e.append(...children);
  return e;
}

/** A list item of the side panel: a name and a state on one line, then whatever follows. */
export function entry(data, name, stateText, ...rest) {
  return el('li', '', null, data, el('div', 'doc-head', null, {}, el('span', 'doc-name', name),
    el('span', 'doc-state', stateText)), ...rest);
}
