// The media of one connected call in the browser (docs/protocol.md section 4 and 13.2): camera and microphone, the
// RTCPeerConnection with the ICE servers and transport policy the server gave in call.connected, SDP and ICE over the
// signalling client, an ICE restart when the peer comes back, and the call's quality: a 'quality' event every two
// seconds for the page and a call.stats report every ten seconds for the operators.
//
// Who offers: the station (initiator: true) makes every offer, the first and each ICE restart; the agent only
// answers. The agent's own tracks are added when the station's first offer has created the transceivers, so they
// ride on the station's m-lines and no renegotiation is needed.

const QUALITY_INTERVAL_MS = 2_000;
const OFFER_ANSWER_WAIT_MS = 5_000; // an answer later than this was lost (the peer re-signs in and is offered again)
const REPORT_EVERY = 5; // quality samples per call.stats report: every 10 s, as the protocol asks (at most one per 5 s)

export class CallMedia extends EventTarget {
  /**
   * @param client the SignallingClient
   * @param connected the call.connected message
   * @param options constraints: getUserMedia constraints (default audio and video)
   */
  constructor(client, connected, { constraints = { audio: true, video: true } } = {}) {
    super();
    this.client = client;
    this.callId = connected.callId;
    this.connected = connected;
    this.constraints = constraints;
    this.localStream = null;
    this.remoteStream = new MediaStream();
    this.pc = null;
    this.pendingIce = [];
    this.tracksAdded = false;
    this.closed = false;
    this.previous = null;
    this.samples = 0;
    this.lastQuality = null;
    this.offerSentAt = 0; // when our unanswered offer went out (0: none is)
    this.restartWanted = false;
    // The peer's SDP and ICE are handled one after the other, in order, and only once the connection exists: the
    // station's offer often arrives while getUserMedia is still asking for the camera.
    this.ready = new Promise(resolve => { this.becomeReady = resolve; });
    this.work = this.ready;
    const inOrder = handle => m => { this.work = this.work.then(() => handle(m)).catch(e => this.failed(e)); };
    this.handlers = {
      'signal.sdp': inOrder(m => this.onSdp(m.description)),
      'signal.ice': inOrder(m => this.onIce(m.candidate)),
      'peer.reconnected': () => this.restartIce(),
      'call.relay.moved': inOrder(m => this.moveRelay(m.iceServers)),
      'call.connected': m => this.rebuild(m),
      'call.ended': () => this.close(),
    };
    this.listeners = Object.entries(this.handlers).map(([type, handle]) => {
      const listener = e => { if (e.detail.callId === this.callId) handle(e.detail); };
      client.addEventListener(type, listener);
      return [type, listener];
    });
    // our own session resumed after a drop: the network may have changed under the connection (13.2)
    const resumed = e => { if (e.detail.state === 'online' && e.detail.reason === 'resumed') this.restartIce(); };
    client.addEventListener('connection', resumed);
    this.listeners.push(['connection', resumed]);
  }

  /** Opens camera and microphone (a call goes on without them if they are refused) and starts the connection. */
  async start() {
    try {
      this.localStream = await navigator.mediaDevices.getUserMedia(this.constraints);
    } catch (e) {
      this.localStream = new MediaStream();
      this.dispatchEvent(new CustomEvent('devicefailed', { detail: { name: e.name, message: e.message } }));
    }
    if (this.closed) {
      this.stopLocal();
      this.becomeReady();
      return;
    }
    this.dispatchEvent(new CustomEvent('localstream', { detail: this.localStream }));
    this.createConnection();
    this.becomeReady();
    this.timer = setInterval(() => this.sample(), QUALITY_INTERVAL_MS);
  }

  get initiator() {
    return this.connected.initiator;
  }

  createConnection() {
    const pc = new RTCPeerConnection({
      iceServers: this.connected.iceServers || [],
      iceTransportPolicy: this.connected.iceTransportPolicy || 'all',
    });
    this.pc = pc;
    this.tracksAdded = false;
    this.pendingIce = [];
    pc.onicecandidate = e => {
      if (pc !== this.pc) return;
      const candidate = e.candidate ? e.candidate.toJSON() : { candidate: '', sdpMid: '0' };
      this.signal('signal.ice', { candidate });
    };
    pc.ontrack = e => {
      if (!this.remoteStream.getTracks().includes(e.track)) {
        this.remoteStream.getTracks().filter(t => t.kind === e.track.kind)
          .forEach(t => this.remoteStream.removeTrack(t));
        this.remoteStream.addTrack(e.track);
      }
      this.dispatchEvent(new CustomEvent('remotestream', { detail: this.remoteStream }));
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      this.dispatchEvent(new CustomEvent('state', { detail: pc.connectionState }));
      if (pc.connectionState === 'failed' && this.initiator) this.restartIce();
    };
    if (this.initiator) {
      this.addTracks();
      this.offer(false);
    }
  }

