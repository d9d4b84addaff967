// Drives one headless Chromium page for the sidecar's browser tests (Browser.java): reads one JSON command per line
// on stdin, answers one JSON line on stdout: {"id": n, "ok": true, "value": ...} or {"id": n, "ok": false,
// "error": "..."}. playwright-core comes from NODE_PATH (Tools.npm), Chromium from Debian (Tools.debian).
'use strict';
const { chromium } = require('playwright-core');
const readline = require('readline');

let browser = null;
let page = null;
const console_ = [];

async function run(cmd) {
  switch (cmd.op) {
    case 'launch':
      browser = await chromium.launch({ executablePath: cmd.executablePath, headless: true, args: cmd.args });
      page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      page.on('console', m => console_.push(m.type() + ': ' + m.text()));
      page.on('pageerror', e => console_.push('pageerror: ' + e.message));
      return browser.version();
    case 'goto': {
      const r = await page.goto(cmd.url, { waitUntil: 'load', timeout: cmd.timeoutMs });
      return r ? r.status() : null;
    }
    case 'waitFor': {
      // Polls with page.evaluate (the DevTools protocol, outside the page's CSP): waitForFunction would compile the
      // expression inside the page, which the dashboard's policy (no 'unsafe-eval') rightly refuses.
      const end = Date.now() + cmd.timeoutMs;
      let last;
      for (;;) {
        try { last = await page.evaluate(cmd.js); } catch (e) { last = 'error: ' + e.message; }
        if (last && !(typeof last === 'string' && last.startsWith('error: '))) return true;
        if (Date.now() > end) throw new Error('still ' + JSON.stringify(last) + ' after ' + cmd.timeoutMs + ' ms');
        await new Promise(r => setTimeout(r, 50));
      }
    }
    case 'eval':
      return await page.evaluate(cmd.js);
    case 'screenshot':
      await page.screenshot({ path: cmd.path, fullPage: true });
      return cmd.path;
    case 'console':
      return console_.splice(0);
    case 'close':
      if (browser) await browser.close();
      return true;
    default:
      throw new Error('unknown op ' + cmd.op);
  }
}

const rl = readline.createInterface({ input: process.stdin });
let chain = Promise.resolve();
rl.on('line', line => {
  chain = chain.then(async () => {
    let cmd;
    try {
      cmd = JSON.parse(line);
      const value = await run(cmd);
      process.stdout.write(JSON.stringify({ id: cmd.id, ok: true, value: value === undefined ? null : value }) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ id: cmd ? cmd.id : null, ok: false, error: String(e && e.message || e) }) + '\n');
    }
    if (cmd && cmd.op === 'close') process.exit(0);
  });
});
rl.on('close', async () => { if (browser) await browser.close(); process.exit(0); });
