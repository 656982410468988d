// The gallery page's Gallery Tools menu, one action at a time on the sample library: the preview
// names what it changes, Apply changes the simulator exactly as previewed and nothing else, the page
// shows the new state without a reload, and a toast says what was written.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  applyAndWait, chapters, chooseAction, closeBrowser, field, openGallery, screenshot, startStash,
} from "./support.mjs";
import { assertExactly, snapshot } from "./effects.mjs";

let stash;
before(async () => { stash = await startStash({ onDisk: true }); });
after(async () => { await closeBrowser(); await stash.stop(); });

// Each action of the menu on a gallery of the sample that has something for it, the rows its preview
// must show (names, not ids), and what the page shows once it is applied.
const ACTIONS = [
  {
    label: "Chapters from folders", gallery: "3", shots: true,
    rows: [
      { what: "Chapter", before: "—", after: "“Day 1” at image 1 (001.jpg)" },
      { what: "Chapter", before: "—", after: "“Day 2” at image 3 (001.jpg)" },
      { what: "Chapter", before: "—", after: "“Day 10” at image 5 (001.jpg)" },
    ],
    page: async (page) => assert.deepEqual(await chapters(page), ["Day 1 @ 1", "Day 2 @ 3", "Day 10 @ 5"]),
  },
  {
    label: "Title from path", gallery: "1",
    rows: [{ what: "Title", before: "—", after: "Beach 2021" }],
    page: async (page) => assert.equal(await field(page, "title"), "Beach 2021"),
  },
  {
    label: "Cover by rule", gallery: "4",
    rows: [{ what: "Cover", before: "a.jpg (Stash's default)", after: "b.jpg" }],
    page: async (page) => assert.equal(await field(page, "cover"), "b.jpg"),
  },
  {
    label: "Sync images from gallery", gallery: "1",
    rows: [{ what: "4 images", before: "cover.jpg, IMG_0001.jpg, IMG_0002.jpg, IMG_0010.jpg",
             after: "date 2021-07-14; + performers Ada Vale; studio Lumen Studio; + tags Beach" }],
    page: async (page) => {
      const card = page.locator(".item-card", { has: page.locator('.image-name:text-is("IMG_0002.jpg")') });
      await card.locator('.image-tags:text-is("Beach")').waitFor();
      assert.equal(await card.locator(".image-studio").textContent(), "Lumen Studio");
    },
  },
  {
    label: "Tags and performers from images", gallery: "10",
    rows: [{ what: "Tags", before: "—", after: "+ Travel" }, { what: "Performers", before: "—", after: "+ Bo Lind" }],
    page: async (page) => {
      assert.equal(await field(page, "tags"), "Travel");
      assert.equal(await field(page, "performers"), "Bo Lind");
    },
  },
  {
    label: "Link scene", gallery: "4",
    rows: [{ what: "Scenes", before: "—", after: "+ City Walk" }],
    page: async (page) => assert.equal(await field(page, "scenes"), "City Walk"),
  },
  {
    label: "Metadata from files", gallery: "8",
    rows: [
      { what: "Title", before: "—", after: "Coast #3: The Harbour" },
      { what: "Date", before: "—", after: "2019-06-02" },
      { what: "Details", before: "—", after: "Boats at dawn." },
      { what: "Photographer", before: "—", after: "Ada Vale" },
      { what: "Tags", before: "—", after: "+ Beach, + Travel" },
      { what: "URLs", before: "—", after: "+ https://example.org/coast/3" },
    ],
    page: async (page) => {
      assert.equal(await field(page, "title"), "Coast #3: The Harbour");
      assert.equal(await field(page, "tags"), "Beach, Travel");
    },
  },
  {
    label: "Duplicates of this gallery", gallery: "2",
    // the kept one is the zip (the newer of two present, equal sets); it gets what it lacks
    rows: [
      { gallery: "Portraits.zip", what: "Title", before: "—", after: "Studio Portraits" },
      { gallery: "Portraits.zip", what: "Photographer", before: "—", after: "Jo Marsh" },
      { gallery: "Portraits.zip", what: "Tags", before: "—", after: "+ Portrait" },
      { gallery: "Portraits.zip", what: "Cover", before: "p01.jpg (Stash's default)", after: "p03.jpg" },
    ],
    text: [/Kept: Portraits\.zip; its duplicates \(image checksums\): Studio Portraits\./,
           /Studio Portraits: duplicate, kept \(its zip or folder is on disk/],
    page: async (page) => assert.equal(await field(page, "title"), "Studio Portraits"), // this gallery: as it was
  },
];

for (const action of ACTIONS) {
  test(`${action.label}: the preview names it, Apply writes exactly that, the page shows it`, async () => {
    const { page, close } = await openGallery(stash, action.gallery);
    if (action.shots) {
      await page.click(".gallery-tools-menu .dropdown-toggle");
      await page.locator(".gallery-tools-menu .dropdown-menu.show").waitFor();
      await screenshot(page, "gallery-tools-menu.png");
      await page.click(".gallery-tools-menu .dropdown-toggle");
    }
    const preview = await chooseAction(page, action.label);
    assert.deepEqual(preview.errors, []);
    assert.deepEqual(preview.rows, action.rows, preview.text);
    for (const pattern of action.text || []) assert.match(preview.text, pattern);
    // names, never ids ("at image 3" is a place in the gallery, not an id)
    assert.doesNotMatch(preview.text, /(?<!at )\b(gallery|image|tag|performer|studio|scene) \d+\b/);
    if (action.shots) await screenshot(page, "gallery-tools-preview.png");

    const beforeApply = await snapshot(stash);
    const toast = await applyAndWait(page);
    assert.match(toast, new RegExp(`^${action.label}: ${action.rows.length} changes? written for `));
    const afterApply = await snapshot(stash);
    assertExactly(beforeApply, afterApply, preview.rows, action.gallery);
    await action.page(page); // the page shows the new state without a reload
    if (action.shots) await screenshot(page, "gallery-tools-result.png");
    await close();
  });
}
