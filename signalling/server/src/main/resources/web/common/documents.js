// The documents of one call in the browser (docs/documents.md): the list the server announces (document.offered,
// progress, completed, abandoned, deleted), uploads to the document relay with tus 1.0 (creation-with-upload, a
// SHA-256 checksum on every chunk, resumed from the relay's offset after a drop) and reads that follow an upload
// while it is still arriving, checked against the SHA-256 of document.completed. The relay is reached with the
// newest document token of documents.access; a 401 asks for a fresh one (documents.token) and tries again.

const CHUNK_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 8;
const TUS = { 'Tus-Resumable': '1.0.0' };

/** An error of the document relay: HTTP status and its error code ({"error": ...}). */
export class RelayError extends Error {
  constructor(status, code, message) {
    super(`${status} ${code}${message ? `: ${message}` : ''}`);
    this.status = status;
    this.code = code;
  }
}

/** Hex SHA-256 of bytes (an ArrayBuffer or a typed array), with the browser's own crypto. */
export async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('');
}

async function sha256Base64(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return btoa(String.fromCharCode(...digest));
}

/** tus Upload-Metadata: comma-separated "key base64(utf-8 value)". */
function metadata(fields) {
  const utf8 = value => btoa(String.fromCharCode(...new TextEncoder().encode(String(value))));
  return Object.entries(fields).filter(([, v]) => v != null && v !== '')
    .map(([k, v]) => `${k} ${utf8(v)}`).join(',');
}

export class CallDocuments extends EventTarget {
  /** Follows the documents of call callId on client (a SignallingClient); access: a documents.access already seen. */
  constructor(client, callId, access = null) {
    super();
    this.client = client;
    this.callId = callId;
    this.access = access;
    this.documents = new Map();
    this.completions = new Map();
    const handlers = {
      'documents.access': m => { this.access = m; },
      // offered again after a sign-in: keep what is known; the messages that follow say how it stands
      'document.offered': m => this.documents.has(m.documentId)
        || this.update(m.documentId, { ...m, status: 'uploading', offset: 0 }),
      'document.progress': m => this.update(m.documentId, { offset: m.offset, length: m.length }),
      'document.completed': m => this.complete(m),
      'document.abandoned': m => this.update(m.documentId, { status: 'abandoned', reason: m.reason }),
      'document.deleted': m => this.update(m.documentId, { status: 'deleted', reason: m.reason }),
    };
    this.listeners = Object.entries(handlers).map(([type, handle]) => {
      const listener = e => { if (e.detail.callId === this.callId) handle(e.detail); };
      client.addEventListener(type, listener);
      return [type, listener];
    });
  }

  close() {
    this.listeners.forEach(([type, listener]) => this.client.removeEventListener(type, listener));
    this.completions.forEach(c => c.reject(new Error('the call ended')));
  }

  update(id, fields) {
    const doc = { ...(this.documents.get(id) || { documentId: id }), ...fields };
    this.documents.set(id, doc);
    this.dispatchEvent(new CustomEvent('change', { detail: doc }));
    if (doc.status === 'abandoned' || doc.status === 'deleted') this.completion(id).reject(new Error(doc.status));
    return doc;
  }

  complete(m) {
    this.update(m.documentId, { status: 'completed', offset: m.length, length: m.length, mediaType: m.mediaType,
      sha256: m.sha256 });
    this.completion(m.documentId).resolve(m);
  }

  /** Resolves with document.completed of id (at once if it came already). */
  completion(id) {
    if (!this.completions.has(id)) {
      let resolve;
      let reject;
      const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
      promise.catch(() => {});
      this.completions.set(id, { promise, resolve, reject });
    }
    return this.completions.get(id);
  }

  // ------------------------------------------------------------------ relay access

  async relay(path, init = {}, refreshed = false) {
    if (!this.access) await this.freshToken();
    const url = new URL(path, this.access.url).toString();
    const response = await fetch(url, {
      ...init, headers: { ...init.headers, Authorization: `Bearer ${this.access.token}` }, cache: 'no-store',
    });
    if (response.status === 401 && !refreshed) {
      await this.freshToken();
      return this.relay(path, init, true);
    }
    return response;
  }

