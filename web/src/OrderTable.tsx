import { graphql } from './__generated__';
import type { OrderSummaryFragment } from './__generated__/graphql';
import { formatDateTime, formatMoney } from './format';

/** What a row of the table shows: spread by the user page's query and by the placeOrder mutation. */
export const OrderSummaryFragmentDoc = graphql(`
  fragment OrderSummary on Order {
    id
    total
    currency
    status
    createdAt
    items {
      sku
      name
      quantity
      unitPrice
      subtotal
    }
  }
`);

/** A page of orders, newest first, with totals in the order's currency. */
export function OrderTable({ orders, caption }: { orders: readonly OrderSummaryFragment[]; caption: string }) {
  return (
    <table className="orders">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">Placed</th>
          <th scope="col">Items</th>
          <th scope="col">Status</th>
          <th scope="col" className="number">
            Total
          </th>
        </tr>
      </thead>
      <tbody>
        {orders.map((order) => (
          <tr key={order.id} data-order-id={order.id}>
            <th scope="row">
              <code>{order.id}</code>
            </th>
            <td>{formatDateTime(order.createdAt)}</td>
            <td>
              <ul className="items">
                {order.items.map((item, i) => (
                  <li key={i}>
                    {item.quantity} × {item.name} <span className="muted">({item.sku}, {formatMoney(item.unitPrice, order.currency)} each)</span>
                  </li>
                ))}
              </ul>
            </td>
            <td>
              <span className={`status status-${order.status.toLowerCase()}`}>{order.status.toLowerCase()}</span>
            </td>
            <td className="number total">{formatMoney(order.total, order.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
