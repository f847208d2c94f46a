// The operators' live dashboard. Signs in over the signalling WebSocket with an operator token (hello), asks for
// the dashboard (dashboard.subscribe) and draws what the server pushes: a snapshot, then updates at most once a
// second when something changed. Durations are counted up here from the server's instants, so a quiet district
// costs no traffic. The token stays in this tab (sessionStorage) and is never put in a URL the server sees.
import { t, named, language, setLanguage } from './i18n.js';
import { barChart, lineChart } from './charts.js';

const $ = id => document.getElementById(id);
const MINUTE = 60_000;
const COLORS = { answered: '#34c38f', abandoned: '#f46a6a', requested: '#8fb4ff', avg: '#ffd166', max: '#f4a261' };
const AGENT_STATES = ['available', 'offered', 'busy', 'wrap_up', 'away'];

const state = {
  token: sessionStorage.getItem('doorstep.operatorToken'),
  ws: null, lastSeq: 0, pingTimer: null, retryMs: 1000, retryTimer: null, signedOut: true,
  offset: 0, stations: new Map(), history: new Map(), live: null, rangeMinutes: 240, updatedAt: null,
};

const now = () => Date.now() + state.offset;

// ------------------------------------------------------------------ connection

function connect() {
  clearTimeout(state.retryTimer);
  setStatus('connecting');
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  state.ws = ws;
  state.lastSeq = 0;
  ws.onopen = () => send({ type: 'hello', id: 'hello', token: state.token });
  ws.onmessage = event => receive(JSON.parse(event.data));
  ws.onclose = () => closed(ws);
}

function send(message) {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(message));
}

function receive(m) {
  if (m.seq > 0) state.lastSeq = m.seq;
  switch (m.type) {
    case 'welcome': return welcome(m);
    case 'dashboard.snapshot': return snapshot(m);
    case 'dashboard.update': return update(m);
    case 'error': return refused(m);
    case 'server.shutdown': return showBanner(t('banner.draining'));
    default: return undefined;
  }
}

function welcome(m) {
  state.retryMs = 1000;
  clearInterval(state.pingTimer);
  // the ack lets the server forget what it kept for a resume; one ping per heartbeat keeps the session alive
  state.pingTimer = setInterval(() => send({ type: 'ping', ack: state.lastSeq }), m.heartbeat.intervalMs);
  send({ type: 'dashboard.subscribe', id: 'subscribe' });
}

function refused(m) {
  if (m.re !== 'hello' && m.re !== 'subscribe' && m.seq !== 0) return; // not about signing in: nothing to show
  const text = m.code === 'FORBIDDEN' || m.code === 'ROLE_MISMATCH' ? t('error.operatorsOnly')
    : m.code === 'TOKEN_INVALID' || m.code === 'TOKEN_EXPIRED' || m.code === 'UNKNOWN_IDENTITY' ? t('error.token')
      : t('error.other') + m.code;
  signOut(text);
  setStatus('refused');
}

function closed(ws) {
  if (ws !== state.ws) return;
  clearInterval(state.pingTimer);
  if (state.signedOut) return;
  setStatus('reconnecting');
  showBanner(t('banner.reconnecting'));
  state.retryTimer = setTimeout(connect, state.retryMs);
  state.retryMs = Math.min(state.retryMs * 2, 15_000);
}

function signIn(token) {
  state.token = token.trim();
  sessionStorage.setItem('doorstep.operatorToken', state.token);
  state.signedOut = false;
  $('signin-error').hidden = true;
  connect();
}

function signOut(errorText) {
  state.signedOut = true;
  clearInterval(state.pingTimer);
  clearTimeout(state.retryTimer);
  send({ type: 'bye' });
  if (state.ws) state.ws.close();
  state.ws = null;
  state.token = null;
  sessionStorage.removeItem('doorstep.operatorToken');
  $('board').hidden = true;
  $('signout').hidden = true;
  $('signin').hidden = false;
  $('signin-error').hidden = !errorText;
  $('signin-error').textContent = errorText || '';
  setStatus('signedOut');
}

