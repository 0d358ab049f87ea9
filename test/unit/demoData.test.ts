import { demoDataSet, demoOrders, demoUsers } from '@fedstack/devkit';

const users = demoUsers(demoDataSet.users);
const orders = demoOrders(users, demoDataSet.orders);

describe('the demo data set', () => {
  it('never lists one SKU twice in an order', () => {
    const repeated = orders.filter((order) => new Set(order.items.map((item) => item.sku)).size !== order.items.length);
    expect(repeated.map((order) => order._id.toHexString())).toEqual([]);
  });

  it('still has orders of one, two and three lines, and totals that add up', () => {
    expect(new Set(orders.map((order) => order.items.length))).toEqual(new Set([1, 2, 3]));
    for (const order of orders) expect(order.total).toBe(order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0));
  });

  it('keeps the first demo user at 287 orders, as the docs say', () => {
    expect(orders.filter((order) => order.userId.equals(users[0]!._id))).toHaveLength(287);
  });
});
