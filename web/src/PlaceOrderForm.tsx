import { useId, useState, type FormEvent } from 'react';
import { graphql } from './__generated__';
import type { OrderSummaryFragment } from './__generated__/graphql';
import { ErrorNotice } from './ErrorNotice';
import { formatMoney, parseMoney } from './format';
import { ApiError, ClientErrorCode, requestGraphQL } from './requestGraphQL';
import { useToken } from './session';

/** Places an order of one line item; the API computes the total from the items. */
const PlaceOrderMutation = graphql(`
  mutation PlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      ...OrderSummary
    }
  }
`);

/** The currency the form's prices are in: the API's default for `PlaceOrderInput.currency`. */
const currency = 'USD';

const emptyForm = { sku: '', name: '', quantity: '1', unitPrice: '' };

/**
 * A form for an order of one line item. The browser checks only what a person would otherwise retype
 * (required fields, a whole positive quantity); the API decides the rest (lengths, ranges, who may order
 * for whom), and its errors are shown with their code and the field they are about.
 */
export function PlaceOrderForm({ userId, onPlaced }: { userId: string; onPlaced: (order: OrderSummaryFragment) => void }) {
  const id = useId();
  const token = useToken();
  const [form, setForm] = useState(emptyForm);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [placed, setPlaced] = useState<OrderSummaryFragment>();

  const field = (name: keyof typeof emptyForm) => ({
    id: `${id}-${name}`,
    name,
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm((current) => ({ ...current, [name]: event.target.value })),
  });

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(undefined);
    setPlaced(undefined);
    const unitPrice = parseMoney(form.unitPrice, currency);
    if (unitPrice === undefined) {
      setError(new ApiError([{ code: ClientErrorCode.INVALID_INPUT, message: 'The unit price is not a number.', field: 'unitPrice' }]));
      return;
    }
    setPending(true);
    try {
      const item = { sku: form.sku.trim(), name: form.name.trim(), quantity: Number(form.quantity), unitPrice };
      const { data, error: failed } = await requestGraphQL(PlaceOrderMutation, { input: { userId, currency, items: [item] } }, { token });
      if (failed || !data.placeOrder) {
        setError(failed ?? new ApiError([{ code: ClientErrorCode.BAD_RESPONSE, message: 'The API placed no order and gave no reason.' }]));
        return;
      }
      setPlaced(data.placeOrder);
      setForm(emptyForm);
      onPlaced(data.placeOrder);
    } catch (reason) {
      setError(reason instanceof ApiError ? reason : new ApiError([{ code: ClientErrorCode.BAD_RESPONSE, message: String(reason) }]));
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="place-order" onSubmit={submit} aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Place an order</h3>
      <div className="fields">
        <label htmlFor={`${id}-sku`}>SKU</label>
        <input {...field('sku')} required autoComplete="off" placeholder="MUG-040" />
        <label htmlFor={`${id}-name`}>Name</label>
        <input {...field('name')} required autoComplete="off" placeholder="Coffee mug" />
        <label htmlFor={`${id}-quantity`}>Quantity</label>
        <input {...field('quantity')} required type="number" inputMode="numeric" min={1} step={1} />
        <label htmlFor={`${id}-unitPrice`}>Unit price ({currency})</label>
        <input {...field('unitPrice')} required type="number" inputMode="decimal" min={0} step={0.01} placeholder="12.50" />
      </div>
      <button type="submit" disabled={pending}>
        {pending ? 'Placing…' : 'Place order'}
      </button>
      <p className="notice" role="status">
        {placed ? `Placed order ${placed.id} for ${formatMoney(placed.total, placed.currency)}.` : ''}
      </p>
      {error ? <ErrorNotice error={error} title="The order was not placed." /> : null}
    </form>
  );
}
