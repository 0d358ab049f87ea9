/**
 * The differential test of the FerretDB patches (scripts/ferretdb-patches): a seeded, reproducible
 * corpus of documents and of queries, run against the patched FerretDB and against FerretDB exactly as
 * released, must give identical answers (same documents, same BSON types, same order). The patches push
 * filters, sorts and limits down to SQLite's indexes; the unpatched server filters everything in Go, so
 * it is the oracle. `DIFF_SEED=<n>` reruns another corpus.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Binary, BSON, BSONRegExp, Double, Int32, Long, MongoClient, ObjectId, Timestamp, type Db, type Document, type Sort } from 'mongodb';

const { EJSON } = BSON;
import { createRandom, demoUsers, type EmbeddedDatabase, seedDemoData, startFerretDB } from '@fedstack/devkit';
import { ejsonAnswer as answer } from '../support/ejsonAnswer';
import { ensureOrderIndexes, ordersCollection } from '@fedstack/orders';
import { ensureUserIndexes, usersCollection } from '@fedstack/users';

const seed = Number(process.env.DIFF_SEED ?? 20_251_129);


const next = createRandom(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const chance = (p: number) => next() < p;

const objectIds = Array.from({ length: 6 }, (_, i) => new ObjectId(`65a0000000000000000000${i.toString(16).padStart(2, '0')}`));
// Dates on both sides of 1970 and of 2001 (where the number of digits of the milliseconds changes).
const dates = [new Date(-86_400_000), new Date(0), new Date(999_999_999_999), new Date(1_000_000_000_000), new Date('2025-01-01'), new Date('2025-06-30T12:00:00Z')];
const strings = ['', 'a', 'b', 'A', '5', '<x>&"y"', 'é', 'a\u0000b', '65a000000000000000000001', '{"a":1}', '[1]'];
/** Every BSON number type, with values equal across types (5, 5L, 5.0), zero and negative zero, large and fractional. */
const numbers = (): unknown =>
  pick([
    () => new Int32(pick([0, 1, 5, -5, 2 ** 31 - 1])),
    () => Long.fromNumber(pick([0, 1, 5, -5, 2 ** 40, 2 ** 53 - 1])),
    () => new Double(pick([0, -0, 1, 5, 5.5, -5, 0.1, 1e-7, 2 ** 40, 1e21])),
  ])();

/** The BSON types the subgraphs never store, which FerretDB's stored JSON keeps apart (its decoder too). */
const rareScalars = (): unknown =>
  pick([
    () => new Binary(Buffer.from([0, 1, 254, 255]), pick([0, 4])),
    () => new BSONRegExp(pick(['^a.*', 'x"y']), pick(['', 'i'])),
    () => new Timestamp({ t: 1_700_000_000, i: 7 }),
    () => pick(['日本語', '\u2028', 'tab\there', 'back\\slash', 'x'.repeat(300)]),
  ])();

/** A scalar of any type the corpus uses, or null. */
function scalar(): unknown {
  return pick([numbers, numbers, () => pick(strings), () => pick(objectIds), () => pick(dates), () => chance(0.5), () => null, rareScalars])();
}

/** A field value: mostly scalars, sometimes missing, arrays of scalars or of documents, or a nested document. */
function fieldValue(): unknown {
  const r = next();
  if (r < 0.1) return undefined;
  if (r < 0.2) return Array.from({ length: Math.floor(next() * 3) }, scalar);
  if (r < 0.25) return [{ x: scalar() }, { x: scalar() }];
  if (r < 0.3) return { x: scalar(), y: pick(strings) };
  if (r < 0.32) return pick([{}, [], [{ x: [] }, {}], { x: { y: [scalar()] } }]);
  return scalar();
}

/** Like {@link fieldValue}, but mostly of one type, as real data is (the sort-pushdown path). */
function mostlyDate(): unknown {
  return chance(0.85) ? new Date(Date.UTC(2025, 0, 1) + Math.floor(next() * 20) * 3_600_000) : fieldValue();
}

