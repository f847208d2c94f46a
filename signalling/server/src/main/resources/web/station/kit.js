// What a browser kiosk has of the station's five-piece kit, during a call: the webcam (a still from the video is
// the document camera), files from the computer, the keyboard (a barcode scanner gun types into a field) and the
// browser's printing. No ID-card reader: a card read is typed from the card, or declined with the reason. Documents
// go to the document relay through the call's CallDocuments (common/documents.js: tus, the call's document token);
// the list shows both parties' documents as the server announces them. Nothing personal is logged or kept after
// the call.
import { t } from './i18n.js';
import { Prints } from './prints.js';
import { $, el, entry } from './dom.js';
import { CallDocuments } from '../common/documents.js';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export class Kit {
  constructor(client) {
    this.client = client;
    this.callId = null;
    this.docs = null; // the call's CallDocuments
    this.requests = []; // device.requests waiting for the staff, oldest first
    this.photos = 0;
    this.snapshot = null; // the photo being previewed: {blob, request}
    this.prints = new Prints(client, () => this.docs);
    const on = (type, fn) => client.addEventListener(type, e => {
      if (e.detail.callId === this.callId) fn(e.detail);
    });
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
    this.docs = new CallDocuments(this.client, callId);
    this.docs.addEventListener('change', () => this.drawDocuments());
  }

  stop() {
    this.callId = null;
    this.docs?.close();
    this.docs = null;
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
      if (file) this.send(file, this.fileFor);
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
      this.send(new File([blob], t('docs.photoName', { n: ++this.photos }), { type: 'image/jpeg' }), request);
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
  async send(file, request) {
    if (!this.docs) return;
    if (request) this.done(request);
    try {
      await this.docs.upload(file, { device: 'document-camera' });
    } catch (e) {
      if (this.docs) this.flash(`${t('docs.failed')}: ${file.name} (${e.message})`);
    }
  }

  drawDocuments() {
    const list = this.docs ? [...this.docs.documents.values()] : [];
    $('documents').replaceChildren(...list.map(d => {
      const share = d.length ? d.offset / d.length : 0;
      const fill = el('span');
      fill.style.width = `${100 * share}%`;
      const status = (d.status === 'uploading' ? t('docs.uploading', { p: `${Math.floor(100 * share)}%` })
        : t(`docs.${d.status}`)) + (d.uploadedBy === 'agent' ? ` · ${t('docs.agent')}` : '');
      return entry({ document: d.documentId, state: d.status, by: d.uploadedBy, sha256: d.sha256 || '' },
        d.filename || t(d.uploadedBy === 'agent' ? 'docs.agent' : 'docs.mine'), status,
        el('div', 'bar', null, {}, fill));
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
