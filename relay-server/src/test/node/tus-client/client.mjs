// Drives tus-js-client (a tus client the Doorstep project did not write) for TusJsClientTest.
// Usage: node client.mjs '<json>'; prints one JSON line with the outcome and exits 0 unless the script itself broke.
//   {"op":"upload","endpoint":..,"token":..,"file":..,"chunkSize":..,"metadata":{..},"headers":{..},
//    "abortAfter":<bytes, optional>,"uploadUrl":<url to resume, optional>}
//   {"op":"terminate","url":..,"token":..}
import { readFileSync } from 'node:fs';
import * as tus from 'tus-js-client';

const args = JSON.parse(process.argv[2]);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const failure = (err) => ({
  ok: false,
  status: err.originalResponse ? err.originalResponse.getStatus() : 0,
  body: err.originalResponse ? err.originalResponse.getBody() : '',
  message: String(err.message),
});
const headers = (a) => ({ Authorization: `Bearer ${a.token}`, ...(a.headers || {}) });

function upload(a) {
  return new Promise((resolve) => {
    const data = readFileSync(a.file);
    let aborted = false;
    const u = new tus.Upload(data, {
      endpoint: a.endpoint,
      uploadUrl: a.uploadUrl || null,
      chunkSize: a.chunkSize || Infinity,
      metadata: a.metadata || {},
      headers: headers(a),
      retryDelays: [],
      storeFingerprintForResuming: false,
      onProgress(sent) {
        if (a.abortAfter && !aborted && sent >= a.abortAfter) {
          aborted = true;
          // The connection drops in the middle of a PATCH, as a village uplink does.
          u.abort(false).then(() => resolve({ ok: false, aborted: true, url: u.url }));
        }
      },
      onError(err) {
        resolve({ ...failure(err), url: u.url });
      },
      onSuccess() {
        resolve({ ok: true, url: u.url });
      },
    });
    u.start();
  });
}

async function terminate(a) {
  try {
    await tus.Upload.terminate(a.url, { headers: headers(a), retryDelays: [] });
    return { ok: true };
  } catch (err) {
    return failure(err);
  }
}

const ops = { upload, terminate };
print(await ops[args.op](args));