function makeDocument(i: number): Document {
  const doc: Document = {
    // ObjectIds mostly, and a few _ids of other types, which an `_id` range must leave out.
    _id: i % 17 === 0 ? pick([`s${i}`, i, i + 0.5]) : new ObjectId(`65a1${i.toString(16).padStart(20, '0')}`),
  };
  const fields: Array<[string, () => unknown]> = [
    ['a', () => (chance(0.6) ? pick(objectIds) : fieldValue())],
    ['k', mostlyDate],
    ['b', fieldValue],
    ['s', () => (chance(0.8) ? pick(strings) : fieldValue())],
    ['n', () => ({ deep: fieldValue() })],
    // Like an order's userId: mostly ObjectIds, never an array, so counts by it are answered by SQL.
    ['u', () => (chance(0.7) ? pick(objectIds) : chance(0.8) ? scalar() : undefined)],
  ];
  for (const [name, make] of fields) {
    const value = make();
    if (value !== undefined) doc[name] = value;
  }
  // Field names beyond ASCII letters (FerretDB writes a field name with a quote or a backslash as broken JSON).
  if (chance(0.05)) doc[pick(['é', '<tag>', 'a b'])] = scalar();
  return doc;
}

/** A value to compare with: mostly one the corpus holds. */
const queryValue = (field: string): unknown =>
  (field === 'a' || field === 'u') && chance(0.5) ? pick(objectIds) : field === 'k' && chance(0.5) ? pick(dates) : scalar();

/** A filter on one field: equality, $eq, $in (of one and of several), or those with another operator. */
function fieldFilter(field: string): unknown {
  const values = () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => queryValue(field));
  return pick([
    () => queryValue(field),
    () => ({ $eq: queryValue(field) }),
    () => ({ $in: [queryValue(field)] }),
    () => ({ $in: values() }),
    () => ({ $in: values(), $ne: queryValue(field) }),
    () => ({ $eq: queryValue(field), $exists: true }),
    () => ({ $gt: queryValue(field) }),
  ])();
}

function idFilter(): unknown {
  const id = () => (chance(0.8) ? new ObjectId(`65a1${Math.floor(next() * 220).toString(16).padStart(20, '0')}`) : scalar());
  return pick([
    () => id(),
    () => ({ $in: Array.from({ length: 1 + Math.floor(next() * 10) }, id) }),
    () => ({ $gt: id() }),
    () => ({ $gte: id(), $lt: id() }),
    () => ({ $lte: id() }),
  ])();
}

function makeFilter(): Document {
  const filter: Document = {};
  const shape = next();
  if (shape < 0.25) filter._id = idFilter();
  else if (shape < 0.55) filter.a = fieldFilter('a');
  else if (shape < 0.7) {
    filter.a = fieldFilter('a');
    filter[pick(['b', 's', 'k'])] = fieldFilter(pick(['b', 's']));
  } else if (shape < 0.8) filter.b = fieldFilter('b');
  else if (shape < 0.88) filter.s = fieldFilter('s');
  else if (shape < 0.94) filter.$or = [{ a: fieldFilter('a') }, { b: fieldFilter('b') }];
  else filter['n.deep'] = fieldFilter('b');
  return filter;
}

/** A filter that a count may answer in SQL: `u` (never an array) alone or with another field. */
function countFilter(): Document {
  const filter: Document = { u: fieldFilter('u') };
  if (chance(0.3)) filter[pick(['s', 'k', 'b', 'a'])] = fieldFilter(pick(['s', 'k', 'a']));
  return filter;
}

/** The pipelines a count is sent as: countDocuments', a count per value, and variants of their $group. */
function countPipeline(filter: Document): Document[] {
  const field = pick(['$u', '$u', '$a', '$s']);
  return pick([
    () => [{ $match: filter }, { $group: { _id: 1, n: { $sum: 1 } } }],
    () => [{ $match: filter }, { $group: { _id: field, count: { $sum: 1 } } }],
    () => [{ $match: filter }, { $group: { _id: field, count: { $sum: 1 } } }, { $sort: { count: -1, _id: 1 } }],
    () => [{ $match: filter }, { $group: { _id: null, two: { $sum: 2 }, half: { $sum: 0.5 }, long: { $sum: Long.fromNumber(3) } } }],
    () => [{ $match: filter }, { $group: { _id: field, n: { $sum: new Int32(2 ** 30) } } }],
    () => [{ $match: filter }, { $skip: 1 }, { $group: { _id: 1, n: { $sum: 1 } } }],
  ])();
}

