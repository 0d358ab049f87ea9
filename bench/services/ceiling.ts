/**
 * The ceiling: one process that answers the same operations without federation. No router, no
 * subgraph hops, no query planning: graphql-js executes the API schema (`schema/api.graphql`) directly
 * against both databases, with the subgraphs' own data-access modules and DataLoaders, so it sends the
 * same MongoDB commands they do. Each distinct document is parsed and validated once. It verifies no
 * token and answers as the benchmark's admin. Whatever a federated router does on top of this is
 * overhead, so no router can beat it on this machine: it bounds what the router work can gain.
 *
 * Settings: PORT, MONGO_URL (or USERS_MONGO_URL / ORDERS_MONGO_URL), USERS_DB_NAME, ORDERS_DB_NAME.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { CommandLog, schemaDir } from '@fedstack/devkit';
import { connectDatabase, DateTimeScalar, loadMongoConfig, encodeCursor, pageSize, parseId, selectedFieldNames, toConnection } from '@fedstack/subgraph';
import { buildSchema, execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLScalarType } from 'graphql';
import { ObjectId } from 'mongodb';
import { createLoaders as createOrdersLoaders, insertOrder, type OrderDocument, ordersCollection } from '@fedstack/orders';
import { countUsers, createLoaders as createUsersLoaders, findUsersPage, type UserDocument, usersCollection } from '@fedstack/users';
import { readPortSetting } from './signing';

type Context = { users: ReturnType<typeof createUsersLoaders>; orders: ReturnType<typeof createOrdersLoaders> };
type Resolver = GraphQLFieldResolver<unknown, Context, Record<string, unknown>>;

/** The subgraphs report batch sizes to their metrics; the ceiling keeps none. */
const noBatchMetrics = () => {};

async function main(): Promise<void> {
  const port = readPortSetting(process.env);
  // The subgraphs' own settings: the same databases, pool size and timeouts.
  const usersDb = await connectDatabase(loadMongoConfig(process.env, 'USERS', 'users'), 'ceiling');
  const ordersDb = await connectDatabase(loadMongoConfig(process.env, 'ORDERS', 'orders'), 'ceiling');
  const users = usersCollection(usersDb.db);
  const orders = ordersCollection(ordersDb.db);
  // Counted like the subgraphs' commands, and reported the same way when the bench asks.
  const logs = { users: CommandLog.attach(usersDb.client), orders: CommandLog.attach(ordersDb.client) };
  process.on('message', (message: { type?: string; reset?: boolean }) => {
    if (message.type !== 'commands') return;
    const counts = (log: CommandLog) => {
      const commands: Record<string, number> = {};
      for (const { command } of log.commands) commands[command] = (commands[command] ?? 0) + 1;
      const answer = { commands, documentsReturned: log.documentsReturned };
      if (message.reset) log.clear();
      return answer;
    };
    process.send?.({ type: 'commands', users: counts(logs.users), orders: counts(logs.orders) });
  });

  const schema = buildSchema(readFileSync(resolvePath(schemaDir, 'api.graphql'), 'utf8'));
  (schema.getType('DateTime') as GraphQLScalarType).serialize = DateTimeScalar.serialize;
  const resolve = (type: string, fields: Record<string, Resolver>) => {
    const fieldMap = (schema.getType(type) as GraphQLObjectType).getFields();
    for (const [name, resolver] of Object.entries(fields)) fieldMap[name]!.resolve = resolver as never;
  };
  const ordersPage = async (userId: ObjectId, args: Record<string, unknown>, context: Context, info: Parameters<Resolver>[3]) => {
    const size = pageSize(args.first as number | undefined, { defaultSize: 10, maxSize: 100 });
    const status = (args.status as OrderDocument['status'] | null | undefined) ?? undefined;
    const [page, totalCount] = await Promise.all([
      context.orders.ordersOfUser({ status, after: undefined, perUser: size + 1 }).load(userId),
      selectedFieldNames(info).has('totalCount') ? context.orders.orderCountOfUser(status).load(userId) : Promise.resolve(0),
    ]);
    return { ...toConnection(page, size, (order) => encodeCursor([order.createdAt.toISOString(), order._id.toHexString()])), totalCount };
  };
  resolve('Query', {
    user: (_parent, args, context) => context.users.userById.load(parseId(args.id as string, 'id')),
    order: (_parent, args, context) => context.orders.orderById.load(parseId(args.id as string, 'id')),
    users: async (_parent, args, _context, info) => {
      const size = pageSize(args.first as number | undefined, { defaultSize: 20, maxSize: 100 });
      const [docs, totalCount] = await Promise.all([
        findUsersPage(users, size, undefined),
        selectedFieldNames(info).has('totalCount') ? countUsers(users) : Promise.resolve(0),
      ]);
      return { ...toConnection(docs, size, (user) => encodeCursor([user._id.toHexString()])), totalCount };
    },
  });
  resolve('User', {
    id: (user) => (user as UserDocument)._id.toHexString(),
    orders: (user, args, context, info) => ordersPage((user as UserDocument)._id, args, context, info),
  });
  resolve('Order', {
    id: (order) => (order as OrderDocument)._id.toHexString(),
    user: (order, _args, context) => context.users.userById.load((order as OrderDocument).userId),
  });
  resolve('LineItem', {
    subtotal: (item) => {
      const { quantity, unitPrice } = item as OrderDocument['items'][number];
      return quantity * unitPrice;
    },
  });
  resolve('Mutation', {
    placeOrder: (_parent, args) => {
      const input = args.input as { userId: string; items: OrderDocument['items']; currency: string };
      const items = input.items.map(({ sku, name, quantity, unitPrice }) => ({ sku, name, quantity, unitPrice }));
      const total = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
      const order: OrderDocument = { _id: new ObjectId(), userId: parseId(input.userId, 'input.userId'), items, total, currency: input.currency, status: 'PENDING', createdAt: new Date() };
      return insertOrder(orders, order).then((outcome) => outcome.order);
    },
  });

  // Parsed and validated once per distinct document; bounded, since the documents come from clients.
  const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  const prepare = (query: string) => {
    let prepared = documents.get(query);
    if (!prepared) {
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        prepared = errors.length > 0 ? errors : document;
      } catch (error) {
        prepared = [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
      }
      if (documents.size >= 1000) documents.clear();
      documents.set(query, prepared);
    }
    return prepared;
  };

  const server = createServer((req, res) => {
    void readBody(req).then(async (raw) => {
      let status = 200;
      let result: unknown;
      try {
        const { query, variables, operationName } = JSON.parse(raw) as { query: string; variables?: Record<string, unknown>; operationName?: string };
        const prepared = prepare(query);
        if (Array.isArray(prepared)) {
          status = 400;
          result = { errors: prepared.map((error) => error.toJSON()) };
        } else {
          const context: Context = { users: createUsersLoaders(users, noBatchMetrics), orders: createOrdersLoaders(orders, noBatchMetrics) };
          result = await execute({ schema, document: prepared as DocumentNode, variableValues: variables, operationName, contextValue: context });
        }
      } catch (error) {
        status = 400;
        result = { errors: [{ message: error instanceof Error ? error.message : String(error) }] };
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () => process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}/graphql` }));
  const stop = () => {
    server.close(() => void Promise.all([usersDb.close(), ordersDb.close()]).finally(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`ceiling target failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
