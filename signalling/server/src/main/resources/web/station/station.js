// The station page: a browser kiosk at a village service station. One step at a time, in large type: sign in with
// the station's token, choose the service item, call (with priority for an elderly or disabled villager), wait with
// the queue position and estimate in view, then the video call with the agent, where the kit's work happens
// (kit.js). The token stays in this tab (sessionStorage) and is never put in a URL.
import { t, names, language, setLanguage } from './i18n.js';
import { loadCatalogue, renderCatalogue } from './catalogue.js';
import { Kit } from './kit.js';
import { $ } from './dom.js';
import { SignallingClient } from '../common/doorstep-client.js';
import { CallMedia } from '../common/media.js';

const TOKEN_KEY = 'doorstep.stationToken';
/** Sign-in refusals that a retry cannot mend: the page goes back to the sign-in form and says why. */
const REFUSALS = {
  ROLE_MISMATCH: 'error.stationsOnly', TOKEN_INVALID: 'error.token', TOKEN_EXPIRED: 'error.token',
  UNKNOWN_IDENTITY: 'error.token', MISSING_FIELD: 'error.token', INVALID_FIELD: 'error.token',
  STATE_UNAVAILABLE: 'error.unavailable',
};

const state = {
  token: sessionStorage.getItem(TOKEN_KEY), client: null, catalogue: null, chosen: null,
  call: null, // {id, item, priority, queuedAt, ringing, position, estimate, connectedAt, peer}
  media: null, kit: null, ended: null,
};
const now = () => (state.client ? state.client.serverNow() : Date.now());

// ------------------------------------------------------------------ connection

async function signIn(token) {
  state.token = token.trim();
  sessionStorage.setItem(TOKEN_KEY, state.token);
  $('signin-error').hidden = true;
  // Another role's token would sign that agent or operator in here and take their session over: say no first.
  if (!['station', undefined].includes(claims(state.token).role)) {
    refuse('ROLE_MISMATCH');
    return;
  }
  const client = new SignallingClient({ token: state.token });
  state.client = client;
  state.kit = new Kit(client);
  client.addEventListener('connection', e => connection(client, e.detail));
  client.addEventListener('welcome', e => welcome(e.detail));
  client.addEventListener('call.queued', e => queued(e.detail));
  client.addEventListener('call.connected', e => connected(e.detail));
  client.addEventListener('call.ended', e => ended(e.detail));
  client.addEventListener('peer.reconnecting', () => showBanner('banner.peerReconnecting'));
  client.addEventListener('peer.reconnected', () => hideBanner('banner.peerReconnecting'));
  client.addEventListener('server.shutdown', e => {
    if (e.detail.action === 'finish_call') showBanner('banner.shutdown');
  });
  client.addEventListener('session.replaced', () => signOut(t('error.replaced')));
  try {
    await client.connect();
  } catch (e) {
    if (client === state.client) refuse(e.code);
  }
}

/** The token's claims as the page can read them (not verified: the server does that), or {} if it has none. */
function claims(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch (e) {
    return {};
  }
}

function connection(client, { state: s }) {
  if (client !== state.client) return;
  setStatus(s === 'closed' ? 'closed' : s);
  if (s === 'online') hideBanner('banner.reconnecting');
  if (s === 'reconnecting') showBanner('banner.reconnecting');
}

/** A refused sign-in: back to the form, saying why. */
function refuse(code) {
  signOut(REFUSALS[code] ? t(REFUSALS[code]) : code === 'CONNECTION_CLOSED' ? t('error.connect')
    : t('error.other') + code);
  setStatus('refused');
}

function welcome(m) {
  if (m.identity.role !== 'station') {
    refuse('ROLE_MISMATCH');
    return;
  }
  $('station-name').textContent = m.identity.name;
  $('station-name').removeAttribute('data-i18n');
  $('signout').hidden = false;
  if (!m.resumed) forgetCall(); // a fresh session: the server re-sends the live call, if any, right after
  state.kit.reportDevices();
  if (!state.catalogue) showCatalogue();
  else if (!state.call && !state.ended) show('catalogue');
}

