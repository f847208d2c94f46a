// The browser side of the signalling protocol (docs/protocol.md), shared by the agent console and the station page.
// One SignallingClient is one signed-in session: it says hello, keeps the heartbeat (ping with ack), matches replies
// to requests by id/re, and after a drop reconnects with backoff and resumes the session (sections 3.4-3.5), so the
// page sees every server message once, in order. Each server message is dispatched as a CustomEvent named after its
// type (detail = the message); the connection's state as a 'connection' event. Tokens are never logged.
import { after, every } from './ticker.js';

const BACKOFF = { firstMs: 500, maxMs: 15_000, jitter: 0.3 };
const REQUEST_TIMEOUT_MS = 15_000;
/** Messages sent while reconnecting wait for the new connection; beyond this many the oldest are dropped. */
const MAX_QUEUED = 200;
/** Sign-in refusals a retry cannot fix (protocol 13.1): the page needs a new token or an administrator. */
const FATAL = new Set(['TOKEN_INVALID', 'TOKEN_EXPIRED', 'ROLE_MISMATCH', 'UNKNOWN_IDENTITY', 'NOT_SIGNED_IN',
  'HELLO_TIMEOUT', 'BAD_JSON', 'INVALID_FIELD', 'MISSING_FIELD', 'UNKNOWN_TYPE']);

/** The page's own server: ws(s)://host/ws. */
export function defaultUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** Refusals that mean "not now" rather than "not this" (protocol section 9): the same request may succeed shortly. */
const TEMPORARY = new Set(['STATE_UNAVAILABLE', 'SERVER_DRAINING', 'RATE_LIMITED']);

/** An error the server answered with: code (the stable contract, section 9) and message. */
export class ProtocolError extends Error {
  constructor(code, message, reply) {
    super(`${code}: ${message}`);
    this.code = code;
    this.reply = reply;
  }

  /** Whether trying again shortly may succeed: a page says "try again shortly" rather than showing the code. */
  get temporary() {
    return TEMPORARY.has(this.code);
  }
}

export class SignallingClient extends EventTarget {
  constructor({ url = defaultUrl(), token } = {}) {
    super();
    if (!token) throw new Error('a token is needed to sign in');
    this.url = url;
    this.token = token;
    this.ws = null;
    this.state = 'closed';
    this.identity = null;
    this.sessionId = null;
    this.lastSeq = 0;
    this.resumeGraceMs = 0;
    this.clockOffsetMs = 0;
    this.pending = new Map();
    this.queue = [];
    this.nextId = 1;
    this.attempt = 0;
    this.droppedAt = 0;
    this.cancels = {}; // the running timers (ticker.js), by purpose
    this.awaitingPong = false;
    this.ending = false;
    this.onOnline = () => { if (this.state === 'reconnecting') this.reconnectNow(); };
  }

  /** Signs in; resolves with the welcome, rejects with a ProtocolError if the server refuses the token. */
  connect() {
    this.ending = false;
    window.addEventListener('online', this.onOnline);
    return new Promise((resolve, reject) => {
      this.firstSignIn = { resolve, reject };
      this.open();
    });
  }

