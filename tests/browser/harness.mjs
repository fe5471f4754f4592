// Shared set-up for browser tests: start the real `prensa` binary on a free
// port and a headless Debian Chromium (never a downloaded browser).
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.PRENSA_BIN ?? join(root, 'target', 'debug', 'prensa');

const SERVING = /^Prensa is serving at (http:\/\/\S+?)\/?$/;
const INVITE = /Newsroom admin: open (http:\/\/\S+\/admin\/(?:invite|reset)\/[A-Za-z0-9_-]+) to choose a password for (\S+?)\.?$/;

/**
 * Starts `prensa demo` in a temporary folder. Resolves to
 * { base, dir, database, invite, adminEmail, addUser, stop }:
 * `invite` is the demo administrator's one-time link (null if the binary
 * did not print one), `addUser` runs `prensa user add` against the demo's
 * database and resolves to the new account's invite link.
 */
export async function startDemo() {
  const dir = mkdtempSync(join(tmpdir(), 'prensa-browser-'));
  const child = spawn(BIN, ['demo', '--dir', dir, '--bind', '127.0.0.1:0'], {
    env: { ...process.env, PRENSA_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const found = { base: null, invite: null, adminEmail: null };
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('prensa did not start within 60 s')), 60_000);
    let grace = null;
    const settle = () => {
      clearTimeout(timer);
      clearTimeout(grace);
      resolve();
    };
    child.on('exit', (code) => reject(new Error(`prensa exited early with ${code}`)));
    const watch = (stream, echo) => {
      createInterface({ input: stream }).on('line', (line) => {
        if (echo) process.stderr.write(line + '\n');
        const invite = line.match(INVITE);
        if (invite) {
          found.invite = invite[1];
          found.adminEmail = invite[2];
        }
        const serving = line.match(SERVING);
        if (serving) found.base = serving[1];
        if (found.base && found.invite) settle();
        // The invite line is printed before the server starts; on another
        // stream it may arrive a moment later, or not at all in old builds.
        else if (found.base && !grace) grace = setTimeout(settle, 2_000);
      });
    };
    watch(child.stdout, false);
    watch(child.stderr, true);
  });
  await ready;
  const database = `sqlite://${join(dir, 'demo.db')}`;
  return {
    base: found.base,
    dir,
    database,
    invite: found.invite,
    adminEmail: found.adminEmail,
    /** `prensa user add EMAIL --role ROLE [--name] [--author]`; resolves to the invite link. */
    addUser(email, role, { name, author } = {}) {
      const args = ['user', 'add', email, '--role', role, '--database', database];
      if (name !== undefined) args.push('--name', name);
      if (author !== undefined) args.push('--author', author);
      return new Promise((resolve, reject) => {
        execFile(BIN, args, { env: { ...process.env, PRENSA_LOG: 'warn' }, timeout: 30_000 }, (err, stdout, stderr) => {
          if (err) return reject(new Error(`prensa user add ${email} failed: ${err.message}\n${stderr}`));
          const link = stdout.trim().split('\n').find((l) => /\/admin\/invite\//.test(l));
          if (!link) return reject(new Error(`prensa user add printed no invite link:\n${stdout}\n${stderr}`));
          resolve(link.trim());
        });
      });
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.on('exit', r)));
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

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/**
 * Runs axe-core on the page as it is (the context needs `bypassCSP: true`:
 * the site's CSP forbids every script) and resolves to its violations, each
 * as one line naming `label`, the rule and up to three elements.
 */
export async function axeViolations(page, label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
  return result.violations.map((v) => `${label}: ${v.id} (${v.impact}) — ${v.help}\n    ` +
    v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ': ' + (n.failureSummary ?? '').replace(/\n/g, ' ')).join('\n    '));
}
