// The holder's surname as an issued extract prints it, read back from the extract's own credential
// (kept in the register at issuance). The letters entrance compares against this, so an extract
// keeps verifying by its printed letters whatever happens to the holder's record afterwards.

export interface PrintedSurname {
  prefix: string | null;
  familyName: string;
}

/**
 * The surname in a vc+jwt this register issued and stored; undefined if it cannot be read. Not a
 * verification: the caller verifies the credential itself before answering anything.
 */
export function printedSurname(credentialJwt: string | null | undefined): PrintedSurname | undefined {
  const payload = credentialJwt?.split('.')[1];
  if (!payload) return undefined;
  try {
    const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const subject = (JSON.parse(json) as { credentialSubject?: { familyName?: unknown; familyNamePrefix?: unknown } }).credentialSubject;
    if (typeof subject?.familyName !== 'string') return undefined;
    return { prefix: typeof subject.familyNamePrefix === 'string' ? subject.familyNamePrefix : null, familyName: subject.familyName };
  } catch {
    return undefined;
  }
}
