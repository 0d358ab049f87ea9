import { useCallback, useEffect, useState } from 'react';
import type { TypedDocumentString } from './__generated__/graphql';
import { ApiError, ClientErrorCode, requestGraphQL } from './requestGraphQL';
import { useToken } from './session';

/** What {@link useQuery} has now. */
export interface QueryState<TResult> {
  /** The latest data; kept while the next answer loads, so a list does not blank between pages. */
  data: TResult | undefined;
  /** The latest answer's errors: the whole request's, or the failed fields' beside partial `data`. */
  error: ApiError | undefined;
  loading: boolean;
  /** Sends the query again with the same variables, for example after a mutation changed its answer. */
  refetch(): void;
}

/**
 * Runs a query when the component mounts, again whenever its variables (compared by value) or the
 * session's token change, and on `refetch()`. An answer that arrives after that is dropped, so a slow
 * page never overwrites a newer one.
 */
export function useQuery<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables): QueryState<TResult> {
  const token = useToken();
  const [data, setData] = useState<TResult>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);

  useEffect(() => {
    let current = true;
    setLoading(true);
    requestGraphQL(document, JSON.parse(key) as TVariables, { token }).then(
      (answer) => {
        if (!current) return;
        setData(answer.data);
        setError(answer.error);
        setLoading(false);
      },
      (reason: unknown) => {
        if (!current) return;
        setError(reason instanceof ApiError ? reason : new ApiError([{ code: ClientErrorCode.BAD_RESPONSE, message: String(reason) }]));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [document, key, token, generation]);

  const refetch = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, error, loading, refetch };
}

/** Where a cursor-paged list is: the `after` of the page shown, and how to move. */
export interface Pager {
  /** Pass as the query's `after`: null for the first page. */
  after: string | null;
  /** 1-based. */
  page: number;
  /** Moves to the page after the one ending at `endCursor`. */
  next(endCursor: string): void;
  previous(): void;
  first(): void;
}

/**
 * Forward-only cursors (`first`/`after`, as this API's connections have) with a way back: the pager
 * keeps the `after` of every page it went through, so "previous" is the one before.
 */
export function usePager(): Pager {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  return {
    after: cursors[cursors.length - 1] ?? null,
    page: cursors.length,
    next: (endCursor) => setCursors((stack) => [...stack, endCursor]),
    previous: () => setCursors((stack) => (stack.length > 1 ? stack.slice(0, -1) : stack)),
    first: () => setCursors([null]),
  };
}
