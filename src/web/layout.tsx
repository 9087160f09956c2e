import type { Child } from 'hono/jsx';

export function Layout(props: { lang: 'nl' | 'en'; title: string; children: Child; stylesheets?: string[] }) {
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href="/static/site.css" />
        {(props.stylesheets ?? []).map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">{props.lang === 'nl' ? 'Naar de inhoud' : 'Skip to content'}</a>
        <header class="site">
          <a href="/" class="brand">Diplomaregister</a>
        </header>
        {/* tabindex -1: the skip link moves the focus itself into main, in every browser */}
        <main id="main" tabindex={-1}>{props.children}</main>
      </body>
    </html>
  );
}
