// The galleries list: a task on the selected galleries, previewed in a dialog (a row per change,
// naming its gallery), then run as a Stash job (runPluginTask with the ids and the preview's
// fingerprint), which writes exactly the preview, or nothing when the galleries changed meanwhile.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { closeBrowser, listOperation, openPage, screenshot, startStash, waitForPreview } from "./support.mjs";
import { assertExactly, changes, snapshot } from "./effects.mjs";

let stash;
before(async () => { stash = await startStash(); });
after(async () => { await closeBrowser(); await stash.stop(); });

async function selectGalleries(page, names) {
  await page.waitForSelector(".item-list-galleries .item-card");
  for (const name of names) {
    await page.locator(".item-card", { has: page.locator(`.gallery-name:text-is("${name}")`) })
      .locator(".card-check").check();
  }
}

// Once Stash's queue has run every job (the one the dialog queued).
async function finishedJob() {
  for (let tries = 0; tries < 300; tries++) {
    const { jobQueue } = await stash.gql("{ jobQueue { id status } }");
    if (!jobQueue || jobQueue.length === 0) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.fail("the job did not end within 30 s");
}

async function previewTitles(page, names) {
  await selectGalleries(page, names);
  await listOperation(page, "Gallery Tools: run a task on the selected galleries");
  await page.click('.gallery-tools-pick button:text-is("Title from path")');
  return waitForPreview(page);
}

test("a task on the selected galleries: the preview names each gallery, the job writes exactly that", async () => {
  const { page, close } = await openPage(stash, "/galleries");
  const preview = await previewTitles(page, ["Beach 2021", "city_walk-2020.zip"]);
  assert.equal(preview.title, "Title from path: 2 galleries");
  assert.deepEqual(preview.rows, [
    { gallery: "Beach 2021", what: "Title", before: "—", after: "Beach 2021" },
    { gallery: "city_walk-2020.zip", what: "Title", before: "—", after: "city walk-2020" },
  ]);
  assert.equal(await page.locator(".gallery-tools-apply").textContent(), "Run as a Stash job");
  await screenshot(page, "gallery-tools-list-preview.png");
  const beforeJob = await snapshot(stash);
  await page.click(".gallery-tools-apply");
  await page.locator(".gallery-tools-dialog").waitFor({ state: "detached" });
  const toast = (await page.locator(".toast .toast-header .mr-auto").first().textContent()).trim();
  assert.equal(toast, "Title from path: queued as a Stash job for 2 galleries (Settings > Tasks shows its progress)");
  await finishedJob();
  assertExactly(beforeJob, await snapshot(stash), preview.rows, null);
  await close();
});

test("a job queued from a preview writes nothing when a gallery changed meanwhile", async () => {
  const { page, close } = await openPage(stash, "/galleries");
  const preview = await previewTitles(page, ["Summer Trip [2022-08-01].zip", "Portraits.zip"]);
  assert.equal(preview.rows.length, 2);
  await stash.gql('mutation { galleryUpdate(input: { id: "7", title: "Portraits, named by hand" }) { id } }');
  const beforeJob = await snapshot(stash);
  await page.click(".gallery-tools-apply");
  await page.locator(".gallery-tools-dialog").waitFor({ state: "detached" });
  await finishedJob();
  assert.deepEqual(changes(beforeJob, await snapshot(stash)), {}); // not even the other gallery's title
  const { logs } = await stash.gql("{ logs { level message } }");
  assert.ok(logs.some((l) => l.level === "Warning" && /Title from path: the galleries changed since the preview/
    .test(l.message)), JSON.stringify(logs)); // what the job's log says, in Settings > Logs
  await close();
});
