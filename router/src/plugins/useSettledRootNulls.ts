import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from '@fedstack/common';

interface ValueCompletionError {
  message: string;
  path?: ReadonlyArray<string | number>;
}

/**
 * Makes the answer for a shareable root field that one subgraph resolves to null deterministic.
 *
 * `Query.user` is resolvable in both subgraphs so that a user and their orders are fetched in parallel.
 * For an id the users subgraph does not know, it answers `user: null` while the orders subgraph answers
 * a reference. The gateway merges the two as they arrive: when the users answer lands last the result is
 * a clean `user: null`; when the orders answer lands last the gateway also ends at `user: null`, but adds
 * "Cannot return null for non-nullable field User.name" under `extensions.valueCompletion`. The data
 * is the same either way; only that note depends on timing.
 *
 * This plugin drops `valueCompletion` notes that sit under a root field whose final value is null (the
 * client already sees the null; the note would only tell which subgraph happened to answer last), and
 * logs them at debug level. Notes anywhere else are kept. See docs/federation.md.
 */
export function useSettledRootNulls(logger: Logger): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const notes = result.extensions?.valueCompletion as ValueCompletionError[] | undefined;
          if (!Array.isArray(notes) || !result.data) return;
          const data = result.data;
          const kept = notes.filter((note) => {
            const root = note.path?.[0];
            return !(typeof root === 'string' && note.path!.length > 1 && data[root] === null);
          });
          if (kept.length === notes.length) return;
          logger.debug('dropped merge notes under null root fields', notes.filter((note) => !kept.includes(note)));
          const { valueCompletion: _dropped, ...extensions } = result.extensions!;
          result.extensions = kept.length > 0 ? { ...extensions, valueCompletion: kept } : Object.keys(extensions).length > 0 ? extensions : undefined;
        },
      };
    },
  };
}
