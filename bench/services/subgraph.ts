/**
 * One of the project's subgraphs, unchanged, as the benchmark runs it: the service `npm start` runs
 * (`createUsersService` / `createOrdersService`, from the same config variables), given a database
 * connection whose commands the driver's command monitoring counts (`CommandLog`). Over its IPC channel
 * it says when it listens, and answers how many commands it has sent since the last reset, so the bench
 * can report MongoDB commands per request for every scenario and target.
 *
 * Settings: BENCH_SUBGRAPH (`users` or `orders`), then the subgraph's own variables (.env.example).
 */
import { CommandLog } from '@fedstack/devkit';
import { connectDatabase, type Database } from '@fedstack/subgraph';
import { createOrdersService, loadConfig as loadOrdersConfig } from '@fedstack/orders';
import { createUsersService, loadConfig as loadUsersConfig } from '@fedstack/users';

/** What the bench asks a subgraph process, and what it answers. */
export type SubgraphRequest = { type: 'commands'; reset: boolean };
export type SubgraphMessage = { type: 'ready'; url: string } | { type: 'commands'; commands: Record<string, number>; documentsReturned: number };

async function start(name: string): Promise<{ url: string; database: Database; stop(): Promise<void> }> {
  if (name === 'users') {
    const config = loadUsersConfig(process.env);
    const database = await connectDatabase(config.mongo, 'users-subgraph');
    const service = await createUsersService(config, database);
    return { url: await service.start(), database, stop: () => service.stop() };
  }
  if (name === 'orders') {
    const config = loadOrdersConfig(process.env);
    const database = await connectDatabase(config.mongo, 'orders-subgraph');
    const service = await createOrdersService(config, database);
    return { url: await service.start(), database, stop: () => service.stop() };
  }
  throw new Error(`BENCH_SUBGRAPH must be users or orders, but got: ${JSON.stringify(name)}`);
}

async function main(): Promise<void> {
  const service = await start(process.env.BENCH_SUBGRAPH ?? '');
  const log = CommandLog.attach(service.database.client);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The bench is the parent: when it goes, so does this process.
  process.on('disconnect', stop);
  process.on('message', (message: SubgraphRequest) => {
    if (message.type !== 'commands') return;
    const commands: Record<string, number> = {};
    for (const { command } of log.commands) commands[command] = (commands[command] ?? 0) + 1;
    const answer: SubgraphMessage = { type: 'commands', commands, documentsReturned: log.documentsReturned };
    if (message.reset) log.clear();
    process.send?.(answer);
  });
  process.send?.({ type: 'ready', url: service.url } satisfies SubgraphMessage);
}

main().catch((error: unknown) => {
  process.stderr.write(`subgraph failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
