// The agent console (docs/operations.md, "The agent console"): sign in with an agent token, take calls offered from
// the queue, talk to the station with video, receive its scans, ID-card reads and codes, send forms to print, and
// finish with after-call notes. Everything goes through the shared browser client (../common/): the signalling
// session, the call's media and the call's documents. The token stays in this tab (sessionStorage).
import { SignallingClient } from '../common/doorstep-client.js';
import { CallMedia } from '../common/media.js';
import { CallDocuments } from '../common/documents.js';
import { createI18n } from '../common/i18n.js';
import { WORDS } from './words.js';

const { t, named, language, setLanguage } = createI18n(WORDS);
const $ = id => document.getElementById(id);
const TOKEN_KEY = 'doorstep.agentToken';
const NOTES_KEY = 'doorstep.agentShift';
/** How many bytes may arrive between two redraws of a progressive preview. */
const PREVIEW_STEP_BYTES = 64 * 1024;

const state = {
  client: null, agentState: 'away', offer: null, call: null, wrapUpEndsAt: null, lastEnded: null,
  recent: JSON.parse(sessionStorage.getItem(NOTES_KEY) || '[]'),
};

// ------------------------------------------------------------------ sign-in

async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  $('signin-error').hidden = true;
  const client = new SignallingClient({ token });
  state.client = client;
  listen(client);
  try {
    const welcome = await client.connect();
    if (welcome.identity.role !== 'agent') {
      await client.close();
      refuse(t('error.agentsOnly'));
      return;
    }
    $('agent-name').textContent = welcome.identity.name;
    show('desk');
  } catch (e) {
    refuse(e.code === 'ROLE_MISMATCH' ? t('error.agentsOnly')
      : ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'UNKNOWN_IDENTITY', 'MISSING_FIELD', 'INVALID_FIELD'].includes(e.code)
        ? t('error.token') : failed(e));
  }
}

/** What to say of a refused request: "try again shortly" when that may help, otherwise its code. */
function failed(e) {
  return e.temporary ? t('error.unavailable') : t('error.other') + e.code;
}

function refuse(text) {
  signedOut(text);
  setStatus('refused', 'bad');
}

async function signOut() {
  const client = state.client;
  endCall();
  if (client) await client.close();
  signedOut();
}

function signedOut(errorText) {
  state.client = null;
  sessionStorage.removeItem(TOKEN_KEY);
  stopRinging();
  show('signin');
  $('signin-error').hidden = !errorText;
  $('signin-error').textContent = errorText || '';
  setStatus('signedOut');
}

function show(view) {
  const signedIn = view === 'desk';
  $('signin').hidden = signedIn;
  $('desk').hidden = !signedIn;
  $('signout').hidden = !signedIn;
  $('state-box').hidden = !signedIn;
  document.body.dataset.view = signedIn ? 'desk' : 'signin';
}

// ------------------------------------------------------------------ the session's messages

function listen(client) {
  const on = (type, handle) => client.addEventListener(type, e => { if (client === state.client) handle(e.detail); });
  on('connection', connection);
  on('welcome', m => { if (m.resumeError) dropOffer(); });
  on('agent.state', agentState);
  on('call.offer', offered);
  on('call.offer.withdrawn', m => {
    dropOffer();
    const key = `withdrawn.${m.cause}`;
    notice(t(key) === key ? t('withdrawn.other') : t(key));
  });
  on('call.connected', connected);
  on('call.ended', ended);
  on('peer.reconnecting', () => banner(t('banner.peerReconnecting')));
  on('peer.reconnected', () => banner(null));
  on('device.idcard', m => idCard(m.card));
  on('device.barcode', m => barcode(m.barcode));
  on('device.declined', m => requestStatus(m.requestId, 'declined', t('kit.declined', { r: m.reason })));
  on('print.result', printResult);
  on('server.shutdown', m => { if (m.action === 'finish_call') banner(t('banner.draining')); });
  on('session.replaced', () => refuse(t('error.replaced')));
}

