import { badUserInput, codedError, ErrorCode } from '@fedstack/server';
import { parseId } from '@fedstack/subgraph';
import { createHash } from 'node:crypto';
import { ObjectId } from 'mongodb';
import type { LineItemInput, MutationResolvers } from '../__generated__/resolvers-types';
import { cancelPendingOrder, idempotentOrderId, insertOrder, type LineItemDocument } from '../data/orders';

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
    const key = input.idempotencyKey ?? undefined;
    if (key !== undefined && (key.length < 1 || key.length > 100)) throw badUserInput('input.idempotencyKey', 'must be 1 to 100 characters');
    const requestHash = createHash('sha256').update(JSON.stringify([currency, items])).digest('hex');
    const outcome = await insertOrder(orders, {
      _id: key ? idempotentOrderId(userId, key) : new ObjectId(),
      userId,
      items,
      total,
      currency,
      status: 'PENDING',
      createdAt: new Date(),
      ...(key ? { idempotencyKey: key, requestHash } : {}),
    });
    if (outcome.kind === 'conflict') {
      throw codedError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This idempotency key was already used for a different order.', { field: 'input.idempotencyKey', orderId: outcome.order._id.toHexString() });
    }
    loaders.orderById.prime(outcome.order._id, outcome.order);
    return outcome.order;
  },

  cancelOrder: async (_parent, { id }, { orders, loaders }) => {
    const orderId = parseId(id, 'id');
    const cancelled = await cancelPendingOrder(orders, orderId, new Date());
    if (cancelled) return cancelled;
    const existing = await loaders.orderById.load(orderId);
    if (!existing) throw codedError(ErrorCode.NOT_FOUND, `No order has id ${id}.`, { field: 'id' });
    // Cancelled already (by this request's earlier try, say): the outcome the caller wanted, so answer it.
    if (existing.status === 'CANCELLED') return existing;
    throw codedError(ErrorCode.ORDER_NOT_CANCELLABLE, `Order ${id} is ${existing.status}; only a PENDING order can be cancelled.`, { status: existing.status });
  },
};
