/** The locale money and dates are formatted in: the UI's text is English. */
const locale = 'en-US';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** The currency's format, made once per currency. */
function moneyFormat(currency: string): Intl.NumberFormat {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format;
}

/** How many minor units make a major one, as a power of ten: 2 for USD and EUR, 0 for JPY. */
function minorDigits(currency: string): number {
  return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * Formats an amount the API gives in minor units (integer cents for USD) in its currency:
 * `formatMoney(24999, 'USD')` is `$249.99`.
 */
export function formatMoney(minorUnits: number, currency: string): string {
  return moneyFormat(currency).format(minorUnits / 10 ** minorDigits(currency));
}

/**
 * Turns what a person typed as a price in major units (`12.5`) into minor units (`1250`), or
 * undefined when it is not a number. Rounds to the nearest minor unit, since `0.29 * 100` is not 29 in
 * binary floating point.
 */
export function parseMoney(text: string, currency: string): number | undefined {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) return undefined;
  return Math.round(value * 10 ** minorDigits(currency));
}

const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** Formats a `DateTime` (an ISO-8601 string) in UTC, e.g. `Jan 31, 2026, 12:00 PM UTC`. */
export function formatDateTime(iso: string): string {
  return `${dateTimeFormat.format(new Date(iso))} UTC`;
}

/** Formats a `DateTime`'s day in UTC, e.g. `Jan 31, 2026`. */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}