function connection({ state: s, reason }) {
  document.body.dataset.status = s;
  if (s === 'online') {
    setStatus('online', 'good');
    banner(null);
  } else if (s === 'reconnecting') {
    setStatus('reconnecting', 'warn');
    banner(t('banner.reconnecting'));
  } else if (s === 'connecting') {
    setStatus('connecting', 'warn');
  } else if (s === 'closed' && state.client && reason !== 'signed-out') {
    endCall();
    refuse(['TOKEN_INVALID', 'TOKEN_EXPIRED'].includes(reason) ? t('error.token')
      : reason === 'replaced' ? t('error.replaced') : t('error.other') + reason);
  }
}

function agentState(m) {
  state.agentState = m.state;
  state.wrapUpEndsAt = m.state === 'wrap_up' ? m.wrapUpEndsAt : null;
  document.body.dataset.agentState = m.state;
  const chip = $('agent-state');
  chip.dataset.state = m.state;
  chip.dataset.i18n = `state.${m.state}`;
  chip.textContent = t(`state.${m.state}`);
  $('go-available').hidden = !['away', 'wrap_up'].includes(m.state);
  $('go-away').hidden = m.state !== 'available';
  if (m.state !== 'offered') dropOffer();
  // Not busy means no call: after a refused resume the session is new, and a call that ended meanwhile is not
  // announced again (protocol 13.1: rebuild from what the server sends).
  if (state.call && m.state !== 'busy') ended({ callId: state.call.callId, cause: 'AGENT_LOST' });
  if (m.state === 'wrap_up') showWrapUp();
  else if (m.state === 'available' || m.state === 'away') showIdle();
  tick();
}

function setAgentState(next) {
  state.client.request('agent.state', { state: next }).catch(e => notice(failed(e)));
}

// ------------------------------------------------------------------ offers

function offered(m) {
  state.offer = { ...m, receivedAt: performance.now() };
  $('offer-station').textContent = m.station.name;
  $('offer-place').textContent = `${m.station.town} · ${m.station.village}`;
  $('offer-item').textContent = `${named(m.serviceItem)} (${m.serviceItem.code})`;
  $('offer-priority').hidden = !m.priority;
  $('offer').hidden = false;
  $('offer').dataset.call = m.callId;
  $('accept').disabled = false;
  $('reject').disabled = false;
  tick();
  startRinging();
}

function dropOffer() {
  state.offer = null;
  $('offer').hidden = true;
  stopRinging();
}

async function accept() {
  const offer = state.offer;
  if (!offer) return;
  $('accept').disabled = true;
  stopRinging();
  try {
    await state.client.request('call.accept', { callId: offer.callId });
  } catch (e) {
    notice(failed(e));
  }
  dropOffer();
}

async function reject() {
  const offer = state.offer;
  if (!offer) return;
  dropOffer();
  await state.client.request('call.reject', { callId: offer.callId }).catch(() => {});
}

// The ring: two short tones every two seconds, made with WebAudio (no sound file to download).
let audio = null;
let ringTimer = null;

function unlockAudio() {
  audio = audio || new AudioContext();
  if (audio.state === 'suspended') audio.resume();
}

function startRinging() {
  stopRinging();
  unlockAudio();
  const ring = () => [0, 0.5].forEach(at => tone(audio.currentTime + at, 0.35));
  ring();
  ringTimer = setInterval(ring, 2000);
  document.body.dataset.ringing = 'true';
}

function tone(start, seconds) {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = 'sine';
  osc.frequency.setValueAtTime(880, start);
  osc.frequency.setValueAtTime(660, start + seconds / 2);
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.25, start + 0.03);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds);
  osc.connect(gain).connect(audio.destination);
  osc.start(start);
  osc.stop(start + seconds);
}

function stopRinging() {
  clearInterval(ringTimer);
  ringTimer = null;
  document.body.dataset.ringing = 'false';
}

// ------------------------------------------------------------------ the call

