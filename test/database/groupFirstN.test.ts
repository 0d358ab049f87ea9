/**
 * The differential test of `$group` with `$firstN` (scripts/ferretdb-patches 0013 and 0014): the patched
 * FerretDB, which cuts each group's first n documents in SQL, against the same build with pushdown
 * disabled (`--test-disable-pushdown`), whose handler reads every matching document and groups them in
 * Go. FerretDB as released has no `$firstN`, so it cannot be the oracle here. A seeded corpus with group
 * keys that must never share a group (ObjectIds; ints, longs, doubles and dates of the same number;
 * strings; nulls; missing fields; arrays holding ObjectIds; documents) and ties on the sort key, and
 * random pipelines with every n from 1 up: the answers must be identical (canonical Extended JSON, in
 * order). `DIFF_SEED=<n>` runs another corpus.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON, Double, Int32, Long, MongoClient, MongoServerError, ObjectId, type Db, type Document } from 'mongodb';
import { createRandom, type EmbeddedDatabase, startFerretDB } from '@fedstack/devkit';
import { ejsonAnswer as answer } from '../support/ejsonAnswer';

const { EJSON } = BSON;
const seed = Number(process.env.DIFF_SEED ?? 20_251_130);
const next = createRandom(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const chance = (p: number) => next() < p;

/** The ObjectIds most documents are grouped by, like users' ids; the last two hold no document. */
const groupIds = Array.from({ length: 10 }, (_, i) => new ObjectId(`65b0000000000000000000${i.toString(16).padStart(2, '0')}`));
const populated = groupIds.slice(0, 8);

/** A group key that must stay in a group of its own kind: numbers equal across types, dates, strings, arrays, documents. */
function nastyKey(): unknown {
  return pick([
    () => new Int32(5),
    () => Long.fromNumber(5),
    () => new Double(5),
    () => new Date(5),
    () => pick(['5', groupIds[0]!.toHexString(), '']),
    () => null,
    () => undefined,
    () => [pick(populated)],
    () => [pick(populated), pick(groupIds)],
    () => [],
    () => ({ o: groupIds[1]!.toHexString() }),
    () => ({ x: pick(populated) }),
  ])();
}

/** The sort key: mostly dates with many ties (as orders' createdAt), sometimes another type or missing. */
function sortKey(): unknown {
  if (chance(0.85)) return new Date(Date.UTC(2025, 0, 1) + Math.floor(next() * 6) * 3_600_000);
  return pick([() => new Int32(Math.floor(next() * 3)), () => Long.fromNumber(2), () => new Double(2.5), () => 'b', () => undefined, () => null, () => [new Date(0)], () => ({ d: 1 })])();
}

function makeDocument(i: number): Document {
  const doc: Document = { _id: i % 23 === 0 ? `s${i}` : new ObjectId(`65b1${i.toString(16).padStart(20, '0')}`) };
  const g = chance(0.8) ? pick(populated) : nastyKey();
  if (g !== undefined) doc.g = g;
  const k = sortKey();
  if (k !== undefined) doc.k = k;
  doc.v = i;
  return doc;
}

/** `$match` on the group field: what the pushdown takes (ObjectIds only), and neighbours it leaves to the handler. */
function makeMatch(): Document {
  const some = () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => pick(groupIds));
  return pick([
    () => ({ g: { $in: some() } }),
    () => ({ g: { $in: some() } }),
    () => ({ g: { $in: some() } }),
    () => ({ g: { $in: some() } }),
    () => ({ g: pick(groupIds) }),
    () => ({ g: { $eq: pick(groupIds) } }),
    () => ({ g: { $in: [...some(), nastyKey() ?? null] } }),
    () => ({ g: { $in: some() }, v: { $gt: 100 } }),
    () => ({ g: { $in: some(), $ne: pick(groupIds) } }),
    () => ({}),
  ])();
}

/** Sorts that end with `_id` (the order is then defined, whatever documents the handler is given). */
const sorts: Document[] = [
  { g: 1, k: -1, _id: -1 },
  { g: 1, k: -1, _id: 1 },
  { g: 1, k: 1, _id: 1 },
  { k: -1, g: 1, _id: -1 },
  { k: -1, _id: 1 },
  { g: -1, k: -1, _id: -1 },
  { g: 1, v: -1, _id: 1 },
  { g: 1, _id: -1 },
];

function makePipeline(): Document[] {
  const n = pick([1, 1, 2, 3, 4, 5, 8, 11, 40]);
  const input = pick(['$$ROOT', '$$ROOT', '$k', '$_id', '$missing']);
  const group: Document = { _id: pick(['$g', '$g', '$g', '$k']), top: { $firstN: { input, n: pick([n, Long.fromNumber(n), new Double(n)]) } } };
  const pipeline: Document[] = [{ $match: makeMatch() }, { $sort: pick(sorts) }, { $group: group }];
  if (chance(0.2)) pipeline.push({ $sort: { _id: 1 } });
  return pipeline;
}