function signOut(errorText) {
  const client = state.client;
  state.client = null;
  forgetCall();
  if (client) client.close();
  state.token = null;
  state.catalogue = null;
  state.ended = null;
  sessionStorage.removeItem(TOKEN_KEY);
  $('signout').hidden = true;
  $('station-name').dataset.i18n = 'subtitle';
  $('station-name').textContent = t('subtitle');
  $('signin-error').hidden = !errorText;
  $('signin-error').textContent = errorText || '';
  hideBanner();
  show('signin');
  setStatus('signedOut');
}

// ------------------------------------------------------------------ step 1: choose and call

async function showCatalogue() {
  show('catalogue');
  $('catalogue-error').hidden = true;
  try {
    state.catalogue = await loadCatalogue(state.token);
    drawCatalogue();
    $('search').focus();
  } catch (e) {
    $('catalogue-error').textContent = t('error.catalogue') + e.message;
    $('catalogue-error').hidden = false;
  }
}

function drawCatalogue() {
  if (!state.catalogue) return;
  const shown = renderCatalogue($('groups'), $('group-nav'), state.catalogue, $('search').value, state.chosen?.code, pick);
  $('no-match').hidden = shown.length > 0;
  return shown;
}

function pick(item) {
  state.chosen = item;
  $('chosen-name').removeAttribute('data-i18n');
  $('chosen-name').textContent = names(item)[0];
  $('call').disabled = false;
  $('call-error').hidden = true;
  for (const b of $('groups').querySelectorAll('button[data-item]')) {
    b.setAttribute('aria-pressed', String(b.dataset.item === item.code)); // in place: the list keeps its scroll
  }
}

async function placeCall() {
  if (!state.chosen || !state.client) return;
  $('call').disabled = true;
  $('call-error').hidden = true;
  try {
    queued(await state.client.request('call.request',
      { serviceItem: state.chosen.code, priority: $('priority').checked }));
  } catch (e) {
    const text = e.code === 'SERVER_DRAINING' ? t('error.draining') : e.code === 'ALREADY_IN_CALL' ? t('error.busy')
      : e.temporary ? t('error.unavailable') : t('error.call') + (e.message || e.code || e);
    $('call-error').textContent = text;
    $('call-error').hidden = false;
  } finally {
    $('call').disabled = !state.chosen;
  }
}

// ------------------------------------------------------------------ step 2: the queue

function queued(m) {
  if (state.call && state.call.id !== m.callId) forgetCall();
  if (!state.call) state.call = { id: m.callId, queuedAt: now() };
  Object.assign(state.call, { item: m.serviceItem, priority: m.priority, position: m.position,
    estimate: m.estimatedWaitSeconds, ringing: m.ringing });
  state.ended = null;
  document.body.dataset.call = m.callId;
  show('waiting');
  drawWaiting();
}

function drawWaiting() {
  const c = state.call;
  const [first, second] = names(c.item);
  $('wait-name').textContent = first;
  $('wait-name-other').textContent = second;
  $('wait-priority').hidden = !c.priority;
  document.body.dataset.ringing = String(c.ringing);
  $('wait-state').textContent = t(c.ringing ? 'wait.ringing' : 'wait.queued');
  $('queue-position').textContent = c.position === 1 ? t('wait.next') : t('wait.positionN', { n: c.position });
  $('queue-position').dataset.position = c.position;
  $('queue-wait').textContent = estimate(c);
  $('wait-note').textContent = c.estimate == null ? t('wait.noAgent') : '';
  $('queue-elapsed').textContent = duration(now() - c.queuedAt);
}

function estimate(c) {
  if (c.estimate == null) return t('wait.unknown');
  if (c.ringing || c.estimate === 0) return t('wait.now');
  return c.estimate < 60 ? t('wait.seconds', { n: c.estimate }) : t('wait.minutes', { n: Math.round(c.estimate / 60) });
}

