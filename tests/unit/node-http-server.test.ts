// The Node HTTP adapter (src/node/http-server.ts) over real sockets: the Request the app gets
// (buffered before the app runs up to bufferLimit, streamed above it), the answers it writes,
// and what it does with clients that send too much, too little or no Host at all.
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request as httpRequest, type OutgoingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAIN_LIMIT, serveNode, type FetchHandler, type NodeBindings } from '../../src/node/http-server.ts';

const BUFFER_LIMIT = 1024;
const sha256 = (bytes: ArrayBuffer | Uint8Array) => createHash('sha256').update(new Uint8Array(bytes)).digest('hex');
const timeout = () => AbortSignal.timeout(5_000);

// request side: a Hono app that reports what it was handed
const app = new Hono<{ Bindings: NodeBindings }>();
app.onError((_, c) => c.text('app error', 500)); // quiet: hono's default logs the aborted uploads below
// `complete` before the app reads anything: true only when the adapter buffered the body
const buffered = (c: { env: NodeBindings }) => c.env.incoming.complete;
app.post('/describe', async (c) => {
  const wasBuffered = buffered(c);
  const { method, url, raw } = c.req;
  return c.json({ method, url, host: c.req.header('host'), multi: c.req.header('x-multi'), isRequest: raw instanceof Request, buffered: wasBuffered, json: await c.req.json() });
});
app.post('/read/:how', async (c) => {
  const wasBuffered = buffered(c);
  const how = c.req.param('how');
  const first = how === 'json' ? await c.req.json() : how === 'text' ? await c.req.text() : sha256(await c.req.arrayBuffer());
  const second = await c.req.raw.text().then(() => 'data again', (e: unknown) => (e instanceof TypeError ? 'TypeError' : String(e)));
  return c.json({ first, second, bodyUsed: c.req.raw.bodyUsed, buffered: wasBuffered });
});
app.post('/form', async (c) => {
  const wasBuffered = buffered(c);
  const form = await c.req.raw.formData();
  return c.json({ fields: [...form].map(([k, v]) => [k, typeof v === 'string' ? v : `${v.name}:${v.size}`]), buffered: wasBuffered });
});
app.post('/sha', async (c) => c.json({ sha: sha256(await c.req.arrayBuffer()) }));
app.post('/reject', (c) => c.text('too large', 413));
app.get('/ok', (c) => c.text('ok'));

// answer side: a plain fetch handler, so what reaches the socket is the adapter's doing
const slow = { lastEnqueued: false };
const plain: FetchHandler = async (request) => {
  switch (new URL(request.url).pathname) {
    case '/text':
      return new Response('hello world'); // also for HEAD: dropping the body is the adapter's job
    case '/cookies': {
      const headers = new Headers();
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; Path=/; HttpOnly');
      return new Response('ok', { headers });
    }
    case '/gathered':
      return new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('one,')); c.enqueue(new TextEncoder().encode('two')); c.close(); } }));
    case '/slow':
      slow.lastEnqueued = false;
      return new Response(new ReadableStream({
        async start(c) {
          for (const part of ['first,', 'second,', 'third']) {
            if (part !== 'first,') await new Promise((r) => setTimeout(r, 20));
            c.enqueue(new TextEncoder().encode(part));
          }
          slow.lastEnqueued = true;
          c.close();
        },
      }));
    case '/no-content':
      return new Response(null, { status: 204 });
    case '/signal-first': { // this and the next two: the known bugs at the end
      void request.signal;
      const usedBeforeRead = request.bodyUsed;
      return Response.json({ usedBeforeRead, text: await request.text() });
    }
    case '/read-signal-read':
      await request.text();
      void request.signal;
      return new Response(await request.text().then(() => 'data again', (e: unknown) => (e instanceof TypeError ? 'TypeError' : String(e))));
    case '/throw':
      throw new Error('secret detail from /srv/app.ts');
    default:
      return new Response('not found', { status: 404 });
  }
};

/** what the servers' onError was told */
const adapterErrors: unknown[] = [];

function listen(fetch: FetchHandler): Promise<{ server: Server; port: number; base: string }> {
  return new Promise((resolve) => {
    const server = serveNode({ fetch, port: 0, hostname: '127.0.0.1', bufferLimit: BUFFER_LIMIT, onError: (e) => adapterErrors.push(e) }, () => {
      const { port } = server.address() as { port: number };
      resolve({ server, port, base: `http://127.0.0.1:${port}` });
    });
  });
}

/** Writes `data` on a fresh socket and collects everything until the server closes it. */
function exchange(port: number, data: string | Buffer, { end = true } = {}): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`server did not close the socket; got ${JSON.stringify(received)}`)); }, 5_000);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => {}); // a reset after the answer; 'close' follows
    socket.on('close', () => {
      clearTimeout(timer);
      const at = received.indexOf('\r\n\r\n');
      resolve({ head: received.slice(0, at), body: received.slice(at + 4) });
    });
    socket.write(data);
    if (end) socket.end();
  });
}

