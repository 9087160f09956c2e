import { Hono } from 'hono';
import type { AppEnv } from '../deps.ts';
import { Layout } from './layout.tsx';

export function homeRoutes() {
  const router = new Hono<AppEnv>();
  router.get('/', (c) => {
    const lang = c.req.query('lang') === 'en' ? 'en' : 'nl';
    const t = lang === 'nl'
      ? { title: 'Diplomaregister', intro: 'Het nationale register van diploma’s: bekijk uw diploma’s, download een ondertekend uittreksel en controleer een diploma.', api: 'API-documentatie', keys: 'Publieke sleutels', other: 'English' }
      : { title: 'Diploma register', intro: 'The national register of diplomas: see your diplomas, download a signed extract and verify a diploma.', api: 'API reference', keys: 'Public keys', other: 'Nederlands' };
    return c.html(
      <Layout lang={lang} title={t.title}>
        <h1>{t.title}</h1>
        <p>{t.intro}</p>
        <ul>
          <li><a href="/docs">{t.api}</a></li>
          <li><a href="/.well-known/jwks.json">{t.keys} (JWKS)</a>, <a href="/.well-known/did.json">did:web</a></li>
        </ul>
        <p><a href={lang === 'nl' ? '/?lang=en' : '/?lang=nl'} lang={lang === 'nl' ? 'en' : 'nl'}>{t.other}</a></p>
      </Layout>,
    );
  });
  return router;
}
