import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's collector, as `--expose-gc` gives it: a full collection without options, or the kind asked for. */
export type CollectGarbage = (options?: { type: 'minor' | 'major'; execution: 'sync' }) => void;

/**
 * V8's `gc()` in a process started without `--expose-gc` (jest's workers): the flag set at run time, and
 * the function read from a fresh context, which gets it. For tests of what survives a collection.
 * A FinalizationRegistry's callbacks follow a call without options; with options they may not.
 */
export function exposeGc(): CollectGarbage {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as CollectGarbage;
}
