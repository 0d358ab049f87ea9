import { badUserInput, codedError, ErrorCode, parseId } from '@fedstack/common';
import { ObjectId } from 'mongodb';
import type { LineItemInput, MutationResolvers } from '../__generated__/resolvers-types';
import { cancelPendingOrder, insertOrder, type LineItemDocument } from '../data/orders';

/** Bounds on what one order may hold; each is checked and reported by field. */
export const orderLimits = { maxItems: 100, maxSkuLength: 64, maxNameLength: 200, maxQuantity: 1000, maxUnitPrice: 100_000_000 };

/** The largest value GraphQL's `Int` can carry. */
const maxGraphQLInt = 2_147_483_647;

function validateItem(item: LineItemInput, index: number): LineItemDocument {
  const field = (name: string) => `input.items[${index}].${name}`;
  const sku = item.sku.trim();
  const name = item.name.trim();
  if (sku.length < 1 || sku.length > orderLimits.maxSkuLength) throw badUserInput(field('sku'), `must be 1 to ${orderLimits.maxSkuLength} characters`);
  if (name.length < 1 || name.length > orderLimits.maxNameLength) throw badUserInput(field('name'), `must be 1 to ${orderLimits.maxNameLength} characters`);
  if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > orderLimits.maxQuantity) {
    throw badUserInput(field('quantity'), `must be a whole number from 1 to ${orderLimits.maxQuantity}, but got: ${item.quantity}`);
  }
  if (!Number.isInteger(item.unitPrice) || item.unitPrice < 0 || item.unitPrice > orderLimits.maxUnitPrice) {
    throw badUserInput(field('unitPrice'), `must be a whole number of minor units from 0 to ${orderLimits.maxUnitPrice}, but got: ${item.unitPrice}`);
  }
  return { sku, name, quantity: item.quantity, unitPrice: item.unitPrice };
}

export const Mutation: MutationResolvers = {
  placeOrder: async (_parent, { input }, { orders, loaders }) => {
    const userId = parseId(input.userId, 'input.userId');
    if (input.items.length < 1 || input.items.length > orderLimits.maxItems) {
      throw badUserInput('input.items', `must hold 1 to ${orderLimits.maxItems} items, but got: ${input.items.length}`);
    }
    const currency = input.currency ?? 'USD';
    if (!/^[A-Z]{3}$/.test(currency)) throw badUserInput('input.currency', `must be an ISO-4217 code such as USD, but got: ${JSON.stringify(currency)}`);
    const items = input.items.map(validateItem);
    const total = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
    // GraphQL's Int is 32-bit: a total it cannot represent would be stored, then fail every read.
    if (total > maxGraphQLInt) throw badUserInput('input.items', `the order's total, ${total} minor units, is over the maximum of ${maxGraphQLInt}`);
    const order = await insertOrder(orders, { _id: new ObjectId(), userId, items, total, currency, status: 'PENDING', createdAt: new Date() });
    loaders.orderById.prime(order._id, order);
    return order;
  },

  cancelOrder: async (_parent, { id }, { orders, loaders }) => {
    const orderId = parseId(id, 'id');
    const cancelled = await cancelPendingOrder(orders, orderId, new Date());
    if (cancelled) return cancelled;
    const existing = await loaders.orderById.load(orderId);
    if (!existing) throw codedError(ErrorCode.NOT_FOUND, `No order has id ${id}.`, { field: 'id' });
    throw codedError(ErrorCode.ORDER_NOT_CANCELLABLE, `Order ${id} is ${existing.status}; only a PENDING order can be cancelled.`, { status: existing.status });
  },
};
