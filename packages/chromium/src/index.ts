/**
 * Debian's Chromium (/usr/bin/chromium, installed by scripts/setup-browser.sh) driven headless by
 * puppeteer-core, with WebGPU on: `--enable-unsafe-webgpu` exposes navigator.gpu on Linux, and
 * `--use-webgpu-adapter=swiftshader` pins the adapter to SwiftShader (CPU Vulkan inside Chromium),
 * so a run does not depend on the machine's GPU. Pages are served from a folder over
 * http://127.0.0.1 (WebGPU needs a secure context; file:// and about:blank are not).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env['OPTIMLAB_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--no-sandbox'];

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
};

/** Serves `root` read-only on a free localhost port. */
export async function serveFolder(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Launches headless Chromium; a missing executable is an error that says how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: run \`bash scripts/setup-browser.sh\` (Debian's chromium), or set OPTIMLAB_CHROMIUM.`);
  }
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** Collects the page's console and uncaught errors, to put in a failing assertion's message. */
export function pageLog(page: Page): string[] {
  const log: string[] = [];
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${(e as Error).message}`));
  return log;
}
