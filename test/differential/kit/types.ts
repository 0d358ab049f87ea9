import type { SubgraphResolvers } from '@fedstack/subgraph';

/** What a subgraph does with one request instead of answering it (a fault a case injects). */
/**
 * What a subgraph does wrong for a case: answers 500, never answers, answers malformed JSON, or answers
 * its real `data` with every number turned into a string and every boolean into a number (values of
 * the wrong type, which the router must report as stock does); `edge-numbers` answers its real `data`
 * with every number replaced by one at the edge of what an `Int` or `ID` accepts (a fraction, 1e21,
 * 2^53, 1e20, in turn).
 */
export type Fault = 'error-500' | 'hang' | 'garbage' | 'wrong-leaf-types' | 'edge-numbers';

/** One in-memory subgraph: its SDL and resolvers over constant data. */
export interface SubgraphFixture {
  name: string;
  typeDefs: string;
  resolvers: SubgraphResolvers;
}

/** One operation both executors run, with what a client would send. */
export interface OperationCase {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /**
   * Whether stock's answer has `errors` (else it must have data and no errors): so a case cannot pass
   * by both routers failing alike, say on a fixture that does not work.
   */
  errors?: boolean;
  /** Faults to inject for this case: by subgraph, applied to requests whose body contains `match` (every request when absent). */
  faults?: Array<{ subgraph: string; fault: Fault; match?: string }>;
  /**
   * Where stock Apollo Gateway is wrong by the GraphQL or Federation spec: the answer the spec asks for,
   * which the router gives, and why (documented in docs/federation.md). Without it, both must agree.
   */
  specAnswer?: { reason: string; body: unknown };
  /**
   * Why the router does not give {@link specAnswer} yet. The case then holds the router to stock's
   * answer and stock to being wrong, so the known deviation is written down and noticed when it changes.
   */
  specPending?: string;
}

/** A supergraph to hold both executors to the same answers: its subgraphs, and the operations to run. */
export interface SupergraphFixture {
  name: string;
  /** What the supergraph exercises, for the test's name. */
  title: string;
  subgraphs: SubgraphFixture[];
  operations: OperationCase[];
  /**
   * Fields (`Type.field`) that stock Apollo Gateway can answer wrongly by the spec, depending on what
   * else the operation selects (shown by the cases with a {@link OperationCase.specAnswer}): the fuzz
   * pass, whose oracle is stock, generates no operation that selects them.
   */
  fieldsStockGetsWrong?: readonly string[];
}