function connected(m) {
  if (state.call && state.call.callId === m.callId) return; // re-sent after a fresh sign-in: the media rebuilds itself
  endCall();
  const client = state.client;
  const media = new CallMedia(client, m);
  const call = {
    callId: m.callId, station: m.peer, serviceItem: m.serviceItem, startedAt: Date.now(), media,
    documents: new CallDocuments(client, m.callId), requests: 0, jobs: 0, muted: false, cameraOff: false,
  };
  state.call = call;
  resetCallPanels();
  $('call-station').textContent = m.peer.name;
  $('call-item').textContent = `${named(m.serviceItem)} (${m.serviceItem.code})`;
  $('call').dataset.call = m.callId;
  showView('call');
  media.addEventListener('localstream', e => { $('local-video').srcObject = e.detail; });
  media.addEventListener('remotestream', e => {
    if ($('remote-video').srcObject !== e.detail) $('remote-video').srcObject = e.detail;
  });
  media.addEventListener('quality', e => quality(e.detail));
  media.addEventListener('devicefailed', e => notice(t('media.denied', { r: e.detail.name })));
  call.documents.addEventListener('change', e => documentChanged(call, e.detail));
  media.start();
}

function ended(m) {
  const call = state.call;
  if (!call || call.callId !== m.callId) return;
  state.lastEnded = {
    callId: call.callId, station: call.station.name, item: named(call.serviceItem), talkMs: Date.now() - call.startedAt,
    cause: m.cause, at: Date.now(),
  };
  endCall();
  banner(null);
  $('notes').value = '';
  $('wrap-ended').textContent = `${t('wrap.ended')} (${t(`ended.${m.cause}`)}) · ${t('wrap.summary', {
    station: state.lastEnded.station, item: state.lastEnded.item, t: duration(state.lastEnded.talkMs) })}`;
  showWrapUp(); // agent.state follows: wrap_up keeps this view, available or away (no wrap-up) saves and leaves it
}

function endCall() {
  const call = state.call;
  if (!call) return;
  state.call = null;
  call.media.close();
  call.documents.close();
  $('remote-video').srcObject = null;
  $('local-video').srcObject = null;
}

async function hangUp() {
  const call = state.call;
  if (!call) return;
  $('hangup').disabled = true;
  try {
    await call.media.hangup();
  } catch (e) {
    notice(failed(e));
  } finally {
    $('hangup').disabled = false;
  }
}

function toggleMute() {
  const call = state.call;
  call.muted = !call.muted;
  call.media.setMuted(call.muted);
  toggle($('mute'), call.muted, 'call.unmute', 'call.mute');
}

function toggleCamera() {
  const call = state.call;
  call.cameraOff = !call.cameraOff;
  call.media.setCameraOff(call.cameraOff);
  document.body.dataset.camera = call.cameraOff ? 'off' : 'on';
  toggle($('camera'), call.cameraOff, 'call.cameraOn', 'call.cameraOff');
}

function toggle(button, on, onKey, offKey) {
  button.setAttribute('aria-pressed', String(on));
  button.dataset.i18n = on ? onKey : offKey;
  button.textContent = t(button.dataset.i18n);
}

function quality(q) {
  const box = $('quality');
  box.dataset.level = q.level;
  box.dataset.framesDecoded = q.framesDecoded;
  box.dataset.candidateType = q.candidateType || '';
  $('quality-label').dataset.i18n = `quality.${q.level}`;
  $('quality-label').textContent = t(`quality.${q.level}`);
  $('no-video').hidden = q.framesDecoded > 0;
  $('quality-detail').textContent = q.candidateType ? t('quality.detail', {
    rtt: q.rttMs == null ? '—' : Math.round(q.rttMs),
    loss: q.fractionLost == null ? '—' : `${(q.fractionLost * 100).toFixed(1)}%`,
    kbps: q.bitrateInKbps == null ? '—' : Math.round(q.bitrateInKbps),
    fps: Math.round(q.framesPerSecond || 0),
    path: t(q.candidateType === 'relay' ? 'quality.relay' : 'quality.direct'),
  }) : '';
}

