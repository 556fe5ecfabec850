// One load segment for bench/load.py: autocannon (a Node HTTP load generator, installed as a dev
// dependency) with `connections` clients on one URL for `seconds`. Prints one JSON line: the
// measured duration, a histogram of latencies in 0.1 ms buckets (every response, so load.py can
// merge rounds and read any percentile, p95 included, which autocannon's summary lacks), the count
// of each status and the errors (failed connections and timeouts). Not a benchmark itself (the underscore).
import autocannon from "autocannon";

const { url, host, cookie, connections, seconds } = JSON.parse(process.argv[2]);
const headers = { host };
if (cookie) headers.cookie = cookie;

// gunicorn's sync workers answer every request with "Connection: close". autocannon writes its
// next request on the same connection as soon as a response ends; that request is lost with the
// closing connection, stays queued, and every later response is timed from the lost request's
// start (latencies of seconds at 20 clients, and more connections than asked for). So on a
// response that closes, each client opens a new connection before its next request, as wrk does.
function reconnectWhenClosed(client) {
  let closing = false;
  client.on("headers", (info) => {
    closing = info.shouldKeepAlive === false;
  });
  const next = client._doRequest;
  client._doRequest = function (...args) {
    if (closing) {
      closing = false;
      this._resetConnection(); // a new connection, which sends the next request
      return undefined;
    }
    return next.apply(this, args);
  };
}

const histogram = {};
const statuses = {};
const instance = autocannon({
  url,
  headers,
  connections,
  duration: seconds,
  timeout: 10,
  setupClient: reconnectWhenClosed,
});
instance.on("response", (_client, statusCode, _bytes, responseTime) => {
  const bucket = Math.round(responseTime * 10);
  histogram[bucket] = (histogram[bucket] || 0) + 1;
  statuses[statusCode] = (statuses[statusCode] || 0) + 1;
});
instance.on("done", (result) => {
  process.stdout.write(
    JSON.stringify({
      duration: result.duration,
      histogram,
      statuses,
      errors: result.errors,
    }) + "\n",
  );
});