/** Ends the call from this side: call.cancel while it waits, call.hangup once connected. */
async function endCall(type, button) {
  if (!state.call) return;
  const callId = state.call.id;
  $(button).disabled = true;
  try {
    ended(await state.client.request(type, { callId }));
  } catch (e) {
    if (e.code === 'NOT_IN_CALL') ended({ callId, reason: type === 'call.cancel' ? 'cancelled' : 'completed' });
  } finally {
    $(button).disabled = false;
  }
}

// ------------------------------------------------------------------ step 3: the call

function connected(m) {
  if (!state.call || state.call.id !== m.callId) state.call = { id: m.callId, queuedAt: now() };
  const call = state.call;
  Object.assign(call, { item: m.serviceItem, peer: m.peer, connectedAt: call.connectedAt ?? now() });
  document.body.dataset.call = m.callId;
  show('incall');
  $('agent-name').textContent = m.peer.name;
  $('call-item').textContent = names(m.serviceItem)[0];
  if (state.media && !state.media.closed) return; // signed in afresh during the call: the media rebuilds itself
  state.kit.start(call.id);
  startMedia(m);
}

function startMedia(m) {
  const media = new CallMedia(state.client, m);
  state.media = media;
  $('remote-note').dataset.i18n = 'call.connecting';
  $('remote-note').textContent = t('call.connecting');
  $('remote-note').hidden = false;
  media.addEventListener('localstream', e => { $('local-video').srcObject = e.detail; });
  media.addEventListener('remotestream', e => {
    $('remote-video').srcObject = e.detail;
    $('remote-note').hidden = true;
  });
  media.addEventListener('quality', e => drawQuality(e.detail));
  media.addEventListener('devicefailed', e => {
    $('remote-note').removeAttribute('data-i18n');
    $('remote-note').textContent = t('call.mediaError') + e.detail.message;
    $('remote-note').hidden = false;
  });
  media.start();
}

function drawQuality(q) {
  const pill = $('quality');
  const level = q.level;
  pill.dataset.framesDecoded = q.framesDecoded; // from getStats, as the agent console shows it
  pill.dataset.candidateType = q.candidateType || '';
  if (level === 'none') return;
  pill.dataset.level = level;
  pill.textContent = t(`quality.${level}`);
  pill.dataset.tone = level === 'good' ? 'good' : level === 'fair' ? 'warn' : 'bad';
  pill.hidden = false;
}

function toggleMute() {
  const on = $('mute').getAttribute('aria-pressed') !== 'true';
  state.media?.setMuted(on);
  $('mute').setAttribute('aria-pressed', String(on));
  $('mute').dataset.i18n = on ? 'call.unmute' : 'call.mute';
  $('mute').textContent = t($('mute').dataset.i18n);
}

function toggleCamera() {
  const off = $('camera').getAttribute('aria-pressed') !== 'true';
  state.media?.setCameraOff(off);
  document.body.dataset.camera = off ? 'off' : 'on';
  $('camera').setAttribute('aria-pressed', String(off));
  $('camera').dataset.i18n = off ? 'call.cameraOn' : 'call.cameraOff';
  $('camera').textContent = t($('camera').dataset.i18n);
}

// ------------------------------------------------------------------ the end

function ended(m) {
  if (!state.call || state.call.id !== m.callId) return;
  forgetCall();
  state.ended = m;
  $('ended-reason').textContent = t(`ended.${m.reason}`);
  $('ended-reason').dataset.reason = m.reason;
  hideBanner('banner.peerReconnecting');
  show('ended');
}

