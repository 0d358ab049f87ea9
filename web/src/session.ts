import { useSyncExternalStore } from 'react';

/**
 * The bearer token the app sends as `Authorization`, kept in this tab's `sessionStorage`: it survives a
 * reload but not the tab, and other tabs and sites never see it. A token is optional: without one the
 * app is anonymous, and the API answers fields that need a viewer with `UNAUTHENTICATED` or
 * `FORBIDDEN` (docs/errors.md), which the pages show.
 */
const storageKey = 'fedstack.accessToken';
const listeners = new Set<() => void>();

/** The token in use, or undefined when anonymous. */
export function readToken(): string | undefined {
  try {
    return window.sessionStorage.getItem(storageKey) ?? undefined;
  } catch {
    // Storage can be off (privacy settings); the app then stays anonymous.
    return undefined;
  }
}

/** Uses `token` from now on, or none when it is undefined. */
export function saveToken(token: string | undefined): void {
  try {
    if (token) window.sessionStorage.setItem(storageKey, token);
    else window.sessionStorage.removeItem(storageKey);
  } catch {
    // See readToken.
  }
  for (const listener of listeners) listener();
}

/** The token in use, re-rendering the component when it changes. */
export function useToken(): string | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    readToken,
  );
}

/** What a token says about who holds it, read without verifying it (the router does that): for display only. */
export interface TokenClaims {
  sub?: string;
  roles?: string[];
  exp?: number;
}

/** Decodes a JWT's payload, or returns undefined when `token` is not a JWT. */
export function readClaims(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as Record<string, unknown>;
    return {
      ...(typeof claims.sub === 'string' ? { sub: claims.sub } : {}),
      ...(Array.isArray(claims.roles) ? { roles: claims.roles.filter((role): role is string => typeof role === 'string') } : {}),
      ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
    };
  } catch {
    return undefined;
  }
}
