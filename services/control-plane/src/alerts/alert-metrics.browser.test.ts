import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../test/browser';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../../../../test/victoriametrics';
import { firing, webhookBody } from '../../test/alertmanager-payloads';
import { startControlPlane, type ControlPlaneUnderTest } from '../../test/harness';

const minuteMs = 60_000;

describe('in a real browser: the alert page draws the alert’s expression and frames Grafana', () => {
  let victoriaMetrics: RunningVictoriaMetrics;
  let controlPlane: ControlPlaneUnderTest;
  let browser: Browser;
  let alertId: string;
  // Grafana cannot run here: a page on another origin stands in, enough to prove the CSP lets it be framed.
  const grafana = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Grafana</title><p id="path">${request.url?.split('?')[0]}</p>`);
  });

  beforeAll(async () => {
    victoriaMetrics = await startVictoriaMetrics();
    const now = Math.floor(Date.now() / minuteMs) * minuteMs;
    const lines = Array.from({ length: 150 }, (_, index) => `browser_test_load{instance="web-1:9100"} ${Math.sin(index / 10) + 1} ${now - (150 - index) * minuteMs}`);
    await victoriaMetrics.importPrometheus(`${lines.join('\n')}\n`);
    await new Promise<void>((resolve) => grafana.listen(0, '127.0.0.1', resolve));
    const grafanaUrl = `http://localhost:${(grafana.address() as AddressInfo).port}`;

    controlPlane = await startControlPlane({ env: { VM_URL: victoriaMetrics.url, GRAFANA_URL: grafanaUrl } });
    const alert = {
      ...firing('b1', new Date(now - 30 * minuteMs).toISOString(), { instance: 'web-1:9100' }),
      generatorURL: `http://127.0.0.1:8880/vmui/#/?g0.expr=${encodeURIComponent('browser_test_load')}`,
    };
    await fetch(`${controlPlane.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${controlPlane.webhookToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(webhookBody([alert])),
    });
    await controlPlane.database.db.insertInto('devices').values({ name: 'web-1', kind: 'host', labels: {} }).execute();
    alertId = (await controlPlane.database.db.selectFrom('alerts').select('id').executeTakeFirstOrThrow()).id;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await controlPlane?.close();
    await victoriaMetrics?.stop();
    await new Promise((resolve) => grafana.close(resolve));
  });

  it('a viewer opens the alert and sees a drawn chart with the alert’s start marked, with no console or CSP errors', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const { cookie } = await controlPlane.sessionFor(['viewer']);
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: controlPlane.url }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text()); // Chromium reports CSP violations here
    });
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${controlPlane.url}/alerts/${alertId}`);
    await page.locator('[data-alert-chart][data-drawn] canvas').waitFor();
    expect(await page.locator('.u-legend').textContent()).toContain('browser_test_load{instance="web-1:9100"}');

    // Count pixels in the series' colour (#0369a1) and the markers' colour (#dc2626): both were drawn.
    const drawn = await page.locator('[data-alert-chart] canvas').evaluate((canvas: HTMLCanvasElement) => {
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const near = (offset: number, [red, green, blue]: number[]) =>
        Math.abs(pixels[offset]! - red!) < 12 && Math.abs(pixels[offset + 1]! - green!) < 12 && Math.abs(pixels[offset + 2]! - blue!) < 12 && pixels[offset + 3]! > 200;
      let series = 0;
      let marker = 0;
      for (let offset = 0; offset < pixels.length; offset += 4) {
        if (near(offset, [3, 105, 161])) series += 1;
        if (near(offset, [220, 38, 38])) marker += 1;
      }
      return { series, marker };
    });
    expect(drawn.series).toBeGreaterThan(200);
    expect(drawn.marker).toBeGreaterThan(50);

    const frame = page.frameLocator('iframe[title="Grafana dashboard for web-1"]');
    await page.locator('iframe').scrollIntoViewIfNeeded();
    expect(await frame.locator('#path').textContent()).toBe('/d/sre-host-overview/');
    expect(errors).toEqual([]);
    await context.close();
  });
});
