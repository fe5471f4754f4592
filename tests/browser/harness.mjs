// Shared set-up for browser tests: start the real `prensa` binary on a free
// port and a headless Debian Chromium (never a downloaded browser).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.PRENSA_BIN ?? join(root, 'target', 'debug', 'prensa');

/** Starts `prensa demo` in a temporary folder; resolves to { base, stop }. */
export async function startDemo() {
  const dir = mkdtempSync(join(tmpdir(), 'prensa-browser-'));
  const child = spawn(BIN, ['demo', '--dir', dir, '--bind', '127.0.0.1:0'], {
    env: { ...process.env, PRENSA_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error('prensa did not start within 60 s')), 60_000);
    child.on('exit', (code) => reject(new Error(`prensa exited early with ${code}`)));
    lines.on('line', (line) => {
      const m = line.match(/^Prensa is serving at (http:\/\/\S+?)\/?$/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return {
    base,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}
