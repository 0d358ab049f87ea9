import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '@fedstack/server';

/** One entry of `schema/subgraphs.json`. */
export interface SubgraphEntry {
  /** The name the supergraph knows it by, in lower case. */
  name: string;
  /** Its GraphQL endpoint. */
  url: string;
  /** Its SDL file, relative to the list. */
  schema: string;
}

/** Reads and checks a subgraph list; `schema` paths come back absolute. */
export function readSubgraphList(path: string): SubgraphEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read the subgraph list ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new ConfigError(`${path} must be a non-empty JSON array of { name, url, schema }.`);
  return parsed.map((entry: unknown, index) => {
    const e = entry as Partial<Record<keyof SubgraphEntry, unknown>>;
    if (typeof e.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(e.name) || typeof e.url !== 'string' || typeof e.schema !== 'string') {
      throw new ConfigError(`${path}[${index}] must be { "name": lower-case identifier, "url": string, "schema": file }, but got: ${JSON.stringify(entry)}`);
    }
    return { name: e.name, url: e.url, schema: resolve(dirname(path), e.schema) };
  });
}
