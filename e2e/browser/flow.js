// Drives headless Chromium through cirro's hosted pages, as a person
// would: every step types into labelled fields and clicks named buttons
// (Playwright's role and label locators, which find nothing that has no
// accessible name). Each page is screenshotted into the artifacts
// directory and its form controls are checked for an accessible name in
// Chromium's own accessibility tree.
//
// Input: a JSON file named by argv[2] (see browser_test.go). Output: one
// JSON object on stdout with the redirects the app received and the
// accessibility findings; exit status 1 with {"error": …} on failure.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { chromium } = require('playwright-core');

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = { pages: [], callbacks: {}, a11y: [] };
let shot = 0;

// The roles of form controls in Chromium's accessibility tree.
const controlRoles = new Set(['textbox', 'button', 'radio', 'checkbox', 'combobox', 'spinbutton', 'searchbox',
  'date', 'DateTime', 'InputTime', 'slider', 'switch', 'listbox', 'PopUpButton', 'menulistpopup']);

async function capture(page, name) {
  shot++;
  const file = path.join(cfg.artifacts, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  // Every control in the DOM must appear in the accessibility tree with
  // a name: count both, and list the nameless.
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  const controls = nodes.filter(n => !n.ignored && n.role && controlRoles.has(n.role.value));
  const nameless = controls.filter(n => !(n.name && String(n.name.value || '').trim()));
  const domControls = await page.locator('input:not([type=hidden]), button, select, textarea').count();
  out.pages.push({ name, url: page.url(), file, controls: controls.length, domControls });
  if (controls.length < domControls) {
    out.a11y.push(`${name}: ${domControls} form controls in the DOM, ${controls.length} in the accessibility tree`);
  }
  for (const n of nameless) {
    out.a11y.push(`${name}: a ${n.role.value} without an accessible name`);
  }
}

// latestCode reads the newest code sent to `to` from the dev outbox.
async function latestCode(to, after) {
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${cfg.outboxURL}?to=${encodeURIComponent(to)}`);
    const { messages } = await res.json();
    const fresh = (messages || []).filter(m => m.code && (!after || m.sentAt > after))
      .sort((a, b) => (a.sentAt < b.sentAt ? 1 : -1));
    if (fresh.length) return { code: fresh[0].code, sentAt: fresh[0].sentAt };
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`no code in the outbox for ${to}`);
}

// totp is RFC 6238 (SHA-1, 6 digits, 30 s), for the authenticator app.
function totp(secretBase32, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map(b => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}

// waitForCallback resolves with the URL the app was sent to.
function callbackWaiter(page) {
  return new Promise(resolve => {
    page.once('request', function onRequest(req) {
      if (req.url().startsWith(cfg.callbackPrefix)) resolve(req.url());
      else page.once('request', onRequest);
    });
  });
}

async function signIn(page, username, password) {
  await page.getByLabel(cfg.usernameLabel, { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  const cb = callbackWaiter(page);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return cb;
}

async function run(context) {
  const page = context.pages()[0] || await context.newPage();
  const u = cfg.user;

  // Sign up, confirm with the code from the outbox, sign in.
  await page.goto(cfg.authorizeURL);
  await page.getByRole('heading', { name: 'Sign in to your account' }).waitFor();
  await capture(page, 'sign-in');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  await page.getByLabel(cfg.usernameLabel, { exact: true }).fill(u.username);
  for (const [label, value] of Object.entries(u.attributes || {})) {
    await page.getByLabel(label, { exact: false }).fill(value);
  }
  await page.getByLabel('Password', { exact: true }).fill(u.password);
  await capture(page, 'sign-up');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Confirm your account' }).waitFor();
  await capture(page, 'confirm');
  const signUpCode = await latestCode(u.email);
  await page.getByLabel('Confirmation code').fill(signUpCode.code);
  await page.getByRole('button', { name: 'Confirm account' }).click();
  await page.getByRole('status').filter({ hasText: 'Your account is confirmed' }).waitFor();
  await capture(page, 'sign-in-after-confirm');
  out.callbacks.signUp = await signIn(page, u.username, u.password);
  await page.waitForURL(cfg.callbackPrefix + '**');

  // Sign out: the domain's session ends and the app's sign-out URL shows.
  await page.goto(cfg.logoutURL);
  await page.waitForURL(cfg.callbackPrefix + '**');
  out.callbacks.logout = page.url();

  // Forgot password: a code by email, a new password, sign in with it.
  await page.goto(cfg.authorizeURL2);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
  await capture(page, 'forgot-password');
  await page.getByLabel(cfg.usernameLabel, { exact: true }).fill(u.username);
  await page.getByRole('button', { name: 'Send reset code' }).click();
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  const resetCode = await latestCode(u.email, signUpCode.sentAt);
  await page.getByLabel('Reset code').fill(resetCode.code);
  await page.getByLabel('New password', { exact: true }).fill(u.newPassword);
  await page.getByLabel('Confirm new password').fill(u.newPassword + 'x');
  await page.getByRole('button', { name: 'Reset password' }).click();
  await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor();
  await capture(page, 'reset-password-mismatch');
  await page.getByLabel('Reset code').fill(resetCode.code);
  await page.getByLabel('New password', { exact: true }).fill(u.newPassword);
  await page.getByLabel('Confirm new password').fill(u.newPassword);
  await page.getByRole('button', { name: 'Reset password' }).click();
  await page.getByRole('status').filter({ hasText: 'Your password has been reset' }).waitFor();
  // The old password no longer works; the error is shown in the page.
  await page.getByLabel(cfg.usernameLabel, { exact: true }).fill(u.username);
  await page.getByLabel('Password', { exact: true }).fill(u.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Incorrect username or password.' }).waitFor();
  await capture(page, 'sign-in-error');
  out.callbacks.reset = await signIn(page, u.username, u.newPassword);
  await page.goto(cfg.logoutURL);
  await page.waitForURL(cfg.callbackPrefix + '**');

  // A user created by an administrator chooses a password on first
  // sign-in, and supplies the required attribute they lack.
  if (cfg.invited) {
    const v = cfg.invited;
    await page.goto(cfg.authorizeURL2);
    await page.getByLabel(cfg.usernameLabel, { exact: true }).fill(v.username);
    await page.getByLabel('Password', { exact: true }).fill(v.temporaryPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('Full name').fill(v.name);
    await page.getByLabel('New password', { exact: true }).fill(v.password);
    await page.getByLabel('Confirm new password').fill(v.password);
    await capture(page, 'new-password-required');
    const cb = callbackWaiter(page);
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    out.callbacks.invited = await cb;
    await page.goto(cfg.logoutURL);
    await page.waitForURL(cfg.callbackPrefix + '**');
  }

  // A request with a redirect URI the client did not register gets an
  // error page, not a redirect.
  await page.goto(cfg.badRedirectURL);
  await page.getByRole('heading', { name: 'Something went wrong' }).waitFor();
  await capture(page, 'error-unregistered-redirect');

  // TOTP MFA: setting up an authenticator from the QR page, then signing
  // in with a code.
  if (cfg.mfa) {
    const m = cfg.mfa;
    await page.goto(m.authorizeURL);
    await page.getByLabel(cfg.usernameLabel, { exact: true }).fill(m.username);
    await page.getByLabel('Password', { exact: true }).fill(m.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await capture(page, 'totp-setup');
    const secret = (await page.locator('code.secret').textContent()).replace(/\s+/g, '');
    const setupStep = Math.floor(Date.now() / 30000);
    await page.getByLabel('Code from your authenticator app').fill(totp(secret));
    await page.getByLabel('Device name').fill('Test phone');
    let cb = callbackWaiter(page);
    await page.getByRole('button', { name: 'Verify and continue' }).click();
    out.callbacks.mfaSetup = await cb;
    await page.goto(m.logoutURL);
    await page.waitForURL(cfg.callbackPrefix + '**');

    // A code is accepted once: wait for the next 30-second step.
    while (Math.floor(Date.now() / 30000) === setupStep) await new Promise(r => setTimeout(r, 250));
    await page.goto(m.authorizeURL);
    await page.getByLabel(cfg.usernameLabel, { exact: true }).fill(m.username);
    await page.getByLabel('Password', { exact: true }).fill(m.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    await capture(page, 'mfa-code-error');
    await page.getByLabel('Code from your authenticator app').fill(totp(secret));
    await capture(page, 'mfa-code');
    cb = callbackWaiter(page);
    await page.getByRole('button', { name: 'Verify' }).click();
    out.callbacks.mfa = await cb;
  }

  // Choice-based sign-in: no password, a code mailed to the user.
  if (cfg.codeSignIn) {
    const k = cfg.codeSignIn;
    await page.goto(k.authorizeURL);
    await page.getByLabel(cfg.usernameLabel, { exact: true }).fill(k.username);
    await capture(page, 'code-sign-in');
    await page.getByRole('button', { name: 'Sign in with a one-time code' }).click();
    await page.getByRole('group', { name: 'Where should we send your code?' }).waitFor();
    await capture(page, 'code-sign-in-choice');
    await page.getByLabel('Email me a code').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Sign in with a one-time code' }).waitFor();
    const code = await latestCode(k.username);
    await page.getByLabel('Code sent by email').fill(code.code);
    await capture(page, 'code-sign-in-code');
    const cb = callbackWaiter(page);
    await page.getByRole('button', { name: 'Verify' }).click();
    out.callbacks.codeSignIn = await cb;
    await page.goto(k.logoutURL);
    await page.waitForURL(cfg.callbackPrefix + '**');
  }

  // The pages at a phone's width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(cfg.authorizeURL2);
  await capture(page, 'sign-in-mobile');
}

(async () => {
  // A fresh profile for every run: no cookies, no cache, no state.
  const userDataDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'cirro-chromium-'));
  // Playwright passes --user-data-dir itself for a persistent context.
  // Chromium resolves localhost names to both 127.0.0.1 and ::1; the
  // test servers listen on the first only.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: cfg.chromium || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP *.localhost 127.0.0.1,MAP localhost 127.0.0.1'],
    viewport: { width: 1100, height: 820 },
    locale: 'en-US',
  });
  try {
    await run(context);
    process.stdout.write(JSON.stringify(out) + '\n');
  } catch (err) {
    process.stdout.write(JSON.stringify({ ...out, error: String(err && err.stack || err) }) + '\n');
    process.exitCode = 1;
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
})();
