// The reference's own words, in Markdown: the OpenAPI document carries the first (its
// `info.description`), and /docs renders both. Keep them current with the routes; the test in
// tests/http/basics.test.ts fails when an address outside the pages is missing from /docs.
export const apiDescription = `The national diploma register. Institutions report awards, corrections and annulments through the **feed** (an API key per BRIN). Graduates download signed extracts in the portal; anyone checks an extract through the **verifier**, here or in a browser at [/v](/v). The register publishes its keys (JWKS, \`did:web\`) and its Bitstring Status Lists.

Errors are [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457) \`application/problem+json\` with a stable \`code\` (listed below), a \`requestId\` and, for invalid fields, \`errors\` with JSON Pointers. Every response carries \`X-Request-Id\`.`;

/** Addresses that are not operations of the OpenAPI document. */
export const otherAddresses = `- \`GET /contexts/diploma/v1\`: the JSON-LD context of the diploma credential (pinned; the credential names it).
- \`GET /openapi.json\`: this reference as OpenAPI 3.1, generated from the same schemas the routes validate with.
- \`GET /docs\`: this page.
- \`GET /v\`, \`GET /v/{number}#{secret}\`: the public verifier for people (scan, type or upload; NL/EN). The secret after \`#\` never reaches a server log.
- \`GET /portal/\`: the graduates' portal (log in through \`/login\` with DigiD or eIDAS; \`POST /logout\` ends the session here and at the provider, which sends the browser back to \`GET /logged-out\`).`;
