import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian's chromium package puts the browser; `.ci/run` installs it when missing. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A headless Chromium and a page that may only reach loopback. */
export interface BrowserSession {
  browser: Browser;
  page: Page;
  /** Every request the page tried to send off this machine; a test asserts it stays empty. */
  offMachineRequests: string[];
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium headless (no browser download), with the background networking that would
 * try to reach Google turned off, and a page whose requests to anything but loopback are aborted and
 * recorded.
 */
export async function openBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const context = await browser.newContext();
  const offMachineRequests: string[] = [];
  await context.route('**/*', async (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]') return route.continue();
    offMachineRequests.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  return {
    browser,
    page,
    offMachineRequests,
    // Playwright gives each launch a fresh temporary profile and removes it on close.
    close: () => browser.close(),
  };
}
