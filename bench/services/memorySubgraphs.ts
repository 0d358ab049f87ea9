/**
 * The gateway-bound bench's subgraphs: every subgraph of one in-memory supergraph (the differential
 * suite's fixtures), served in this one process, answering a request body seen before with the bytes
 * sent then, so they cost next to nothing and the router is what is measured. Writes the composed
 * supergraph (with their URLs) and says where over IPC.
 *
 * Settings: BENCH_FIXTURE (`shop` or `project`), BENCH_SUPERGRAPH_PATH (where to write the supergraph),
 * BENCH_SHOP_PRODUCTS (the shop's size).
 */
import { writeFileSync } from 'node:fs';
import { composeFixture } from '../../test/differential/kit/startRouters';
import { startSubgraph } from '../../test/differential/kit/startSubgraphs';
import type { SupergraphFixture } from '../../test/differential/kit/types';
import { projectFixture } from '../../test/differential/supergraphs/project';
import { shopFixture } from '../../test/differential/supergraphs/shop';
import { createShopData } from '../../test/differential/supergraphs/shop/data';

async function main(): Promise<void> {
  const name = process.env.BENCH_FIXTURE;
  const fixture: SupergraphFixture | undefined = name === 'shop' ? shopFixture(createShopData(Number(process.env.BENCH_SHOP_PRODUCTS ?? 60))) : name === 'project' ? projectFixture() : undefined;
  if (!fixture) throw new Error(`BENCH_FIXTURE must be shop or project, but got: ${JSON.stringify(name)}`);
  const path = process.env.BENCH_SUPERGRAPH_PATH;
  if (!path) throw new Error('BENCH_SUPERGRAPH_PATH must name the file to write the supergraph to');
  const running = await Promise.all(fixture.subgraphs.map((subgraph) => startSubgraph(subgraph, { memoize: true, record: false })));
  writeFileSync(path, composeFixture(fixture, new Map(running.map((subgraph) => [subgraph.name, subgraph.url]))));
  process.send?.({ type: 'ready', supergraphPath: path, subgraphs: running.map((subgraph) => subgraph.name) });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`memory subgraphs failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
