import type { Viewer } from '@fedstack/common';

/** What the router knows of one request: who is asking (from the verified token) and its id. */
export interface RouterContext {
  viewer: Viewer;
  requestId: string;
}
