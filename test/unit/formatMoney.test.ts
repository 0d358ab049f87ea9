import { formatDate, formatDateTime, formatMoney, parseMoney } from '../../web/src/format';

// The web app's formatting: the API speaks integer minor units (cents) and ISO-8601 instants.
describe('formatMoney', () => {
  it('formats integer cents as dollars', () => {
    expect(formatMoney(24_999, 'USD')).toBe('$249.99');
    expect(formatMoney(0, 'USD')).toBe('$0.00');
    expect(formatMoney(123_456_789, 'USD')).toBe('$1,234,567.89');
  });

  it("divides by the currency's own minor units, not always by 100", () => {
    expect(formatMoney(1250, 'EUR')).toBe('€12.50');
    expect(formatMoney(1250, 'JPY')).toBe('¥1,250');
  });
});

describe('parseMoney', () => {
  it('turns what a person typed in dollars into whole cents, rounding away binary fractions', () => {
    expect(parseMoney('12.5', 'USD')).toBe(1250);
    expect(parseMoney(' 0.29 ', 'USD')).toBe(29);
    expect(parseMoney('7', 'JPY')).toBe(7);
  });

  it('answers undefined for what is not a number', () => {
    expect(parseMoney('', 'USD')).toBeUndefined();
    expect(parseMoney('twelve', 'USD')).toBeUndefined();
  });
});

describe('formatDate and formatDateTime', () => {
  it('format instants in UTC, whatever the machine\'s time zone', () => {
    expect(formatDate('2026-01-31T23:30:00.000Z')).toBe('Jan 31, 2026');
    expect(formatDateTime('2026-01-31T23:30:00.000Z')).toBe('Jan 31, 2026, 11:30 PM UTC');
  });
});
