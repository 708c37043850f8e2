import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../../test/browser';
import { startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';

describe('in a real browser: log in through the identity provider and create a device', () => {
  let controlPlane: ControlPlaneUnderTest;
  let browser: Browser;

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await controlPlane?.close();
  });

  it('an admin logs in, adds a device with htmx, and sees it listed without a page reload', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });

    await page.goto(`${controlPlane.url}/`);
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('admin');
    await page.getByRole('button', { name: /sign in/i }).click();

    await page.waitForURL(`${controlPlane.url}/`);
    await expect.poll(() => page.getByTestId('role').first().textContent()).toBe('admin');

    await page.getByRole('link', { name: 'Devices' }).click();
    await page.waitForURL(`${controlPlane.url}/devices`);
    // Marks the document: if the form submission reloaded the page, the mark would be gone.
    await page.evaluate(() => document.body.setAttribute('data-same-document', 'yes'));

    await page.getByRole('link', { name: 'New device' }).click();
    await page.getByLabel('Name').fill('checkout-api');
    await page.getByLabel('Kind').selectOption('service');
    await page.getByLabel('Owner').fill('team-payments');
    await page.getByLabel(/Labels/).fill('service=checkout\ntier=1');
    await page.getByRole('button', { name: 'Create' }).click();

    await expect.poll(() => page.getByTestId('device-row').count()).toBe(1);
    expect(await page.getByTestId('device-row').first().textContent()).toContain('checkout-api');
    expect(await page.getByText('Created checkout-api').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.body.getAttribute('data-same-document'))).toBe('yes');
    expect(consoleErrors).toEqual([]); // includes CSP violations, which Chromium reports as errors

    const stored = await controlPlane.database.db.selectFrom('devices').select(['name', 'kind', 'owner', 'labels']).execute();
    expect(stored).toEqual([{ name: 'checkout-api', kind: 'service', owner: 'team-payments', labels: { service: 'checkout', tier: '1' } }]);
  });
});