// ------------------------------------------------------------------ data

function snapshot(m) {
  state.offset = m.serverTime - Date.now();
  state.stations = new Map(m.stations.map(s => [s.id, s]));
  state.history = new Map(m.history.map(b => [b.start, b]));
  $('signin').hidden = true;
  $('board').hidden = false;
  $('signout').hidden = false;
  hideBanner();
  setStatus('live');
  apply(m.live);
}

function update(m) {
  state.offset = m.serverTime - Date.now();
  m.history.forEach(b => state.history.set(b.start, b));
  const oldest = now() - 12 * 60 * MINUTE;
  [...state.history.keys()].filter(k => k < oldest).forEach(k => state.history.delete(k));
  apply(m.live || state.live);
}

function apply(live) {
  state.live = live;
  state.updatedAt = now();
  document.body.dataset.draining = String(live.draining);
  if (live.draining) showBanner(t('banner.draining'));
  render();
}

// ------------------------------------------------------------------ drawing

function render() {
  if (!state.live) return;
  renderKpis(state.live);
  renderQueues(state.live.queues);
  renderCalls(state.live.calls);
  renderAgents(state.live.agents);
  renderFleet(state.live.stationsOnline, state.live.kitFaults || []);
  renderRelays(state.live.relays || []);
  renderCharts();
  $('updated').textContent = t('foot.updated', { t: clock(state.updatedAt) });
}

function renderKpis(live) {
  const waiting = live.queues.reduce((a, q) => a + q.waiting, 0);
  const ringing = live.queues.reduce((a, q) => a + q.ringing, 0);
  const oldest = Math.min(...live.queues.filter(q => q.oldestSince).map(q => q.oldestSince));
  const today = live.today;
  const talking = live.calls.filter(c => c.state === 'connected').length;
  kpi('kpi-waiting', waiting + ringing, t('kpi.ringing', { n: ringing }), waiting > 0 ? 'warn' : '');
  const oldestMs = Number.isFinite(oldest) ? now() - oldest : null;
  kpi('kpi-oldest', oldestMs == null ? '—' : duration(oldestMs), '',
    oldestMs == null ? '' : oldestMs > today.targetSeconds * 1000 ? 'bad' : 'warn');
  const sl = today.serviceLevel;
  kpi('kpi-sl', sl == null ? '—' : percent(sl), t('kpi.target', { s: today.targetSeconds }),
    sl == null ? '' : sl >= 0.8 ? 'good' : sl >= 0.6 ? 'warn' : 'bad');
  kpi('kpi-answered', today.answered, today.requested ? t('kpi.requested', { n: today.requested }) : t('kpi.noCalls'));
  const counted = today.answered + today.abandoned;
  kpi('kpi-abandoned', today.abandoned, counted ? t('kpi.abandonRate', { p: percent(today.abandoned / counted) }) : '',
    today.abandoned > 0 ? 'warn' : '');
  kpi('kpi-talking', talking, '');
  const available = live.agents.filter(a => a.state === 'available').length;
  kpi('kpi-agents', live.agents.length, t('kpi.available', { n: available }));
  kpi('kpi-stations', live.stationsOnline.length, t('kpi.ofTotal', { n: state.stations.size }));
}

function kpi(id, value, sub, tone = '') {
  const box = $(id);
  box.querySelector('.value').textContent = value;
  box.querySelector('.sub').textContent = sub;
  box.dataset.tone = tone;
}

