// What a preview promises, and what Apply did to the simulator, side by side.
//
// snapshot(stash) reads every gallery and image the way a person would look at them (names, file
// names, chapter titles); changes(before, after) lists what differs. promised(rows, ...) reads the
// preview's rows (what / now / after, in the words the dialog shows) back into the same form, so a
// test can check that Apply changed exactly what the preview said and nothing else.
import assert from "node:assert/strict";

const SNAPSHOT = `{
  findGalleries(filter: { per_page: -1, sort: "id", direction: ASC }) { galleries {
    id title code date details photographer rating100 organized urls image_count
    files { path } folder { path }
    studio { name } tags { name } performers { name } scenes { title } chapters { title image_index }
    cover { visual_files { ... on ImageFile { path } ... on VideoFile { path } } } } }
  findImages(filter: { per_page: -1, sort: "id", direction: ASC }) { images {
    id date photographer visual_files { ... on ImageFile { path } ... on VideoFile { path } }
    studio { name } tags { name } performers { name } galleries { id } } }
}`;

const base = (path) => (path || "").split(/[\\/]/).pop();
const names = (list, key = "name") => (list || []).map((o) => o[key]).sort();

export function galleryName(g) {
  return g.title || base(g.files[0] ? g.files[0].path : g.folder ? g.folder.path : "") || `gallery ${g.id}`;
}

export async function snapshot(stash) {
  const data = await stash.gql(SNAPSHOT);
  const state = { galleries: {}, images: {}, values: {} };
  for (const g of data.findGalleries.galleries) {
    state.galleries[g.id] = g;
    const v = (field, value) => { state.values[`gallery ${g.id} ${field}`] = JSON.stringify(value); };
    for (const field of ["title", "code", "date", "details", "photographer", "rating100", "organized"]) {
      v(field, g[field] || null);
    }
    v("urls", [...(g.urls || [])].sort());
    v("studio", g.studio ? g.studio.name : null);
    v("tags", names(g.tags));
    v("performers", names(g.performers));
    v("scenes", names(g.scenes, "title"));
    v("chapters", g.chapters.map((c) => `${c.title}@${c.image_index}`).sort());
    v("cover", g.cover ? base(g.cover.visual_files[0].path) : null);
    v("image_count", g.image_count);
  }
  for (const i of data.findImages.images) {
    state.images[i.id] = i;
    const v = (field, value) => { state.values[`image ${i.id} ${field}`] = JSON.stringify(value); };
    v("date", i.date || null);
    v("photographer", i.photographer || null);
    v("studio", i.studio ? i.studio.name : null);
    v("tags", names(i.tags));
    v("performers", names(i.performers));
    v("galleries", i.galleries.map((g) => g.id).sort((a, b) => a - b));
  }
  return state;
}

// Every value that differs between two snapshots: {"gallery 3 title": [before, after]}.
export function changes(before, after) {
  const found = {};
  for (const key of new Set([...Object.keys(before.values), ...Object.keys(after.values)])) {
    if (before.values[key] !== after.values[key]) {
      found[key] = [JSON.parse(before.values[key] ?? "null"), JSON.parse(after.values[key] ?? "null")];
    }
  }
  return found;
}

const FIELDS = { Title: "title", Code: "code", Date: "date", Details: "details", Photographer: "photographer",
                 Studio: "studio", Tags: "tags", Performers: "performers", Scenes: "scenes", URLs: "urls" };
const LISTS = new Set(["tags", "performers", "scenes", "urls"]);
const IMAGE_LISTS = { tags: "tags", performers: "performers" };

function parse(key, value) { return JSON.parse(value ?? "null"); }

