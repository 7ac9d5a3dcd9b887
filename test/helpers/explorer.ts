/**
 * Drives the verified explorer (docs/explorer.md) in headless Chromium: open it, wait for the
 * cold start's verdict, look an account up, look one up again with its answer tampered in flight,
 * then visit again in the same browser (which has stored the verifier's Lagrange basis). Returns
 * what the page showed; the test asserts on it.
 */
import type { Page } from 'playwright-core';
import { launchChromium } from './browser.ts';

interface Measured {
  /** Milliseconds from navigation to the first verified number, and the cold start alone. */
  firstVerifiedMs: number | null;
  coldStartMs: number | null;
  phases: Array<{ at: number; msg: string }>;
}

export interface ExplorerRun extends Measured {
  /** The cold start's badge: `verified` yes/no and its text. */
  state: { verified: string; text: string };
  height: string;
  epoch: string;
  account: { verified: string; balance: string | null };
  tampered: { verified: string; code: string | null };
  /** The second visit in the same browser. */
  again: Measured & { verified: string };
}

/** The verdict of a badge once it is no longer pending (cold starts take a minute or two). */
async function verdict(page: Page, selector: string, timeout: number): Promise<string> {
  await page.waitForSelector(`${selector}[data-verified=yes], ${selector}[data-verified=no]`, { timeout });
  return (await page.getAttribute(selector, 'data-verified'))!;
}

async function lookup(page: Page, address: string): Promise<string> {
  await page.evaluate('document.getElementById("account").replaceChildren()'); // runs in the page: no DOM types here
  await page.fill('[data-testid=account-input]', address);
  await page.press('[data-testid=account-input]', 'Enter');
  return verdict(page, '[data-testid=account] [data-verified]', 60_000);
}

async function visit(page: Page, url: string): Promise<Measured & { verified: string; text: string }> {
  await page.goto(url);
  const verified = await verdict(page, '[data-testid=state]', 600_000);
  return { ...((await page.evaluate('window.quarryExplorer')) as Measured), verified, text: (await page.textContent('[data-testid=state]')) ?? '' };
}

/** `tamperAddress`'s account answer has its balance raised by one on the way to the page. */
export async function runExplorer(url: string, account: string, tamperAddress: string): Promise<ExplorerRun> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(new RegExp(`/accounts/${tamperAddress}\\?`), async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { balance: string };
      await route.fulfill({ response: res, json: { ...body, balance: String(BigInt(body.balance) + 1n) } });
    });
    const { verified, text, ...first } = await visit(page, url);
    const failed = { height: '', epoch: '', account: { verified: 'no', balance: null }, tampered: { verified: 'no', code: null }, again: { ...first, verified: 'no' } };
    if (verified !== 'yes') return { ...first, state: { verified, text }, ...failed };
    const height = (await page.textContent('[data-testid=height]'))!;
    const epoch = (await page.textContent('[data-testid=epoch]'))!;
    const accountVerdict = await lookup(page, account);
    const balance = await page.textContent('[data-testid=account] [data-testid=balance]');
    const tamperedVerdict = await lookup(page, tamperAddress);
    const code = await page.getAttribute('[data-testid=account] [data-verified]', 'data-code');
    if (errors.length) throw new Error(`the explorer threw: ${errors.join('; ')}`);
    await page.close();
    const { text: _, ...again } = await visit(await context.newPage(), url);
    return { ...first, state: { verified, text }, height, epoch, account: { verified: accountVerdict, balance }, tampered: { verified: tamperedVerdict, code }, again };
  } finally {
    await browser.close();
  }
}