/** node:http with an optional agent; rejects instead of hanging. */
function send(url: string, options: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer[]; agent?: Agent }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent, signal: timeout() }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    for (const chunk of options.body ?? []) req.write(chunk);
    req.end();
  });
}

let appServer: Awaited<ReturnType<typeof listen>>;
let plainServer: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => {
  appServer = await listen((request, env) => app.fetch(request, env));
  plainServer = await listen(plain);
});
afterAll(() => {
  appServer.server.close();
  plainServer.server.close();
});

describe('the Request the app gets', () => {
  it('has the method, the URL with the Host’s port, and repeated headers joined', async () => {
    const json = { hello: 'wereld' };
    const body = Buffer.from(JSON.stringify(json));
    const res = await send(`${appServer.base}/describe?q=1`, {
      method: 'POST',
      headers: { host: 'register.test:8443', 'content-type': 'application/json', 'content-length': body.length, 'x-multi': ['a', 'b'] },
      body: [body],
    });
    expect(JSON.parse(res.body)).toEqual({ method: 'POST', url: 'http://register.test:8443/describe?q=1', host: 'register.test:8443', multi: 'a, b', isRequest: true, buffered: true, json });
  });

  const padded = (size: number) => JSON.stringify({ pad: 'x'.repeat(size) });
  describe.each([
    ['buffered (≤ bufferLimit)', padded(100), true],
    ['streamed (> bufferLimit)', padded(4 * BUFFER_LIMIT), false],
  ])('with a body %s', (_, body, wasBuffered) => {
    it.each(['json', 'text', 'arrayBuffer'])('reads it once with %s(); a second read is a TypeError, not the data again', async (how) => {
      const res = await fetch(`${appServer.base}/read/${how}`, { method: 'POST', body, signal: timeout() });
      const first = how === 'json' ? JSON.parse(body) : how === 'text' ? body : sha256(new TextEncoder().encode(body));
      expect(await res.json()).toEqual({ first, second: 'TypeError', bodyUsed: true, buffered: wasBuffered });
    });
  });

  it('parses small urlencoded and multipart forms (formData() from a buffered body)', async () => {
    const urlencoded = await fetch(`${appServer.base}/form`, { method: 'POST', body: new URLSearchParams({ naam: 'Jan de Vries', brin: '00AA' }), signal: timeout() });
    expect(await urlencoded.json()).toEqual({ fields: [['naam', 'Jan de Vries'], ['brin', '00AA']], buffered: true });
    const form = new FormData();
    form.append('naam', 'Jan');
    form.append('file', new Blob([new Uint8Array(100)]), 'diploma.pdf');
    const multipart = await fetch(`${appServer.base}/form`, { method: 'POST', body: form, signal: timeout() });
    expect(await multipart.json()).toEqual({ fields: [['naam', 'Jan'], ['file', 'diploma.pdf:100']], buffered: true });
  });

  it('streams a 200 KB upload and a chunked body without Content-Length intact', async () => {
    const upload = randomBytes(200_000);
    const res = await fetch(`${appServer.base}/sha`, { method: 'POST', body: upload, signal: timeout() });
    expect(await res.json()).toEqual({ sha: sha256(upload) });
    const chunks = [randomBytes(700), randomBytes(3000), randomBytes(5)];
    const chunked = await send(`${appServer.base}/sha`, { method: 'POST', body: chunks }); // node:http sends chunked when given no length
    expect(JSON.parse(chunked.body)).toEqual({ sha: sha256(Buffer.concat(chunks)) });
  });
});