// The values the preview's rows promise, in snapshot form ({"gallery 3 title": value}), read from
// the rows' words; `subject` is the gallery the rows are about when they do not name one.
export function promised(rows, before, subject, after = null) {
  const byName = {};
  for (const g of Object.values(before.galleries)) byName[galleryName(g)] = g.id;
  const want = {};
  const current = (key) => (key in want ? want[key] : parse(key, before.values[key]));
  for (const row of rows) {
    const gid = row.gallery ? byName[row.gallery] : subject;
    assert.ok(gid || row.what === "New gallery", `a row about an unknown gallery: ${JSON.stringify(row)}`);
    const field = FIELDS[row.what];
    if (field && LISTS.has(field)) {
      const added = row.after.split(", ").filter((s) => s.startsWith("+ ")).map((s) => s.slice(2));
      const key = `gallery ${gid} ${field}`;
      want[key] = [...new Set([...current(key), ...added])].sort();
    } else if (field) {
      want[`gallery ${gid} ${field}`] = row.after === "—" ? null : row.after;
    } else if (row.what === "Chapter") {
      const key = `gallery ${gid} chapters`;
      const chapters = current(key).filter((c) => !row.before.startsWith(`“${c.split("@")[0]}”`));
      const made = /^“(.*)” at image (\d+)/.exec(row.after);
      if (made) chapters.push(`${made[1]}@${made[2]}`);
      want[key] = chapters.sort();
    } else if (row.what === "Cover") {
      want[`gallery ${gid} cover`] = row.after;
    } else if (/^\d+ images?$/i.test(row.what) && / images? removed|removed from this gallery/.test(row.after)) {
      for (const id of imagesNamed(row.before, gid, before)) {
        want[`image ${id} galleries`] = current(`image ${id} galleries`).filter((g) => g !== gid);
      }
      want[`gallery ${gid} image_count`] = current(`gallery ${gid} image_count`) - Number(row.what.split(" ")[0]);
    } else if (/^\d+ images?$/i.test(row.what)) {
      for (const id of imagesNamed(row.before, gid, before)) {
        for (const part of row.after.split("; ")) {
          const [, sign, word, value] = /^([+−]?) ?(\w+) (.*)$/.exec(part);
          const key = `image ${id} ${IMAGE_LISTS[word] || word}`;
          if (IMAGE_LISTS[word]) {
            const values = value.split(", ");
            const now = current(key);
            want[key] = (sign === "−" ? now.filter((v) => !values.includes(v)) : [...new Set([...now, ...values])]).sort();
          } else {
            want[key] = value;
          }
        }
      }
    } else if (row.what === "Images") {
      const [, count, list] = /^\+ (\d+) images?: (.*)$/.exec(row.after);
      const added = imagesNamed(list, null, before);
      for (const id of added) {
        want[`image ${id} galleries`] = [...current(`image ${id} galleries`), gid].sort((a, b) => a - b);
      }
      const had = current(`gallery ${gid} image_count`);
      want[`gallery ${gid} image_count`] = had + Number(count);
      if (had === 0) want[`gallery ${gid} cover`] = firstByPath(added, before);
    } else if (row.what === "New gallery") {
      const [, title, count, list] = /^“(.*)” with (\d+) images?: (.*)$/.exec(row.after);
      const made = Object.values(after.galleries).find((g) => !before.galleries[g.id] && g.title === title);
      assert.ok(made, `the new gallery “${title}”`);
      for (const key of Object.keys(after.values).filter((k) => k.startsWith(`gallery ${made.id} `))) {
        want[key] = parse(key, after.values[key]); // a new gallery: every field is new
      }
      assert.equal(made.image_count, Number(count));
      for (const id of imagesNamed(list, null, before)) {
        want[`image ${id} galleries`] = [...current(`image ${id} galleries`), made.id].sort((a, b) => a - b);
      }
    } else {
      assert.fail(`a row this check does not read: ${JSON.stringify(row)}`);
    }
  }
  return want;
}

// The cover Stash shows for a gallery that had no images once these join it: its default pick, the
// first image by path whose name matches the gallery cover regex, else the first by path (none of
// the sample's loose images is named like a cover).
function firstByPath(ids, before) {
  const paths = ids.map((id) => before.images[id].visual_files[0].path).sort();
  return base(paths[0]);
}

// The images a row names by file name: among the gallery's images, or all images (gid null).
function imagesNamed(list, gid, before) {
  const inGallery = Object.values(before.images).filter((i) => gid === null || i.galleries.some((g) => g.id === gid));
  return list.split(", ").map((name) => {
    const found = inGallery.filter((i) => base(i.visual_files[0].path) === name);
    assert.equal(found.length, 1, `the image ${name} of gallery ${gid}`);
    return found[0].id;
  });
}

// Apply changed exactly what the rows promised: every promised value is there, and nothing else moved.
export function assertExactly(before, after, rows, subject) {
  const want = promised(rows, before, subject, after);
  const got = changes(before, after);
  const gotValues = Object.fromEntries(Object.entries(got).map(([k, [, now]]) => [k, now]));
  const wanted = Object.fromEntries(Object.entries(want).filter(([k, v]) => JSON.stringify(v) !== before.values[k]));
  assert.deepEqual(gotValues, wanted);
}
