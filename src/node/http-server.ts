// The app on Node's own HTTP server (Node only; Workers hand the app a Request themselves).
//
// @hono/node-server gives the app an undici Request whose body is a web stream over the socket,
// and reads every answer back through a web-stream reader. On the verifier's hot path that cost
// more CPU than the verification itself. Here a small body (the JSON and form posts) is read with
// Node's own stream into one buffer before the app runs, and the Request the app gets answers
// text()/json()/arrayBuffer() from that buffer; a full undici Request (headers, signal, stream) is
// made only if the app asks for something else. Larger or unannounced bodies stream as before.
// An answer whose body is complete at once (every JSON, HTML and PDF answer) goes out as one write.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

export interface NodeBindings {
  incoming: IncomingMessage;
  outgoing: ServerResponse;
}

export type FetchHandler = (request: Request, env: NodeBindings) => Response | Promise<Response>;

export interface NodeServerOptions {
  fetch: FetchHandler;
  port: number;
  hostname: string;
  /** bodies up to this many bytes (announced by Content-Length) are read before the app runs */
  bufferLimit?: number;
  /** a failure outside the app (a client gone mid-body, an answer that cannot be written) */
  onError?: (error: unknown) => void;
}

/** JSON and form posts are a few KB; uploads (up to 5 MB) stream. */
export const DEFAULT_BUFFER_LIMIT = 64 * 1024;

export function serveNode(options: NodeServerOptions, onListening?: () => void): Server {
  const server = createServer(createNodeListener(options.fetch, options));
  server.listen(options.port, options.hostname, onListening);
  return server;
}

export function createNodeListener(fetch: FetchHandler, { bufferLimit = DEFAULT_BUFFER_LIMIT, onError }: Pick<NodeServerOptions, 'bufferLimit' | 'onError'> = {}) {
  return (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    void handle(fetch, incoming, outgoing, bufferLimit).catch((error: unknown) => {
      fail(outgoing);
      onError?.(error);
    });
  };
}

async function handle(fetch: FetchHandler, incoming: IncomingMessage, outgoing: ServerResponse, bufferLimit: number): Promise<void> {
  const url = requestUrl(incoming);
  if (!url) return plain(outgoing, 400, 'Bad Request');
  const method = incoming.method ?? 'GET';
  const announced = incoming.headers['content-length'];
  const length = announced === undefined ? undefined : Number(announced);
  let request: Request;
  if (method === 'GET' || method === 'HEAD' || length === 0) {
    request = lightRequest(incoming, url, null);
  } else if (length !== undefined && length <= bufferLimit) {
    request = lightRequest(incoming, url, await readBody(incoming, length));
  } else {
    request = streamingRequest(incoming, outgoing, url);
  }
  const response = await fetch(request, { incoming, outgoing });
  await writeResponse(response, incoming, outgoing);
}

function requestUrl(incoming: IncomingMessage): string | undefined {
  const target = incoming.url ?? '/';
  const scheme = (incoming.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  if (target.startsWith('/')) {
    const host = incoming.headers.host;
    if (!host || !validHost(host) || hostCount(incoming.rawHeaders) !== 1) return undefined;
    return `${scheme}://${host}${target}`;
  }
  // absolute-form (a proxy's request line); anything else (`*`, authority-form) is not ours
  return URL.canParse(target) && /^https?:/i.test(target) ? new URL(target).href : undefined;
}

// a DNS name or IPv4 address, or an IPv6 literal, with an optional port: what URL() would accept unchanged
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;
function validHost(host: string): boolean {
  const m = HOST.exec(host);
  return !!m && (m[1] === undefined || Number(m[1]) <= 65535) && (host[0] !== '[' || URL.canParse(`http://${host}`));
}
function hostCount(raw: string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') n++;
  return n;
}

function readBody(incoming: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    incoming.on('end', () => (size === length ? resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)) : reject(new Error('request body shorter than announced'))));
    incoming.on('error', reject);
    incoming.on('aborted', () => reject(new Error('request aborted')));
  });
}

