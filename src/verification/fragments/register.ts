// register: the extract is still the current one, for a diploma that is still valid.
import { unlessDatabaseDown, type RegisterEntry } from '../context.ts';
import { check, skipUnless, type Fragment } from './fragment.ts';

export const register: Fragment = {
  id: 'register',
  skip: skipUnless('trust', 'register'),
  async verify(ctx) {
    const id = ctx.token().parts!.payload.id;
    if (typeof id !== 'string') return check('register', 'failed', 'REGISTER_UNKNOWN', { reason: 'the credential has no id' });
    let entry: RegisterEntry | undefined;
    try {
      entry = await ctx.sources.register(id);
    } catch (err) {
      unlessDatabaseDown(err);
      return check('register', 'failed', 'REGISTER_UNAVAILABLE');
    }
    if (!entry) return check('register', 'failed', 'REGISTER_UNKNOWN');
    const details = { state: entry.state, diplomaState: entry.diplomaState };
    switch (entry.state) {
      case 'superseded':
        return check('register', 'failed', 'REGISTER_SUPERSEDED', { ...details, ...(entry.supersededBy ? { supersededBy: entry.supersededBy } : {}) });
      case 'withdrawn':
        return check('register', 'failed', 'REGISTER_WITHDRAWN', details);
      case 'revoked':
        return check('register', 'failed', 'REGISTER_REVOKED', details);
      case 'active':
        // an active extract of a diploma that changed meanwhile (the revocation has not landed yet)
        if (entry.diplomaState === 'corrected') return check('register', 'failed', 'REGISTER_SUPERSEDED', details);
        if (entry.diplomaState === 'annulled') return check('register', 'failed', 'REGISTER_REVOKED', details);
        if (entry.diplomaState === 'valid') return check('register', 'passed', 'REGISTER_ACTIVE', details);
        return check('register', 'failed', 'REGISTER_UNAVAILABLE', details);
      default:
        return check('register', 'failed', 'REGISTER_UNAVAILABLE', details);
    }
  },
};
