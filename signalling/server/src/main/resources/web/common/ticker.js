// every(ms, fn) and after(ms, fn), like setInterval and setTimeout but kept on time in a background tab: the
// heartbeat must reach the server every 10 s even while the agent works in another tab, or the server would drop
// the session and the agent would miss calls. Each returns a function that cancels it. Falls back to the page's
// own timers where workers are not available.
let worker = null;
let nextId = 1;
const callbacks = new Map();

function start() {
  if (worker !== null) return worker;
  try {
    worker = new Worker(new URL('./ticker-worker.js', import.meta.url));
    worker.onmessage = ({ data }) => callbacks.get(data)?.();
  } catch (e) {
    worker = false;
  }
  return worker;
}

function schedule(ms, fn, repeat) {
  if (!start()) {
    const handle = repeat ? setInterval(fn, ms) : setTimeout(fn, ms);
    return () => { clearInterval(handle); clearTimeout(handle); };
  }
  const id = nextId++;
  callbacks.set(id, repeat ? fn : () => { callbacks.delete(id); fn(); });
  worker.postMessage({ id, ms, repeat });
  return () => {
    callbacks.delete(id);
    worker.postMessage({ id, cancel: true });
  };
}

export const every = (ms, fn) => schedule(ms, fn, true);
export const after = (ms, fn) => schedule(ms, fn, false);
