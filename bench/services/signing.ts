import { signatureHeaders, signRequest } from '@fedstack/server';

/**
 * How a gateway that is not ours reaches our subgraphs. The subgraphs serve only requests signed with
 * their secret, carrying the identity the router vouches for (docs/security.md). Stock Apollo Gateway and
 * Hive Gateway verify no token and know nothing of that, so the bench gives each of them, through its
 * own extension point (Apollo's `buildService` fetcher, Hive's `onFetch` hook), this signing step: the
 * same HMAC our router computes, for one fixed identity, an admin. No proxy sits in between, so what
 * the comparison measures is each gateway's own work plus the same signing cost our router pays.
 */

/** The identity every foreign gateway forwards: the benchmark's admin (the subject of its token). */
export const benchIdentity = { userId: '000000000000000000000000', roles: ['admin'] } as const;

/** One subgraph as a foreign gateway reaches it. */
export interface SubgraphEndpoint {
  url: string;
  secret: string;
}

/**
 * Reads `SUBGRAPH_<NAME>_URL` and `SUBGRAPH_<NAME>_SECRET` for each name (the variables our router
 * reads too); throws naming the variable that is missing.
 */
export function readSubgraphEndpoints(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, SubgraphEndpoint> {
  const endpoints: Record<string, SubgraphEndpoint> = {};
  for (const name of names) {
    const read = (suffix: string) => {
      const variable = `SUBGRAPH_${name.toUpperCase()}_${suffix}`;
      const value = env[variable]?.trim();
      if (!value) throw new Error(`Set ${variable}: the bench starts this gateway with the URL and signing secret of every subgraph.`);
      return value;
    };
    endpoints[name] = { url: read('URL'), secret: read('SECRET') };
  }
  return endpoints;
}

/** The headers that make a request to a subgraph one it serves: the benchmark identity, a timestamp, the signature. */
export function signedIdentityHeaders(secret: string, request: { method: string; url: string; body: string }): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const { pathname, search } = new URL(request.url);
  const roles = benchIdentity.roles.join(',');
  return {
    [signatureHeaders.userId]: benchIdentity.userId,
    [signatureHeaders.roles]: roles,
    [signatureHeaders.timestamp]: String(timestamp),
    [signatureHeaders.signature]: signRequest(secret, {
      method: request.method,
      path: `${pathname}${search}`,
      timestamp,
      userId: benchIdentity.userId,
      roles,
      body: request.body,
    }),
  };
}

/** The port a bench service listens on: `PORT`, required (the harness picks a free one). */
export function readPortSetting(env: NodeJS.ProcessEnv): number {
  const port = Number(env.PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`Set PORT to the port to listen on (1 to 65535), but got: ${JSON.stringify(env.PORT)}`);
  return port;
}
