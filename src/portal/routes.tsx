// The graduate portal: login (OpenID Connect), my diplomas, a diploma with its grade list,
// downloading signed extracts in Dutch or English, my extracts with "withdraw", who looked.
import { Hono, type Context } from 'hono';
import { and, desc, eq } from 'drizzle-orm';
import type { AppDeps, AppEnv } from '../deps.ts';
import { diplomas, extracts, holders, institutions, programmes, verificationEvents } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Tx } from '../database.ts';
import { Layout } from '../web/layout.tsx';
import { pickLang, type Lang } from '../web/lang.ts';
import { beginLogin, completeLogin, OidcError, type OidcClientConfig } from '../auth/oidc-client.ts';
import { csrfOk, currentSession, endSession, rememberLogin, startSession, takeLogin, type Session } from '../auth/sessions.ts';
import { issueExtract, loadDiplomaView, type ExtractIssuer } from '../extracts/extract-service.ts';
import { withdrawExtract } from '../extracts/extract-status.ts';
import { formatExtractNumber, parseExtractNumber } from '../extracts/extract-number.ts';
import { portalTexts, type PortalTexts } from './texts.ts';

type PortalEnv = AppEnv & { Variables: AppEnv['Variables'] & { session: Session; lang: Lang } };

function oidcConfig(deps: AppDeps): OidcClientConfig | undefined {
  return deps.oidc && { ...deps.oidc, redirectUri: `${deps.config.publicBaseUrl}/auth/callback` };
}

function extractIssuer(deps: AppDeps): ExtractIssuer | undefined {
  if (!deps.documents || !deps.signingKeys) return undefined;
  return { signingKeys: deps.signingKeys, seal: deps.documents.seal, documentAssets: deps.documents.assets, publicBaseUrl: deps.config.publicBaseUrl, did: deps.config.did };
}

const safeReturnTo = (value: string | undefined) => (value && /^\/portal(\/[A-Za-z0-9/_-]*)?$/.test(value) ? value : '/portal');

function PortalPage(props: { lang: Lang; t: PortalTexts; title: string; session?: Session; children: unknown; path: string }) {
  const other = props.lang === 'nl' ? 'en' : 'nl';
  return (
    <Layout lang={props.lang} title={`${props.title} — Diplomaregister`}>
      <nav class="portal-bar" aria-label={props.t.account}>
        <a href={`${props.path}?lang=${other}`} lang={other} hreflang={other}>{props.t.otherLanguage}</a>
        {props.session && (
          <form method="post" action="/logout" class="inline">
            <input type="hidden" name="csrf" value={props.session.csrfToken} />
            <button type="submit">{props.t.logout}</button>
          </form>
        )}
      </nav>
      {props.children as never}
    </Layout>
  );
}

/** A wide table scrolls on its own on a narrow screen (the page does not); keyboard users scroll it too. */
function DataTable(props: { id: string; caption: string; children: unknown }) {
  return (
    <div class="table-scroll" role="region" aria-labelledby={`${props.id}-caption`} tabindex={0}>
      <table>
        <caption id={`${props.id}-caption`} class="visually-hidden">{props.caption}</caption>
        {props.children as never}
      </table>
    </div>
  );
}

function errorPage(c: Context<PortalEnv>, status: 400 | 403 | 404 | 409 | 503, message: string) {
  const lang = c.get('lang') ?? pickLang(c);
  const t = portalTexts[lang];
  const session = c.get('session');
  // the language switch shows this same page again where that is a plain GET; else a safe start
  const again = c.req.method === 'GET' && c.req.path.startsWith('/portal/') ? c.req.path : session ? '/portal/' : '/';
  c.status(status);
  return c.html(
    <PortalPage lang={lang} t={t} title={t.errorTitle} session={session} path={again}>
      <h1>{t.errorTitle}</h1>
      <p role="alert">{message}</p>
      <p><a href="/portal">{t.back}</a></p>
    </PortalPage>,
  );
}

const isId = (id: string) => /^[0-9a-f-]{36}$/.test(id);

