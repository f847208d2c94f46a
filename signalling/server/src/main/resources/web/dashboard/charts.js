// Hand-written SVG charts: no library to vendor or download. Each chart is redrawn whole from its data, at the
// element's own pixel size, so text is never stretched.
const NS = 'http://www.w3.org/2000/svg';
const PAD = { left: 44, right: 10, top: 10, bottom: 22 };

function el(name, attrs, parent) {
  const node = document.createElementNS(NS, name);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
  parent.appendChild(node);
  return node;
}

/** A "nice" step for about four grid lines up to max: 1, 2 or 5 times a power of ten (whole for counts). */
function niceStep(max, whole) {
  const raw = max / 4;
  if (raw <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * p).find(v => v >= raw);
  return whole ? Math.max(1, Math.round(step)) : step;
}

/** Frame: size, scales, grid, y labels and time labels. Returns what the series need. */
function frame(svg, slots, yMax, timeLabel, formatY, whole) {
  const width = Math.max(200, svg.clientWidth || 600);
  const height = Math.max(100, svg.clientHeight || 200);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const step = niceStep(yMax, whole);
  const lines = Math.max(1, Math.ceil(yMax / step));
  const top = step * lines;
  const y = v => PAD.top + plotH - (v / top) * plotH;
  const x = i => PAD.left + (i / slots.length) * plotW;
  for (let k = 0; k <= lines; k++) {
    const v = step * k;
    el('line', { x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v), class: 'grid' }, svg);
    el('text', { x: PAD.left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, svg).textContent = formatY(v);
  }
  const every = Math.max(1, Math.ceil(slots.length / Math.max(2, Math.floor(plotW / 70))));
  slots.forEach((slot, i) => {
    if (i % every === 0) {
      el('text', { x: x(i), y: height - 6, class: 'axis' }, svg).textContent = timeLabel(slot.start);
    }
  });
  return { x, y, slotW: plotW / slots.length };
}

/** Stacked bars per slot (e.g. answered and abandoned) with a line (e.g. requested) over them. */
export function barChart(svg, slots, stacks, line, timeLabel, emptyText) {
  const yMax = Math.max(0, ...slots.map(s => Math.max(stacks.reduce((a, st) => a + s[st.key], 0),
    line ? s[line.key] : 0)));
  const f = frame(svg, slots, yMax, timeLabel, v => String(v), true);
  slots.forEach((s, i) => {
    let base = 0;
    stacks.forEach(st => {
      const v = s[st.key];
      if (v > 0) {
        const w = Math.max(1, f.slotW * 0.72);
        el('rect', { x: f.x(i) + (f.slotW - w) / 2, y: f.y(base + v), width: w, height: f.y(base) - f.y(base + v),
          fill: st.color, rx: Math.min(2, w / 4) }, svg);
        base += v;
      }
    });
  });
  if (line) {
    polyline(svg, slots.map((s, i) => [f.x(i) + f.slotW / 2, f.y(s[line.key])]), line.color, false);
  }
  empty(svg, yMax, emptyText);
}

/** One line per series; a slot whose value is null leaves a gap. */
export function lineChart(svg, slots, series, timeLabel, formatY, emptyText) {
  const yMax = Math.max(0, ...slots.flatMap(s => series.map(se => s[se.key] ?? 0)));
  const f = frame(svg, slots, yMax, timeLabel, formatY, false);
  series.forEach(se => {
    let run = [];
    const flush = () => { polyline(svg, run, se.color, se.dashed); run = []; };
    slots.forEach((s, i) => {
      if (s[se.key] == null) { flush(); return; }
      run.push([f.x(i) + f.slotW / 2, f.y(s[se.key])]);
    });
    flush();
  });
  empty(svg, yMax, emptyText);
}

function polyline(svg, points, color, dashed) {
  if (points.length === 0) return;
  if (points.length === 1) {
    el('circle', { cx: points[0][0], cy: points[0][1], r: 3, fill: color }, svg);
    return;
  }
  el('polyline', { points: points.map(p => p.join(',')).join(' '), fill: 'none', stroke: color,
    'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-dasharray': dashed ? '5 4' : 'none' }, svg);
}

function empty(svg, yMax, text) {
  if (yMax > 0) return;
  const [, , w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
  el('text', { x: w / 2, y: h / 2, class: 'empty-chart', 'text-anchor': 'middle' }, svg).textContent = text;
}
