import { maybeCacheControlFromInfo } from '@apollo/cache-control-types';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLResolveInfo } from 'graphql';
import { codedError, ErrorCode, isAdmin, type Viewer } from '@fedstack/server';

/**
 * Field-level access rules, declared once per subgraph in `src/policies.ts` and applied to the resolver
 * map by {@link applyPolicies}, instead of checks copied into resolvers.
 *
 * A denial throws on the field only: the field is `null` with a `FORBIDDEN` (or `UNAUTHENTICATED`)
 * error, and the rest of the response is intact. That is why the protected fields are nullable.
 *
 * What a policy guards depends on who asks, so every guarded field also marks the answer `PRIVATE`
 * (cache hints): no shared cache, the router's response cache included, keeps an answer holding one,
 * whatever hints the schema gives.
 */

/** A context that knows who is asking. */
export interface ViewerContext {
  viewer: Viewer;
}

/** Decides, before the field resolves, whether the viewer may have it. Throws to deny. */
export type Policy<TContext extends ViewerContext> = (parent: unknown, args: Record<string, unknown>, context: TContext, info: GraphQLResolveInfo) => void | Promise<void>;

/** Policies by type and field, e.g. `{ User: { email: ownerOrAdmin(…) } }`. */
export type Policies<TContext extends ViewerContext> = Record<string, Record<string, Policy<TContext>>>;

/** True when the field is a mutation, so that a denial speaks of doing rather than seeing. */
function isWrite(info: GraphQLResolveInfo): boolean {
  return info.parentType === info.schema.getMutationType();
}

/** The `UNAUTHENTICATED` error for an anonymous caller, worded for a read or for a write. */
function signInFirst(info: GraphQLResolveInfo) {
  return codedError(ErrorCode.UNAUTHENTICATED, isWrite(info) ? 'Sign in to do this: send a bearer token.' : 'Sign in to see this: send a bearer token.');
}

/** Denies anonymous callers. */
export function authenticated<TContext extends ViewerContext>(): Policy<TContext> {
  return (_parent, _args, { viewer }, info) => {
    if (!viewer.userId) throw signInFirst(info);
  };
}

/**
 * Lets through the user who owns the thing and admins. `ownerOf` returns the owner's user id, or
 * null/undefined when there is no such thing (the resolver then answers null or `NOT_FOUND` itself).
 *
 * @example ownerOrAdmin((user: UserDocument) => user._id.toHexString())
 */
export function ownerOrAdmin<TParent, TArgs, TContext extends ViewerContext>(
  ownerOf: (parent: TParent, args: TArgs, context: TContext) => string | null | undefined | Promise<string | null | undefined>,
): Policy<TContext> {
  return async (parent, args, context, info) => {
    const { viewer } = context;
    if (!viewer.userId) throw signInFirst(info);
    if (isAdmin(viewer)) return;
    const owner = await ownerOf(parent as TParent, args as TArgs, context);
    if (owner !== null && owner !== undefined && owner !== viewer.userId) {
      throw codedError(ErrorCode.FORBIDDEN, isWrite(info) ? 'Only its owner and admins may do this.' : 'Only its owner and admins may see this.');
    }
  };
}

type ResolverMap = Record<string, unknown>;

/**
 * Returns the resolver map with every field named in `policies` wrapped: the policy runs first, then the
 * field's own resolver (or the default one, which reads the property). Throws at start-up when a policy
 * names a type the resolvers do not know, so a typo cannot leave a field open.
 */
export function applyPolicies<TResolvers extends object, TContext extends ViewerContext>(resolvers: TResolvers, policies: Policies<TContext>): TResolvers {
  const result: Record<string, unknown> = { ...(resolvers as Record<string, unknown>) };
  for (const [typeName, fields] of Object.entries(policies)) {
    const typeResolvers = { ...((result[typeName] as ResolverMap | undefined) ?? {}) };
    for (const [fieldName, policy] of Object.entries(fields)) {
      const resolve = (typeResolvers[fieldName] as GraphQLFieldResolver<unknown, TContext> | undefined) ?? defaultFieldResolver;
      const guarded: GraphQLFieldResolver<unknown, TContext> = async (parent, args: Record<string, unknown>, context, info) => {
        maybeCacheControlFromInfo(info)?.setCacheHint({ scope: 'PRIVATE' });
        await policy(parent, args, context, info);
        return resolve(parent, args, context, info);
      };
      typeResolvers[fieldName] = guarded;
    }
    result[typeName] = typeResolvers;
  }
  return result as TResolvers;
}
