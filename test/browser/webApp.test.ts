import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectId } from 'mongodb';
import type { Page } from 'playwright-core';
import { demoOrders, demoOrdersOfUser, demoUsers, mintToken } from '@fedstack/devkit';
import { webManifestPath } from '@fedstack/router';
import { testAuth } from '../support/auth';
import { openBrowser, type BrowserSession } from '../support/browser';
import { startStack, type Stack } from '../support/stack';
import { serveStatic, type StaticServer } from '../support/staticServer';
import { buildWebApp } from '../support/webApp';

/**
 * The web app (web/) as a person uses it: its production build (Vite's `build`), against a running
 * router in production's trusted-documents mode (`PERSISTED_DOCUMENTS=require`, the web app's manifest),
 * served from an origin of its own, in headless Chromium. The page calls the router cross-origin, so
 * this also checks CORS; and it sends ids only, which the router would refuse otherwise.
 */
const seed = { users: 25, orders: 150 };
const users = demoUsers(seed.users);
const firstUser = users[0]!;
const firstUserId = firstUser._id.toHexString();
/** The first user's orders as the API lists them: newest first. */
const firstUserOrders = demoOrdersOfUser(demoOrders(users, seed.orders), firstUser._id);
/** The web app's manifest as codegen wrote it: id → text. */
const manifest = JSON.parse(readFileSync(webManifestPath, 'utf8')) as Record<string, string>;
/** The web app's users query, by its id: what a page in production may send. */
const usersPageId = Object.keys(manifest).find((id) => manifest[id]!.includes('query UsersPage'))!;
const usd = (cents: number) => (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });

let outDir: string;
let site: StaticServer;
let stack: Stack;
let browser: BrowserSession;
let page: Page;
/** Every GraphQL request the page sent to the router: method, URL and body. */
const sent: Array<{ method: string; url: string; body: string | null }> = [];

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'fedstack-web-'));
  // The site's origin must be known before the router starts (to allow it), and the router's URL before
  // the app is built (to call it): serve the empty folder first, build into it last.
  site = await serveStatic(outDir);
  stack = await startStack({ seed, env: { CORS_ALLOWED_ORIGINS: site.origin, PERSISTED_DOCUMENTS: 'require' } });
  await buildWebApp({ routerUrl: stack.routerUrl, outDir });
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(15_000);
  page.on('request', (request) => {
    if (request.url().startsWith(stack.routerUrl)) sent.push({ method: request.method(), url: request.url(), body: request.postData() });
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await site?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** The ids in the orders table, top to bottom. */
const orderIds = () => page.locator('table.orders tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-order-id')));

