import { randomBytes } from 'node:crypto';
import { developmentSigningSecret, signatureHeaders, signRequest, type Viewer } from '@fedstack/server';
import { mintToken, type TokenClaims } from '@fedstack/devkit';
import { developmentJwtSecret } from '@fedstack/router';
import { postGraphQL, type GraphQLResponse } from './graphql';

/** The token settings every test stack's router uses (the development defaults). */
export const testAuth = { jwtSecret: developmentJwtSecret, issuer: 'fedstack', audience: 'fedstack-api' };

/** A user id that is nobody's, for an admin token's subject. */
export const adminId = '000000000000000000000000';

/** Overrides a default `Authorization` header: an empty one counts as none, so the request is anonymous. */
export const anonymousHeaders: Readonly<Record<string, string>> = { authorization: '' };

/**
 * Settings for a stack in production mode: every secret set (fresh random ones), since production
 * refuses the development defaults. Tokens from {@link bearer} do not verify against it.
 */
export function productionEnv(): Record<string, string> {
  const secret = () => randomBytes(32).toString('hex');
  const users = secret();
  const orders = secret();
  return {
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: secret(),
    USERS_SIGNING_SECRET: users,
    SUBGRAPH_USERS_SECRET: users,
    ORDERS_SIGNING_SECRET: orders,
    SUBGRAPH_ORDERS_SECRET: orders,
  };
}

/** `Authorization` headers for a bearer token with these claims. */
export async function bearer(claims: TokenClaims): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await mintToken(testAuth, claims)}` };
}

/** `Authorization` headers for the user with this id. */
export function asUser(userId: string): Promise<Record<string, string>> {
  return bearer({ userId });
}

/** `Authorization` headers for an admin. */
export function asAdmin(): Promise<Record<string, string>> {
  return bearer({ userId: adminId, roles: ['admin'] });
}

/**
 * POSTs an operation straight to a subgraph the way the router does: signed with the subgraph's
 * (development) secret, with the identity headers. `viewer` null sends no identity (anonymous).
 */
export function postSigned<TData = Record<string, unknown>>(
  subgraphUrl: string,
  subgraph: string,
  query: string,
  variables: Record<string, unknown> = {},
  viewer: Viewer | null = { userId: adminId, roles: ['admin'] },
): Promise<GraphQLResponse<TData>> {
  const body = JSON.stringify({ query, variables });
  const timestamp = Math.floor(Date.now() / 1000);
  const identity: Record<string, string> = {};
  if (viewer?.userId) identity[signatureHeaders.userId] = viewer.userId;
  if (viewer && viewer.roles.length > 0) identity[signatureHeaders.roles] = viewer.roles.join(',');
  const signature = signRequest(developmentSigningSecret(subgraph), {
    method: 'POST',
    path: new URL(subgraphUrl).pathname,
    timestamp,
    userId: identity[signatureHeaders.userId] ?? '',
    roles: identity[signatureHeaders.roles] ?? '',
    body,
  });
  return postGraphQL<TData>(subgraphUrl, query, variables, {
    ...identity,
    [signatureHeaders.timestamp]: String(timestamp),
    [signatureHeaders.signature]: signature,
  });
}
