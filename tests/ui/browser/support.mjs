// What every browser test stands on: the Stash simulator (scripts/sim_server.py, the sample library,
// Gallery Tools installed, the test host page as its ui_location), Debian's Chromium driven by
// playwright-core, and checks every page gets: no console errors, no request off the server.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, "..", "..", "..");
const PYTHON = process.env.GALLERY_TOOLS_PYTHON || join(REPO, ".venv", "bin", "python");
const CHROMIUM = process.env.GALLERY_TOOLS_CHROMIUM || "/usr/bin/chromium";
// Screenshots go here; UI_SCREENSHOTS=docs/ui renews the ones the README shows.
const SHOTS = process.env.UI_SCREENSHOTS ? resolve(REPO, process.env.UI_SCREENSHOTS) : null;

let hostDir = null;

// The host page, built once per test process into a temporary folder.
async function buildHost() {
  if (hostDir) return hostDir;
  hostDir = mkdtempSync(join(tmpdir(), "gallery-tools-host-"));
  await run(process.execPath, [join(REPO, "tests", "ui", "build_host.mjs"), hostDir]);
  process.on("exit", () => rmSync(hostDir, { recursive: true, force: true }));
  return hostDir;
}

function run(command, args) {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => (code === 0 ? ok() : fail(new Error(`${command} ${args.join(" ")}: exit ${code}`))));
  });
}

// A simulator of its own: the sample library (written to disk with onDisk, for Metadata from files),
// Gallery Tools installed, the host page at /.
export async function startStash({ onDisk = false } = {}) {
  const ui = await buildHost();
  const args = [join(REPO, "scripts", "sim_server.py"), "--port", "0", "--plugin", "--ui-location", ui];
  if (onDisk) args.push("--on-disk");
  const child = spawn(PYTHON, args, { stdio: ["ignore", "pipe", "inherit"], cwd: REPO });
  const url = await new Promise((ok, fail) => {
    let seen = "";
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const found = /on (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(seen);
      if (found) ok(found[1]);
    });
    child.on("exit", (code) => fail(new Error(`sim_server.py ended (${code}) before it listened: ${seen}`)));
  });
  return {
    url,
    gql: (query, variables) => gql(url, query, variables),
    stop: () => new Promise((ok) => {
      child.on("exit", ok);
      child.kill("SIGINT"); // KeyboardInterrupt: the simulator stops and removes its folders
    }),
  };
}

export async function gql(url, query, variables = {}) {
  const answer = await fetch(url + "/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await answer.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

let browser = null;

export async function launchBrowser() {
  if (!browser) {
    // playwright-core starts Chromium with a fresh --user-data-dir of its own (a temporary folder,
    // removed on close) and refuses one given here
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  }
  return browser;
}

export async function closeBrowser() {
  if (browser) await browser.close();
  browser = null;
}

// A page of the host on this simulator, with what every test checks at its end: no console errors
// (or uncaught exceptions), and every request went to the Stash server itself.
export async function openPage(stash, path) {
  const context = await (await launchBrowser()).newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems = { errors: [], offServer: [], infos: [] };
  page.on("console", (message) => {
    if (message.type() === "error") problems.errors.push(message.text());
    if (message.type() === "info") problems.infos.push(message.text());
  });
  page.on("pageerror", (error) => problems.errors.push(String(error)));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(stash.url + "/") && !url.startsWith("data:") && !url.startsWith("blob:")) {
      problems.offServer.push(url);
    }
  });
  await page.goto(stash.url + path);
  await page.waitForSelector("#host-ready");
  return {
    page,
    problems,
    async close() {
      await context.close();
      assert.deepEqual(problems.offServer, [], "requests that left the Stash server");
      assert.deepEqual(problems.errors, [], "console errors");
    },
  };
}

export async function screenshot(page, name) {
  if (!SHOTS) return;
  if (!existsSync(SHOTS)) mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name) });
}

// -- the gallery page --------------------------------------------------------------------------------
export async function openGallery(stash, id) {
  const opened = await openPage(stash, `/galleries/${id}`);
  await opened.page.waitForSelector(".gallery-title");
  await opened.page.waitForSelector(".item-card");
  return opened;
}

export async function chooseAction(page, label) {
  await page.click(".gallery-tools-menu .dropdown-toggle");
  await page.click(`.gallery-tools-menu .dropdown-item:text-is("${label}")`);
  return waitForPreview(page);
}

// The dialog once Gallery Tools answered: its rows, left-alone lines and summary, as text.
export async function waitForPreview(page) {
  const dialog = page.locator(".gallery-tools-dialog");
  await dialog.locator(".gallery-tools-preview, .gallery-tools-error").first().waitFor();
  await dialog.locator(".gallery-tools-working").waitFor({ state: "detached" });
  return readPreview(page);
}

export async function readPreview(page) {
  const dialog = page.locator(".gallery-tools-dialog");
  const rows = await dialog.locator(".gallery-tools-change").evaluateAll((trs) => trs.map((tr) => {
    const cell = (name) => tr.querySelector(`.gallery-tools-${name}`);
    const row = cell("gallery") ? { gallery: cell("gallery").textContent } : {};
    return { ...row, what: cell("what").textContent, before: cell("before").textContent,
             after: cell("after").textContent };
  }));
  const text = (selector) => dialog.locator(selector).allTextContents();
  return {
    title: (await dialog.locator(".modal-title").textContent()).trim(),
    rows,
    leftAlone: await text(".gallery-tools-left-alone li"),
    summary: (await text(".gallery-tools-summary, .gallery-tools-nothing")).join(" "),
    errors: await text(".gallery-tools-error"),
    stale: await text(".gallery-tools-stale"),
    text: await dialog.locator(".modal-body").textContent(),
  };
}

// Apply, and wait until the dialog is gone and the toast says what was done.
export async function apply(page) {
  await page.click(".gallery-tools-dialog .gallery-tools-apply");
  await page.locator(".gallery-tools-dialog .gallery-tools-working").waitFor({ state: "detached" });
}

export async function applyAndWait(page) {
  await apply(page);
  await page.locator(".gallery-tools-dialog").waitFor({ state: "detached" });
  return (await page.locator(".toast .toast-header .mr-auto").first().textContent()).trim();
}

export async function field(page, name) {
  return (await page.locator(`.gallery-field-${name}`).textContent()).trim();
}

export async function chapters(page) {
  return page.locator(".gallery-chapter").allTextContents();
}

export async function selectImages(page, names) {
  for (const name of names) {
    await page.locator(".item-card", { has: page.locator(`.image-name:text-is("${name}")`) })
      .locator(".card-check").check();
  }
}

export async function listOperation(page, text) {
  await page.click("#more-menu");
  await page.click(`.dropdown-item:text-is("${text}")`);
}
