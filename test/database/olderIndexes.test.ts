import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { MongoClient, type Document } from 'mongodb';
import { demoUsers, ferretdbBinary, seedDemoData, startFerretDB } from '@fedstack/devkit';
import { ensureOrderIndexes, ordersCollection } from '@fedstack/orders';
import { ensureUserIndexes, usersCollection } from '@fedstack/users';

/**
 * A data folder that FerretDB as released indexed (a clone that ran `npm start` before the patches, or
 * before a patch changed how indexes are laid out): the patched build's queries would scan it row by
 * row. Started with the patched build, its indexes are rebuilt once, and the plans use them again.
 */
describe('a data folder indexed by another FerretDB build', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fedstack-older-indexes-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const ids = demoUsers(40).map((user) => user._id);
  const pageOfOneUser = { find: 'orders', filter: { userId: { $in: [ids[3]] } }, sort: { userId: 1, createdAt: -1, _id: -1 } as const, limit: 11 };

  async function planAndDocuments(url: string): Promise<{ plan: string[]; documents: Document[]; indexes: Document[] }> {
    const client = await MongoClient.connect(url);
    try {
      const db = client.db('demo_orders');
      const result = await db.command({ explain: pageOfOneUser });
      const documents = await db.collection('orders').find(pageOfOneUser.filter).sort(pageOfOneUser.sort).limit(pageOfOneUser.limit).toArray();
      const indexes = await db.collection('orders').listIndexes().toArray();
      return { plan: (result.queryPlanner as { Plan: string[] }).Plan, documents, indexes };
    } finally {
      await client.close();
    }
  }

  it('has its indexes rebuilt once by the patched build, which then searches them, with the same documents', async () => {
    const log: string[] = [];
    const older = await startFerretDB({ dataDir, port: 0, log: () => {}, variant: 'unpatched' });
    try {
      const client = await MongoClient.connect(older.url);
      const [orders, users] = [client.db('demo_orders'), client.db('demo_users')];
      await ensureUserIndexes(usersCollection(users));
      await ensureOrderIndexes(ordersCollection(orders));
      await seedDemoData(users, orders, { users: 40, orders: 400 });
      await client.close();
    } finally {
      await older.stop();
    }
    const before = readFileSync(join(dataDir, 'fedstack-indexes-built-by'), 'utf8').trim();
    expect(before).toBe(basename(ferretdbBinary('unpatched')));

    const patched = await startFerretDB({ dataDir, port: 0, log: (message) => log.push(message), variant: 'patched' });
    let first: Awaited<ReturnType<typeof planAndDocuments>>;
    try {
      first = await planAndDocuments(patched.url);
    } finally {
      await patched.stop();
    }
    expect(log.filter((line) => line.startsWith('rebuilt '))).toEqual([expect.stringMatching(/^rebuilt \d+ indexes that ferretdb-v1\.24\.2 made, so that queries can use them/)]);
    expect(readFileSync(join(dataDir, 'fedstack-indexes-built-by'), 'utf8').trim()).toBe(basename(ferretdbBinary('patched')));
    expect(first.plan.some((line) => /SEARCH \S+ USING INDEX \S+_userId_1_createdAt_-1 /.test(line))).toBe(true);
    expect(first.plan.filter((line) => line.startsWith('query:')).every((line) => !/ SCAN [a-z]/.test(line))).toBe(true);
    expect(first.documents.length).toBeGreaterThan(0);
    expect(first.indexes.map((index) => index.name).sort()).toEqual(['_id_', 'userId_1_createdAt_-1'].sort());

    // Once: a second start of the same build leaves them as they are, and answers the same.
    log.length = 0;
    const again = await startFerretDB({ dataDir, port: 0, log: (message) => log.push(message), variant: 'patched' });
    try {
      const second = await planAndDocuments(again.url);
      expect(second.documents).toEqual(first.documents);
      expect(second.plan).toEqual(first.plan);
    } finally {
      await again.stop();
    }
    expect(log.filter((line) => line.startsWith('rebuilt '))).toEqual([]);
    expect(existsSync(join(dataDir, 'fedstack-indexes-built-by'))).toBe(true);
  }, 120_000);
});
