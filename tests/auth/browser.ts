// A minimal browser for protocol tests: fetch with manual redirects and a cookie jar, so every hop
// of an OpenID Connect login is a real HTTP request the test can see.

export class CookieJar {
  readonly #cookies = new Map<string, { name: string; value: string; path: string }>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', attributeValue = ''] = attribute.split('=').map((s) => s.trim());
        if (key.toLowerCase() === 'path') path = attributeValue;
        if (key.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true;
        if (key.toLowerCase() === 'expires' && Date.parse(attributeValue) < Date.now()) expired = true;
      }
      const id = `${name};${path}`;
      if (expired) this.#cookies.delete(id);
      else this.#cookies.set(id, { name, value, path });
    }
  }

  headerFor(url: URL): string {
    return [...this.#cookies.values()]
      .filter((cookie) => url.pathname === cookie.path || url.pathname.startsWith(cookie.path.replace(/\/?$/, '/')))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }
}

export type BrowserStop =
  | { kind: 'redirected'; url: string }
  | { kind: 'page'; url: string; status: number; html: string };

/**
 * Requests `url` and follows redirects until a page answers, or until a redirect leaves for
 * `stopAt` (the relying party's redirect URI, which is not served here).
 */
export async function browse(
  jar: CookieJar,
  url: string,
  stopAt: string,
  init: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {},
): Promise<BrowserStop> {
  let current = new URL(url);
  let method = init.method ?? 'GET';
  let body: URLSearchParams | undefined = init.form ? new URLSearchParams(init.form) : undefined;
  for (let hop = 0; hop < 10; hop++) {
    const headers: Record<string, string> = { Accept: 'text/html' };
    const cookie = jar.headerFor(current);
    if (cookie) headers.Cookie = cookie;
    if (body) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(current, { method, headers, body, redirect: 'manual' });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, current);
      if (next.href.startsWith(stopAt)) return { kind: 'redirected', url: next.href };
      current = next;
      method = 'GET';
      body = undefined;
      continue;
    }
    return { kind: 'page', url: current.href, status: response.status, html: await response.text() };
  }
  throw new Error(`more than 10 redirects from ${url}`);
}

/** The action of the form that contains a submit button with this text. */
export function formAction(html: string, buttonText: string, base: string): string {
  for (const form of html.matchAll(/<form\b[^>]*\baction="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)) {
    if (new RegExp(`<button[^>]*>\\s*${buttonText}\\s*</button>`).test(form[2]!)) {
      return new URL(form[1]!.replace(/&amp;/g, '&'), base).href;
    }
  }
  throw new Error(`no form with a "${buttonText}" button`);
}

/** The hidden fields of the page's forms (e.g. a provider's xsrf token), to post them back. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const input of html.matchAll(/<input\b[^>]*\btype="hidden"[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1];
    if (name !== undefined) fields[name] = value ?? '';
  }
  return fields;
}
