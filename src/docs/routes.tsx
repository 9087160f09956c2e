// /docs: the API reference, rendered on the server from the same OpenAPI document as /openapi.json.
import { Hono } from 'hono';
import type { AppEnv } from '../deps.ts';
import { Layout } from '../web/layout.tsx';
import { fieldCodes, problemCodes } from './problem-codes.ts';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  responses?: Record<string, { description?: string }>;
}
type OpenApiDoc = { info: { title: string; version: string; description?: string }; paths?: Record<string, Record<string, Operation>> };

export function docsRoutes(getDocument: () => OpenApiDoc) {
  const router = new Hono<AppEnv>();
  router.get('/docs', (c) => {
    const doc = getDocument();
    const ops = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
    const tags = [...new Set(ops.map((o) => o.op.tags?.[0] ?? 'Other'))];
    return c.html(
      <Layout lang="en" title={`${doc.info.title} — API reference`}>
        <h1>{doc.info.title} <small>v{doc.info.version}</small></h1>
        <p>{doc.info.description}</p>
        <p>
          Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are{' '}
          <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a> problem+json with a stable <code>code</code>.
        </p>
        <nav aria-label="Sections">
          <ul>
            {tags.map((t) => (
              <li><a href={`#tag-${slug(t)}`}>{t}</a></li>
            ))}
            <li><a href="#problems">Error codes</a></li>
          </ul>
        </nav>
        {tags.map((t) => (
          <section id={`tag-${slug(t)}`} aria-labelledby={`h-${slug(t)}`}>
            <h2 id={`h-${slug(t)}`}>{t}</h2>
            {ops
              .filter((o) => (o.op.tags?.[0] ?? 'Other') === t)
              .map(({ path, method, op }) => (
                <article class="operation" id={`op-${method}-${slug(path)}`}>
                  <h3><code>{method} {path}</code></h3>
                  <p><strong>{op.summary}</strong></p>
                  {op.description && <p>{op.description}</p>}
                  {op.security?.length ? <p>Authentication: institution API key (Bearer).</p> : null}
                  {op.requestBody?.content && (
                    <p>
                      Body:{' '}
                      {Object.entries(op.requestBody.content).map(([type, media]) => (
                        <span><code>{type}</code> {media.schema?.$ref ? `(${media.schema.$ref.split('/').pop()})` : ''} </span>
                      ))}
                    </p>
                  )}
                  <table>
                    <caption class="visually-hidden">Responses of {method} {path}</caption>
                    <thead><tr><th scope="col">Status</th><th scope="col">Meaning</th></tr></thead>
                    <tbody>
                      {Object.entries(op.responses ?? {}).map(([status, r]) => (
                        <tr><td>{status}</td><td>{r.description}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </article>
              ))}
          </section>
        ))}
        <section id="problems" aria-labelledby="h-problems">
          <h2 id="h-problems">Error codes</h2>
          <table>
            <thead><tr><th scope="col">code</th><th scope="col">HTTP</th><th scope="col">Meaning</th><th scope="col" lang="nl">Betekenis</th></tr></thead>
            <tbody>
              {problemCodes.map((p) => (
                <tr id={`problem-${p.code}`}><td><code>{p.code}</code></td><td>{p.status}</td><td>{p.en}</td><td lang="nl">{p.nl}</td></tr>
              ))}
            </tbody>
          </table>
          <h3>Field codes (inside <code>errors</code>)</h3>
          <table>
            <thead><tr><th scope="col">code</th><th scope="col">Meaning</th></tr></thead>
            <tbody>
              {fieldCodes.map((f) => (
                <tr id={`field-${f.code}`}><td><code>{f.code}</code></td><td>{f.en}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      </Layout>,
    );
  });
  return router;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
