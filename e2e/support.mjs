// Shared harness of the browser end-to-end tests (node:test + playwright-core + Debian's Chromium).
//
// Each test file calls `startEnv()` once: a fresh server on its own temporary data folder and free
// port, the real binary ($TALENTLIB_BIN), and one headless Chromium. Every actor (a designer, a
// reviewer...) gets their own browser context, so their session cookies never mix. `env.close()`
// stops everything and deletes the folder; an exit hook does the same if the run is interrupted.
//
// Steps: `env.step(t, name, fn)` runs one subtest; when it fails, every open page is saved as a
// screenshot (plus its HTML) and the server's log under e2e/artifacts/, and the following steps of
// the journey are skipped (they depend on it) instead of failing in a cascade.

import { chromium } from 'playwright-core';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import assert from 'node:assert/strict';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = join(HERE, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const run = promisify(execFile);

/** The binary under test: $TALENTLIB_BIN (relative to e2e/ when relative), else the debug build. */
export function binary() {
  const raw = process.env.TALENTLIB_BIN || '../target/debug/talentlib';
  const bin = isAbsolute(raw) ? raw : resolve(HERE, raw);
  if (!existsSync(bin)) {
    throw new Error(`TalentLib binary not found at ${bin}: build it (cargo build -p talentlib) or set TALENTLIB_BIN`);
  }
  return bin;
}

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** The environment without TALENTLIB_* settings (they would change the server under test). */
function serverEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TALENTLIB_')));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Everything still running when the process exits (a crash, an interrupted run) is cleaned up.
const live = new Set();
function cleanupSync() {
  for (const env of live) {
    try { env.server.kill('SIGKILL'); } catch { /* already gone */ }
    try { rmSync(env.dataDir, { recursive: true, force: true }); } catch { /* best effort */ }
  }
  live.clear();
}
process.once('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => { cleanupSync(); process.exit(130); });
}

/** A file-name-safe version of a step name. */
function slug(s) {
  return String(s).normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'step';
}

/**
 * Starts a server on a fresh data folder and a browser. `name` prefixes the artifacts.
 * Returns the environment (see the methods below).
 */
export async function startEnv(name) {
  const bin = binary();
  const dataDir = mkdtempSync(join(tmpdir(), `talentlib-e2e-${slug(name)}-`));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const logLines = [];
  const server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data', dataDir], {
    // A config file or TALENTLIB_* settings of the developer's shell must not leak in.
    cwd: dataDir,
    env: { ...serverEnv(), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    logLines.push(chunk.toString());
    if (logLines.length > 4000) { logLines.splice(0, logLines.length - 4000); }
  };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  let exited = null;
  server.on('exit', (code, signal) => { exited = { code, signal }; });

  const env = {
    name, bin, dataDir, port, baseURL, server, browser: null, contexts: [],
    failed: false, pageErrors: [],
  };
  live.add(env);

  try {
    // Ready when the public reference list answers.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) {
        throw new Error(`the server exited (${JSON.stringify(exited)}) before answering:\n${logLines.join('')}`);
      }
      try {
        const res = await fetch(`${baseURL}/api/v1/reference/districts`);
        if (res.status === 200) { await res.arrayBuffer(); break; }
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) {
        throw new Error(`the server did not answer within 60 s:\n${logLines.join('')}`);
      }
      await sleep(100);
    }
    env.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  } catch (e) {
    await close(env);
    throw e;
  }

  env.log = () => logLines.join('');
  env.close = () => close(env);
  env.step = (t, stepName, fn) => step(env, t, stepName, fn);
  env.actor = (label, opts) => actor(env, label, opts);
  env.createUser = (opts) => createUser(env, opts);
  env.api = (method, path, opts) => api(env, method, path, opts);
  env.token = (email, password) => token(env, email, password);
  env.saveArtifacts = (stepName) => saveArtifacts(env, stepName);
  return env;
}

