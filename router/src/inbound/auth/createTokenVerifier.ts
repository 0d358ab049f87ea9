import { anonymous, ErrorCode, requestError, type Viewer } from '@fedstack/server';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** How the router verifies bearer tokens. */
export interface AuthConfig {
  /** `AUTH_JWT_SECRET`: the shared secret for HS256 tokens (development; at least 32 characters). */
  jwtSecret: string | undefined;
  /** `AUTH_JWKS_URL`: where the identity provider publishes its RS256/ES256 public keys (production). */
  jwksUrl: string | undefined;
  /** `AUTH_ISSUER`: the `iss` every token must carry. Defaults to `fedstack`. */
  issuer: string;
  /** `AUTH_AUDIENCE`: the `aud` every token must carry. Defaults to `fedstack-api`. */
  audience: string;
  /** `AUTH_CLOCK_SKEW_S`: how far `exp` and `nbf` may be off, for clocks that drift. Defaults to 30. */
  clockToleranceSeconds: number;
}

/** Turns a request's `Authorization` header into a viewer, or throws `UNAUTHENTICATED` (HTTP 401). */
export type TokenVerifier = (authorization: string | undefined) => Promise<Viewer>;

/**
 * Creates the router's token verifier. No header means anonymous; a header with a token that does not
 * verify (bad signature, expired, not yet valid, wrong issuer or audience, unknown key) is refused, never
 * treated as anonymous.
 *
 * JWKS keys are fetched once and cached by jose's remote key set: a token with a `kid` it does not know
 * triggers one refresh, and further unknown kids within the 30 s cool-down do not fetch again, so a flood
 * of forged tokens cannot turn into a flood of requests to the identity provider.
 */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined;
  const jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 }) : undefined;
  const algorithms = [...(secret ? ['HS256'] : []), ...(jwks ? ['RS256', 'ES256'] : [])];
  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && secret) return secret;
    if (jwks) return jwks(header, token);
    throw new errors.JOSEAlgNotAllowed(`alg ${header.alg} is not accepted`);
  };

  // Clients send the same token with every request: a verified one is remembered until it expires, so
  // the signature is checked once per token, not once per request. Bounded, oldest dropped first.
  const verified = new Map<string, { viewer: Viewer; expiresAt: number }>();

  return async (authorization) => {
    if (authorization === undefined || authorization === '') return anonymous;
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be `Bearer <JWT>`.');
    const remembered = verified.get(match[1]!);
    if (remembered) {
      if (Date.now() < remembered.expiresAt) return remembered.viewer;
      verified.delete(match[1]!);
    }
    try {
      const { payload } = await jwtVerify(match[1]!, getKey, {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
      });
      if (!/^[0-9a-f]{24}$/.test(payload.sub ?? '')) throw unauthenticated('The token\'s subject is not a user id.');
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((role): role is string => typeof role === 'string' && /^[a-z_]{1,32}$/.test(role)) : [];
      const viewer: Viewer = { userId: payload.sub!, roles };
      // Until `exp` exactly (no clock tolerance on the way out), and never longer than ten minutes, so a
      // key removed from the JWKS stops working within that time.
      const expiresAt = Math.min(payload.exp! * 1000, Date.now() + 600_000);
      if (verified.size >= maxRememberedTokens) verified.delete(verified.keys().next().value!);
      verified.set(match[1]!, { viewer, expiresAt });
      return viewer;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthenticated('The token has expired.');
      if (error instanceof errors.JWTClaimValidationFailed) throw unauthenticated(`The token is not valid: ${error.claim} ${error.reason}.`);
      if (error instanceof errors.JOSEError) throw unauthenticated('The token is not valid.');
      throw error;
    }
  };
}

/** How many verified tokens are remembered at most. */
const maxRememberedTokens = 10_000;

function unauthenticated(message: string) {
  return requestError(ErrorCode.UNAUTHENTICATED, message);
}
