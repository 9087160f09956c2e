// The verify bench's HTTP load generator, run as a forked child so that the client's CPU work does
// not share the server's event loop. Asked over IPC; answers one message per job.
//   closed loop: `concurrency` keep-alive clients, each sends the next request when its answer is in
//   open loop:   requests sent by the clock at `rate`/s whatever the answers do; latency is counted
//                from the scheduled moment, so a queue on the client side shows up in it too
import { setMaxListeners } from 'node:events';
import { Agent, request } from 'node:http';

export interface Target {
  url: string;
  path: string;
  body: string;
  /** when given, requests take these bodies in turn instead of `body` */
  bodies?: string[];
}

export type Job =
  | ({ kind: 'closed'; concurrency: number; warmupMs: number; durationMs: number } & Target)
  | ({ kind: 'open'; rate: number; durationMs: number } & Target)
  | { kind: 'exit' };

export interface ClosedResult {
  kind: 'closed';
  ok: number;
  failed: number;
  seconds: number;
  /** every answer, warm-up included (the server's CPU time over the whole job is divided by it) */
  answered: number;
}

export interface OpenResult {
  kind: 'open';
  scheduled: number;
  ok: number;
  failed: number;
  /** sent more than LATE_MS after its scheduled moment */
  late: number;
  /** answers still missing GRACE_MS after the last scheduled moment (abandoned, counted in failed) */
  abandoned: number;
  /** ms from scheduled moment to the whole answer; Infinity for a failed or abandoned request */
  latencies: number[];
}

const LATE_MS = 5;
const GRACE_MS = 2000;

let sent = 0;

function send(agent: Agent, target: Target, signal?: AbortSignal): Promise<boolean> {
  const u = new URL(target.path, target.url);
  const body = Buffer.from(target.bodies?.length ? target.bodies[sent++ % target.bodies.length]! : target.body);
  return new Promise((resolve) => {
    const req = request(
      { agent, signal, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', () => resolve(false));
      },
    );
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

async function closedLoop(job: Extract<Job, { kind: 'closed' }>): Promise<ClosedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  let measuring = false;
  let ok = 0;
  let failed = 0;
  let answered = 0;
  let stopAt = performance.now() + job.warmupMs;
  const client = async () => {
    while (performance.now() < stopAt || !measuring) {
      const good = await send(agent, job);
      answered++;
      if (measuring && performance.now() <= stopAt) good ? ok++ : failed++;
    }
  };
  const clients = Array.from({ length: job.concurrency }, client);
  await new Promise((r) => setTimeout(r, job.warmupMs));
  measuring = true;
  const started = performance.now();
  stopAt = started + job.durationMs;
  await Promise.all(clients);
  agent.destroy();
  return { kind: 'closed', ok, failed, seconds: (stopAt - started) / 1000, answered };
}

async function openLoop(job: Extract<Job, { kind: 'open' }>): Promise<OpenResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const giveUp = new AbortController();
  setMaxListeners(0, giveUp.signal); // one listener per request in flight
  const total = Math.round((job.rate * job.durationMs) / 1000);
  const interval = 1000 / job.rate;
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  let ok = 0;
  let failed = 0;
  let late = 0;
  const started = performance.now() + 50;
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && started + next * interval <= now) {
        const due = started + next * interval;
        if (now - due > LATE_MS) late++;
        next++;
        inFlight.push(
          send(agent, job, giveUp.signal).then((good) => {
            if (good) ok++;
            else failed++;
            latencies.push(good ? performance.now() - due : Infinity);
          }),
        );
      }
      if (next < total) setTimeout(tick, Math.max(0, Math.min(interval, started + next * interval - performance.now())));
      else done();
    };
    tick();
  });
  const timer = setTimeout(() => giveUp.abort(), GRACE_MS);
  await Promise.all(inFlight);
  clearTimeout(timer);
  agent.destroy();
  return { kind: 'open', scheduled: total, ok, failed, late, abandoned: giveUp.signal.aborted ? total - ok : 0, latencies };
}

process.on('message', async (job: Job) => {
  if (job.kind === 'exit') return process.exit(0);
  const result = job.kind === 'closed' ? await closedLoop(job) : await openLoop(job);
  process.send!(result);
});