  async freshToken() {
    this.access = await this.client.request('documents.token', { callId: this.callId });
  }

  // ------------------------------------------------------------------ upload (tus)

  /**
   * Uploads a File or Blob as a document of the call; resolves with document.completed once every byte is on the
   * relay. fields: device ('agent-form' or 'document-camera'), page; onProgress(sent, total).
   */
  async upload(file, { device, page = 1, onProgress = () => {} } = {}) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const meta = metadata({ filename: file.name, filetype: file.type, device, page });
    let location = null;
    let offset = 0;
    for (let attempt = 1; offset < bytes.length || !location; attempt++) {
      try {
        if (!location) {
          ({ location, offset } = await this.create(bytes, meta));
        } else {
          offset = await this.patch(location, bytes, offset);
        }
        attempt = 0;
        onProgress(offset, bytes.length);
      } catch (e) {
        if (e instanceof RelayError && e.status !== 409 && e.status < 500 || attempt >= MAX_ATTEMPTS) throw e;
        await new Promise(r => setTimeout(r, Math.min(8000, 250 * 2 ** attempt)));
        if (location) offset = await this.offsetOf(location); // resume where the relay's disk is (tus HEAD)
      }
    }
    const id = location.split('/').pop();
    return this.completion(id).promise;
  }

  async create(bytes, meta) {
    const first = bytes.subarray(0, CHUNK_BYTES);
    const response = await this.relay('', {
      method: 'POST',
      headers: { ...TUS, 'Upload-Length': String(bytes.length), 'Upload-Metadata': meta,
        'Content-Type': 'application/offset+octet-stream', 'Upload-Checksum': `sha256 ${await sha256Base64(first)}` },
      body: first,
    });
    await expect(response, 201);
    return { location: response.headers.get('Location'),
      offset: Number(response.headers.get('Upload-Offset') || 0) };
  }

  async patch(location, bytes, offset) {
    const chunk = bytes.subarray(offset, offset + CHUNK_BYTES);
    const response = await this.relay(location, {
      method: 'PATCH',
      headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream',
        'Upload-Checksum': `sha256 ${await sha256Base64(chunk)}` },
      body: chunk,
    });
    await expect(response, 204);
    return Number(response.headers.get('Upload-Offset'));
  }

  async offsetOf(location) {
    const response = await this.relay(location, { method: 'HEAD', headers: TUS });
    await expect(response, 200);
    return Number(response.headers.get('Upload-Offset'));
  }

  // ------------------------------------------------------------------ read

  /**
   * Reads document id as it arrives: onBytes(blobSoFar, received, total) after each chunk, so an image can be
   * drawn progressively. Resolves with {blob, sha256, expected, verified} once the document is complete and the hash
   * of what was read has been compared with the relay's (document.completed).
   */
  async read(id, { onBytes = () => {} } = {}) {
    const response = await this.relay(id);
    await expect(response, 200);
    const type = response.headers.get('Content-Type') || this.documents.get(id)?.mediaType || '';
    const total = Number(response.headers.get('Content-Length') || response.headers.get('Upload-Length'))
      || this.documents.get(id)?.length || 0;
    const chunks = [];
    let received = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read(); // a broken-off upload ends in an error here, never as done
      if (done) break;
      chunks.push(value);
      received += value.length;
      onBytes(new Blob(chunks, { type }), received, total);
    }
    const blob = new Blob(chunks, { type });
    const [sha256, completed] = await Promise.all([sha256Hex(await blob.arrayBuffer()), this.completion(id).promise]);
    return { blob, sha256, expected: completed.sha256, verified: sha256 === completed.sha256 };
  }
}

async function expect(response, status) {
  if (response.status === status) return;
  let body = {};
  try {
    body = await response.json();
  } catch (e) {
    // an empty body (403 from CORS, 416): the status says it all
  }
  throw new RelayError(response.status, body.error || 'http_error', body.message);
}