function renderQueues(queues) {
  const active = queues.filter(q => q.waiting + q.ringing > 0 || q.agentsStaffed > 0)
    .sort((a, b) => (b.waiting + b.ringing) - (a.waiting + a.ringing) || (a.oldestSince ?? Infinity) - (b.oldestSince ?? Infinity));
  const target = state.live.today.targetSeconds * 1000;
  const rows = active.map(q => {
    const waitMs = q.oldestSince ? now() - q.oldestSince : 0;
    const tr = row([named(q), q.waiting, q.ringing, '', `${q.agentsAvailable}/${q.agentsStaffed}`],
      ['', 'num', 'num', '', 'num']);
    tr.dataset.group = q.skillGroup;
    tr.dataset.waiting = q.waiting;
    tr.dataset.ringing = q.ringing;
    tr.cells[3].append(waitBar(waitMs, target));
    if (q.waiting > 0 && q.agentsStaffed === 0) tr.classList.add('alarm');
    return tr;
  });
  $('queues').tBodies[0].replaceChildren(...rows);
  $('queues-empty').hidden = rows.length > 0;
}

function waitBar(ms, target) {
  return meter(ms / (2 * target), ms === 0 ? '' : ms > target ? 'bad' : ms > target / 2 ? 'warn' : 'good',
    ms ? duration(ms) : '—');
}

/** A bar filled to fraction (0..1) in a tone, labelled. */
function meter(fraction, tone, text) {
  const wrap = document.createElement('div');
  wrap.className = 'waitbar';
  const bar = document.createElement('span');
  bar.style.width = `${Math.min(100, fraction * 100)}%`;
  bar.dataset.tone = tone;
  const label = document.createElement('em');
  label.textContent = text;
  wrap.append(bar, label);
  return wrap;
}

function renderCalls(calls) {
  const rows = calls.map(c => {
    const station = state.stations.get(c.stationId);
    const waitMs = (c.connectedAt ?? now()) - c.queuedAt;
    const tr = row([station ? station.name : c.stationId, named(c.serviceItem), '', duration(waitMs),
      c.connectedAt ? duration(now() - c.connectedAt) : '—', c.agentId || '—', quality(c.quality)],
    ['station', 'item', '', 'num', 'num', 'mono', '']);
    tr.dataset.call = c.id;
    tr.dataset.state = c.state;
    const chip = document.createElement('span');
    chip.className = `chip call-${c.state}`;
    chip.textContent = t(`call.${c.state}`);
    tr.cells[2].append(chip);
    if (c.priority) {
      const p = document.createElement('span');
      p.className = 'chip priority';
      p.textContent = t('calls.priority');
      tr.cells[0].prepend(p, ' ');
    }
    if (station) tr.cells[0].title = `${station.town} ${station.village}`;
    return tr;
  });
  $('calls').tBodies[0].replaceChildren(...rows);
  $('calls-empty').hidden = rows.length > 0;
  $('calls-count').textContent = calls.length;
}

function quality(q) {
  if (!q) return t('quality.none');
  const bad = (q.rttMs ?? 0) > 400 || (q.fractionLost ?? 0) > 0.05 || q.videoStalled;
  const fair = (q.rttMs ?? 0) > 200 || (q.fractionLost ?? 0) > 0.02;
  return t(bad ? 'quality.poor' : fair ? 'quality.fair' : 'quality.good');
}

function renderAgents(agents) {
  const counts = Object.fromEntries(AGENT_STATES.map(s => [s, agents.filter(a => a.state === s).length]));
  const bar = $('agent-bar');
  bar.replaceChildren(...AGENT_STATES.filter(s => counts[s] > 0).map(s => {
    const seg = document.createElement('span');
    seg.className = `seg agent-${s}`;
    seg.style.flexGrow = counts[s];
    seg.textContent = counts[s];
    return seg;
  }));
  $('agent-legend').replaceChildren(...AGENT_STATES.map(s => legendItem(`agent-${s}`, `${t(`agent.${s}`)} ${counts[s]}`)));
  $('agents').replaceChildren(...agents.map(a => {
    const li = document.createElement('li');
    li.dataset.agent = a.id;
    li.dataset.state = a.state;
    const dot = document.createElement('span');
    dot.className = `dot agent-${a.state}`;
    const name = document.createElement('span');
    name.className = 'mono';
    name.textContent = a.id;
    const st = document.createElement('span');
    st.className = 'state';
    st.textContent = t(`agent.${a.state}`) + (a.online ? '' : ` · ${t('agents.offline')}`);
    const since = document.createElement('span');
    since.className = 'since num';
    since.textContent = duration(now() - a.since);
    li.append(dot, name, st, since);
    return li;
  }));
  $('agents-empty').hidden = agents.length > 0;
}