function resetCallPanels() {
  ['requests', 'barcodes', 'documents', 'print-jobs'].forEach(id => $(id).replaceChildren());
  $('idcard').hidden = true;
  $('idcard-empty').hidden = false;
  $('barcodes-empty').hidden = false;
  $('documents-empty').hidden = false;
  $('print-empty').hidden = false;
  $('documents-count').textContent = '0';
  $('quality').dataset.level = 'none';
  $('quality').dataset.framesDecoded = '0';
  $('quality-detail').textContent = '';
  $('no-video').hidden = false;
  $('mute').setAttribute('aria-pressed', 'false');
  $('camera').setAttribute('aria-pressed', 'false');
  document.body.dataset.camera = 'on';
  toggle($('mute'), false, 'call.unmute', 'call.mute');
  toggle($('camera'), false, 'call.cameraOn', 'call.cameraOff');
}

// ------------------------------------------------------------------ ID card, codes, device requests

function requestDevice(device) {
  const call = state.call;
  if (!call) return;
  const requestId = `dr-${call.callId.slice(-6)}-${++call.requests}`;
  const prompt = $('prompt').value.trim();
  const li = document.createElement('li');
  li.dataset.request = requestId;
  li.dataset.device = device;
  li.dataset.status = 'requested';
  li.textContent = `${t(`device.${device}`)}: ${t('kit.requested')}`;
  $('requests').prepend(li);
  state.client.request('device.request', { callId: call.callId, requestId, device, ...(prompt ? { prompt } : {}) })
    .catch(e => requestStatus(requestId, 'declined', t('kit.declined', { r: e.message })));
}

function requestStatus(requestId, status, text) {
  const li = document.querySelector(`#requests li[data-request="${CSS.escape(requestId)}"]`);
  if (!li) return;
  li.dataset.status = status;
  li.textContent = `${t(`device.${li.dataset.device}`)}: ${text}`;
}

function requestsDone(device) {
  document.querySelectorAll(`#requests li[data-device="${device}"][data-status="requested"]`)
    .forEach(li => li.remove());
}

function idCard(card) {
  requestsDone('idcard-reader');
  $('idcard').hidden = false;
  $('idcard-empty').hidden = true;
  $('idcard-name').textContent = card.name;
  const number = $('idcard-number');
  number.dataset.full = card.idNumber; // only in this page, for the reveal; never logged or stored
  showIdNumber(true);
  $('idcard-sex').textContent = [card.sex, card.ethnicity].filter(Boolean).join(' · ');
  $('idcard-birth').textContent = card.birthDate || '';
  $('idcard-address').textContent = card.address || '';
  $('idcard-valid').textContent = [card.validFrom, card.validTo].filter(Boolean).join(' – ');
  const photo = $('idcard-photo');
  photo.hidden = !card.photo;
  if (card.photo) photo.src = card.photo.startsWith('data:') ? card.photo : `data:image/jpeg;base64,${card.photo}`;
}

/** The ID number with all but the region (first 6) and the last 4 characters hidden, until the agent reveals it. */
function showIdNumber(masked) {
  const number = $('idcard-number');
  const full = number.dataset.full || '';
  number.dataset.masked = String(masked);
  number.textContent = masked ? mask(full) : full;
  $('reveal').dataset.i18n = masked ? 'kit.reveal' : 'kit.hide';
  $('reveal').textContent = t($('reveal').dataset.i18n);
}

