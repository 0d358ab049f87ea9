import { useState, type FormEvent } from 'react';
import { graphql } from './__generated__';
import { readClaims, saveToken, useToken, type TokenClaims } from './session';
import { useQuery } from './useQuery';

/** The signed-in user's name, for the header: people know themselves by name, not by id. */
const SignedInUserQuery = graphql(`
  query SignedInUser($id: ID!) {
    user(id: $id) {
      id
      name
    }
  }
`);

/**
 * Who the token is for: the user's name once the API answers, their id until then or when the id is no
 * user's (an admin's token names nobody), "a token" when the token has no subject.
 */
function SignedInAs({ claims }: { claims: TokenClaims | undefined }) {
  if (!claims?.sub) return <code>a token</code>;
  return <SignedInUser userId={claims.sub} />;
}

function SignedInUser({ userId }: { userId: string }) {
  const { data } = useQuery(SignedInUserQuery, { id: userId });
  const name = data?.user?.name;
  return name ? <strong className="signed-in-name" title={`user ${userId}`}>{name}</strong> : <code>user {userId}</code>;
}

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
    const roles = claims?.roles?.length ? ` (${claims.roles.join(', ')})` : '';
    return (
      <div className="access">
        <p>
          Signed in as <SignedInAs claims={claims} />
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
