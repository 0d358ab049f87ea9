import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { SubgraphEntry } from './subgraphs';

/** The outcome of composing: the supergraph SDL, or every composition error as text. */
export type CompositionResult = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

/**
 * Composes a supergraph from subgraph SDL files in-process with `@apollo/composition`: the same
 * composition `rover supergraph compose` runs, without its binary.
 */
export function composeSupergraph(subgraphs: readonly SubgraphEntry[]): CompositionResult {
  const result = composeServices(
    subgraphs.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parse(readFileSync(subgraph.schema, 'utf8')) })),
  );
  if (result.errors) return { ok: false, errors: result.errors.map((error) => error.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl };
}
