import { randomBytes } from 'node:crypto';
import { connectDatabase, loadMongoConfig, type Database } from '@fedstack/subgraph';
import { demoOrders, demoUsers, seedDemoData } from '@fedstack/devkit';

const options = { users: 30, orders: 200 };
let users: Database;
let orders: Database;
beforeAll(async () => {
  const prefix = `seed${randomBytes(4).toString('hex')}`;
  const env = { MONGO_URL: process.env.MONGO_URL, SEED_DB_NAME: `${prefix}_users`, SEED2_DB_NAME: `${prefix}_orders` };
  users = await connectDatabase(loadMongoConfig(env, 'SEED', 'unused'), 'seed-test');
  orders = await connectDatabase(loadMongoConfig(env, 'SEED2', 'unused'), 'seed-test');
});
afterAll(async () => {
  await Promise.all([users.db.dropDatabase(), orders.db.dropDatabase()]);
  await Promise.all([users.close(), orders.close()]);
});
beforeEach(async () => {
  await Promise.all([users.db.collection('users').deleteMany({}), orders.db.collection('orders').deleteMany({})]);
});

describe('seedDemoData', () => {
  it('fills empty databases, then does nothing the second time', async () => {
    expect(await seedDemoData(users.db, orders.db, options)).toEqual({ usersInserted: 30, ordersInserted: 200 });
    expect(await seedDemoData(users.db, orders.db, options)).toEqual({ usersInserted: 0, ordersInserted: 0 });
    expect(await orders.db.collection('orders').countDocuments()).toBe(200);
  });

  it('completes a seed that was interrupted, without duplicates', async () => {
    await users.db.collection('users').insertMany(demoUsers(30).slice(0, 12));
    await orders.db.collection('orders').insertMany(demoOrders(demoUsers(30), 200).slice(0, 50));
    expect(await seedDemoData(users.db, orders.db, options)).toEqual({ usersInserted: 18, ordersInserted: 150 });
    expect(await users.db.collection('users').countDocuments()).toBe(30);
    expect(await orders.db.collection('orders').countDocuments()).toBe(200);
  });

  it('leaves a database that holds someone else\'s data alone', async () => {
    await users.db.collection('users').insertOne({ email: 'mine@example.com', name: 'Mine', createdAt: new Date() });
    expect(await seedDemoData(users.db, orders.db, options)).toEqual({ usersInserted: 0, ordersInserted: 0 });
    expect(await orders.db.collection('orders').countDocuments()).toBe(0);
  });
});
