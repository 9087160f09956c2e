// Institution feed throughput: bulk NDJSON and single records, over real HTTP, per database.
import { createApiKey } from '../src/feed/api-keys.ts';
import { syntheticBsn } from '../db/demo/generate.ts';
import { benchDatabaseKinds, fmt, freshBenchDatabase, median, percentile, serveApp, type BenchSection } from './support.ts';

let serial = 100_000;
function award(reference: string) {
  let bsn: string | undefined;
  while (!(bsn = syntheticBsn(serial++)));
  return {
    type: 'award', reference, institution: { brin: '25LF', location: '00' }, programme: { code: '25604' }, kind: 'diploma', awardDate: '2025-07-04',
    holder: { bsn, givenNames: 'Łukasz', familyName: 'Øverby', birthDate: '2003-02-01' },
  };
}

export async function run(): Promise<BenchSection> {
  const rows: (string | number)[][] = [];
  for (const kind of benchDatabaseKinds()) {
    const database = await freshBenchDatabase(kind);
    const server = await serveApp(database);
    try {
      const { key } = await createApiKey(database.db, '25LF', 'bench');
      const headers = { authorization: `Bearer ${key}` };
      const bulkRates: number[] = [];
      for (let round = 0; round < 3; round++) {
        const body = Array.from({ length: 10_000 }, (_, i) => JSON.stringify(award(`B${round}-${i}`))).join('\n');
        const started = performance.now();
        const res = await fetch(`${server.url}/api/v1/feed/records/bulk`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-ndjson' }, body });
        const result = await res.json();
        if (result.summary?.created !== 10_000) throw new Error(`bulk round failed: ${JSON.stringify(result.summary ?? result)}`);
        bulkRates.push(10_000 / ((performance.now() - started) / 1000));
      }
      const latencies: number[] = [];
      const startedSingles = performance.now();
      for (let i = 0; i < 500; i++) {
        const t = performance.now();
        const res = await fetch(`${server.url}/api/v1/feed/records`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(award(`S-${i}`)) });
        if (res.status !== 201) throw new Error(`single record: ${res.status}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
      }
      const singleRate = 500 / ((performance.now() - startedSingles) / 1000);
      rows.push([kind, fmt(median(bulkRates)), fmt(singleRate), fmt(percentile(latencies, 50), 1), fmt(percentile(latencies, 99), 1)]);
    } finally {
      await server.close();
      await database.dispose();
    }
  }
  return {
    title: 'Institution feed',
    columns: ['database', 'bulk NDJSON (records/s, 10,000 per request, median of 3)', 'single POST, sequential (records/s)', 'single p50 (ms)', 'single p99 (ms)'],
    rows,
    notes: ['Each record is a new award with a new holder (holder + diploma + feed record + audit event rows), validated against the register, over loopback HTTP.'],
  };
}