describe('the web app', () => {
  it('lists the seeded users a page at a time, with next and previous', async () => {
    await page.goto(site.url);
    const list = page.locator('.user-list');
    const hrefs = () => list.getByRole('link').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    await list.locator(`a[href="#/users/${firstUserId}"]`).waitFor();
    expect(await list.locator('.user-name').allTextContents()).toEqual(users.slice(0, 10).map((user) => user.name));
    expect(await hrefs()).toEqual(users.slice(0, 10).map((user) => `#/users/${user._id.toHexString()}`));
    expect(await page.getByText(`${seed.users} users · page 1 of 3`).count()).toBe(1);

    const pager = page.getByRole('navigation', { name: 'Users pages' });
    await pager.getByRole('button', { name: 'Next' }).click();
    await list.locator(`a[href="#/users/${users[10]!._id.toHexString()}"]`).waitFor();
    expect(await hrefs()).toEqual(users.slice(10, 20).map((user) => `#/users/${user._id.toHexString()}`));
    expect(await page.getByText('page 2 of 3').count()).toBe(1);
    await pager.getByRole('button', { name: 'Previous' }).click();
    await list.locator(`a[href="#/users/${firstUserId}"]`).waitFor();
    expect(await hrefs()).toEqual(users.slice(0, 10).map((user) => `#/users/${user._id.toHexString()}`));
  });

  it('shows an anonymous visitor the user but not their orders, with the API\'s error code', async () => {
    await page.goto(`${site.url}#/users/${firstUserId}`);
    await page.getByRole('heading', { level: 2, name: firstUser.name }).waitFor();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/UNAUTHENTICATED.*user\.orders/);
    expect(await page.locator('table.orders').count()).toBe(0);
    // A write an anonymous visitor could only have refused is not offered: they are told to sign in.
    expect(await page.locator('form.place-order').count()).toBe(0);
    expect(await page.getByText('Sign in as this user to place an order for them.').count()).toBe(1);
  });

  it("shows the signed-in user's orders, newest first, with totals formatted from cents", async () => {
    await page.getByLabel('Access token').fill(await mintToken(testAuth, { userId: firstUserId }));
    await page.getByRole('button', { name: 'Use token' }).click();
    // The header names the user, not their id.
    await page.locator('.access .signed-in-name', { hasText: firstUser.name }).waitFor();
    expect(await page.locator('.access').textContent()).not.toContain(firstUserId);
    await page.locator('table.orders tbody tr').first().waitFor();

    expect(await orderIds()).toEqual(firstUserOrders.slice(0, 10).map((order) => order._id.toHexString()));
    expect(await page.locator('table.orders td.total').allTextContents()).toEqual(firstUserOrders.slice(0, 10).map((order) => usd(order.total)));
    expect(await page.locator('table.orders caption').textContent()).toContain(`${firstUserOrders.length} orders, newest first · page 1 of ${Math.ceil(firstUserOrders.length / 10)}`);
    expect(await page.getByText(firstUser.email).count()).toBe(1);

    await page.getByRole('navigation', { name: 'Orders pages' }).getByRole('button', { name: 'Next' }).click();
    await page.locator(`tr[data-order-id="${firstUserOrders[10]!._id.toHexString()}"]`).waitFor();
    expect(await orderIds()).toEqual(firstUserOrders.slice(10, 20).map((order) => order._id.toHexString()));
  });

  it('places an order through the form, stores it, and lists it first', async () => {
    const form = page.locator('form.place-order');
    await form.getByLabel('SKU').fill('MUG-040');
    await form.getByLabel('Name').fill('Coffee mug');
    await form.getByLabel('Quantity').fill('3');
    await form.getByLabel('Unit price (USD)').fill('12.50');
    await form.getByRole('button', { name: 'Place order' }).click();

    const status = await form.getByRole('status').filter({ hasText: 'Placed order' }).textContent();
    const [, id] = /Placed order ([0-9a-f]{24}) for \$37\.50\./.exec(status ?? '') ?? [];
    expect(id).toBeDefined();
    await page.locator(`tr[data-order-id="${id}"]`).waitFor();
    expect((await orderIds())[0]).toBe(id);
    expect(await page.locator(`tr[data-order-id="${id}"] td.total`).textContent()).toBe('$37.50');
    expect(await page.locator('table.orders caption').textContent()).toContain(`${firstUserOrders.length + 1} orders, newest first · page 1 of`);

    const stored = await stack.ordersDatabase.db.collection('orders').findOne({ _id: new ObjectId(id) });
    expect(stored).toMatchObject({ userId: firstUser._id, total: 3750, status: 'PENDING', items: [{ sku: 'MUG-040', name: 'Coffee mug', quantity: 3, unitPrice: 1250 }] });
  });

  it('shows what the API refused in the form, with the code and the field', async () => {
    const form = page.locator('form.place-order');
    await form.getByLabel('SKU').fill('MUG-040');
    await form.getByLabel('Name').fill('Coffee mug');
    await form.getByLabel('Quantity').fill('5000');
    await form.getByLabel('Unit price (USD)').fill('12.50');
    await form.getByRole('button', { name: 'Place order' }).click();

    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/BAD_USER_INPUT.*input\.items\[0\]\.quantity/);
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments({ userId: firstUser._id })).toBe(firstUserOrders.length + 1);
  });

  it("offers no order form on another user's page, and says why", async () => {
    const other = users[1]!;
    await page.goto(`${site.url}#/users/${other._id.toHexString()}`);
    await page.getByRole('heading', { level: 2, name: other.name }).waitFor();
    await page.getByText('Only this user and admins can place an order for them.').waitFor();
    expect(await page.locator('form.place-order').count()).toBe(0);
  });

  it('sent every operation by its manifest id and none by its text: queries as GET, mutations as POST', () => {
    const requests = sent.map(({ method, url, body }) => {
      const params = new URL(url).searchParams;
      const envelope = method === 'GET' ? { documentId: params.get('documentId'), query: params.get('query') } : (JSON.parse(body ?? '{}') as { documentId?: string; query?: string });
      const text = manifest[envelope.documentId ?? ''] ?? '';
      return { method, known: text !== '', operation: /(query|mutation) (\w+)/.exec(text)?.slice(1, 3).join(' '), query: envelope.query ?? null };
    });
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((request) => !request.known || request.query !== null)).toEqual([]);
    expect(new Set(requests.map(({ method, operation }) => `${method} ${operation}`))).toEqual(
      new Set(['GET query UsersPage', 'GET query UserOrders', 'GET query SignedInUser', 'POST mutation PlaceOrder']),
    );
  });

  it.each([
    ['Apollo Client with clientAwareness', { 'content-type': 'application/json', 'apollographql-client-name': 'web', 'apollographql-client-version': '1.2.3' }],
    ['urql', { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed' }],
    ['graphql-request', { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' }],
    ['a traced page', { 'content-type': 'application/json', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'app=1' }],
  ])('lets a page call the router with the headers %s sends', async (_client, headers) => {
    await page.goto(site.url);
    // Chromium runs the real preflight: a header the router does not allow makes fetch reject.
    const outcome = await page.evaluate(
      async ({ url, headers, documentId }) => {
        try {
          const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ documentId, variables: { first: 1 } }) });
          return { status: response.status, totalCount: ((await response.json()) as { data?: { users?: { totalCount?: number } } }).data?.users?.totalCount };
        } catch (error) {
          return { failed: String(error) };
        }
      },
      { url: stack.routerUrl, headers, documentId: usersPageId },
    );
    expect(outcome).toEqual({ status: 200, totalCount: seed.users });
  });

  it('is refused by the browser when served from an origin the router does not allow', async () => {
    const elsewhere = await serveStatic(outDir);
    try {
      await page.goto(elsewhere.url);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('NETWORK_ERROR');
      expect(await page.locator('.user-list').count()).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('sends no request off this machine', () => {
    expect(browser.offMachineRequests).toEqual([]);
  });
});
