import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse, printSchema } from 'graphql';
import type { SubgraphEntry } from '@fedstack/router';

/**
 * The outcome of composing: the supergraph SDL and the API schema clients see (the supergraph without
 * federation's internals), or every composition error as text.
 */
export type CompositionResult = { ok: true; supergraphSdl: string; apiSchemaSdl: string } | { ok: false; errors: string[] };

/**
 * Composes a supergraph from subgraph SDL files in-process with `@apollo/composition`: the same
 * composition `rover supergraph compose` runs, without its binary.
 */
export function composeSupergraph(subgraphs: readonly SubgraphEntry[]): CompositionResult {
  const result = composeServices(
    subgraphs.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parse(readFileSync(subgraph.schema, 'utf8')) })),
  );
  if (result.errors) return { ok: false, errors: result.errors.map((error) => error.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl, apiSchemaSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()) };
}