const sorts: Array<Sort | undefined> = [undefined, { k: -1 }, { k: 1 }, { a: 1, k: -1, _id: -1 }, { a: 1, k: 1 }, { k: -1, _id: 1 }, { _id: 1 }, { _id: -1 }, { b: 1, _id: 1 }];

/** The sort with `_id` as its last key, when it lacks one. */
const withIdLast = (sort: Sort | undefined): Sort | undefined =>
  sort === undefined || '_id' in (sort as Record<string, unknown>) ? sort : { ...(sort as Record<string, 1 | -1>), _id: 1 };

describe('FerretDB with the pushdown patches', () => {
  let patched: EmbeddedDatabase;
  let unpatched: EmbeddedDatabase;
  const dirs: string[] = [];
  const clients: MongoClient[] = [];
  let dbs: [Db, Db];

  beforeAll(async () => {
    const log = (message: string) => process.stderr.write(`${message}\n`);
    const start = async (variant: 'patched' | 'unpatched') => {
      const dataDir = mkdtempSync(join(tmpdir(), `fedstack-diff-${variant}-`));
      dirs.push(dataDir);
      return startFerretDB({ dataDir, port: 0, log, variant });
    };
    [patched, unpatched] = await Promise.all([start('patched'), start('unpatched')]);
    for (const server of [patched, unpatched]) clients.push(await MongoClient.connect(server.url, { maxPoolSize: 2 }));
    dbs = [clients[0]!.db('diff'), clients[1]!.db('diff')];
    const corpus = Array.from({ length: 220 }, (_, i) => makeDocument(i));
    for (const db of dbs) {
      const c = db.collection('docs');
      await c.createIndex({ a: 1, k: -1 }, { name: 'a_1_k_-1' });
      await c.createIndex({ b: 1 }, { name: 'b_1' });
      await c.createIndex({ s: 1 }, { name: 's_1' });
      await c.createIndex({ u: 1 }, { name: 'u_1' });
      await c.insertMany(corpus.map((doc) => ({ ...doc })), { ordered: true });
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all([patched?.stop(), unpatched?.stop()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the same query on both servers and returns both answers. */
  async function both(run: (db: Db) => Promise<unknown>): Promise<[string, string]> {
    return [await answer(() => run(dbs[0])), await answer(() => run(dbs[1]))];
  }

  it('answers 400 random finds (filters with sort, skip and limit) exactly as unpatched FerretDB does', async () => {
    const mismatches: string[] = [];
    let answered = 0; // finds that returned documents: the comparison is not vacuous
    for (let i = 0; i < 400; i++) {
      const filter = makeFilter();
      // FerretDB sorts with Go's unstable sort, so documents that tie on every key come out in an order
      // that depends on which documents it was given: MongoDB does not define it either. With `_id` last
      // (as every query of the subgraphs has it) the order is defined, and the pushed-down ones must match.
      const sort = withIdLast(pick(sorts));
      const limit = pick([0, 0, 1, 3, 11]);
      const skip = chance(0.2) ? 2 : 0;
      // Mostly none (the handler then returns the documents as read), sometimes one.
      const projection = pick([undefined, undefined, undefined, { a: 1 }, { b: 0 }, { _id: 0, k: 1 }]);
      const [got, expected] = await both((db) => {
        let cursor = db.collection('docs').find(filter, { promoteValues: false, ...(projection && { projection }) });
        if (sort) cursor = cursor.sort(sort);
        return cursor.skip(skip).limit(limit).toArray();
      });
      if (expected.startsWith('[{')) answered += 1;
      if (got !== expected) {
        mismatches.push(`find(${EJSON.stringify(filter)}) sort ${JSON.stringify(sort)} skip ${skip} limit ${limit} projection ${JSON.stringify(projection)}:\n  patched   ${got}\n  unpatched ${expected}`);
      }
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(answered).toBeGreaterThan(200);
  }, 180_000);

  it('sorts exactly as unpatched FerretDB does, ties included, where both read the same documents in the same order', async () => {
    // No filter that pushes down: both servers read every document in rowid order, so even documents that tie on
    // every key must come out in the same order (the patched sort looks each key up once, and must make the same moves).
    const keys = ['k', 'b', 's', 'a', 'n.deep', 'n', 'u'];
    const mismatches: string[] = [];
    for (let i = 0; i < 80; i++) {
      const sort: Record<string, 1 | -1> = {};
      for (let n = 1 + Math.floor(next() * 3); n > 0; n--) sort[pick(keys)] = pick([1, -1]);
      const filter = chance(0.5) ? {} : { 'n.deep': { $exists: true } };
      const [got, expected] = await both((db) => db.collection('docs').find(filter, { promoteValues: false }).sort(sort).toArray());
      if (got !== expected) mismatches.push(`sort ${JSON.stringify(sort)} filter ${JSON.stringify(filter)}:\n  patched   ${got}\n  unpatched ${expected}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  }, 120_000);

  it('counts and groups ($match, $group, countDocuments) exactly as unpatched FerretDB does', async () => {
    const mismatches: string[] = [];
    for (let i = 0; i < 60; i++) {
      const filter = makeFilter();
      const [got, expected] = await both(async (db) => [
        await db.collection('docs').countDocuments(filter),
        await db.collection('docs').aggregate([{ $match: filter }, { $group: { _id: '$a', n: { $sum: 1 } } }, { $sort: { n: 1 } }]).toArray(),
      ]);
      if (got !== expected) mismatches.push(`${EJSON.stringify(filter)}:\n  patched   ${got}\n  unpatched ${expected}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  }, 120_000);

  it('counts in SQL exactly what unpatched FerretDB counts in Go (countDocuments, count, $group by a field)', async () => {
    const mismatches: string[] = [];
    let counted = 0; // counts that are not zero: the comparison is not vacuous
    for (let i = 0; i < 300; i++) {
      const filter = chance(0.8) ? countFilter() : makeFilter();
      const pipeline = countPipeline(filter);
      const [got, expected] = await both(async (db) => [
        await db.collection('docs').aggregate(pipeline, { promoteValues: false }).toArray(),
        await db.collection('docs').countDocuments(filter),
        (await db.command({ count: 'docs', query: filter }, { promoteValues: false })).n,
      ]);
      if (!expected.startsWith('[[],{"$numberInt":"0"}')) counted += 1;
      if (got !== expected) mismatches.push(`${EJSON.stringify(pipeline)}:\n  patched   ${got}\n  unpatched ${expected}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(counted).toBeGreaterThan(150);
  }, 180_000);

  it('answers a count by `u` from SQL, and leaves one by `a` (which holds arrays) to the handler', async () => {
    const explain = async (pipeline: Document[]) =>
      ((await dbs[0].command({ explain: { aggregate: 'docs', pipeline, cursor: {} } })).queryPlanner as { Plan: string[] }).Plan;
    const byU = await explain([{ $match: { u: { $in: objectIds.slice(0, 3) } } }, { $group: { _id: '$u', count: { $sum: 1 } } }]);
    expect(byU.some((line) => /^count: .*SEARCH \S+ USING INDEX \S+_u_1 /.test(line))).toBe(true);
    // The count query runs and finds arrays among `a`'s rows, so the handler counts: the explain shows the count query
    // (what Query tries first) all the same; the answers are compared above.
    const all = await explain([{ $match: {} }, { $group: { _id: 1, n: { $sum: 1 } } }]);
    expect(all.some((line) => line.startsWith('count: '))).toBe(true);
  });

  it('updates and deletes the same documents as unpatched FerretDB does', async () => {
    for (let i = 0; i < 30; i++) {
      const filter = makeFilter();
      const [updated, expectedUpdated] = await both((db) => db.collection('docs').updateMany(filter, { $set: { touched: i } }));
      expect(updated).toBe(expectedUpdated);
      if (i % 5 === 0) {
        const [deleted, expectedDeleted] = await both((db) => db.collection('docs').deleteOne(filter));
        expect(deleted).toBe(expectedDeleted);
      }
    }
    const [all, expectedAll] = await both((db) => db.collection('docs').find({}, { promoteValues: false }).toArray());
    expect(all).toBe(expectedAll);
  }, 120_000);

  describe("the subgraphs' own queries", () => {
    let db: [Db, Db];
    const ids = demoUsers(60).map((user) => user._id);

    beforeAll(async () => {
      db = [clients[0]!.db('demo_orders'), clients[0]!.db('demo_users')];
      await ensureUserIndexes(usersCollection(db[1]));
      await ensureOrderIndexes(ordersCollection(db[0]));
      await seedDemoData(db[1], db[0], { users: 60, orders: 600 });
    }, 120_000);

    /** SQLite's EXPLAIN QUERY PLAN of a find, as the patched FerretDB reports it. */
    async function plan(target: Db, collection: string, find: Document): Promise<string[]> {
      const result = await target.command({ explain: { find: collection, ...find } });
      return (result.queryPlanner as { Plan: string[] }).Plan;
    }

    const searchesIndex = (lines: string[], index: string) =>
      lines.filter((line) => line.startsWith('query:')).every((line) => !/ SCAN [a-z]/.test(line)) &&
      lines.some((line) => new RegExp(`SEARCH \\S+ USING INDEX \\S+_${index} `).test(line));

    it.each([
      ['one user\'s first page', 'orders', { filter: { userId: { $in: [ids[3]] } }, sort: { userId: 1, createdAt: -1, _id: -1 }, limit: 11 }, 'userId_1_createdAt_-1'],
      ['a batch of users\' orders', 'orders', { filter: { userId: { $in: ids.slice(0, 50) } }, sort: { userId: 1, createdAt: -1, _id: -1 } }, 'userId_1_createdAt_-1'],
      ['an order by _id', 'orders', { filter: { _id: new ObjectId('6774ec000002000000000001') } }, '_id_'],
      ['users by _id $in', 'users', { filter: { _id: { $in: ids.slice(0, 20) } } }, '_id_'],
      ['a users page after a cursor', 'users', { filter: { _id: { $gt: ids[10] } }, sort: { _id: 1 }, limit: 21 }, '_id_'],
    ])('searches an index for %s', async (_name, collection, find, index) => {
      const lines = await plan(collection === 'orders' ? db[0] : db[1], collection, find);
      expect({ lines, searchesIndex: searchesIndex(lines, index) }).toEqual({ lines, searchesIndex: true });
    });

    it('counts the totalCount aggregation in SQL, searching the index', async () => {
      const result = await db[0].command({
        explain: { aggregate: 'orders', pipeline: [{ $match: { userId: { $in: ids.slice(0, 10) } } }, { $group: { _id: '$userId', count: { $sum: 1 } } }], cursor: {} },
      });
      const lines = (result.queryPlanner as { Plan: string[] }).Plan;
      expect(lines.some((line) => /^count: .*SEARCH \S+ USING INDEX \S+_userId_1_createdAt_-1 /.test(line))).toBe(true);
    });

    it("cuts a batch of users' pages in SQL ($group with $firstN), searching the index and scanning no table", async () => {
      const pipeline = [
        { $match: { userId: { $in: ids.slice(0, 50) } } },
        { $sort: { userId: 1, createdAt: -1, _id: -1 } },
        { $group: { _id: '$userId', orders: { $firstN: { input: '$$ROOT', n: 11 } } } },
      ];
      const result = await db[0].command({ explain: { aggregate: 'orders', pipeline, cursor: {} } });
      const lines = (result.queryPlanner as { Plan: string[] }).Plan;
      const index = /SEARCH \S+ USING INDEX \S+_userId_1_createdAt_-1 /;
      // The probe for the type of createdAt; each user's rows ranked 11 or better (the correlated subquery reads
      // the first 11 of the user's index range); the other types of createdAt and missing ones (three ranges);
      // userId arrays: all from the index.
      expect({ lines, probe: lines.some((line) => line.startsWith('probe: ') && index.test(line)) }).toEqual({ lines, probe: true });
      expect(lines.filter((line) => line.startsWith('query: ') && index.test(line))).toHaveLength(6);
      expect(lines.filter((line) => / SCAN orders_/.test(line))).toEqual([]);
    });

    it('pushes sort and limit down for a page, and reads only that page', async () => {
      const result = await db[0].command({
        explain: { find: 'orders', filter: { userId: { $in: [ids[0]] } }, sort: { userId: 1, createdAt: -1, _id: -1 }, limit: 6 },
      });
      expect([result.filterPushdown, result.sortPushdown, result.limitPushdown]).toEqual([true, true, true]);
    });
  });
});