function headersOf(incoming: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/** A full undici Request, made when the app asks for more than the light one knows. */
function fullRequest(incoming: IncomingMessage, url: string, headers: Headers, body: Buffer | null): Request {
  return new Request(url, { method: incoming.method ?? 'GET', headers, ...(body ? { body: body as unknown as BodyInit } : {}) });
}

const LIGHT = Symbol('light request');

interface LightState {
  incoming: IncomingMessage;
  url: string;
  body: Buffer | null;
  headers?: Headers;
  used: boolean;
  full?: Request;
}

type LightRequest = Request & { [LIGHT]: LightState };

const lightPrototype = Object.create(Request.prototype, {
  method: { get(this: LightRequest) { return this[LIGHT].incoming.method ?? 'GET'; } },
  url: { get(this: LightRequest) { return this[LIGHT].url; } },
  headers: {
    get(this: LightRequest) {
      const s = this[LIGHT];
      return (s.headers ??= headersOf(s.incoming));
    },
  },
  bodyUsed: { get(this: LightRequest) { const s = this[LIGHT]; return s.used || (s.full?.bodyUsed ?? false); } },
  text: { value(this: LightRequest) { return take(this).then((b) => (b ? b.toString('utf8') : '')); } },
  json: { value(this: LightRequest) { return take(this).then((b) => JSON.parse(b ? b.toString('utf8') : '')); } },
  arrayBuffer: { value(this: LightRequest) { return take(this).then((b) => (b ? new Uint8Array(b).buffer : new ArrayBuffer(0))); } },
  bytes: { value(this: LightRequest) { return take(this).then((b) => (b ? new Uint8Array(b) : new Uint8Array(0))); } },
});

Object.defineProperty(lightPrototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: LightRequest) {
    return `Request (read ahead) ${this.method} ${this.url}`;
  },
});

// everything else (body, signal, formData(), clone(), …) from a full Request, made once. Not a real
// undici Request: `new Request(raw)` and `fetch(raw)` refuse it (nothing here does either; use clone()).

for (const name of ['body', 'signal', 'cache', 'credentials', 'destination', 'integrity', 'mode', 'redirect', 'referrer', 'referrerPolicy', 'keepalive', 'duplex']) {
  Object.defineProperty(lightPrototype, name, { get(this: LightRequest) { return (full(this) as unknown as Record<string, unknown>)[name]; } });
}
for (const name of ['blob', 'formData', 'clone']) {
  Object.defineProperty(lightPrototype, name, {
    value(this: LightRequest) {
      if (this[LIGHT].used) {
        const error = new TypeError('Body is unusable: it has already been read');
        if (name === 'clone') throw error;
        return Promise.reject(error);
      }
      const request = full(this);
      return (request as unknown as Record<string, () => unknown>)[name]!.call(request);
    },
  });
}

function full(request: LightRequest): Request {
  const s = request[LIGHT];
  // the body goes to the full Request unless it was read here; reads there mark it used there
  return (s.full ??= fullRequest(s.incoming, s.url, request.headers, s.used ? null : s.body));
}

async function take(request: LightRequest): Promise<Buffer | null> {
  const s = request[LIGHT];
  if (s.used) throw new TypeError('Body is unusable: it has already been read');
  if (s.full) return Buffer.from(await s.full.arrayBuffer());
  s.used = true;
  return s.body;
}

function lightRequest(incoming: IncomingMessage, url: string, body: Buffer | null): Request {
  const request = Object.create(lightPrototype) as LightRequest;
  request[LIGHT] = { incoming, url, body, used: false };
  return request;
}

