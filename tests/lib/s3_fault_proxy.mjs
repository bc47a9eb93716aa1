// A fault-injecting HTTP proxy in front of a real S3 server (the rig's RGW), for the fault
// suite (tests/integration/s3_faults.test.mjs). Requests pass through unchanged, signed
// headers included, except those picked for a fault:
//
//   slowdown  503 SlowDown, the request not forwarded
//   error500  500 InternalError, not forwarded
//   after500  forwarded and carried out by the server, then answered 500 InternalError: the
//             client cannot tell whether its request took effect
//   reset     the connection closed without an answer, not forwarded
//   hang      no answer at all until the client gives up (its request timeout)
//
// and, while `down` is set, every connection is closed at once, as when the server is stopped.
//
// Each request is classified by what it does (`kindOf`). Of each kind, every other one of the
// first 2 × `forceFirst` requests gets a fault (the modes in turn), so that each kind meets
// each mode on every run; after them a request gets a fault with probability `rate`, its mode
// picked by the seeded PRNG.

import { createServer, request as httpRequest } from 'node:http';

import { prng } from './prng.mjs';

/** What an S3 request does: part, complete, initiate, create (If-None-Match), checkpoint,
 *  put, get, head, list, delete, other. */
export function kindOf(req) {
  const url = new URL(req.url, 'http://x');
  const q = url.searchParams;
  const m = req.method;
  if (m === 'PUT' && q.has('uploadId') && q.has('partNumber')) return 'part';
  if (m === 'POST' && q.has('uploadId')) return 'complete';
  if (m === 'POST' && q.has('uploads')) return 'initiate';
  if (m === 'PUT' && url.pathname.includes('/_binlake/checkpoints/')) return 'checkpoint';
  if (m === 'PUT' && req.headers['if-none-match']) return 'create';
  if (m === 'PUT') return 'put';
  if (m === 'GET' && (q.has('list-type') || q.has('prefix'))) return 'list';
  if (m === 'GET') return 'get';
  if (m === 'HEAD') return 'head';
  if (m === 'DELETE') return 'delete';
  return 'other';
}

// The ambiguous outcome first: it matters most for creates, completes and checkpoints.
export const MODES = ['after500', 'slowdown', 'reset', 'error500', 'hang'];

function errorXml(code, message) {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code>` +
    `<Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
}

/**
 * Starts the proxy on 127.0.0.1 (a free port) in front of `upstream` (http://host:port).
 * opts: seed, rate (0..1), forceFirst (per kind, default 1), modes (in turn for the forced
 * faults; default all but hang), randomModes (for the others; default modes), kinds (only
 * these get faults; default all), onRequest (called with each request's kind before it is
 * handled; may call set()).
 * Resolves to { endpoint, stats, set(opts), close() }; stats.faults[kind][mode] and
 * stats.requests[kind] count what happened.
 */
export async function startFaultProxy(upstream, opts = {}) {
  const target = new URL(upstream);
  const rand = prng(opts.seed ?? 1);
  const config = {
    rate: 0, forceFirst: 1, modes: MODES.filter((m) => m !== 'hang'), kinds: null, down: false,
    ...opts,
  };
  const stats = { requests: {}, faults: {}, seen: {} };
  const sockets = new Set();
  const hung = new Set();

  const pick = (kind) => {
    if (config.kinds && !config.kinds.includes(kind)) return null;
    // Every other one of a kind's first 2 × forceFirst requests: a retry of the same request
    // then passes, unless the random faults pick it too.
    const seen = stats.seen[kind] ?? 0;
    stats.seen[kind] = seen + 1;
    if (seen < 2 * config.forceFirst) {
      return seen % 2 === 0 ? config.modes[(seen / 2) % config.modes.length] : null;
    }
    if (rand() >= config.rate) return null;
    const modes = config.randomModes ?? config.modes;
    return modes[Math.floor(rand() * modes.length)];
  };

  const count = (kind, mode) => {
    stats.faults[kind] ??= {};
    stats.faults[kind][mode] = (stats.faults[kind][mode] ?? 0) + 1;
  };

  const reply = (res, status, code, message) => {
    const body = errorXml(code, message);
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': body.length });
    res.end(body);
  };

  // Forwards req to the server; resolves to { status, headers, body } once the server has
  // answered in full.
  const forward = (req, body) => new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    delete headers.expect;  // the proxy has the whole body already
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
    const up = httpRequest({
      host: target.hostname, port: target.port, method: req.method, path: req.url, headers,
    }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({
        status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks),
      }));
      res.on('error', reject);
    });
    up.on('error', reject);
    up.end(body);
  });

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', async () => {
      const kind = kindOf(req);
      stats.requests[kind] = (stats.requests[kind] ?? 0) + 1;
      config.onRequest?.(kind);
      if (config.down) {
        req.socket.destroy();
        return;
      }
      const mode = pick(kind);
      if (mode) count(kind, mode);
      if (mode === 'reset') {
        req.socket.destroy();
        return;
      }
      if (mode === 'hang') {
        hung.add(req.socket);
        req.socket.on('close', () => hung.delete(req.socket));
        return;
      }
      if (mode === 'slowdown') {
        reply(res, 503, 'SlowDown', 'Please reduce your request rate.');
        return;
      }
      if (mode === 'error500') {
        reply(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
        return;
      }
      let got;
      try {
        got = await forward(req, Buffer.concat(chunks));
      } catch {
        req.socket.destroy();
        return;
      }
      if (mode === 'after500') {
        reply(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
        return;
      }
      const headers = { ...got.headers };
      delete headers['transfer-encoding'];
      delete headers.connection;
      // A HEAD answer keeps the object's length; any other carries the body read here.
      if (req.method !== 'HEAD') headers['content-length'] = String(got.body.length);
      res.writeHead(got.status, headers);
      res.end(req.method === 'HEAD' ? undefined : got.body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    if (config.down) s.destroy();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    /** Changes rate, modes, kinds or down for the requests that follow. */
    set(changes) {
      Object.assign(config, changes);
      if (config.down) for (const s of sockets) s.destroy();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
