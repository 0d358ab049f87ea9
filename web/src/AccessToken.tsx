import { useState, type FormEvent } from 'react';
import { readClaims, saveToken, useToken } from './session';

/**
 * Who the app asks as: anonymous, or the holder of a bearer token pasted here (in development, one that
 * `npm run token` mints for a seeded user or an admin). The router verifies it on every request; the
 * claims shown here are only read from it.
 */
export function AccessToken() {
  const token = useToken();
  const [draft, setDraft] = useState('');

  if (token) {
    const claims = readClaims(token);
    const who = claims?.sub ? `user ${claims.sub}` : 'a token';
    const roles = claims?.roles?.length ? ` (${claims.roles.join(', ')})` : '';
    return (
      <div className="access">
        <p>
          Signed in as <code>{who}</code>
          {roles}
        </p>
        <button type="button" className="secondary" onClick={() => saveToken(undefined)}>
          Sign out
        </button>
      </div>
    );
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    saveToken(draft.trim().replace(/^Bearer\s+/i, '') || undefined);
    setDraft('');
  };
  return (
    <form className="access" onSubmit={submit}>
      <label htmlFor="access-token">Access token</label>
      <input
        id="access-token"
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder="a JWT; anonymous without one"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
      />
      <button type="submit" className="secondary" disabled={draft.trim() === ''}>
        Use token
      </button>
    </form>
  );
}
