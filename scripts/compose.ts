/**
 * `npm run compose`: composes schema/supergraph.graphql from the subgraph SDL listed in
 * schema/subgraphs.json. `npm run compose:check` (part of `npm test`) composes in memory and fails when
 * the committed file differs, so the supergraph the router serves never drifts from its sources.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { schemaDir } from '@fedstack/common';
import { composeSupergraph } from '../router/src/compose';
import { readSubgraphList } from '../router/src/subgraphs';

const supergraphPath = resolve(schemaDir, 'supergraph.graphql');
const check = process.argv.includes('--check');

const result = composeSupergraph(readSubgraphList(resolve(schemaDir, 'subgraphs.json')));
if (!result.ok) {
  process.stderr.write(`Composition failed:\n${result.errors.map((e) => `- ${e}`).join('\n')}\n`);
  process.exit(1);
}
const expected = `${result.supergraphSdl.trimEnd()}\n`;
if (check) {
  let actual = '';
  try {
    actual = readFileSync(supergraphPath, 'utf8');
  } catch {
    // A missing file is drift like any other.
  }
  if (actual !== expected) {
    process.stderr.write('schema/supergraph.graphql is out of date with the subgraph SDL: run `npm run compose` and commit the result.\n');
    process.exit(1);
  }
  process.stdout.write('schema/supergraph.graphql is up to date.\n');
} else {
  writeFileSync(supergraphPath, expected);
  process.stdout.write(`wrote ${supergraphPath}\n`);
}