/** The holder's extracts, newest first; with `extractId`, only that one if it is theirs. */
function holderExtracts(db: Tx, subjectId: string, extractId?: string) {
  return db
    .select({ id: extracts.id, number: extracts.number, issuedAt: extracts.issuedAt, lang: extracts.lang, state: extracts.state, programmeNl: programmes.nameNl, programmeEn: programmes.nameEn })
    .from(extracts)
    .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
    .innerJoin(holders, eq(holders.id, diplomas.holderId))
    .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
    .where(extractId ? and(eq(holders.subjectId, subjectId), eq(extracts.id, extractId)) : eq(holders.subjectId, subjectId))
    .orderBy(desc(extracts.issuedAt));
}

export function portalRoutes() {
  const router = new Hono<PortalEnv>();

  router.get('/login', async (c) => {
    const deps = c.get('deps');
    const lang = pickLang(c);
    const config = oidcConfig(deps);
    if (!config) return errorPage(c, 503, portalTexts[lang].errors.unavailable);
    let login: Awaited<ReturnType<typeof beginLogin>>;
    try {
      login = await beginLogin(config, { uiLocales: lang });
    } catch (err) {
      if (!(err instanceof OidcError)) throw err;
      deps.logger.warn('login_unavailable', { requestId: c.get('requestId'), code: err.code });
      return errorPage(c, 503, portalTexts[lang].errors.unavailable);
    }
    await rememberLogin(deps.db, c, { state: login.state, nonce: login.nonce, codeVerifier: login.codeVerifier, returnTo: safeReturnTo(c.req.query('returnTo')), lang }, deps.clock.now(), deps.config.publicBaseUrl);
    return c.redirect(login.authorizationUrl, 302);
  });

  router.get('/auth/callback', async (c) => {
    const deps = c.get('deps');
    const now = deps.clock.now();
    const attempt = await takeLogin(deps.db, c, now);
    const lang = (attempt?.lang as Lang | undefined) ?? pickLang(c);
    c.set('lang', lang);
    const config = oidcConfig(deps);
    if (!config) return errorPage(c, 503, portalTexts[lang].errors.unavailable);
    if (!attempt) return errorPage(c, 400, portalTexts[lang].errors.loginFailed);
    try {
      const login = await completeLogin(config, { callbackUrl: c.req.url.replace(new URL(c.req.url).origin, deps.config.publicBaseUrl), expected: attempt, now });
      await startSession(deps.db, c, login.subject, now, deps.config.sessionTtlMinutes, deps.config.publicBaseUrl);
      deps.logger.info('login', { requestId: c.get('requestId') });
      return c.redirect(attempt.returnTo, 302);
    } catch (err) {
      if (!(err instanceof OidcError)) throw err;
      deps.logger.warn('login_failed', { requestId: c.get('requestId'), code: err.code });
      const cancelled = err.code === 'OIDC_PROVIDER_ERROR' && err.providerError === 'access_denied';
      return errorPage(c, 400, cancelled ? portalTexts[lang].errors.loginCancelled : portalTexts[lang].errors.loginFailed);
    }
  });

  router.post('/logout', async (c) => {
    const deps = c.get('deps');
    const session = await currentSession(deps.db, c, deps.clock.now());
    const form = await c.req.parseBody();
    if (session && !csrfOk(c, session, form.csrf, deps.config.publicBaseUrl)) return errorPage(c, 403, portalTexts[pickLang(c)].errors.csrf);
    await endSession(deps.db, c);
    return c.redirect('/', 303);
  });

  // everything under /portal needs a session; POSTs need the session's CSRF token
  router.use('/portal/*', async (c, next) => {
    const deps = c.get('deps');
    c.set('lang', pickLang(c));
    const session = await currentSession(deps.db, c, deps.clock.now());
    if (!session) {
      if (c.req.method !== 'GET') return errorPage(c, 403, portalTexts[c.get('lang')].errors.csrf);
      return c.redirect(`/login?returnTo=${encodeURIComponent(c.req.path)}`, 302);
    }
    c.set('session', session);
    c.header('Cache-Control', 'no-store');
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      if (!csrfOk(c, session, form.csrf, deps.config.publicBaseUrl)) return errorPage(c, 403, portalTexts[c.get('lang')].errors.csrf);
    }
    await next();
  });
  router.get('/portal', (c) => c.redirect('/portal/', 302));

  router.get('/portal/', async (c) => {
    const { db } = c.get('deps');
    const { lang, session } = { lang: c.get('lang'), session: c.get('session') };
    const t = portalTexts[lang];
    const mine = await db
      .select({ id: diplomas.id, kind: diplomas.kind, awardDate: diplomas.awardDate, nlqf: diplomas.nlqf, eqf: diplomas.eqf, state: diplomas.state, programmeNl: programmes.nameNl, programmeEn: programmes.nameEn, institution: institutions.name, place: institutions.place })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
      .innerJoin(institutions, eq(institutions.id, diplomas.institutionId))
      .where(eq(holders.subjectId, session.subjectId))
      .orderBy(desc(diplomas.awardDate));
    const myExtracts = await holderExtracts(db, session.subjectId);
    const looked = await db
      .select({ at: verificationEvents.at, entrance: verificationEvents.entrance, number: extracts.number })
      .from(verificationEvents)
      .innerJoin(extracts, eq(extracts.id, verificationEvents.extractId))
      .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(eq(holders.subjectId, session.subjectId))
      .orderBy(desc(verificationEvents.at))
      .limit(100);
    const flash = parseExtractNumber(c.req.query('withdrawn') ?? '');
    return c.html(
      <PortalPage lang={lang} t={t} title={flash ? `${t.withdrawnTitle} — ${t.portalTitle}` : t.portalTitle} session={session} path="/portal/">
        <h1>{t.myDiplomas}</h1>
        {flash && <p role="status" class="notice">{t.withdrawn(formatExtractNumber(flash))}</p>}
        {mine.length === 0 ? (
          <p>{t.noDiplomas}</p>
        ) : (
          <DataTable id="diplomas" caption={t.myDiplomas}>
            <thead><tr><th scope="col">{t.qualification}</th><th scope="col">{t.institution}</th><th scope="col">{t.awardDate}</th><th scope="col">{t.level}</th><th scope="col">{t.status}</th><th scope="col"><span class="visually-hidden">{t.details}</span></th></tr></thead>
            <tbody>
              {mine.map((d) => {
                const name = lang === 'nl' ? d.programmeNl : d.programmeEn;
                return (
                  <tr>
                    <td>{t.kind[d.kind]} {name}</td>
                    <td>{d.institution}, {d.place}</td>
                    <td>{formatDay(d.awardDate, lang)}</td>
                    <td>NLQF {d.nlqf} / EQF {d.eqf}</td>
                    <td>{t.state[d.state]}</td>
                    <td><a href={`/portal/diplomas/${d.id}`} aria-label={t.detailsOf(name)}>{t.details}</a></td>
                  </tr>
                );
              })}
            </tbody>
          </DataTable>
        )}
        <h2>{t.myExtracts}</h2>
        {myExtracts.length === 0 ? (
          <p>{t.noExtracts}</p>
        ) : (
          <DataTable id="extracts" caption={t.myExtracts}>
            <thead><tr><th scope="col">{t.number}</th><th scope="col">{t.qualification}</th><th scope="col">{t.date}</th><th scope="col">{t.language}</th><th scope="col">{t.status}</th><th scope="col"><span class="visually-hidden">{t.withdraw}</span></th></tr></thead>
            <tbody>
              {myExtracts.map((e) => (
                <tr>
                  <td><code>{formatExtractNumber(e.number)}</code></td>
                  <td>{lang === 'nl' ? e.programmeNl : e.programmeEn}</td>
                  <td>{formatDay(e.issuedAt.toISOString().slice(0, 10), lang)}</td>
                  <td>{t.langName[e.lang]}</td>
                  <td>{t.extractState[e.state]}</td>
                  <td>
                    {e.state === 'active' && (
                      // withdrawing cannot be undone: this opens a page that asks to confirm (WCAG 3.3.4)
                      <form method="get" action={`/portal/extracts/${e.id}/withdraw`}>
                        <button type="submit" aria-label={t.withdrawLabel(formatExtractNumber(e.number))}>{t.withdraw}</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        )}
        <h2>{t.whoLooked}</h2>
        {looked.length === 0 ? (
          <p>{t.nobodyLooked}</p>
        ) : (
          <DataTable id="looked" caption={t.whoLooked}>
            <thead><tr><th scope="col">{t.date}</th><th scope="col">{t.number}</th><th scope="col">{t.entrance}</th></tr></thead>
            <tbody>
              {looked.map((v) => (
                <tr><td>{formatMoment(v.at, lang)}</td><td><code>{formatExtractNumber(v.number)}</code></td><td>{t.entranceName[v.entrance] ?? v.entrance}</td></tr>
              ))}
            </tbody>
          </DataTable>
        )}
      </PortalPage>,
    );
  });

  router.get('/portal/diplomas/:id', async (c) => {
    const { db } = c.get('deps');
    const { lang, session } = { lang: c.get('lang'), session: c.get('session') };
    const t = portalTexts[lang];
    const id = c.req.param('id');
    if (!isId(id)) return errorPage(c, 404, t.errors.notFound);
    const view = await loadDiplomaView(db, id);
    if (!view || view.holder.subjectId !== session.subjectId) return errorPage(c, 404, t.errors.notFound);
    const { diploma: d, programme: p, institution: i } = view;
    const name = lang === 'nl' ? p.nameNl : p.nameEn;
    const profile = d.profile ? p.profiles.find((x) => x.code === d.profile) : undefined;
    const mark = (n: number | undefined) => (n === undefined ? '–' : lang === 'nl' ? n.toFixed(1).replace('.', ',') : n.toFixed(1));
    return c.html(
      <PortalPage lang={lang} t={t} title={name} session={session} path={`/portal/diplomas/${d.id}`}>
        <p><a href="/portal/">{t.back}</a></p>
        <h1>{t.kind[d.kind]} {name}</h1>
        <dl class="facts">
          {profile && (<><dt>{t.profile}</dt><dd>{lang === 'nl' ? profile.nameNl : profile.nameEn}</dd></>)}
          <dt>{t.institution}</dt><dd>{i.name}, {i.place} ({i.brin}{i.location})</dd>
          <dt>{p.codeType === 'crebo' ? 'Crebo' : p.codeType === 'croho' ? 'CROHO' : t.qualification}</dt><dd>{p.code}</dd>
          <dt>{t.awardDate}</dt><dd>{formatDay(d.awardDate, lang)}</dd>
          <dt>{t.level}</dt><dd>NLQF {d.nlqf} / EQF {d.eqf}</dd>
          <dt>{t.status}</dt><dd>{t.state[d.state]}</dd>
        </dl>
        {d.grades && (
          <>
            <h2>{t.grades}</h2>
            <DataTable id="grades" caption={t.grades}>
              <thead><tr><th scope="col">{t.subject}</th><th scope="col">{t.schoolExam}</th><th scope="col">{t.centralExam}</th><th scope="col">{t.final}</th></tr></thead>
              <tbody>
                {d.grades.map((g) => (
                  <tr><td>{lang === 'nl' ? g.subjectNl : g.subjectEn}</td><td>{mark(g.schoolExam)}</td><td>{mark(g.centralExam)}</td><td>{g.final}</td></tr>
                ))}
              </tbody>
            </DataTable>
          </>
        )}
        {d.state === 'valid' && (
          <>
            <h2>{t.download}</h2>
            <form method="post" action={`/portal/diplomas/${d.id}/extract`} class="inline">
              <input type="hidden" name="csrf" value={session.csrfToken} />
              <button type="submit" name="lang" value="nl">{t.downloadNl}</button>{' '}
              <button type="submit" name="lang" value="en">{t.downloadEn}</button>
            </form>
          </>
        )}
      </PortalPage>,
    );
  });

  router.post('/portal/diplomas/:id/extract', async (c) => {
    const deps = c.get('deps');
    const t = portalTexts[c.get('lang')];
    const form = await c.req.parseBody();
    const lang = form.lang;
    if (lang !== 'nl' && lang !== 'en') return errorPage(c, 400, t.errors.badLanguage);
    const issuer = extractIssuer(deps);
    if (!issuer) return errorPage(c, 503, t.errors.unavailable);
    const id = c.req.param('id');
    if (!isId(id)) return errorPage(c, 404, t.errors.notFound);
    try {
      const extract = await issueExtract(deps.db, issuer, { diplomaId: id, lang, issuedBy: 'holder', holderSubjectId: c.get('session').subjectId, now: deps.clock.now(), requestId: c.get('requestId') });
      return new Response(extract.pdf as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: {
          'Content-Type': 'application/pdf',
          'Content-Disposition': `attachment; filename="${lang === 'nl' ? 'uittreksel' : 'extract'}-${extract.number}.pdf"`,
          'Cache-Control': 'no-store',
        },
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'DIPLOMA_NOT_FOUND') return errorPage(c, 404, t.errors.notFound);
      if (err.code === 'DIPLOMA_NOT_CURRENT') return errorPage(c, 409, t.errors.notCurrent);
      return errorPage(c, 503, t.errors.unavailable);
    }
  });

  router.get('/portal/extracts/:id/withdraw', async (c) => {
    const { db } = c.get('deps');
    const { lang, session } = { lang: c.get('lang'), session: c.get('session') };
    const t = portalTexts[lang];
    const id = c.req.param('id');
    if (!isId(id)) return errorPage(c, 404, t.errors.notFound);
    const [e] = await holderExtracts(db, session.subjectId, id);
    if (!e) return errorPage(c, 404, t.errors.notFound);
    if (e.state !== 'active') return errorPage(c, 409, t.errors.notActive);
    const number = formatExtractNumber(e.number);
    return c.html(
      <PortalPage lang={lang} t={t} title={t.confirmWithdrawTitle(number)} session={session} path={`/portal/extracts/${id}/withdraw`}>
        <h1>{t.confirmWithdrawTitle(number)}</h1>
        <dl class="facts">
          <dt>{t.number}</dt><dd><code>{number}</code></dd>
          <dt>{t.qualification}</dt><dd>{lang === 'nl' ? e.programmeNl : e.programmeEn}</dd>
          <dt>{t.date}</dt><dd>{formatDay(e.issuedAt.toISOString().slice(0, 10), lang)}</dd>
          <dt>{t.language}</dt><dd>{t.langName[e.lang]}</dd>
        </dl>
        <p>{t.confirmWithdrawText}</p>
        <form method="post" action={`/portal/extracts/${id}/withdraw`} class="actions">
          <input type="hidden" name="csrf" value={session.csrfToken} />
          <button type="submit">{t.confirmWithdraw}</button>{' '}
          <a href="/portal/">{t.keepExtract}</a>
        </form>
      </PortalPage>,
    );
  });

  router.post('/portal/extracts/:id/withdraw', async (c) => {
    const deps = c.get('deps');
    const t = portalTexts[c.get('lang')];
    const id = c.req.param('id');
    if (!isId(id)) return errorPage(c, 404, t.errors.notFound);
    try {
      await withdrawExtract(deps.db, { extractId: id, holderSubjectId: c.get('session').subjectId, now: deps.clock.now(), requestId: c.get('requestId') });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return errorPage(c, err.code === 'EXTRACT_NOT_ACTIVE' ? 409 : 404, err.code === 'EXTRACT_NOT_ACTIVE' ? t.errors.notActive : t.errors.notFound);
    }
    const [row] = await deps.db.select({ number: extracts.number }).from(extracts).where(eq(extracts.id, id));
    return c.redirect(`/portal/?withdrawn=${row!.number}`, 303);
  });

  return router;
}

function formatMoment(at: Date, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(at);
}

function formatDay(iso: string, lang: Lang): string {
  const d = new Date(`${iso}T12:00:00Z`);
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
}

