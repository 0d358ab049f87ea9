import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { Logger } from '@fedstack/server';
import type { RouterContext } from '../context';

interface ValueCompletionError {
  message: string;
  path?: ReadonlyArray<string | number>;
}

/**
 * Makes the answer for a shareable root field that one subgraph resolves to null deterministic, and
 * leaves every other explanation of a null alone.
 *
 * `Query.user` is resolvable in both subgraphs so that a user and their orders are fetched in parallel.
 * For an id the users subgraph does not know, it answers `user: null` while the orders subgraph answers
 * a reference. The gateway merges the two as they arrive: when the users answer lands last the result is
 * a clean `user: null`; when the orders answer lands last the gateway also ends at `user: null`, but adds
 * "Cannot return null for non-nullable field User.name" under `extensions.valueCompletion`. The data
 * is the same either way; only that note depends on timing.
 *
 * So a note is dropped only when a subgraph itself answered `null` for that root field (the gateway's
 * data source records it in {@link RouterContext.rootNulls}) and the field's final value is null: the
 * client sees the null a subgraph chose, and the note would only tell which subgraph answered last.
 * Every other note stays, above all one that explains a null no subgraph chose (a non-null field that
 * came back null and bubbled up). Dropped notes are logged at debug level. See docs/federation.md.
 *
 * Installed before the plugins that share an answer (deduplication, the response cache), so what they
 * hand on is already settled.
 */
export function useSettledRootNulls(logger: Logger): ApolloServerPlugin<RouterContext> {
  // Made once, not per request: see docs/performance.md, "Hooks made once".
  const hooks: GraphQLRequestListener<RouterContext> = {
    async willSendResponse({ response, contextValue }) {
      if (response.body.kind !== 'single') return;
      const result = response.body.singleResult;
      const notes = result.extensions?.valueCompletion as ValueCompletionError[] | undefined;
      const rootNulls = contextValue.rootNulls;
      if (!Array.isArray(notes) || !result.data || rootNulls.size === 0) return;
      const data = result.data;
      const kept = notes.filter((note) => {
        const root = note.path?.[0];
        return !(typeof root === 'string' && note.path!.length > 1 && data[root] === null && rootNulls.has(root));
      });
      if (kept.length === notes.length) return;
      logger.debug('dropped merge notes under root fields a subgraph answered null', notes.filter((note) => !kept.includes(note)));
      const { valueCompletion: _dropped, ...extensions } = result.extensions!;
      result.extensions = kept.length > 0 ? { ...extensions, valueCompletion: kept } : Object.keys(extensions).length > 0 ? extensions : undefined;
    },
  };
  return {
    async requestDidStart() {
      return hooks;
    },
  };
}