  addTracks() {
    if (this.tracksAdded) return;
    this.tracksAdded = true;
    this.localStream.getTracks().forEach(track => this.pc.addTrack(track, this.localStream));
    if (this.initiator) { // receive both kinds even without a camera or microphone of our own
      ['audio', 'video'].filter(kind => this.localStream.getTracks().every(t => t.kind !== kind))
        .forEach(kind => this.pc.addTransceiver(kind, { direction: 'recvonly' }));
    }
  }

  async offer(iceRestart) {
    this.offerSentAt = Date.now();
    this.restartWanted = false;
    try {
      const offer = await this.pc.createOffer({ iceRestart });
      await this.pc.setLocalDescription(offer);
      this.signal('signal.sdp', { description: { type: offer.type, sdp: offer.sdp } });
    } catch (e) {
      this.offerSentAt = 0; // that negotiation is over; the next restart offers afresh
      this.failed(e);
    }
  }

  /** Our offer is answered: a restart asked for meanwhile goes now, with ICE credentials the peer will match. */
  answered() {
    this.offerSentAt = 0;
    if (this.restartWanted) this.offer(true);
  }

  async onSdp(description) {
    if (!this.pc) return;
    try {
      if (description.type === 'offer' && this.pc.signalingState !== 'stable') {
        if (this.initiator) return; // our offer wins (the station's); the agent never offers
        await this.pc.setLocalDescription({ type: 'rollback' });
      }
      await this.pc.setRemoteDescription(description);
      for (const candidate of this.pendingIce.splice(0)) await this.addIce(candidate);
      if (description.type === 'answer') this.answered();
      if (description.type === 'offer') {
        this.addTracks();
        const answer = await this.pc.createAnswer();
        await this.pc.setLocalDescription(answer);
        this.signal('signal.sdp', { description: { type: answer.type, sdp: answer.sdp } });
      }
    } catch (e) {
      this.failed(e);
    }
  }

  async onIce(candidate) {
    if (!this.pc) return;
    if (!this.pc.remoteDescription) {
      this.pendingIce.push(candidate); // 13.2: buffer what comes before the remote description
      return;
    }
    await this.addIce(candidate);
  }

  async addIce(candidate) {
    try {
      await this.pc.addIceCandidate(candidate.candidate === '' ? null : candidate);
    } catch (e) {
      // a candidate of an ICE generation already replaced by a restart; the next ones will do
    }
  }

  /**
   * After the peer came back or our network changed: the station offers again with an ICE restart. While an offer
   * is still unanswered the restart follows its answer, so two offers never cross (the answer to the first would
   * meet the second's ICE credentials); an offer unanswered for OFFER_ANSWER_WAIT_MS is taken as lost.
   */
  restartIce() {
    if (!this.pc || this.closed || !this.initiator) return;
    if (this.offerSentAt && Date.now() - this.offerSentAt < OFFER_ANSWER_WAIT_MS) {
      this.restartWanted = true;
    } else {
      this.offer(true);
    }
  }

  /** The call's relay is gone: its replacement's ICE servers from now on, and the station restarts ICE over it. */
  moveRelay(iceServers) {
    if (!this.pc || this.closed) return;
    this.connected = { ...this.connected, iceServers };
    this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
    this.restartIce();
  }

  /** call.connected again for this call (a fresh sign-in): new credentials, a new connection from scratch. */
  rebuild(connected) {
    if (this.closed || !this.localStream) return;
    this.connected = connected;
    const old = this.pc;
    this.pc = null;
    if (old) old.close();
    this.createConnection();
  }

  setMuted(muted) {
    this.localStream?.getAudioTracks().forEach(t => { t.enabled = !muted; });
  }

  setCameraOff(off) {
    this.localStream?.getVideoTracks().forEach(t => { t.enabled = !off; });
  }

  /** Hangs up (call.hangup); reason 'media_failed' records the call as failed (5, call.hangup). */
  async hangup(reason) {
    try {
      const fields = reason ? { callId: this.callId, reason } : { callId: this.callId };
      return await this.client.request('call.hangup', fields);
    } finally {
      this.close();
    }
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.listeners.forEach(([type, listener]) => this.client.removeEventListener(type, listener));
    if (this.pc) this.pc.close();
    this.pc = null;
    this.stopLocal();
    this.dispatchEvent(new CustomEvent('closed'));
  }