function renderFleet(online, kitFaults) {
  const on = new Set(online);
  const faults = new Map(); // station id -> "printer: out of paper, ..."
  kitFaults.forEach(f => faults.set(f.stationId,
    [faults.get(f.stationId), `${t('device.' + f.device)}: ${t('deviceState.' + f.state)}`].filter(Boolean).join(', ')));
  const towns = new Map();
  state.stations.forEach(s => {
    if (!towns.has(s.town)) towns.set(s.town, []);
    towns.get(s.town).push(s);
  });
  const small = state.stations.size <= 48; // a small fleet shows names; a district's 1,300 show as dots
  $('fleet').replaceChildren(...[...towns.entries()].map(([town, stations]) => {
    const box = document.createElement('div');
    box.className = 'town';
    const head = document.createElement('div');
    head.className = 'town-head';
    head.textContent = `${town} ${stations.filter(s => on.has(s.id)).length}/${stations.length}`;
    const list = document.createElement('div');
    list.className = small ? 'station-chips' : 'station-dots';
    list.append(...stations.map(s => {
      const item = document.createElement('span');
      item.className = (on.has(s.id) ? 'online' : 'offline') + (faults.has(s.id) ? ' fault' : '');
      item.dataset.station = s.id;
      item.title = `${s.name} · ${t(on.has(s.id) ? 'fleet.online' : 'fleet.offline')}`
        + (faults.has(s.id) ? ` · ${t('fleet.fault')} ${faults.get(s.id)}` : '');
      if (small) item.textContent = s.village || s.name;
      return item;
    }));
    box.append(head, list);
    return box;
  }));
  $('fleet-count').textContent = `${on.size}/${state.stations.size}`
    + (faults.size ? ` · ${t('fleet.faults', { n: faults.size })}` : '');
}

/** Each relay's allocations against its capacity (amber past 70 %, red past 90 %) and its bitrate each way. */
function renderRelays(relays) {
  const mbps = bps => (bps / 1e6).toFixed(bps >= 1e7 ? 0 : 1);
  $('relays').tBodies[0].replaceChildren(...relays.map(r => {
    const tr = row([r.id, '', `${mbps(r.toPeerBitrate)} / ${mbps(r.toClientBitrate)}`], ['mono', '', 'num']);
    tr.cells[0].title = r.region ? `${r.id} · ${r.region}` : r.id;
    tr.dataset.relay = r.id;
    tr.dataset.allocations = r.allocations;
    if (r.region) {
      const region = document.createElement('span');
      region.className = 'region';
      region.textContent = r.region;
      tr.cells[0].append(region);
    }
    const share = r.capacity > 0 ? r.allocations / r.capacity : 0;
    tr.cells[1].append(meter(share, share > 0.9 ? 'bad' : share > 0.7 ? 'warn' : 'good',
      `${r.allocations} / ${r.capacity}`));
    return tr;
  }));
  $('relays-empty').hidden = relays.length > 0;
  $('relays-count').textContent = relays.length;
}

/** The history in slots of a few minutes over the chosen range, oldest first. */
function slots() {
  const minutes = state.rangeMinutes;
  const step = minutes <= 60 ? 1 : minutes <= 240 ? 5 : 15;
  const end = Math.floor(now() / MINUTE) * MINUTE;
  const first = end - (minutes - step) * MINUTE;
  const out = [];
  for (let start = first - (first % (step * MINUTE)); start <= end; start += step * MINUTE) {
    const s = { start, requested: 0, answered: 0, abandoned: 0, waitTotal: 0, waitMax: 0 };
    for (let m = start; m < start + step * MINUTE; m += MINUTE) {
      const b = state.history.get(m);
      if (!b) continue;
      s.requested += b.requested;
      s.answered += b.answered;
      s.abandoned += b.abandoned;
      s.waitTotal += b.waitMsTotal;
      s.waitMax = Math.max(s.waitMax, b.waitMsMax);
    }
    s.avgWait = s.answered ? s.waitTotal / s.answered / 1000 : null;
    s.maxWait = s.answered ? s.waitMax / 1000 : null;
    out.push(s);
  }
  return out;
}

