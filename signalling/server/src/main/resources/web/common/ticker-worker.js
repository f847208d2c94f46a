// Timers for the pages, run in a worker: a browser throttles the timers of a tab in the background (down to one
// wake-up a minute after a few minutes), but not a worker's. The page asks {id, ms, repeat} or {id, cancel}; the
// worker answers each tick with the id.
const timers = new Map();

onmessage = ({ data }) => {
  if (data.cancel) {
    clearTimeout(timers.get(data.id));
    clearInterval(timers.get(data.id));
    timers.delete(data.id);
  } else if (data.repeat) {
    timers.set(data.id, setInterval(() => postMessage(data.id), data.ms));
  } else {
    timers.set(data.id, setTimeout(() => {
      timers.delete(data.id);
      postMessage(data.id);
    }, data.ms));
  }
};