  stopLocal() {
    this.localStream?.getTracks().forEach(t => t.stop());
  }

  signal(type, fields) {
    this.client.request(type, { callId: this.callId, ...fields }).catch(() => {
      // the call ended meanwhile (NOT_IN_CALL) or the peer will renegotiate; nothing to repair here
    });
  }

  failed(error) {
    this.dispatchEvent(new CustomEvent('error', { detail: error }));
  }

  // ------------------------------------------------------------------ quality

  async sample() {
    if (!this.pc || this.closed) return;
    const report = await this.pc.getStats();
    const now = readStats(report);
    const quality = qualityBetween(this.previous, now);
    this.previous = now;
    this.lastQuality = quality;
    this.dispatchEvent(new CustomEvent('quality', { detail: quality }));
    if (++this.samples % REPORT_EVERY === 0 && quality.candidateType) this.report(quality);
  }

  report(q) {
    const stats = { callId: this.callId };
    for (const key of ['rttMs', 'jitterMs', 'packetsLost', 'fractionLost', 'bitrateInKbps', 'bitrateOutKbps',
      'framesDecoded', 'candidateType', 'relayProtocol']) {
      if (q[key] != null && !Number.isNaN(q[key])) stats[key] = q[key];
    }
    if (stats.candidateType !== 'relay') delete stats.relayProtocol;
    this.client.request('call.stats', stats).catch(() => {});
  }
}

/** The figures of one getStats report that the quality is made of (W3C webrtc-stats names). */
function readStats(report) {
  const all = [...report.values()];
  const transport = all.find(s => s.type === 'transport' && s.selectedCandidatePairId);
  const pair = transport ? report.get(transport.selectedCandidatePairId)
    : all.find(s => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  const local = pair && report.get(pair.localCandidateId);
  const inbound = all.filter(s => s.type === 'inbound-rtp');
  const audio = inbound.find(s => s.kind === 'audio');
  const video = inbound.find(s => s.kind === 'video');
  return {
    at: performance.now(),
    rttMs: pair?.currentRoundTripTime != null ? pair.currentRoundTripTime * 1000 : null,
    jitterMs: (audio?.jitter ?? video?.jitter) != null ? (audio?.jitter ?? video?.jitter) * 1000 : null,
    packetsLost: inbound.reduce((a, s) => a + Math.max(0, s.packetsLost || 0), 0),
    packetsReceived: inbound.reduce((a, s) => a + (s.packetsReceived || 0), 0),
    bytesReceived: pair?.bytesReceived ?? 0,
    bytesSent: pair?.bytesSent ?? 0,
    framesDecoded: video?.framesDecoded ?? 0,
    framesPerSecond: video?.framesPerSecond ?? 0,
    frameWidth: video?.frameWidth ?? 0,
    frameHeight: video?.frameHeight ?? 0,
    candidateType: local?.candidateType ?? null,
    relayProtocol: local?.relayProtocol ?? null,
  };
}

function qualityBetween(before, now) {
  const seconds = before ? (now.at - before.at) / 1000 : 0;
  const lost = before ? now.packetsLost - before.packetsLost : 0;
  const received = before ? now.packetsReceived - before.packetsReceived : 0;
  const q = {
    rttMs: now.rttMs,
    jitterMs: now.jitterMs,
    packetsLost: now.packetsLost,
    fractionLost: lost + received > 0 ? clamp(lost / (lost + received), 0, 1) : null,
    bitrateInKbps: seconds > 0 ? Math.max(0, (now.bytesReceived - before.bytesReceived) * 8 / 1000 / seconds) : null,
    bitrateOutKbps: seconds > 0 ? Math.max(0, (now.bytesSent - before.bytesSent) * 8 / 1000 / seconds) : null,
    framesDecoded: now.framesDecoded,
    framesPerSecond: now.framesPerSecond,
    frameWidth: now.frameWidth,
    frameHeight: now.frameHeight,
    candidateType: now.candidateType,
    relayProtocol: now.relayProtocol,
    videoStalled: before != null && now.framesDecoded <= before.framesDecoded,
  };
  q.level = level(q);
  return q;
}

/** good / fair / poor, by the same thresholds the operators' dashboard uses. */
function level(q) {
  if (!q.candidateType) return 'none';
  if ((q.rttMs ?? 0) > 400 || (q.fractionLost ?? 0) > 0.05 || q.videoStalled) return 'poor';
  if ((q.rttMs ?? 0) > 200 || (q.fractionLost ?? 0) > 0.02) return 'fair';
  return 'good';
}

function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}
