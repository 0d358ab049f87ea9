import type { AdmissionTicket, Logger, TraceContext, Viewer } from '@fedstack/server';

/** What the router knows of one request: who is asking (from the verified token), its id and trace. */
export interface RouterContext {
  viewer: Viewer;
  requestId: string;
  trace: TraceContext;
  /** Logs with the request id and trace id on every line. */
  logger: Logger;
  /**
   * The root fields (by response key) that a subgraph answered `null` for, filled in as the subgraphs
   * answer; useSettledRootNulls reads it.
   */
  rootNulls: Set<string>;
  /**
   * The request's admission (`ROUTER_PLAN_ADMISSION`), when it has one: the data sources count the
   * bytes of the subgraphs' answers on it, which the next requests like it are weighed by.
   */
  admission?: AdmissionTicket;
}
