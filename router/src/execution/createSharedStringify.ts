import type { FormattedExecutionResult } from 'graphql';

/**
 * Apollo Server's `stringifyResult` (its default is `JSON.stringify(result) + '\n'`), with one answer
 * serialised once however many requests send it. Inbound deduplication (useInflightQueryDedup) hands
 * the same `data` tree to every request that waited for it; each would otherwise serialise it again:
 * with 50 identical requests in flight and a 90 KB answer, that was the router's largest cost.
 *
 * The text is remembered by the identity of the `data` object, weakly (it goes when the answer does),
 * and only for an answer without `errors` and `extensions`: those are each request's own (a plugin may
 * set them on one answer), `data` is not (nothing changes it after execution, which the deduplication
 * already relies on). The bytes are the default's, by construction.
 *
 * @example new ApolloServer({ ..., stringifyResult: createSharedStringify() })
 */
export function createSharedStringify(): (result: FormattedExecutionResult) => string {
  const texts = new WeakMap<object, string>();
  return (result) => {
    const { data, errors, extensions } = result;
    if (errors !== undefined || extensions !== undefined || data === null || typeof data !== 'object') return `${JSON.stringify(result)}\n`;
    let text = texts.get(data);
    if (text === undefined) {
      text = `${JSON.stringify(result)}\n`;
      texts.set(data, text);
    }
    return text;
  };
}