function renderCharts() {
  const data = slots();
  lineChart($('wait-chart'), data, [{ key: 'maxWait', color: COLORS.max, dashed: true },
    { key: 'avgWait', color: COLORS.avg }], clock, v => (v < 10 && !Number.isInteger(v) ? v.toFixed(1) : `${Math.round(v)}`),
  t('charts.empty'));
  barChart($('volume-chart'), data, [{ key: 'answered', color: COLORS.answered },
    { key: 'abandoned', color: COLORS.abandoned }], { key: 'requested', color: COLORS.requested }, clock,
  t('charts.empty'));
  $('wait-legend').replaceChildren(legendItem('', t('series.avgWait'), COLORS.avg),
    legendItem('', t('series.maxWait'), COLORS.max));
  $('volume-legend').replaceChildren(legendItem('', t('series.answered'), COLORS.answered),
    legendItem('', t('series.abandoned'), COLORS.abandoned), legendItem('', t('series.requested'), COLORS.requested));
}

function legendItem(cls, text, color) {
  const li = document.createElement('li');
  const sw = document.createElement('span');
  sw.className = `swatch ${cls}`;
  if (color) sw.style.background = color;
  li.append(sw, text);
  return li;
}

function row(cells, classes) {
  const tr = document.createElement('tr');
  cells.forEach((c, i) => {
    const td = document.createElement('td');
    td.className = classes[i] || '';
    td.textContent = c;
    tr.append(td);
  });
  return tr;
}

function setStatus(s) {
  document.body.dataset.status = s;
  const pill = $('status');
  pill.dataset.i18n = `status.${s}`;
  pill.textContent = t(`status.${s}`);
  pill.dataset.tone = s === 'live' ? 'good' : s === 'reconnecting' || s === 'connecting' ? 'warn' : '';
}

function showBanner(text) {
  $('banner').textContent = text;
  $('banner').hidden = false;
}

function hideBanner() {
  $('banner').hidden = true;
}

function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function percent(x) {
  return `${(x * 100).toFixed(x >= 0.995 || x === 0 ? 0 : 1)}%`;
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString(language() === 'en' ? 'en-GB' : 'zh-CN',
    { hour: '2-digit', minute: '2-digit', hour12: false });
}

// ------------------------------------------------------------------ start

function tick() {
  $('clock').textContent = new Date(now()).toLocaleTimeString(language() === 'en' ? 'en-GB' : 'zh-CN',
    { hour12: false });
  render(); // durations count up between pushes
}

function start() {
  setLanguage(language());
  $('lang').textContent = language() === 'en' ? '中文' : 'EN';
  $('lang').onclick = () => {
    setLanguage(language() === 'en' ? 'zh' : 'en');
    $('lang').textContent = language() === 'en' ? '中文' : 'EN';
    setStatus(document.body.dataset.status);
    render();
  };
  $('signin-form').onsubmit = e => {
    e.preventDefault();
    signIn($('signin-token').value);
  };
  $('signout').onclick = () => signOut();
  document.querySelectorAll('[data-range]').forEach(b => {
    b.onclick = () => {
      state.rangeMinutes = Number(b.dataset.range);
      document.querySelectorAll('[data-range]').forEach(x => x.classList.toggle('on', x === b));
      renderCharts();
    };
  });
  window.addEventListener('resize', () => renderCharts());
  setInterval(tick, 1000);
  tick();
  if (state.token) signIn(state.token);
}

start();
