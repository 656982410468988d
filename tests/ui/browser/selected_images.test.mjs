// The operations on selected images: in a gallery (set as cover, start a chapter here, remove from
// this gallery) and on the images list (add to a gallery, existing or new). Each previews in names,
// writes exactly that, and the page shows it; what replaces or removes needs the confirm.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  applyAndWait, chapters, closeBrowser, field, listOperation, openGallery, openPage, readPreview, screenshot,
  selectImages, startStash, waitForPreview,
} from "./support.mjs";
import { assertExactly, snapshot } from "./effects.mjs";

let stash;
before(async () => { stash = await startStash(); });
after(async () => { await closeBrowser(); await stash.stop(); });

const BEST_OF = "5"; // "Best of 2021": hand-made, sunset.jpg, IMG_0001.jpg, p01.jpg in Stash's order

async function applyExactly(page, preview, subject) {
  const beforeApply = await snapshot(stash);
  const toast = await applyAndWait(page);
  assertExactly(beforeApply, await snapshot(stash), preview.rows, subject);
  return toast;
}

test("set as cover: Stash's default pick is replaced freely, a chosen cover only after the confirm", async () => {
  const { page, close } = await openGallery(stash, BEST_OF);
  await selectImages(page, ["p01.jpg"]);
  await listOperation(page, "Gallery Tools: set as cover");
  let preview = await waitForPreview(page);
  assert.deepEqual(preview.rows, [{ what: "Cover", before: "sunset.jpg (Stash's default)", after: "p01.jpg" }]);
  assert.equal(await page.locator(".gallery-tools-confirm").count(), 0);
  assert.match(await applyExactly(page, preview, BEST_OF), /^Set as cover: 1 change written for Best of 2021$/);
  assert.equal(await field(page, "cover"), "p01.jpg");

  await page.locator(".item-card .card-check").first().uncheck();
  await page.locator(".item-card .card-check:checked").uncheck();
  await selectImages(page, ["IMG_0001.jpg"]);
  await listOperation(page, "Gallery Tools: set as cover");
  preview = await waitForPreview(page);
  assert.deepEqual(preview.rows, [{ what: "Cover", before: "p01.jpg (chosen)", after: "IMG_0001.jpg" }]);
  const applyButton = page.locator(".gallery-tools-apply");
  assert.equal(await applyButton.isDisabled(), true); // it replaces somebody's choice: confirm first
  await page.locator(".gallery-tools-confirm input").check();
  assert.equal(await applyButton.isDisabled(), false);
  await applyExactly(page, preview, BEST_OF);
  assert.equal(await field(page, "cover"), "IMG_0001.jpg");
  await close();
});

test("start a chapter here asks its title, previews it at the image, and the chapter appears", async () => {
  const { page, close } = await openGallery(stash, BEST_OF);
  await selectImages(page, ["p01.jpg"]);
  await listOperation(page, "Gallery Tools: start a chapter here");
  await page.fill(".gallery-tools-ask input", "Portraits");
  await page.click(".gallery-tools-ask .gallery-tools-next");
  const preview = await waitForPreview(page);
  assert.deepEqual(preview.rows, [{ what: "Chapter", before: "—", after: "“Portraits” at image 3 (p01.jpg)" }]);
  await applyExactly(page, preview, BEST_OF);
  assert.deepEqual(await chapters(page), ["Beach @ 1", "Portraits @ 3"]);
  await close();
});

test("remove from this gallery says the files and image records stay, and needs the confirm", async () => {
  const { page, close } = await openGallery(stash, BEST_OF);
  await selectImages(page, ["sunset.jpg"]);
  await listOperation(page, "Gallery Tools: remove from this gallery");
  const preview = await waitForPreview(page);
  assert.deepEqual(preview.rows, [{
    what: "1 image", before: "sunset.jpg",
    after: "removed from this gallery; the files and the image records stay (in Images, and in their other galleries)",
  }]);
  assert.match(preview.text, /The images leave this gallery only: their files and image records stay in Stash\./);
  assert.equal(await page.locator(".gallery-tools-apply").isDisabled(), true);
  await page.locator(".gallery-tools-confirm input").check();
  await applyExactly(page, preview, BEST_OF);
  await page.locator('.image-name:text-is("sunset.jpg")').waitFor({ state: "detached" });
  assert.equal(await field(page, "image-count"), "2");
  const still = await stash.gql('{ findImages(image_filter: { path: { value: "sunset.jpg", modifier: INCLUDES } }) { count } }');
  assert.equal(still.findImages.count, 1); // the image record is still in Stash
  await close();
});

test("a zip gallery's images are left alone, and the preview says why", async () => {
  const { page, close } = await openGallery(stash, "4");
  await selectImages(page, ["a.jpg"]);
  await listOperation(page, "Gallery Tools: remove from this gallery");
  const preview = await waitForPreview(page);
  assert.deepEqual(preview.rows, []);
  assert.match(preview.summary, /^Nothing to change\. It is a zip gallery: its images are the zip's files, which only a scan changes\.$/);
  assert.equal(await page.locator(".gallery-tools-apply").isDisabled(), true);
  await page.click(".gallery-tools-dialog .btn-secondary:text-is('Cancel')");
  await close();
});

test("the images list adds selected images to an existing gallery picked by name", async () => {
  const { page, close } = await openPage(stash, "/images");
  await page.waitForSelector(".item-card");
  await selectImages(page, ["night.jpg", "sunset.jpg"]);
  await listOperation(page, "Gallery Tools: add to a gallery");
  await page.fill("#gallery-tools-find", "Empty");
  await page.click('.gallery-tools-found button:text-is("Empty Collection (0)")');
  await page.click(".gallery-tools-add .gallery-tools-next");
  const preview = await waitForPreview(page);
  assert.deepEqual(preview.rows, [{ what: "Images", before: "0 images", after: "+ 2 images: night.jpg, sunset.jpg" }]);
  assert.match(preview.title, /^Add to a gallery: Empty Collection$/);
  await screenshot(page, "gallery-tools-add-to-gallery.png");
  await applyExactly(page, preview, "6");
  await close();
});

test("the images list adds selected images to a new gallery with the title typed", async () => {
  const { page, close } = await openPage(stash, "/images");
  await page.waitForSelector(".item-card");
  await selectImages(page, ["h03.jpg"]);
  await listOperation(page, "Gallery Tools: add to a gallery");
  await page.fill("#gallery-tools-new", "Hiking picks");
  await page.click(".gallery-tools-add .gallery-tools-next");
  const preview = await waitForPreview(page);
  assert.deepEqual(preview.rows, [{ what: "New gallery", before: "—", after: "“Hiking picks” with 1 image: h03.jpg" }]);
  await applyExactly(page, preview, null);
  await close();
});
