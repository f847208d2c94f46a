// What a browser kiosk has of the station's five-piece kit, during a call: the webcam (a still from the video is
// the document camera), files from the computer, the keyboard (a barcode scanner gun types into a field) and the
// browser's printing. No ID-card reader: a card read is typed from the card, or declined with the reason. Documents
// go to the document relay (tus, common/documents.js) with the call's document token; the list shows both parties'
// documents from the server's document.* messages. Nothing personal is logged or kept after the call.
import { t } from './i18n.js';
import { Prints } from './prints.js';
import { $, el, entry } from './dom.js';
import { uploadDocument } from '../common/documents.js';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export class Kit {
  constructor(client) {
    this.client = client;
    this.media = null;
    this.callId = null;
    this.access = null; // the newest documents.access: {url, token}
    this.documents = new Map(); // documentId (or a local id while the upload starts) -> entry
    this.requests = []; // device.requests waiting for the staff, oldest first
    this.photos = 0;
    this.snapshot = null; // the photo being previewed: {blob, request}
    this.prints = new Prints(client, () => this.access, id => this.documents.get(id)?.name);
    const on = (type, fn) => client.addEventListener(type, e => {
      if (e.detail.callId === this.callId) fn(e.detail);
    });
    on('documents.access', m => { this.access = m; });
    on('document.offered', m => this.document(m.documentId, { name: m.filename, by: m.uploadedBy, length: m.length }));
    on('document.progress', m => this.document(m.documentId, { offset: m.offset, length: m.length }));
    on('document.completed', m => this.document(m.documentId,
      { state: 'completed', offset: m.length, length: m.length, sha256: m.sha256 }));
    on('document.abandoned', m => this.document(m.documentId, { state: 'abandoned' }));
    on('document.deleted', m => this.document(m.documentId, { state: 'abandoned' }));
    on('print.job', m => this.prints.add(m));
    on('device.request', m => {
      this.requests.push(m);
      this.drawRequest();
    });
    this.bind();
  }

  /** The kit as a browser has it, for the operators' fleet view (sent after every welcome). */
  reportDevices() {
    const camera = navigator.mediaDevices?.getUserMedia ? 'ready' : 'absent';
    this.client.send({ type: 'device.status', devices: [
      { device: 'camera', state: camera, model: 'browser' },
      { device: 'document-camera', state: camera, model: 'browser camera still' },
      { device: 'printer', state: 'ready', model: 'browser print' },
    ] });
  }

  start(callId) {
    this.stop();
    this.callId = callId;
  }

  stop() {
    this.callId = null;
    this.access = null;
    this.documents.clear();
    this.requests = [];
    this.closeSnapshot();
    this.prints.clear();
    this.drawDocuments();
    this.drawRequest();
  }

  redraw() {
    this.drawDocuments();
    this.drawRequest();
    this.prints.draw();
  }

  bind() {
    $('file').onclick = () => $('file-input').click();
    $('photo').onclick = () => this.takePhoto(null);
    $('file-input').onchange = () => {
      const file = $('file-input').files[0];
      $('file-input').value = '';
      if (file) this.send(file, file.name, this.fileFor);
      this.fileFor = null;
    };
    $('request').querySelector('[data-action="photo"]').onclick = () => this.takePhoto(this.requests[0]);
    $('request').querySelector('[data-action="file"]').onclick = () => {
      this.fileFor = this.requests[0];
      $('file-input').click();
    };
    $('request-decline').onclick = () => this.decline(this.requests[0]);
    $('idcard-number').oninput = () => $('idcard-number').setCustomValidity(''); // checked again on sending
    $('request-idcard').onsubmit = e => {
      e.preventDefault();
      this.sendCard(this.requests[0]);
    };
    $('request-barcode').onsubmit = e => {
      e.preventDefault();
      this.answer(this.requests[0], 'device.barcode', { barcode: { code: $('barcode-code').value.trim() } });
    };
    $('snapshot-retake').onclick = () => this.takePhoto(this.snapshot?.request ?? null);
    $('snapshot-send').onclick = () => {
      const { blob, request } = this.snapshot;
      this.closeSnapshot();
      this.send(blob, t('docs.photoName', { n: ++this.photos }), request);
    };
  }

  // ------------------------------------------------------------ documents

  /** A still from the camera at its full resolution, shown for a look before it is sent. */
  takePhoto(request) {
    const video = $('local-video');
    if (!video.videoWidth || document.body.dataset.camera === 'off') {
      this.flash(t('docs.noCamera'));
      return;
    }
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d').drawImage(video, 0, 0);
    canvas.toBlob(blob => {
      this.snapshot = { blob, request };
      $('snapshot-image').src = canvas.toDataURL('image/jpeg', 0.6); // a data: preview (the page's policy)
      $('snapshot').hidden = false;
    }, 'image/jpeg', 0.92);
  }

  closeSnapshot() {
    this.snapshot = null;
    $('snapshot').hidden = true;
    $('snapshot-image').removeAttribute('src');
  }

  /** Uploads to the call's documents; a scan the agent asked for answers that request. */
  async send(blob, name, request) {
    if (!this.access) return;
    const callId = this.callId;
    const local = `local-${Math.random().toString(36).slice(2)}`;
    this.document(local, { name, by: 'station', length: blob.size, offset: 0 });
    if (request) this.done(request);
    try {
      const { documentId } = await uploadDocument({ url: this.access.url, token: () => this.access.token, blob,
        filename: name, device: 'document-camera',
        onProgress: (offset, length) => this.document(local, { offset, length }) });
      if (callId !== this.callId) return;
      const entry = this.documents.get(local);
      this.documents.delete(local);
      this.document(documentId, { ...entry, ...(this.documents.get(documentId) || {}) });
    } catch (e) {
      this.document(local, { state: 'failed', error: e.message });
    }
  }

  document(id, fields) {
    const entry = this.documents.get(id) || { id, state: 'uploading', offset: 0, by: 'station' };
    this.documents.set(id, Object.assign(entry, Object.fromEntries(
      Object.entries(fields).filter(([, v]) => v !== undefined && v !== null))));
    this.drawDocuments();
  }

  drawDocuments() {
    const list = [...this.documents.values()];
    $('documents').replaceChildren(...list.map(d => {
      const p = d.length ? `${Math.floor((100 * d.offset) / d.length)}%` : '';
      const fill = el('span');
      fill.style.width = d.length ? `${(100 * d.offset) / d.length}%` : '0';
      return entry({ document: d.id, state: d.state, by: d.by },
        d.name || t(d.by === 'agent' ? 'docs.agent' : 'docs.mine'),
        d.state === 'uploading' ? t('docs.uploading', { p }) : t(`docs.${d.state}`), el('div', 'bar', null, {}, fill));
    }));
    $('docs-empty').hidden = list.length > 0;
  }

  // ------------------------------------------------------------ the agent's device requests

  drawRequest() {
    const r = this.requests[0];
    $('request').hidden = !r;
    if (!r) return;
    $('request').dataset.device = r.device;
    $('request').dataset.request = r.requestId;
    $('request-text').textContent = t(`request.${r.device}`);
    $('request-prompt').textContent = r.prompt || '';
    $('request-scan').hidden = r.device !== 'document-camera';
    $('request-idcard').hidden = r.device !== 'idcard-reader';
    $('request-barcode').hidden = r.device !== 'barcode-scanner';
    if (r.device === 'barcode-scanner') $('barcode-code').focus(); // a scanner gun types where the focus is
  }

  /** A card read typed from the card: the ID number's check digit (GB 11643) catches a mistyped digit. */
  sendCard(request) {
    const number = $('idcard-number').value.trim().toUpperCase();
    const field = $('idcard-number');
    field.setCustomValidity(validIdNumber(number) ? '' : t('idcard.invalid'));
    if (!field.reportValidity()) return;
    this.answer(request, 'device.idcard', { card: { name: $('idcard-name').value.trim(), idNumber: number } });
  }

  async answer(request, type, fields) {
    if (!request) return;
    try {
      await this.client.request(type, { callId: request.callId, ...fields });
      this.done(request);
    } catch (e) {
      this.flash(e.message || e.code);
    }
  }

  decline(request) {
    if (!request) return;
    this.answer(request, 'device.declined', { requestId: request.requestId, reason: t(`decline.${request.device}`) });
  }

  done(request) {
    this.requests = this.requests.filter(r => r !== request);
    for (const id of ['idcard-name', 'idcard-number', 'barcode-code']) $(id).value = ''; // no personal data kept
    this.drawRequest();
  }

  flash(text) {
    $('docs-empty').hidden = false;
    $('docs-empty').textContent = text;
    setTimeout(() => { $('docs-empty').textContent = t('docs.empty'); this.drawDocuments(); }, 4000);
  }
}

function validIdNumber(n) {
  if (!/^[0-9]{17}[0-9X]$/.test(n)) return false;
  const sum = ID_WEIGHTS.reduce((a, w, i) => a + w * Number(n[i]), 0);
  return ID_CHECK[sum % 11] === n[17];
}
