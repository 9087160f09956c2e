import type { Child } from 'hono/jsx';

export function Layout(props: { lang: 'nl' | 'en'; title: string; children: Child }) {
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href="/static/site.css" />
      </head>
      <body>
        <a class="skip" href="#main">{props.lang === 'nl' ? 'Naar de inhoud' : 'Skip to content'}</a>
        <header class="site">
          <a href="/" class="brand">Diplomaregister</a>
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}