/** A body too large to hold, or of unknown length: the app reads it from the socket. */
function streamingRequest(incoming: IncomingMessage, outgoing: ServerResponse, url: string): Request {
  const aborter = new AbortController();
  outgoing.on('close', () => {
    if (!outgoing.writableFinished) aborter.abort(new Error('the client closed the connection'));
  });
  return new Request(url, {
    method: incoming.method ?? 'POST',
    headers: headersOf(incoming),
    body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>,
    signal: aborter.signal,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
}

function outgoingHeaders(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    if (name === 'set-cookie') continue;
    out[name] = value;
  }
  const cookies = headers.getSetCookie();
  if (cookies.length) out['set-cookie'] = cookies;
  return out;
}

/**
 * A body the app answered without reading (a 413, say) is read to its end and dropped before the
 * connection closes, up to this many bytes: closing on unread bytes resets the connection, and a
 * client still sending (fetch, most HTTP libraries) then reports a broken pipe, not our answer.
 */
export const DRAIN_LIMIT = 16 * 1024 * 1024;
/** and for at most this long: a client that stalls mid-body is not waited for */
const DRAIN_TIMEOUT_MS = 10_000;

/** Reads and drops the rest of an unread body; resolves once it ended, or the limit or the time ran out. */
function drainBody(incoming: IncomingMessage): Promise<void> | undefined {
  const announced = Number(incoming.headers['content-length']);
  if (incoming.complete || incoming.destroyed || announced > DRAIN_LIMIT) return undefined;
  return new Promise<void>((resolve) => {
    let dropped = 0;
    const done = () => {
      clearTimeout(timer);
      incoming.off('data', drop);
      resolve();
    };
    const drop = (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > DRAIN_LIMIT) done();
    };
    const timer = setTimeout(done, DRAIN_TIMEOUT_MS);
    // a web stream the app made of the body and left unread would hold every dropped chunk
    incoming.removeAllListeners('data');
    incoming.on('data', drop);
    incoming.once('end', done);
    incoming.once('close', done);
    incoming.once('error', done);
    incoming.resume();
  });
}

/** gathering stops here (a single larger chunk, a PDF, still goes in one piece) */
const GATHER_LIMIT = 1024 * 1024;

const nextMacrotask = () => new Promise<undefined>((resolve) => setImmediate(resolve, undefined));

async function writeResponse(response: Response, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const headers = outgoingHeaders(response.headers);
  // a body the app never read (a 413 before reading, say) cannot be left on a kept-alive socket
  if (!incoming.complete) outgoing.shouldKeepAlive = false;
  const drained = incoming.complete ? undefined : drainBody(incoming);
  const body = response.body;
  if (!body) {
    outgoing.writeHead(response.status, headers);
    if (drained) await drained;
    outgoing.end();
    return;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  const cancel = () => void reader.cancel().catch(() => {});
  // gather what is there at once; a body that ends within it goes out as one write with its length
  for (;;) {
    pending ??= reader.read();
    const next = await Promise.race([pending, nextMacrotask()]);
    if (!next) break;
    if (next.done) {
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      // our count, not the app's: a wrong Content-Length would desynchronise a kept-alive connection
      if (!('transfer-encoding' in headers) && incoming.method !== 'HEAD') headers['content-length'] = String(all.byteLength);
      outgoing.writeHead(response.status, headers);
      if (drained) {
        // the answer goes out at once; the connection closes once the body is in
        outgoing.write(all);
        await drained;
        outgoing.end();
      } else {
        outgoing.end(all);
      }
      return;
    }
    if (size > 0 && size + next.value.byteLength > GATHER_LIMIT) break; // pending still holds it
    pending = undefined;
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  // a streaming answer: what is there now, then the rest as it comes, as fast as the client reads
  outgoing.once('close', cancel);
  try {
    outgoing.strictContentLength = true; // an app's Content-Length that the body does not match fails instead of desynchronising
    outgoing.writeHead(response.status, headers);
    for (const chunk of chunks) outgoing.write(chunk);
    for (;;) {
      const next = await (pending ?? reader.read());
      pending = undefined;
      if (next.done) break;
      if (!outgoing.write(next.value)) await new Promise<void>((resolve) => outgoing.once('drain', resolve));
      if (outgoing.destroyed) return;
    }
    if (drained) await drained;
    outgoing.end();
  } catch (error) {
    cancel();
    throw error;
  } finally {
    outgoing.off('close', cancel);
  }
}

function plain(outgoing: ServerResponse, status: number, text: string): void {
  outgoing.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), connection: 'close' }).end(text);
}

/** The app answers its own errors (problem+json); this is for a failure outside it. */
function fail(outgoing: ServerResponse): void {
  if (outgoing.headersSent) {
    outgoing.destroy();
    return;
  }
  plain(outgoing, 500, 'Internal Server Error');
}