function mask(id) {
  if (id.length <= 10) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

function barcode(code) {
  requestsDone('barcode-scanner');
  const li = document.createElement('li');
  const value = document.createElement('span');
  value.className = 'mono';
  value.textContent = code.code;
  const kind = document.createElement('span');
  kind.className = 'muted';
  kind.textContent = code.symbology || '';
  li.append(value, kind);
  $('barcodes').prepend(li);
  $('barcodes-empty').hidden = true;
}

// ------------------------------------------------------------------ documents

function documentChanged(call, doc) {
  if (call !== state.call) return;
  let li = document.querySelector(`#documents li[data-document="${CSS.escape(doc.documentId)}"]`);
  if (!li) {
    li = documentRow(doc);
    $('documents').prepend(li);
    $('documents-empty').hidden = true;
    $('documents-count').textContent = String(call.documents.documents.size);
    if (doc.uploadedBy === 'station') readDocument(call, doc, li);
    if (doc.device === 'document-camera') requestsDone('document-camera');
  }
  li.dataset.status = doc.status;
  const pct = doc.length ? Math.min(100, Math.round(100 * (doc.offset || 0) / doc.length)) : 0;
  li.querySelector('.progress span').style.width = `${pct}%`;
  li.querySelector('.progress').hidden = doc.status !== 'uploading';
  const state_ = li.querySelector('.doc-state');
  if (doc.status === 'uploading') state_.textContent = t('docs.uploading', { p: `${pct}%` });
  else if (doc.status === 'abandoned' || doc.status === 'deleted') {
    state_.textContent = '';
    badge(li, 'abandoned', t(`docs.${doc.status}`));
  } else state_.textContent = size(doc.length);
}

function documentRow(doc) {
  const li = document.createElement('li');
  li.className = 'doc';
  li.dataset.document = doc.documentId;
  li.dataset.uploadedBy = doc.uploadedBy;
  li.innerHTML = '<div class="thumb"></div><div><div class="doc-name"></div><div class="progress"><span></span></div>'
    + '<div class="doc-meta"><span class="doc-from"></span><span class="doc-state"></span>'
    + '<span class="badge" hidden></span>'
    + '<a class="doc-open" target="_blank" rel="noopener" hidden></a></div></div>';
  li.querySelector('.doc-name').textContent = doc.filename || doc.documentId;
  li.querySelector('.doc-from').textContent = [t(doc.uploadedBy === 'station' ? 'docs.fromStation' : 'docs.fromAgent'),
    doc.device ? t(`device.${doc.device}`) : '', doc.page ? t('docs.page', { n: doc.page }) : '']
    .filter(Boolean).join(' · ');
  li.querySelector('.doc-open').textContent = t('docs.open');
  li.querySelector('.thumb').textContent = kindOf(doc);
  return li;
}

async function readDocument(call, doc, li) {
  const thumb = li.querySelector('.thumb');
  let img = null;
  let drawnAt = 0;
  badge(li, 'checking', t('docs.checking'));
  try {
    const result = await call.documents.read(doc.documentId, {
      onBytes: (blob, received) => {
        if (!blob.type.startsWith('image/') || received - drawnAt < PREVIEW_STEP_BYTES) return;
        drawnAt = received;
        img = preview(thumb, img, blob); // the part so far: a progressive scan sharpens as it arrives
      },
    });
    if (call !== state.call) return;
    const url = URL.createObjectURL(result.blob);
    if (result.blob.type.startsWith('image/')) img = preview(thumb, img, result.blob);
    else thumb.textContent = 'PDF';
    const open = li.querySelector('.doc-open');
    open.href = url;
    open.hidden = false;
    li.dataset.sha256 = result.sha256;
    li.dataset.verified = String(result.verified);
    badge(li, result.verified ? 'verified' : 'mismatch', t(result.verified ? 'docs.verified' : 'docs.mismatch'));
  } catch (e) {
    if (call === state.call && li.dataset.status !== 'abandoned') badge(li, 'abandoned', t('docs.abandoned'));
  }
}

/** A short label for a document without a preview yet (or, for the agent's own forms, at all). */
function kindOf(doc) {
  const name = `${doc.mediaType || ''} ${doc.filename || ''}`.toLowerCase();
  return name.includes('pdf') ? 'PDF' : name.includes('png') ? 'PNG' : 'JPG';
}

function preview(thumb, img, blob) {
  const next = img || document.createElement('img');
  const old = next.src;
  next.src = URL.createObjectURL(blob);
  if (old) URL.revokeObjectURL(old);
  if (!img) thumb.replaceChildren(next);
  return next;
}

function badge(li, kind, text) {
  const b = li.querySelector('.badge');
  b.hidden = false;
  b.className = `badge ${kind}`;
  b.textContent = text;
}

// ------------------------------------------------------------------ printing

async function sendToPrint(event) {
  event.preventDefault();
  const call = state.call;
  const file = $('print-file').files[0];
  if (!call || !file) return;
  const copies = Math.min(20, Math.max(1, Number($('print-copies').value) || 1));
  const jobId = `job-${++call.jobs}`;
  const li = document.createElement('li');
  li.dataset.job = jobId;
  li.innerHTML = '<span class="job-name"></span><span class="job-status"></span>';
  li.querySelector('.job-name').textContent = `${file.name} × ${copies}`;
  $('print-jobs').prepend(li);
  $('print-empty').hidden = true;
  const status = (s, text) => { li.dataset.status = s; li.querySelector('.job-status').textContent = text; };
  status('uploading', t('print.uploading', { p: '0%' }));
  $('print-form').reset();
  $('print-file-label').textContent = t('print.choose');
  try {
    const done = await call.documents.upload(file, { device: 'agent-form', page: 1,
      onProgress: (sent, total) => status('uploading', t('print.uploading', { p: `${Math.round(100 * sent / total)}%` })),
    });
    li.dataset.document = done.documentId;
    ownDocument(done.documentId, file);
    await state.client.request('print.request', { callId: call.callId, jobId, documentId: done.documentId, copies });
    status('sent', t('print.sent'));
  } catch (e) {
    status('error', t('print.error', { r: e.code || e.message }));
  }
}

/** The agent's own upload opens from the file it came from: no need to read it back from the relay. */
function ownDocument(documentId, file) {
  const row = document.querySelector(`#documents li[data-document="${CSS.escape(documentId)}"]`);
  if (!row) return;
  const open = row.querySelector('.doc-open');
  open.href = URL.createObjectURL(file);
  open.hidden = false;
  if (file.type.startsWith('image/')) preview(row.querySelector('.thumb'), null, file);
}

function printResult(m) {
  const li = document.querySelector(`#print-jobs li[data-job="${CSS.escape(m.jobId)}"]`);
  if (!li || !state.call || state.call.callId !== m.callId) return;
  li.dataset.status = m.status;
  li.querySelector('.job-status').textContent = m.status === 'printed' ? t('print.printed')
    : t('print.failed', { r: m.reason || '' });
}

// ------------------------------------------------------------------ wrap-up and idle

function showView(view) {
  $('idle').hidden = view !== 'idle';
  $('call').hidden = view !== 'call';
  $('wrapup').hidden = view !== 'wrapup';
  document.body.dataset.callView = view;
}

function showIdle() {
  if (state.call) return;
  saveNotes();
  const available = state.agentState === 'available';
  $('idle-title').dataset.i18n = available ? 'idle.available' : 'idle.away';
  $('idle-hint').dataset.i18n = available ? 'idle.availableHint' : 'idle.awayHint';
  $('idle-title').textContent = t($('idle-title').dataset.i18n);
  $('idle-hint').textContent = t($('idle-hint').dataset.i18n);
  renderRecent();
  showView('idle');
}

function showWrapUp() {
  if (state.call) return;
  if (!state.lastEnded) $('wrap-ended').textContent = t('wrap.ended');
  showView('wrapup');
}

/** The notes of the call just finished, kept with the shift's calls in this tab only (see wrap.notesHint). */
function saveNotes() {
  if (!state.lastEnded) return;
  state.recent.unshift({ ...state.lastEnded, notes: $('notes').value.trim() });
  state.recent = state.recent.slice(0, 50);
  sessionStorage.setItem(NOTES_KEY, JSON.stringify(state.recent));
  state.lastEnded = null;
  $('notes').value = '';
}

function finishWrapUp(next) {
  saveNotes();
  setAgentState(next);
}

function renderRecent() {
  $('recent').replaceChildren(...state.recent.map(r => {
    const li = document.createElement('li');
    li.dataset.call = r.callId;
    li.innerHTML = '<span class="muted"></span><span></span><span class="muted"></span><span class="note"></span>';
    li.children[0].textContent = clock(r.at).slice(0, 5);
    li.children[1].textContent = `${r.station} · ${r.item}`;
    li.children[2].textContent = duration(r.talkMs);
    li.children[3].textContent = r.notes || '';
    li.children[3].hidden = !r.notes;
    return li;
  }));
  $('recent-empty').hidden = state.recent.length > 0;
}

// ------------------------------------------------------------------ page furniture

function banner(text) {
  const reconnecting = state.client && state.client.state === 'reconnecting';
  const shown = text || (reconnecting ? t('banner.reconnecting') : null);
  $('banner').hidden = !shown;
  $('banner').textContent = shown || '';
}

let noticeTimer = null;

function notice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { $('notice').hidden = true; }, 8000);
}

