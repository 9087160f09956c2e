// /docs: the API reference, rendered on the server from the same OpenAPI document as /openapi.json.
// Its texts are Markdown (OpenAPI's CommonMark) and rendered as such; on a phone every part reflows
// to one column (docs.css), nothing scrolls sideways.
import { Hono } from 'hono';
import type { AppEnv } from '../deps.ts';
import { Layout } from '../web/layout.tsx';
import { fieldCodes, problemCodes } from './problem-codes.ts';
import { inline, Markdown } from './markdown.tsx';
import { otherAddresses } from './introduction.ts';

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
      <Layout lang="en" title={`${doc.info.title} — API reference`} stylesheets={['/static/docs.css']}>
        <div class="docs">
          <h1>{doc.info.title} <small>v{doc.info.version}</small></h1>
          <Markdown text={doc.info.description} />
          <p>
            Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
          </p>
          <nav aria-label="Sections">
            <ul>
              {tags.map((t) => (
                <li><a href={`#tag-${slug(t)}`}>{t}</a></li>
              ))}
              <li><a href="#other">Other addresses</a></li>
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
                    {op.summary && <p><strong>{inline(op.summary)}</strong></p>}
                    <Markdown text={op.description} />
                    {op.security?.length ? <p>Authentication: institution API key (Bearer).</p> : null}
                    {op.requestBody?.content && (
                      <p>
                        Body:{' '}
                        {Object.entries(op.requestBody.content).map(([type, media]) => (
                          <span><code>{type}</code> {media.schema?.$ref ? `(${media.schema.$ref.split('/').pop()})` : ''} </span>
                        ))}
                      </p>
                    )}
                    <h4 class="visually-hidden">Responses of {method} {path}</h4>
                    <dl class="responses">
                      {Object.entries(op.responses ?? {}).map(([status, r]) => (
                        <div>
                          <dt>{status}</dt>
                          <dd>{inline(r.description ?? '')}</dd>
                        </div>
                      ))}
                    </dl>
                  </article>
                ))}
            </section>
          ))}
          <section id="other" aria-labelledby="h-other">
            <h2 id="h-other">Other addresses</h2>
            <Markdown text={otherAddresses} />
          </section>
          <section id="problems" aria-labelledby="h-problems">
            <h2 id="h-problems">Error codes</h2>
            <p>
              The <code>code</code> of a problem+json answer, with its HTTP status; the <code>type</code> of the answer links here.
            </p>
            <dl class="codes">
              {problemCodes.map((p) => (
                <div id={`problem-${p.code}`}>
                  <dt><code>{p.code}</code> <span class="status">HTTP {p.status}</span></dt>
                  <dd>{inline(p.en)}</dd>
                  <dd lang="nl">{inline(p.nl)}</dd>
                </div>
              ))}
            </dl>
            <h3>Field codes (inside <code>errors</code>)</h3>
            <dl class="codes">
              {fieldCodes.map((f) => (
                <div id={`field-${f.code}`}>
                  <dt><code>{f.code}</code></dt>
                  <dd>{inline(f.en)}</dd>
                </div>
              ))}
            </dl>
          </section>
        </div>
      </Layout>,
    );
  });
  return router;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
