// Scrape with…: Stash's own gallery scrapers (tests/scrapers, run by the simulator as Stash runs
// them), chosen on the gallery page or for the selected galleries of the galleries list. The
// preview shows what the scraper found, in names, beside what the gallery has; Apply (or the job)
// writes exactly that, from the preview's answers, and nothing when the gallery changed meanwhile.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  apply, applyAndWait, closeBrowser, field, listOperation, openGallery, openPage, readPreview, screenshot, startStash,
  waitForPreview,
} from "./support.mjs";
import { assertExactly, changes, snapshot } from "./effects.mjs";

let stash;
before(async () => { stash = await startStash(); });
after(async () => { await closeBrowser(); await stash.stop(); });

const SCRAPED = "Gallery Tools: scraped"; // the tag a scraped gallery gets (the default run skips it)

// The scrape picker of the gallery page: its choices, as the dialog lists them.
async function openPicker(page) {
  await page.click(".gallery-tools-menu .dropdown-toggle");
  await page.click('.gallery-tools-menu .dropdown-item:text-is("Scrape with…")');
  await page.locator(".gallery-tools-scrapers button").first().waitFor();
  return page.locator(".gallery-tools-scrapers button").allTextContents();
}

async function scrapeWith(page, name, replace = []) {
  await page.locator(".gallery-tools-scrapers button", { hasText: name }).click();
  for (const label of replace) await page.locator(".gallery-tools-replace label", { hasText: label }).click();
  await page.click(".gallery-tools-scrape .gallery-tools-next");
  return waitForPreview(page);
}

test("Scrape with Sample Site: the preview names what it fills, Apply writes exactly that", async () => {
  const { page, close } = await openGallery(stash, "1");
  const choices = await openPicker(page);
  // the scrapers that scrape a stored gallery (galleryByFragment), by name; Example Org only takes URLs
  assert.deepEqual(choices, ["Auto Tag", "Broken Site", "Hanging Site", "Sample Site"]);
  await page.locator(".gallery-tools-scrapers button", { hasText: "Sample Site" }).click();
  await screenshot(page, "gallery-tools-scrape-with.png");
  await page.click(".gallery-tools-scrape .gallery-tools-next");
  const preview = await waitForPreview(page);
  assert.equal(preview.title, "Scrape with Sample Site: Beach 2021");
  assert.deepEqual(preview.rows, [
    { what: "Title", before: "—", after: "Beach Days 2021" },
    { what: "Details", before: "—", after: "Two weeks by the sea." },
    { what: "Tags", before: "Beach", after: `Beach, + ${SCRAPED}` }, // "beach": Stash matched it, the gallery has it
    { what: "URLs", before: "—", after: "+ https://sample.example/g/beach-2021" },
  ]);
  // a date is there already: kept; names Stash has none of: left out, and said so
  assert.deepEqual(preview.leftAlone,
    ['kept date "2021-07-14" (the scraper says "2021-07-15"; tick "Date" among the fields to replace to take it)']);
  assert.match(preview.text, /Left out, as Stash has none by these names .*tags Sunset; performers Cy Moss\./);
  assert.doesNotMatch(preview.text, /\b(gallery|image|tag|performer|studio|scene) \d+\b/); // names, never ids
  assert.equal(await page.locator(".gallery-tools-confirm").count(), 0); // it only fills what is empty
  await screenshot(page, "gallery-tools-scrape-preview.png");

  const beforeApply = await snapshot(stash);
  const toast = await applyAndWait(page);
  assert.equal(toast, "Scrape with Sample Site: 4 changes written for Beach Days 2021"); // its name now
  assertExactly(beforeApply, await snapshot(stash), preview.rows, "1");
  assert.equal(await field(page, "title"), "Beach Days 2021"); // the page shows it without a reload
  assert.equal(await field(page, "tags"), `Beach, ${SCRAPED}`);
  await close();
});

test("replacing fields is chosen in the picker, marked in the preview, and needs the confirm", async () => {
  const { page, close } = await openGallery(stash, "2");
  await openPicker(page);
  const preview = await scrapeWith(page, "Sample Site", ["Title", "Photographer"]);
  assert.deepEqual(preview.rows, [
    { what: "Title", before: "Studio Portraits", after: "Portraits (studio)" },
    { what: "Code", before: "—", after: "SP-01" },
    { what: "Photographer", before: "Jo Marsh", after: "J. Marsh" },
    { what: "Studio", before: "—", after: "Lumen Studio" }, // the scraper wrote "lumen studio": Stash's name
    { what: "Tags", before: "Portrait", after: `Portrait, + ${SCRAPED}` },
  ]);
  const marked = await page.locator(".gallery-tools-change.gallery-tools-deletes .gallery-tools-what").allTextContents();
  assert.deepEqual(marked, ["Title", "Photographer"]);
  assert.equal(await page.locator(".gallery-tools-apply").isDisabled(), true);
  await page.check(".gallery-tools-confirm input");
  const beforeApply = await snapshot(stash);
  const toast = await applyAndWait(page);
  assert.equal(toast, "Scrape with Sample Site: 5 changes written for Portraits (studio)");
  assertExactly(beforeApply, await snapshot(stash), preview.rows, "2");
  assert.equal(await field(page, "title"), "Portraits (studio)");
  await close();
});

