import type { IncomingHttpHeaders } from 'node:http';
import { signatureHeaders } from './signing';

/** Who is asking: the identity the router verified and forwarded, or an anonymous caller. */
export interface Viewer {
  /** The user's id (the token's `sub`), or null when anonymous. */
  userId: string | null;
  /** Roles from the token, such as `admin`. */
  roles: readonly string[];
}

/** The role that may see and act on every user's data. */
export const adminRole = 'admin';

/** An anonymous viewer. */
export const anonymous: Viewer = Object.freeze({ userId: null, roles: [] });

/**
 * Reads the viewer from the identity headers of a request whose signature was already verified. A
 * subgraph never reads the client's `Authorization` header: only the router sees tokens.
 */
export function viewerFromHeaders(headers: IncomingHttpHeaders): Viewer {
  const userId = headers[signatureHeaders.userId];
  const roles = headers[signatureHeaders.roles];
  return {
    userId: typeof userId === 'string' && userId ? userId : null,
    roles: typeof roles === 'string' && roles ? roles.split(',') : [],
  };
}

/** True when the viewer is an admin. */
export function isAdmin(viewer: Viewer): boolean {
  return viewer.roles.includes(adminRole);
}