function setStatus(key, tone = '') {
  $('status').dataset.i18n = `status.${key}`;
  $('status').textContent = t(`status.${key}`);
  $('status').dataset.tone = tone;
  if (key === 'signedOut') document.body.dataset.status = 'signed-out';
  if (key === 'refused') document.body.dataset.status = 'refused';
}

/** Once a second: the clock, the offer's waited and remaining time, the call timer, the wrap-up countdown. */
function tick() {
  $('clock').textContent = clock(Date.now());
  const offer = state.offer;
  if (offer) {
    const since = performance.now() - offer.receivedAt;
    $('offer-waited').textContent = t('offer.waited', { t: duration(offer.waitedMs + since) });
    const left = Math.max(0, Math.ceil((offer.ringTimeoutMs - since) / 1000));
    $('offer-left').textContent = t('offer.answerWithin', { s: left });
  }
  if (state.call) $('call-timer').textContent = duration(Date.now() - state.call.startedAt);
  const wrap = state.wrapUpEndsAt && state.client
    ? Math.max(0, Math.ceil((state.wrapUpEndsAt - state.client.serverNow()) / 1000)) : null;
  $('wrap-countdown').hidden = wrap == null;
  $('wrap-countdown').textContent = wrap == null ? '' : `${wrap}s`;
  $('wrap-left').textContent = wrap == null ? '' : t('wrap.endsIn', { s: wrap });
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString('zh-CN', { hour12: false });
}

