// Runs `wrangler dev` (local workerd, offline, non-interactive) for a test: free port, own process
// group, all wrangler state in a temp dir, stopped by killing the whole group.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface WranglerDev {
  url: string;
  /** ms from spawn until the ready check passed */
  readyMs: number;
  /** ms the first successful ready check took (the worker's first answered request) */
  firstRequestMs: number;
  /** everything wrangler printed so far */
  output(): string;
  stop(): Promise<void>;
}

export interface WranglerDevOptions {
  /** project root holding wrangler.toml */
  cwd?: string;
  /** another wrangler config than cwd's wrangler.toml (--config) */
  config?: string;
  env?: Record<string, string>;
  /** --var KEY:VALUE */
  vars?: Record<string, string>;
  /** when the worker counts as up: a GET of `path` that `check` accepts */
  ready: { path: string; check: (res: Response) => Promise<boolean>; timeoutMs?: number; intervalMs?: number };
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startWranglerDev(opts: WranglerDevOptions): Promise<WranglerDev> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const home = mkdtempSync(join(tmpdir(), 'wrangler-test-'));
  for (const d of ['xdg', 'logs', 'tmp', 'state']) mkdirSync(join(home, d));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    'dev',
    '--port', String(port),
    '--ip', '127.0.0.1',
    '--inspector-port', '0',
    '--show-interactive-dev-session=false',
    '--persist-to', join(home, 'state'),
    ...(opts.config ? ['--config', opts.config] : []),
    ...Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  const env = {
    ...process.env,
    CI: 'true',
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: join(home, 'xdg'),
    WRANGLER_LOG_PATH: join(home, 'logs'),
    TMPDIR: join(home, 'tmp'),
    ...opts.env,
  };

  const started = performance.now();
  const child: ChildProcess = spawn(join(cwd, 'node_modules/.bin/wrangler'), args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let exited: { code: number | null; signal: string | null; error?: string } | undefined;
  child.once('exit', (code, signal) => (exited ??= { code, signal }));
  child.once('error', (err) => (exited ??= { code: null, signal: null, error: String(err) }));
  const pid = child.pid;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const deadline = Date.now() + 5000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pid)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
        const hard = Date.now() + 5000;
        while (groupAlive(pid) && Date.now() < hard) await sleep(100);
      }
    }
    rmSync(home, { recursive: true, force: true });
  };

  const { path, check, timeoutMs = 60_000, intervalMs = 250 } = opts.ready;
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  try {
    for (;;) {
      if (exited) throw new Error(`wrangler dev exited early (${JSON.stringify(exited)}):\n${out}`);
      if (Date.now() > deadline) throw new Error(`wrangler dev not ready after ${timeoutMs} ms (last: ${last}):\n${out}`);
      const t0 = performance.now();
      try {
        const res = await fetch(url + path, { signal: AbortSignal.timeout(15_000) });
        const ms = performance.now() - t0;
        if (await check(res)) {
          return { url, readyMs: performance.now() - started, firstRequestMs: ms, output: () => out, stop };
        }
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = String((err as Error).cause ?? err);
      }
      await sleep(intervalMs);
    }
  } catch (err) {
    await stop();
    throw err;
  }
}