describe('$group with $firstN, cut in SQL by the patched FerretDB', () => {
  const dirs: string[] = [];
  const servers: EmbeddedDatabase[] = [];
  const clients: MongoClient[] = [];
  let withPushdown: Db;
  let inGo: Db;

  beforeAll(async () => {
    const log = (message: string) => process.stderr.write(`${message}\n`);
    const start = async (disablePushdown: boolean) => {
      const dataDir = mkdtempSync(join(tmpdir(), `fedstack-firstn-${disablePushdown ? 'go' : 'sql'}-`));
      dirs.push(dataDir);
      return startFerretDB({ dataDir, port: 0, log, disablePushdown });
    };
    servers.push(...(await Promise.all([start(false), start(true)])));
    for (const server of servers) clients.push(await MongoClient.connect(server.url, { maxPoolSize: 2 }));
    [withPushdown, inGo] = [clients[0]!.db('firstn'), clients[1]!.db('firstn')];
    const corpus = Array.from({ length: 400 }, (_, i) => makeDocument(i));
    for (const db of [withPushdown, inGo]) {
      // Like the orders' index: the group field, then the sort key, descending.
      await db.collection('docs').createIndex({ g: 1, k: -1 }, { name: 'g_1_k_-1' });
      await db.collection('docs').insertMany(corpus.map((doc) => ({ ...doc })));
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(servers.map((server) => server.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const plan = async (pipeline: Document[]) =>
    ((await withPushdown.command({ explain: { aggregate: 'docs', pipeline, cursor: {} } })).queryPlanner as { Plan?: string[] }).Plan ?? [];
  /** Whether the patched server cut the groups in SQL: its plan has the probe for the sort key's type. */
  const cutInSql = (lines: string[]) => lines.some((line) => line.startsWith('probe: '));

  it('answers 300 random $match, $sort, $group with $firstN exactly as the handler does in Go', async () => {
    const mismatches: string[] = [];
    let cut = 0; // pipelines the pushdown took: the comparison is not vacuous
    let answered = 0;
    for (let i = 0; i < 300; i++) {
      const pipeline = makePipeline();
      const run = (db: Db) => answer(() => db.collection('docs').aggregate(pipeline, { promoteValues: false }).toArray());
      const [got, expected] = [await run(withPushdown), await run(inGo)];
      if (cutInSql(await plan(pipeline))) cut += 1;
      if (expected.startsWith('[{')) answered += 1;
      if (got !== expected) mismatches.push(`${EJSON.stringify(pipeline)}:\n  cut in SQL ${got}\n  in Go      ${expected}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(cut).toBeGreaterThan(70);
    expect(answered).toBeGreaterThan(200);
  }, 240_000);

  it('keeps every tie with the n-th document, and each group its own, with n from 1 to past the largest group', async () => {
    const mismatches: string[] = [];
    for (let n = 1; n <= 60; n++) {
      const pipeline = [
        { $match: { g: { $in: groupIds } } },
        { $sort: { g: 1, k: -1, _id: -1 } },
        { $group: { _id: '$g', top: { $firstN: { input: '$$ROOT', n } } } },
      ];
      const run = (db: Db) => answer(() => db.collection('docs').aggregate(pipeline, { promoteValues: false }).toArray());
      const [got, expected] = [await run(withPushdown), await run(inGo)];
      if (got !== expected) mismatches.push(`n = ${n}:\n  cut in SQL ${got}\n  in Go      ${expected}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(cutInSql(await plan([{ $match: { g: { $in: groupIds } } }, { $sort: { g: 1, k: -1, _id: -1 } }, { $group: { _id: '$g', top: { $firstN: { input: '$$ROOT', n: 2 } } } }]))).toBe(true);
  }, 120_000);

  it.each([
    [{ $firstN: 3 }, 5787801, 'specification must be an object; found $firstN: 3'],
    [{ $firstN: { input: '$k' } }, 5787906, "Missing value for 'n'"],
    [{ $firstN: { n: 2 } }, 5787907, "Missing value for 'input'"],
    [{ $firstN: { input: '$k', n: 2, sortBy: { k: 1 } } }, 5787901, "Unknown argument for 'n' operator: sortBy"],
    [{ $firstN: { input: '$k', n: 'two' } }, 5787902, "Value for 'n' must be of integral type, but found \"two\""],
    [{ $firstN: { input: '$k', n: 1.5 } }, 5787903, "Value for 'n' must be of integral type, but found 1.5"],
    [{ $firstN: { input: '$k', n: 0 } }, 5787908, "'n' must be greater than 0, found 0"],
    [{ $firstN: { input: '$k', n: -2 } }, 5787908, "'n' must be greater than 0, found -2"],
    [{ $firstN: { input: { $add: ['$v', 1] }, n: 2 } }, 238, '$firstN\'s input is not implemented yet'],
    [{ $firstN: { input: '$k', n: '$v' } }, 238, "$firstN's 'n' must be a constant positive integer here"],
  ])('refuses %j with MongoDB\'s code %i', async (accumulator, code, message) => {
    const error = await withPushdown
      .collection('docs')
      .aggregate([{ $group: { _id: '$g', top: accumulator } }])
      .toArray()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(MongoServerError);
    expect({ code: (error as MongoServerError).code, message: (error as MongoServerError).message.slice(0, message.length) }).toEqual({ code, message });
  });
});
