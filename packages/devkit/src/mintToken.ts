import { SignJWT } from 'jose';
import type { AuthConfig } from '@fedstack/router';

/** What a minted token says. */
export interface TokenClaims {
  /** The user id (24 hex characters). */
  userId: string;
  roles?: readonly string[];
  /** Lifetime in seconds. Defaults to one hour. */
  expiresInSeconds?: number;
  /** Seconds from now before which the token is not valid. Defaults to none. */
  notBeforeSeconds?: number;
}

/**
 * Signs an HS256 token with the router's shared secret, for development and tests (`npm run token`).
 * Production tokens come from an identity provider and are checked against its JWKS.
 */
export async function mintToken(auth: Pick<AuthConfig, 'jwtSecret' | 'issuer' | 'audience'>, claims: TokenClaims): Promise<string> {
  if (!auth.jwtSecret) throw new Error('No AUTH_JWT_SECRET to sign with: tokens come from the identity provider (AUTH_JWKS_URL).');
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ roles: [...(claims.roles ?? [])] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInSeconds ?? 3600));
  if (claims.notBeforeSeconds) jwt.setNotBefore(now + claims.notBeforeSeconds);
  return jwt.sign(new TextEncoder().encode(auth.jwtSecret));
}
