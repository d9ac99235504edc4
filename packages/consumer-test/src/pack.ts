/**
 * The packages as an outside user installs them: `pnpm pack` each publishable package (its
 * `prepack` builds dist), then `npm install` the tarballs into a fresh folder outside the
 * workspace, with Dawn (`webgpu`, an optional peer) for Node. npm's cache is reused, so after the
 * first run nothing is downloaded.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const PUBLISHED = ['tensor-wgpu', 'optim', 'moe-model'] as const;

export interface Installed {
  /** The consumer folder, with node_modules holding the installed tarballs. */
  readonly dir: string;
  /** Tarball file name → size in bytes. */
  readonly tarballs: Record<string, number>;
  /** What a browser user gets: the folder names in node_modules (scopes expanded) before Dawn is added. */
  readonly browserInstall: string[];
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function installedPackages(dir: string): string[] {
  const top = join(dir, 'node_modules');
  return readdirSync(top)
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) => (n.startsWith('@') ? readdirSync(join(top, n)).map((m) => `${n}/${m}`) : [n]))
    .sort();
}

/**
 * Packs the three packages and installs them into a new temp folder as a browser user would (no
 * Dawn), then adds `webgpu` (and @types/node) as a Node user does.
 */
export function packAndInstall(): Installed {
  const root = mkdtempSync(join(tmpdir(), 'optimlab-consumer-'));
  const packs = join(root, 'tarballs');
  mkdirSync(packs);
  for (const name of PUBLISHED) run('pnpm', ['pack', '--pack-destination', packs], join(WORKSPACE, 'packages', name));
  const tarballs: Record<string, number> = {};
  for (const file of readdirSync(packs)) tarballs[file] = statSync(join(packs, file)).size;
  const dir = join(root, 'app');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'optimlab-consumer', private: true }, null, 2));
  const webgpu = JSON.parse(run('node', ['-p', 'JSON.stringify(require("webgpu/package.json").version)'], join(WORKSPACE, 'packages', 'tensor-wgpu')));
  const npmInstall = (specs: string[]): string => run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...specs], dir);
  npmInstall(Object.keys(tarballs).map((f) => join(packs, f)));
  const browserInstall = installedPackages(dir);
  npmInstall([`webgpu@${webgpu}`, '@types/node@20']);
  return { dir, tarballs, browserInstall };
}
