// Restart to the first 200 from /health: starts the service on a scratch data directory (the
// first start seeds it and is not counted), then restarts it N times and prints each time.
//
//   node scripts/start-time.mjs [runs=5] -- <command> [args…]     (default command: npm start)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dashes = process.argv.indexOf('--');
const runs = Number(process.argv[2] && process.argv[2] !== '--' ? process.argv[2] : 5);
const command = dashes > 0 ? process.argv.slice(dashes + 1) : ['npm', 'start'];
const dir = mkdtempSync(join(tmpdir(), 'register-start-time-'));

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function once() {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), OIDC_DEV_PORT: String(await freePort()), KEYS_DIR: join(dir, 'keys'), PGLITE_DATA_DIR: join(dir, 'pglite'), DATABASE_URL: '', LOG_LEVEL: 'warn' };
  const started = performance.now();
  const child = spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - started;
  process.kill(-child.pid, 'SIGTERM');
  await exited;
  return { ms, printed: /ready in (\d+) ms/.exec(out)?.[1] };
}

try {
  const first = await once();
  console.log(`first start (creates keys, seeds): ${Math.round(first.ms)} ms`);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const { ms, printed } = await once();
    times.push(ms);
    console.log(`restart ${i + 1}: first 200 after ${Math.round(ms)} ms (printed "ready in ${printed} ms")`);
  }
  times.sort((a, b) => a - b);
  console.log(`median ${Math.round(times[Math.floor(times.length / 2)])} ms, best ${Math.round(times[0])} ms (${command.join(' ')})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