  /** Sends a request with a fresh id; resolves with its reply, rejects with a ProtocolError on an error reply. */
  request(type, fields = {}) {
    const id = `${type.split('.').pop()}-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProtocolError('TIMEOUT', `no answer to ${type} within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.send({ ...fields, type, id });
    });
  }

  /** Sends a message; while reconnecting it waits for the new connection. */
  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.state === 'online') {
      this.ws.send(JSON.stringify(message));
    } else if (this.state !== 'closed') {
      this.queue.push(message);
      if (this.queue.length > MAX_QUEUED) this.queue.shift();
    }
  }

  /** Signs out (bye): the session ends at once, with its calls (protocol 3.7). */
  async close() {
    if (this.state === 'online') {
      await Promise.race([this.request('bye').catch(() => {}), sleep(1000)]);
    }
    this.finish('signed-out');
  }

  /** The server's clock now, in epoch ms, from the serverTime of welcome and pong. */
  serverNow() {
    return Date.now() + this.clockOffsetMs;
  }

  // ------------------------------------------------------------------ connection

  open() {
    const resuming = this.sessionId && Date.now() - this.droppedAt < this.resumeGraceMs;
    this.setState(this.identity ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      const hello = { type: 'hello', id: 'hello', token: this.token };
      if (resuming) hello.resume = { sessionId: this.sessionId, lastSeq: this.lastSeq };
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = event => { if (ws === this.ws) this.receive(JSON.parse(event.data)); };
    ws.onclose = event => { if (ws === this.ws) this.dropped(event); };
  }

  receive(m) {
    if (m.seq > 0) {
      if (m.seq <= this.lastSeq) return; // already processed (13.1): a replay may overlap what we saw
      this.lastSeq = m.seq;
    }
    if (m.type === 'welcome') this.welcomed(m);
    else if (m.type === 'pong') this.ponged(m);
    else if (m.type === 'error' && m.seq === 0) this.refused(m);
    else if (m.type === 'session.replaced') this.ending = 'replaced';
    else if (m.type === 'server.shutdown' && m.action === 'reconnect') {
      this.ending = 'shutdown';
      this.reconnectAfterMs = m.reconnectAfterMs;
    }
    this.settle(m);
    this.dispatchEvent(new CustomEvent(m.type, { detail: m }));
  }

  welcomed(m) {
    this.identity = m.identity;
    this.sessionId = m.sessionId;
    if (!m.resumed) this.lastSeq = 0; // a fresh session numbers from 1; a resumed one replays after our lastSeq
    this.resumeGraceMs = m.resumeGraceMs;
    this.clockOffsetMs = m.serverTime - Date.now();
    this.attempt = 0;
    this.startHeartbeat(m.heartbeat.intervalMs);
    this.setState('online', m.resumed ? 'resumed' : m.resumeError || 'signed-in');
    const queued = this.queue.splice(0);
    queued.forEach(q => this.send(q));
    if (this.firstSignIn) {
      this.firstSignIn.resolve(m);
      this.firstSignIn = null;
    }
  }

  ponged(m) {
    this.awaitingPong = false;
    this.clockOffsetMs = m.serverTime - Date.now();
  }

  refused(m) {
    this.ending = FATAL.has(m.code) ? m.code : false;
    if (this.firstSignIn) {
      this.firstSignIn.reject(new ProtocolError(m.code, m.message, m));
      this.firstSignIn = null;
      this.ending = m.code;
    }
  }

  settle(m) {
    const waiting = m.re && this.pending.get(m.re);
    if (!waiting) return;
    this.pending.delete(m.re);
    clearTimeout(waiting.timer);
    if (m.type === 'error') waiting.reject(new ProtocolError(m.code, m.message, m));
    else waiting.resolve(m);
  }

  startHeartbeat(intervalMs) {
    this.cancel('ping');
    this.awaitingPong = false;
    this.cancels.ping = every(intervalMs, () => {
      if (this.awaitingPong) { // the server never pings us: a ping unanswered for a whole interval means a dead line
        this.ws?.close(4000, 'no pong');
        return;
      }
      this.awaitingPong = true;
      this.send({ type: 'ping', ack: this.lastSeq });
    });
  }

  dropped(event) {
    this.cancel('ping');
    const reason = this.ending || event.reason || `close ${event.code}`;
    if (this.ending === 'shutdown') {
      // the session is over; a fresh hello after reconnectAfterMs (3.8)
      this.sessionId = null;
      this.ending = false;
      this.retry(this.reconnectAfterMs * (1 + BACKOFF.jitter * Math.random()));
      return;
    }
    if (this.ending || event.code === 1000 && event.reason === 'SIGNED_OUT') {
      if (this.firstSignIn) {
        this.firstSignIn.reject(new ProtocolError('CONNECTION_CLOSED', reason));
        this.firstSignIn = null;
      }
      this.finish(reason);
      return;
    }
    if (!this.identity) { // never signed in: the server is unreachable
      this.retry();
      return;
    }
    if (this.state === 'online') this.droppedAt = Date.now();
    this.retry();
  }

  retry(delayMs) {
    this.setState(this.identity ? 'reconnecting' : 'connecting', 'connection lost');
    const base = Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** this.attempt++);
    const wait = delayMs ?? base * (1 + BACKOFF.jitter * (2 * Math.random() - 1));
    this.cancel('retry');
    this.cancels.retry = after(wait, () => this.open());
  }

  reconnectNow() {
    this.cancel('retry');
    this.open();
  }

  /** Drops the connection as a network failure would (the session waits to be resumed). */
  drop() {
    if (this.ws) this.ws.close(4001, 'dropped by the page');
  }

  finish(reason) {
    Object.keys(this.cancels).forEach(name => this.cancel(name));
    window.removeEventListener('online', this.onOnline);
    this.pending.forEach(p => { clearTimeout(p.timer); p.reject(new ProtocolError('CONNECTION_CLOSED', reason)); });
    this.pending.clear();
    this.queue = [];
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
    this.setState('closed', reason);
  }

  cancel(name) {
    this.cancels[name]?.();
    delete this.cancels[name];
  }

  setState(state, reason) {
    if (this.state === state && state !== 'online') return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('connection', { detail: { state, reason } }));
  }
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}