test("a gallery changed after its preview is not written; the new preview keeps what the person set", async () => {
  const { page, close } = await openGallery(stash, "7");
  await openPicker(page);
  const first = await scrapeWith(page, "Sample Site");
  assert.deepEqual(first.rows.map((r) => [r.what, r.after]), [
    ["Title", "Portraits (zip)"], ["Photographer", "Jo Marsh"], ["Tags", `+ Portrait, + ${SCRAPED}`],
  ]);
  await stash.gql('mutation { galleryUpdate(input: { id: "7", title: "Portraits, named by hand" }) { id } }');
  const beforeApply = await snapshot(stash);
  await apply(page);
  const stale = await readPreview(page);
  assert.deepEqual(changes(beforeApply, await snapshot(stash)), {}); // nothing written
  assert.match(stale.stale[0], /^The gallery changed since this preview, so nothing was written\./);
  // the same answers, planned on the gallery as it is now: its new title stays
  assert.deepEqual(stale.rows.map((r) => [r.what, r.after]), [
    ["Photographer", "Jo Marsh"], ["Tags", `+ Portrait, + ${SCRAPED}`],
  ]);
  assert.deepEqual(stale.leftAlone,
    ['kept title "Portraits, named by hand" (the scraper says "Portraits (zip)"; tick "Title" among the fields to replace to take it)']);
  const toast = await applyAndWait(page);
  assert.equal(toast, "Scrape with Sample Site: 2 changes written for Portraits, named by hand");
  assertExactly(beforeApply, await snapshot(stash), stale.rows, "7");
  await close();
});

test("a gallery whose URL a scraper claims can be scraped by it; a failing scraper writes nothing", async () => {
  const { page, close } = await openGallery(stash, "5");
  const choices = await openPicker(page);
  assert.deepEqual(choices[0], "Example Org (by the gallery's URL)");
  const preview = await scrapeWith(page, "Example Org");
  assert.equal(preview.title, "Scrape with Example Org: Best of 2021");
  assert.deepEqual(preview.rows, [
    { what: "Details", before: "—", after: "The best of 2021." },
    { what: "Tags", before: "—", after: `+ Archive, + ${SCRAPED}` },
    { what: "URLs", before: "https://example.org/best-of-2021",
      after: "https://example.org/best-of-2021, + https://mirror.example/best-of-2021" },
  ]);
  const beforeApply = await snapshot(stash);
  await applyAndWait(page);
  assertExactly(beforeApply, await snapshot(stash), preview.rows, "5");
  await close();

  const broken = await openGallery(stash, "10");
  await openPicker(broken.page);
  const failed = await scrapeWith(broken.page, "Broken Site");
  assert.deepEqual(failed.rows, []);
  assert.equal(failed.summary, "Nothing can be changed: see below.");
  assert.match(await broken.page.locator(".gallery-tools-failed").textContent(), /^Harbour: Broken Site: /);
  assert.equal(await broken.page.locator(".gallery-tools-apply").isDisabled(), true);
  await broken.close();
});

test("the selected galleries of the list: one preview of every scrape, then a Stash job writes exactly it", async () => {
  const { page, close } = await openPage(stash, "/galleries");
  await page.waitForSelector(".item-list-galleries .item-card");
  for (const name of ["Summer Trip [2022-08-01].zip", "Coast 3.cbz"]) {
    await page.locator(".item-card", { has: page.locator(`.gallery-name:text-is("${name}")`) })
      .locator(".card-check").check();
  }
  await listOperation(page, "Gallery Tools: run a task on the selected galleries");
  await page.click('.gallery-tools-pick button:text-is("Scrape with…")');
  await page.locator(".gallery-tools-scrapers button").first().waitFor();
  const preview = await scrapeWith(page, "Sample Site");
  assert.equal(preview.title, "Scrape with Sample Site: 2 galleries");
  assert.deepEqual(preview.rows, [
    { gallery: "Summer Trip [2022-08-01].zip", what: "Title", before: "—", after: "Summer Trip" },
    { gallery: "Summer Trip [2022-08-01].zip", what: "Date", before: "—", after: "2022-08-01" },
    { gallery: "Summer Trip [2022-08-01].zip", what: "Tags", before: "Travel", after: `Travel, + ${SCRAPED}` },
    { gallery: "Coast 3.cbz", what: "Title", before: "—", after: "The Harbour" },
    { gallery: "Coast 3.cbz", what: "Details", before: "—", after: "Boats at dawn." },
    { gallery: "Coast 3.cbz", what: "Tags", before: "—", after: `+ ${SCRAPED}` },
  ]);
  assert.deepEqual(preview.leftAlone, ['Coast 3.cbz: date "June 2, 2019" is not a date Stash takes: left out']);
  const beforeJob = await snapshot(stash);
  await page.click(".gallery-tools-apply");
  await page.locator(".gallery-tools-dialog").waitFor({ state: "detached" });
  const toast = (await page.locator(".toast .toast-header .mr-auto").first().textContent()).trim();
  assert.equal(toast,
    "Scrape galleries: queued as a Stash job for 2 galleries (Settings > Tasks shows its progress)");
  for (let tries = 0; ; tries++) {
    const { jobQueue } = await stash.gql("{ jobQueue { id status } }");
    if (!jobQueue || jobQueue.length === 0) break;
    assert.ok(tries < 300, "the job did not end within 30 s");
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assertExactly(beforeJob, await snapshot(stash), preview.rows, null);
  await close();
});