async function close(env) {
  for (const c of env.contexts) {
    await c.close().catch(() => {});
  }
  if (env.browser) { await env.browser.close().catch(() => {}); }
  if (env.server.exitCode === null && env.server.signalCode === null) {
    const gone = new Promise((r) => env.server.once('exit', r));
    env.server.kill('SIGTERM');
    const timer = setTimeout(() => env.server.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
  rmSync(env.dataDir, { recursive: true, force: true });
  live.delete(env);
}

/** One step of a journey: skipped when an earlier one failed; artifacts saved when it fails. */
async function step(env, t, stepName, fn) {
  if (env.failed) {
    return t.test(stepName, { skip: 'an earlier step of this journey failed' }, () => {});
  }
  return t.test(stepName, async (st) => {
    try {
      await fn(st);
    } catch (e) {
      env.failed = true;
      await saveArtifacts(env, stepName).catch((err) => console.error('could not save artifacts:', err));
      throw e;
    }
  });
}

async function saveArtifacts(env, stepName) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const prefix = `${slug(env.name)}--${slug(stepName)}`;
  let i = 0;
  for (const c of env.contexts) {
    for (const p of c.pages()) {
      i += 1;
      const who = slug(c.label || `context${i}`);
      const base = join(ARTIFACTS, `${prefix}--${i}-${who}`);
      await p.screenshot({ path: `${base}.png`, fullPage: true, timeout: 10_000 }).catch(() => {});
      const html = await p.content().catch(() => '');
      writeFileSync(`${base}.html`, `<!-- ${p.url()} -->\n${html}`);
    }
  }
  writeFileSync(join(ARTIFACTS, `${prefix}--server.log`), env.log());
  if (env.pageErrors.length) {
    writeFileSync(join(ARTIFACTS, `${prefix}--page-errors.txt`), env.pageErrors.join('\n'));
  }
  console.error(`artifacts saved to ${ARTIFACTS}/${prefix}--*`);
}

/**
 * A person at their own browser: a fresh context (own cookies), Chinese preferred, every
 * confirm() answered "OK" (the pages ask before submitting, closing a batch...). JavaScript
 * errors on the page are collected in env.pageErrors.
 */
async function actor(env, label, { locale = 'zh-CN' } = {}) {
  const context = await env.browser.newContext({
    baseURL: env.baseURL,
    locale,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  context.label = label;
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  env.contexts.push(context);
  const page = await context.newPage();
  context.on('page', (p) => watch(env, label, p));
  watch(env, label, page);
  return { context, page, label };
}

function watch(env, label, page) {
  page.on('dialog', (d) => d.accept().catch(() => {}));
  page.on('pageerror', (e) => env.pageErrors.push(`[${label}] ${page.url()}: ${e.message}`));
}

/** `talentlib user create ...` on the server's data folder (allowed while it runs). */
async function createUser(env, { email, password, name, role, district, employer }) {
  const args = ['user', 'create', '--data', env.dataDir, '--email', email, '--password', password,
    '--name', name, '--role', Array.isArray(role) ? role.join(',') : role];
  if (district) { args.push('--district', district); }
  if (employer) { args.push('--employer', employer); }
  try {
    const { stdout } = await run(env.bin, args, { cwd: env.dataDir, env: serverEnv(), timeout: 60_000 });
    return { email, password, name, role, district, employer, output: stdout };
  } catch (e) {
    throw new Error(`user create ${email} failed (${e.code}): ${e.stderr || e.message}`);
  }
}

/** A JSON API call; `token` for bearer auth. Returns {status, body}. */
async function api(env, method, path, { token: bearer, json, form } = {}) {
  const headers = { accept: 'application/json' };
  if (bearer) { headers.authorization = `Bearer ${bearer}`; }
  let body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  const res = await fetch(`${env.baseURL}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

async function token(env, email, password) {
  const r = await api(env, 'POST', '/api/v1/auth/token', { json: { email, password } });
  assert.equal(r.status, 200, `token for ${email}: ${JSON.stringify(r.body)}`);
  return r.body.token;
}

// ------------------------------------------------------------------ page helpers

/** Signs in through the web form; waits until the landing page has loaded. */
export async function signIn(page, { email, password }) {
  await page.goto('/signin');
  const form = page.locator('form[action="/signin"]');
  await form.getByLabel('电子邮箱').fill(email);
  await form.getByLabel(/^密码/).fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/signin')),
    form.getByRole('button', { name: '登录' }).click(),
  ]);
  // The header names whoever is signed in.
  await assertVisible(page.locator('.user-name'));
}

/** Signs out with the header button. */
export async function signOut(page) {
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/'),
    page.locator('form.signout-form button').click(),
  ]);
}

/** Clicks something that submits a form and waits for the next page to load. */
export async function submitAndWait(page, locator) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    locator.click(),
  ]);
}

/**
 * Scrolls through the whole page (so every lazily loaded image and PDF preview starts loading)
 * and waits until the network is idle. Needed before pressing a button that asks confirm() on a
 * page with PDF previews: when a preview frame of Chromium's PDF viewer starts while the dialog
 * opens, Chromium dismisses the dialog at once (confirm() returns false, nothing is submitted;
 * seen in about 1 of 20 clicks on the review page).
 */
export async function settle(page) {
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += 400) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 30));
    }
  });
  // Chromium sometimes never signals network idle on a page with several PDF viewer frames
  // (about 1 run in 10 on the review page, with no request left in flight). Then every frame
  // having loaded, and a moment for the viewers to start, is what the confirm() needs.
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(async () => {
    for (const frame of page.frames()) {
      await frame.waitForLoadState('load', { timeout: 20_000 });
    }
    await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 20_000 });
    await page.waitForTimeout(1000);
  });
}

/** Goes to a URL and returns the HTTP status of the response. */
export async function statusOf(page, url) {
  const res = await page.goto(url);
  return res ? res.status() : 0;
}

export async function assertVisible(locator, message) {
  await locator.first().waitFor({ state: 'visible', timeout: 15_000 }).catch((e) => {
    throw new assert.AssertionError({ message: `${message || 'expected to be visible'}: ${locator}\n${e.message}` });
  });
}

/** The visible text of the main content (without header and footer). */
export async function mainText(page) {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

// ------------------------------------------------------------------ test data

/** A resident ID number with a valid GB 11643 check character. */
export function residentId(first17) {
  assert.match(first17, /^\d{17}$/);
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

/** A small but complete PDF (one page with a line of text): xref offsets computed. */
export function minimalPdf(text = 'TalentLib evidence') {
  const safe = text.replace(/[()\\]/g, '');
  const stream = `BT /F1 18 Tf 72 720 Td (${safe}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n%\xE2\xE3\xCF\xD3\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) { out += `${String(o).padStart(10, '0')} 00000 n \n`; }
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function crc32(buf) {
  let c;
  let crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) { c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A valid PNG of w×h pixels in one colour (RGB), with correct CRCs. */
export function minimalPng(w = 8, h = 8, [r, g, b] = [200, 30, 40]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const raw = Buffer.alloc(h * (1 + 3 * w));
  for (let y = 0; y < h; y++) {
    const row = y * (1 + 3 * w);
    raw[row] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      raw[row + 1 + 3 * x] = r;
      raw[row + 2 + 3 * x] = g;
      raw[row + 3 + 3 * x] = b;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A unique suffix for emails and names within one run. */
let counter = 0;
export function unique(prefix) {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

// ------------------------------------------------------------------ bulk setup through the JSON API

/** A complete application form (API.md's PUT shape) for a designer of `district`. */
export function completeForm({ name, idNumber, phone = '13800138000', email, district = '500103', employer, publicConsent = true }) {
  return {
    personal: {
      name, gender: Number(idNumber[16]) % 2 ? 'male' : 'female', id_number: idNumber, phone, email,
      district_code: district, connection: 'resident', employer, position: '工业设计师',
      work_type: 'services', design_years: 8, public_consent: publicConsent, clean_record_declared: true,
    },
    education: [{ degree: 'bachelor', major_code: '080205', major_name: '工业设计', institution: '四川美术学院', graduated_on: '2015-06' }],
    titles: [{ name: '工程师（工业设计）', level: 'intermediate', issuer: '重庆市人力资源和社会保障局', awarded_on: '2020-12-01' }],
    awards: [{ name: '“智博杯”工业设计大赛', tier: 'provincial', rank: 'silver', year: 2023, work_title: '家用储能电源', role: 'lead' }],
    articles: [{ title: '工业设计中的可持续材料应用', venue: '装饰', indexing: 'cssci', published_on: '2022-08-10', author_rank: 1 }],
    ip_rights: [{ kind: 'design_patent', number: 'ZL202230654321.0', title: '便携储能电源', granted_on: '2023-02-14', inventor_rank: 1 }],
    honors: [{ name: '重庆市青年岗位能手', level: 'provincial', issuer: '共青团重庆市委', year: 2021 }],
    compensation: { annual_income_cny: 240000, year: 2024 },
    projects: [{ name: '智能家电造型设计', level: 'enterprise', role: 'leader', started_on: '2023-03-01', status: 'completed', funding_cny: 200000 }],
  };
}

/**
 * A designer who registered, filled in `form`, attached a file to every item and submitted, all
 * through the JSON API (for setting up the journeys that start after submission).
 * Returns {email, password, name, token, applicationId, application}.
 */
export async function submittedApplication(env, { email, password, name, form }) {
  let r = await env.api('POST', '/api/v1/auth/register', { json: { email, password, name } });
  assert.equal(r.status, 201, `register ${email}: ${JSON.stringify(r.body)}`);
  const tok = await env.token(email, password);
  r = await env.api('POST', '/api/v1/applications', { token: tok, json: {} });
  assert.equal(r.status, 201, `create application: ${JSON.stringify(r.body)}`);
  const applicationId = r.body.id;
  r = await env.api('PUT', `/api/v1/applications/${applicationId}`, { token: tok, json: form });
  assert.equal(r.status, 200, `save application: ${JSON.stringify(r.body)}`);
  const saved = r.body;
  const itemIds = [];
  for (const key of ['education', 'titles', 'awards', 'articles', 'ip_rights', 'honors', 'projects']) {
    for (const it of saved[key] || []) { itemIds.push([key, it.id]); }
  }
  if (saved.compensation) { itemIds.push(['compensation', saved.compensation.id]); }
  const pdf = minimalPdf('Evidence');
  const png = minimalPng(10, 10, [20, 90, 160]);
  for (const [i, [key, id]] of itemIds.entries()) {
    const fd = new FormData();
    fd.append('item_id', id);
    const isPng = i % 2 === 1;
    fd.append('file', new Blob([isPng ? png : pdf], { type: isPng ? 'image/png' : 'application/pdf' }), `${key}-evidence.${isPng ? 'png' : 'pdf'}`);
    r = await env.api('POST', `/api/v1/applications/${applicationId}/attachments`, { token: tok, form: fd });
    assert.equal(r.status, 201, `upload for ${key}: ${JSON.stringify(r.body)}`);
  }
  r = await env.api('POST', `/api/v1/applications/${applicationId}/submit`, { token: tok });
  assert.equal(r.status, 200, `submit ${email}: ${JSON.stringify(r.body)}`);
  return { email, password, name, token: tok, applicationId, application: saved };
}