function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function size(bytes) {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function relabel() {
  setLanguage(language() === 'zh' ? 'en' : 'zh');
  $('lang').textContent = t('lang');
  renderRecent();
  tick();
}

// ------------------------------------------------------------------ wiring

$('signin-form').addEventListener('submit', e => {
  e.preventDefault();
  unlockAudio(); // a click: the browser lets the page play the ring from now on
  signIn($('signin-token').value.trim());
});
$('signout').addEventListener('click', signOut);
$('lang').addEventListener('click', relabel);
$('go-available').addEventListener('click', () => { saveNotes(); setAgentState('available'); });
$('go-away').addEventListener('click', () => setAgentState('away'));
$('accept').addEventListener('click', accept);
$('reject').addEventListener('click', reject);
$('hangup').addEventListener('click', hangUp);
$('mute').addEventListener('click', toggleMute);
$('camera').addEventListener('click', toggleCamera);
$('reveal').addEventListener('click', () => showIdNumber($('idcard-number').dataset.masked !== 'true'));
document.querySelectorAll('.request-buttons button')
  .forEach(b => b.addEventListener('click', () => requestDevice(b.dataset.device)));
$('print-form').addEventListener('submit', sendToPrint);
$('print-file').addEventListener('change', () => {
  const file = $('print-file').files[0];
  $('print-file-label').textContent = file ? file.name : t('print.choose');
});
$('wrap-done').addEventListener('click', () => finishWrapUp('available'));
$('wrap-away').addEventListener('click', () => finishWrapUp('away'));
setInterval(tick, 1000);

setLanguage(language());
$('lang').textContent = t('lang');
renderRecent();
showView('idle');
tick();
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved);
