// Nothing is written that the person did not see and confirm: a gallery that changed between the
// preview and Apply is not written (the dialog shows the new preview instead), what deletes or
// replaces needs the confirm, and Cancel writes nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  apply, applyAndWait, chapters, chooseAction, closeBrowser, field, openGallery, readPreview, startStash,
} from "./support.mjs";
import { assertExactly, changes, snapshot } from "./effects.mjs";

let stash;
before(async () => { stash = await startStash(); });
after(async () => { await closeBrowser(); await stash.stop(); });

test("a gallery changed after its preview is not written; the dialog shows the new preview", async () => {
  const { page, close } = await openGallery(stash, "3");
  const first = await chooseAction(page, "Chapters from folders");
  assert.equal(first.rows.length, 3);
  // meanwhile, somebody starts a chapter at the first image of Day 2 (in another tab, say)
  await stash.gql('mutation { galleryChapterCreate(input: { gallery_id: "3", title: "Mine", image_index: 3 }) { id } }');
  const beforeApply = await snapshot(stash);
  await apply(page);
  const second = await readPreview(page);
  assert.deepEqual(changes(beforeApply, await snapshot(stash)), {}); // nothing was written
  assert.deepEqual(second.stale, [
    "The gallery changed since this preview, so nothing was written. This is the new preview: check it and apply again.",
  ]);
  assert.deepEqual(second.rows, [
    { what: "Chapter", before: "—", after: "“Day 1” at image 1 (001.jpg)" },
    { what: "Chapter", before: "—", after: "“Day 10” at image 5 (001.jpg)" },
  ]);
  assert.deepEqual(second.leftAlone, ["“Day 2” at image 3: chapter “Mine” starts there already"]);
  // the new preview applies as shown
  const toast = await applyAndWait(page);
  assert.match(toast, /^Chapters from folders: 2 changes written for Summer Trip \[2022-08-01\]\.zip$/);
  assert.deepEqual(await chapters(page), ["Day 1 @ 1", "Mine @ 3", "Day 10 @ 5"]);
  await close();
});

test("a title set by hand after the preview stays, and the new preview says why nothing is left to do", async () => {
  const { page, close } = await openGallery(stash, "1");
  const first = await chooseAction(page, "Title from path");
  assert.deepEqual(first.rows, [{ what: "Title", before: "—", after: "Beach 2021" }]);
  await stash.gql('mutation { galleryUpdate(input: { id: "1", title: "Named by hand" }) { id } }');
  await apply(page);
  const second = await readPreview(page);
  assert.equal(second.stale.length, 1);
  assert.deepEqual(second.rows, []);
  assert.equal(second.summary, "Nothing to change. It has a title, “Named by hand” (a title is never replaced).");
  assert.equal(await page.locator(".gallery-tools-apply").isDisabled(), true);
  const title = await stash.gql('{ findGallery(id: "1") { title } }');
  assert.equal(title.findGallery.title, "Named by hand");
  await page.click(".gallery-tools-dialog .btn-secondary:text-is('Cancel')");
  await close();
});

test("replacing chapters deletes one: Apply waits for the confirm, then writes exactly the preview", async () => {
  const { page, close } = await openGallery(stash, "5");
  const preview = await chooseAction(page, "Chapters from folders (replace)");
  const deleted = preview.rows.filter((r) => r.after === "deleted");
  assert.deepEqual(deleted, [{ what: "Chapter", before: "“Beach” at image 1 (sunset.jpg)", after: "deleted" }]);
  assert.match(preview.text, /Yes: make the change marked above, which removes or replaces what is there now/);
  const applyButton = page.locator(".gallery-tools-apply");
  assert.equal(await applyButton.isDisabled(), true);
  await page.locator(".gallery-tools-confirm input").check();
  const beforeApply = await snapshot(stash);
  await applyAndWait(page);
  assertExactly(beforeApply, await snapshot(stash), preview.rows, "5");
  assert.equal((await chapters(page)).some((c) => c.startsWith("Beach ")), false);
  await close();
});

test("Cancel writes nothing", async () => {
  const { page, close } = await openGallery(stash, "4");
  await chooseAction(page, "Title from path");
  const beforeCancel = await snapshot(stash);
  await page.click(".gallery-tools-dialog .btn-secondary:text-is('Cancel')");
  await page.locator(".gallery-tools-dialog").waitFor({ state: "detached" });
  assert.deepEqual(changes(beforeCancel, await snapshot(stash)), {});
  assert.equal(await field(page, "title"), "");
  await close();
});
