// Gallery Tools' UI part as Stash's UI loads it: served by the Stash server, patched in once, and out of
// the way on a Stash older than v0.30.0.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, openGallery, openPage, startStash } from "./support.mjs";

let stash;
before(async () => { stash = await startStash(); });
after(async () => { await closeBrowser(); await stash.stop(); });

test("the gallery page has one Gallery Tools menu, also after going away and back", async () => {
  const { page, close } = await openGallery(stash, 3);
  assert.equal(await page.locator(".gallery-tools-menu").count(), 1);
  // the script and stylesheet came from the plugin's routes on the Stash server
  const sources = await page.evaluate(() => [...document.querySelectorAll("script[src], link[rel=stylesheet]")]
    .map((e) => e.src || e.href));
  assert.ok(sources.includes(stash.url + "/plugin/gallery_tools/javascript"), sources.join(" "));
  assert.ok(sources.includes(stash.url + "/plugin/gallery_tools/css"), sources.join(" "));

  await page.evaluate(() => window.hostNavigate("/galleries"));
  await page.waitForSelector(".item-list-galleries .item-card");
  await page.evaluate(() => window.hostNavigate("/galleries/3"));
  await page.waitForSelector(".gallery-title");
  assert.equal(await page.locator(".gallery-tools-menu").count(), 1);

  // the plugin's script run a second time (a second load of Stash's plugin scripts) patches nothing more
  await page.addScriptTag({ url: stash.url + "/plugin/gallery_tools/javascript" });
  await page.evaluate(() => window.hostNavigate("/galleries/4"));
  await page.waitForSelector(".gallery-title:text-is('city_walk-2020.zip')");
  assert.equal(await page.locator(".gallery-tools-menu").count(), 1);
  await page.locator(".item-card .card-check").first().check();
  await page.click("#more-menu");
  const items = await page.locator(".dropdown-menu.show .dropdown-item").allTextContents();
  const ours = items.filter((text) => text.startsWith("Gallery Tools:"));
  assert.deepEqual(ours, ["Gallery Tools: add to a gallery", "Gallery Tools: set as cover",
                          "Gallery Tools: start a chapter here", "Gallery Tools: remove from this gallery"]);
  await close();
});

test("on a Stash older than v0.30 the page is Stash's own and the console says why, once", async () => {
  // a Stash v0.29 UI: PluginApi without these patch points (?stash=v0.29), and a server that says v0.29.3
  const { page, problems, close } = await openPage(stash, "/");
  await page.route(stash.url + "/graphql", async (route) => {
    const body = route.request().postDataJSON();
    if (body && /GalleryToolsVersion/.test(body.query)) {
      await route.fulfill({ json: { data: { version: { version: "v0.29.3" } } } });
    } else {
      await route.continue();
    }
  });
  await page.goto(stash.url + "/galleries/3?stash=v0.29");
  await page.waitForSelector(".item-card");
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => /graphql/.test(e.name)));
  await page.waitForTimeout(500); // the version's answer comes after the page
  assert.equal(await page.locator(".gallery-tools-menu").count(), 0);
  await page.locator(".item-card .card-check").first().check();
  await page.click("#more-menu");
  const items = await page.locator(".dropdown-menu.show .dropdown-item").allTextContents();
  assert.deepEqual(items.filter((text) => text.startsWith("Gallery Tools")), []);
  const notes = problems.infos.filter((text) => text.startsWith("Gallery Tools:"));
  assert.equal(notes.length, 1, notes.join("\n"));
  assert.match(notes[0], /came with Stash v0\.30\.0.*tasks .*work as before.*\(v0\.29\.3\)/);
  await close();
});
