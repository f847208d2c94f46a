// The agent's print jobs at the station: each form is read from the document relay (the call's CallDocuments) and
// checked against the SHA-256 the job names before it may be printed (a form that fails the check is never offered for printing). The
// browser prints it (an image on the page's print sheet, a PDF in the browser's viewer); the staff then confirms
// it printed or says why not, and the agent sees the answer (print.result).
import { t } from './i18n.js';
import { $, el, entry } from './dom.js';

/** Why printing failed: recorded in the call log, so printer conditions only, never anything personal. */
const FAILURES = ['out of paper', 'paper jam', 'printer fault'];

export class Prints {
  /** docs: the current call's CallDocuments, as a function (it changes with the call). */
  constructor(client, docs) {
    this.client = client;
    this.docs = docs;
    this.jobs = new Map(); // jobId -> {job fields, state: loading|ready|bad|printed|failed, blob, choosing}
  }

  add(m) {
    const job = { ...m, state: 'loading' };
    this.jobs.set(m.jobId, job);
    this.draw();
    this.fetch(job);
  }

  async fetch(job) {
    const docs = this.docs();
    try {
      // print.job names the completed document: a page that came in after document.completed still knows it now
      if (docs.documents.get(job.documentId)?.status !== 'completed') {
        docs.complete({ documentId: job.documentId, mediaType: job.mediaType, length: job.length, sha256: job.sha256 });
      }
      const { blob, sha256 } = await docs.read(job.documentId);
      job.blob = blob;
      job.state = sha256 === job.sha256 ? 'ready' : 'bad';
    } catch (e) {
      job.state = 'bad';
    }
    if (this.jobs.get(job.jobId) === job) this.draw();
  }

  clear() {
    this.jobs.clear();
    $('print-area').replaceChildren();
    this.draw();
  }

  /** Prints an image from this page's print sheet; a PDF opens in the browser's viewer, which prints it. */
  open(job) {
    if (job.mediaType === 'application/pdf') {
      const url = URL.createObjectURL(job.blob);
      window.open(url, '_blank');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      const images = Array.from({ length: job.copies }, () => {
        const img = document.createElement('img');
        img.src = reader.result; // data: (the page's policy allows data: images, not blob:)
        return img;
      });
      $('print-area').replaceChildren(...images);
      images[0].decode().catch(() => {}).then(() => window.print());
    };
    reader.readAsDataURL(job.blob);
  }

  async report(job, status, reason) {
    try {
      await this.client.request('print.result', { callId: job.callId, jobId: job.jobId, status, reason });
      job.state = status;
      job.blob = null;
      $('print-area').replaceChildren();
    } catch (e) {
      job.error = e.message || e.code;
    }
    job.choosing = false;
    this.draw();
  }

  draw() {
    const jobs = [...this.jobs.values()];
    $('print-jobs').replaceChildren(...jobs.map(job => this.item(job)));
    $('print-empty').hidden = jobs.length > 0;
  }

  item(job) {
    const state = t({ loading: 'print.loading', ready: 'print.verified', bad: 'print.badHash',
      printed: 'print.done', failed: 'print.doneFailed' }[job.state]);
    const filename = this.docs()?.documents.get(job.documentId)?.filename;
    const name = `${filename || job.jobId} · ${t('print.copies', { n: job.copies })}`;
    const actions = job.state === 'ready' || job.state === 'bad' ? [this.actions(job)] : [];
    return entry({ job: job.jobId, state: job.state }, name, state, ...actions);
  }

  actions(job) {
    const box = el('div', 'job-actions');
    const button = (action, label, cls, fn) => {
      const b = el('button', cls, label, { action });
      b.type = 'button';
      b.onclick = fn;
      box.append(b);
    };
    if (job.choosing) {
      FAILURES.forEach(reason => button('reason', t(`print.why.${reason}`), 'ghost-dark',
        () => this.report(job, 'failed', reason)));
      return box;
    }
    if (job.state === 'ready') {
      button('open', t('print.open'), 'primary', () => this.open(job));
      button('printed', t('print.printed'), 'go', () => this.report(job, 'printed'));
    }
    button('failed', t('print.failed'), 'ghost-dark', () => {
      if (job.state === 'bad') return this.report(job, 'failed', 'the form failed its SHA-256 check');
      job.choosing = true;
      return this.draw();
    });
    return box;
  }
}
