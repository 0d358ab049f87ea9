import { chooseContentCoding, prefersHtml } from './negotiateContent';

/** What Chromium sends when it navigates to a page. */
const browserNavigation = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';

describe('prefersHtml', () => {
  it('is true for a browser navigating to a page', () => {
    expect(prefersHtml(browserNavigation)).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
  });

  it('is false for GraphQL clients, fetch and curl, and when HTML and JSON weigh the same', () => {
    expect(prefersHtml('application/graphql-response+json, application/json;q=0.9')).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('text/html, application/json')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
  });

  it('takes a type’s weight from the most specific range that names it', () => {
    expect(prefersHtml('text/*;q=0.5, */*;q=0.9')).toBe(false);
    expect(prefersHtml('text/*, application/*;q=0.5')).toBe(true);
    expect(prefersHtml('text/html;q=0, */*')).toBe(false);
  });
});

describe('chooseContentCoding', () => {
  it('prefers brotli when the client takes both, as browsers do', () => {
    expect(chooseContentCoding('gzip, deflate, br, zstd')).toBe('br');
    expect(chooseContentCoding('*')).toBe('br');
  });

  it('follows the weights, and falls back to gzip, then to the raw bytes', () => {
    expect(chooseContentCoding('gzip;q=1.0, br;q=0.5')).toBe('gzip');
    expect(chooseContentCoding('gzip, deflate')).toBe('gzip');
    expect(chooseContentCoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseContentCoding('deflate')).toBeUndefined();
    expect(chooseContentCoding('identity')).toBeUndefined();
    expect(chooseContentCoding('*;q=0')).toBeUndefined();
    expect(chooseContentCoding(undefined)).toBeUndefined();
  });
});
