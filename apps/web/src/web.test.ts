/**
 * The built page in real Chromium (headless, WebGPU on SwiftShader): a short ladder race must
 * finish, its losses fall, and each curve must match the same run (optimizer, learning rate,
 * seeds) computed here in Node on Dawn. A screenshot of the page is saved in test-results/.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ladderData, runLadderOne, type LadderRun } from '@optimlab/optim/ladder';
import { launchChromium, pageLog, serveFolder } from '@optimlab/chromium';
import type { LadderPageState } from './main.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RACE = [
  { optimizer: 'adamw', lr: 1e-2 },
  { optimizer: 'normuon', lr: 1e-2 },
];
const STEPS = 60;

let page: LadderPageState;
let log: string[] = [];

beforeAll(async () => {
  await build({ root, logLevel: 'silent', configFile: join(root, 'vite.config.ts') });
  const server = await serveFolder(join(root, 'dist'));
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1280, height: 800 });
    log = pageLog(tab);
    await tab.goto(`${server.url}?race=${RACE.map((c) => `${c.optimizer}:${c.lr}`).join(',')}&steps=${STEPS}`);
    await tab.waitForFunction(() => !['idle', 'running'].includes(window.optimlabLadder.status), { timeout: 240_000 });
    page = (await tab.evaluate(() => window.optimlabLadder)) as LadderPageState;
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await tab.screenshot({ path: join(root, 'test-results', 'ladder.png') });
  } finally {
    await browser.close();
    await server.close();
  }
});

describe('apps/web in headless Chromium', () => {
  it('finds a WebGPU adapter and finishes the race', () => {
    expect(page.error, `${page.error}\n${log.join('\n')}`).toBeUndefined();
    expect(page.status).toBe('done');
    expect(page.adapter).toMatch(/swiftshader/i);
    expect(page.runs.map((r) => `${r.optimizer}@${r.lr}`).sort()).toEqual(RACE.map((c) => `${c.optimizer}@${c.lr}`).sort());
    expect(page.stepsPerSecond).toBeGreaterThan(0);
  });

  it('each curve falls and matches the same run in Node', async () => {
    const data = ladderData();
    try {
      for (const { optimizer, lr } of RACE) {
        const inBrowser = page.runs.find((r) => r.optimizer === optimizer)!;
        const inNode: LadderRun = await runLadderOne(data, optimizer, lr, STEPS);
        const browserCurve = inBrowser.curve.map(([, v]) => v);
        const nodeCurve = inNode.curve.map(([, v]) => v);
        expect(inBrowser.curve.map(([s]) => s)).toEqual(inNode.curve.map(([s]) => s));
        expect(inBrowser.finalRelative, `${optimizer} falls`).toBeLessThan(0.5);
        expect(browserCurve).toBeAllclose(nodeCurve, { rtol: 1e-3, atol: 1e-6 });
      }
    } finally {
      data.dispose();
    }
  });
});