describe('a body the app does not read', () => {
  it('answers 413 with Connection: close and closes the socket instead of waiting for 100 MB (more than it drains)', async () => {
    const { head, body } = await exchange(appServer.port, `POST /reject HTTP/1.1\r\nHost: x\r\nContent-Length: ${DRAIN_LIMIT * 6}\r\n\r\n${'x'.repeat(1000)}`, { end: false });
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
    expect(head).toMatch(/\r\nconnection: close(\r\n|$)/i);
    expect(body).toBe('too large');
    expect((await fetch(`${appServer.base}/ok`, { signal: timeout() })).status).toBe(200);
  });

  it('reads and drops the rest of an unread body before closing: a client still sending gets the 413 and a clean close, no reset', async () => {
    const length = 4 * 1024 * 1024;
    const outcome = await new Promise<{ head: string; error?: string }>((resolve) => {
      const socket = connect(appServer.port, '127.0.0.1');
      let received = '';
      let error: string | undefined;
      let sentRest = false;
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        // the answer came while most of the body is still to be sent: send the rest only now
        if (!sentRest && received.includes('too large')) {
          sentRest = true;
          socket.write(Buffer.alloc(length - 1000, 120));
        }
      });
      socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
      socket.on('close', () => resolve({ head: received.slice(0, received.indexOf('\r\n\r\n')), ...(error ? { error } : {}) }));
      socket.write(`POST /reject HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n${'x'.repeat(1000)}`);
    });
    expect(outcome.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(outcome.head).toMatch(/\r\nconnection: close(\r\n|$)/i);
    expect(outcome.error).toBeUndefined();
  });

  it.each([
    ['announced', (size: number) => new Uint8Array(size)],
    ['streamed', (size: number) => new ReadableStream<Uint8Array>({ pull(c) { if (size <= 0) return c.close(); const n = Math.min(size, 65536); size -= n; c.enqueue(new Uint8Array(n)); } })],
  ] as const)('fetch posting an oversize body (%s) receives the 413', async (_, body) => {
    for (const size of [300_000, 6 * 1024 * 1024]) {
      const res = await fetch(`${appServer.base}/reject`, { method: 'POST', body: body(size), duplex: 'half', signal: timeout() } as RequestInit);
      expect([res.status, await res.text()]).toEqual([413, 'too large']);
    }
  });

  it('does not leave a keep-alive agent hanging on the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const rejected = await send(`${appServer.base}/reject`, { method: 'POST', agent, headers: { 'content-length': 200_000 }, body: [Buffer.alloc(200_000)] });
      expect([rejected.status, rejected.headers.connection]).toEqual([413, 'close']);
      expect((await send(`${appServer.base}/ok`, { agent })).body).toBe('ok');
    } finally {
      agent.destroy();
    }
  });

  it.each([
    ['buffered', 500],
    ['streamed', 100_000],
  ])('survives a client that disconnects mid-body (%s)', async (_, length) => {
    const closed = new Promise((resolve) => appServer.server.once('connection', (s) => s.once('close', resolve)));
    const socket = connect(appServer.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(`POST /sha HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n${'x'.repeat(100)}`);
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await closed;
    const res = await fetch(`${appServer.base}/sha`, { method: 'POST', body: 'abc', signal: timeout() });
    expect(await res.json()).toEqual({ sha: sha256(Buffer.from('abc')) });
  });
});

describe('the answer on the wire', () => {
  it('writes a complete body in one piece with its Content-Length, also when it came as a stream', async () => {
    const text = await fetch(`${plainServer.base}/text`, { signal: timeout() });
    expect([text.headers.get('content-length'), text.headers.get('transfer-encoding'), await text.text()]).toEqual(['11', null, 'hello world']);
    const gathered = await fetch(`${plainServer.base}/gathered`, { signal: timeout() });
    expect([gathered.headers.get('content-length'), gathered.headers.get('transfer-encoding'), await gathered.text()]).toEqual(['7', null, 'one,two']);
  });

  it('sends each Set-Cookie as its own header', async () => {
    const res = await fetch(`${plainServer.base}/cookies`, { signal: timeout() });
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
  });

  it('sends no body to HEAD', async () => {
    const { head, body } = await exchange(plainServer.port, 'HEAD /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(body).toBe('');
  });

  it('streams a slow body: the first chunk arrives before the last is made, and all of it arrives', async () => {
    const res = await fetch(`${plainServer.base}/slow`, { signal: timeout() });
    expect(res.headers.get('content-length')).toBeNull();
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(slow.lastEnqueued).toBe(false);
    let all = new TextDecoder().decode(first.value);
    for (let next = await reader.read(); !next.done; next = await reader.read()) all += new TextDecoder().decode(next.value);
    expect(all).toBe('first,second,third');
  });

  it('answers 204 with no body and no length or chunking', async () => {
    const { head, body } = await exchange(plainServer.port, 'GET /no-content HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 204 /);
    expect(head).not.toMatch(/content-length|transfer-encoding/i);
    expect(body).toBe('');
  });

  it('answers 400 to a request without Host (HTTP/1.0)', async () => {
    const { head, body } = await exchange(plainServer.port, 'GET /text HTTP/1.0\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(body).toBe('Bad Request');
  });

  it('answers 500 in plain text, without the error or its stack, when the handler throws, and tells onError', async () => {
    adapterErrors.length = 0;
    const res = await fetch(`${plainServer.base}/throw`, { signal: timeout() });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Internal Server Error');
    expect(adapterErrors.map((e) => (e as Error).message)).toEqual(['secret detail from /srv/app.ts']);
  });
});

// Found in review and fixed.
describe('body state and Host', () => {
  it('bodyUsed stays false when the app reads request.signal before the body', async () => {
    const res = await fetch(`${plainServer.base}/signal-first`, { method: 'POST', body: 'abc', signal: timeout() });
    expect(await res.json()).toEqual({ usedBeforeRead: false, text: 'abc' });
  });

  it('a second read after touching request.signal is a TypeError, not an empty body', async () => {
    const res = await fetch(`${plainServer.base}/read-signal-read`, { method: 'POST', body: 'abc', signal: timeout() });
    expect(await res.text()).toBe('TypeError');
  });

  it.each(['a:b', 'ex<ample', 'example.com:99999', 'a.example\r\nHost: b.example'])('answers 400 to the Host %j', async (host) => {
    const { head } = await exchange(plainServer.port, `GET /text HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
  });
});