/** Drops what the page knows of the call: media, kit panels, queue display. */
function forgetCall() {
  if (state.media) state.media.close();
  state.media = null;
  state.kit?.stop();
  state.call = null;
  delete document.body.dataset.call;
  $('local-video').srcObject = null;
  $('remote-video').srcObject = null;
  $('quality').hidden = true;
  $('quality').dataset.framesDecoded = '0';
  for (const [id, key] of [['mute', 'call.mute'], ['camera', 'call.cameraOff']]) { // the next call starts unmuted
    $(id).setAttribute('aria-pressed', 'false');
    $(id).dataset.i18n = key;
    $(id).textContent = t(key);
  }
  document.body.dataset.camera = 'on';
  document.body.dataset.ringing = 'false';
}

function again() {
  state.ended = null;
  state.chosen = null;
  $('priority').checked = false;
  $('search').value = '';
  $('chosen-name').dataset.i18n = 'catalogue.none';
  $('chosen-name').textContent = t('catalogue.none');
  $('call').disabled = true;
  show('catalogue');
  drawCatalogue();
}

// ------------------------------------------------------------------ page

function show(view) {
  document.body.dataset.view = view;
  for (const v of ['signin', 'catalogue', 'waiting', 'incall', 'ended']) $(v).hidden = v !== view;
}

function setStatus(s) {
  document.body.dataset.status = s;
  const pill = $('status');
  pill.dataset.i18n = `status.${s}`;
  pill.textContent = t(`status.${s}`);
  pill.dataset.tone = s === 'online' ? 'good' : s === 'reconnecting' || s === 'connecting' ? 'warn'
    : s === 'refused' ? 'bad' : '';
}

/** One banner line at a time; the key is kept so the right one is taken down and the language switch redraws it. */
function showBanner(key) {
  $('banner').dataset.i18n = key;
  $('banner').textContent = t(key);
  $('banner').hidden = false;
}

function hideBanner(key) {
  if (!key || $('banner').dataset.i18n === key) $('banner').hidden = true;
}

function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(s / 60)).padStart(2, '0');
  return `${mm}:${String(s % 60).padStart(2, '0')}`;
}

function tick() {
  $('clock').textContent = new Date(now()).toLocaleTimeString(language() === 'en' ? 'en-GB' : 'zh-CN',
    { hour: '2-digit', minute: '2-digit', hour12: false });
  if (document.body.dataset.view === 'waiting' && state.call) $('queue-elapsed').textContent = duration(now() - state.call.queuedAt);
  if (state.call?.connectedAt) $('call-duration').textContent = duration(now() - state.call.connectedAt);
}

function switchLanguage() {
  setLanguage(language() === 'en' ? 'zh' : 'en');
  $('lang').textContent = language() === 'en' ? '中文' : 'English';
  drawCatalogue();
  if (state.chosen) $('chosen-name').textContent = names(state.chosen)[0];
  if (state.call && document.body.dataset.view === 'waiting') drawWaiting();
  if (state.call?.connectedAt) $('call-item').textContent = names(state.call.item)[0];
  if (state.ended) $('ended-reason').textContent = t(`ended.${state.ended.reason}`);
  state.kit?.redraw();
}

function start() {
  setLanguage(language());
  $('lang').textContent = language() === 'en' ? '中文' : 'English';
  $('lang').onclick = switchLanguage;
  $('signin-form').onsubmit = e => {
    e.preventDefault();
    signIn($('signin-token').value);
  };
  $('signout').onclick = () => signOut();
  $('search').oninput = () => drawCatalogue();
  $('search').onkeydown = e => {
    const shown = e.key === 'Enter' ? drawCatalogue() : null;
    if (shown?.length === 1) pick(shown[0]);
  };
  $('call').onclick = placeCall;
  $('cancel').onclick = () => endCall('call.cancel', 'cancel');
  $('mute').onclick = toggleMute;
  $('camera').onclick = toggleCamera;
  $('hangup').onclick = () => endCall('call.hangup', 'hangup');
  $('again').onclick = again;
  setInterval(tick, 1000);
  tick();
  if (state.token) signIn(state.token);
}

start();
