// The lists plugins extend, as Stash v0.30.1 builds them:
// - ItemList (ui/v2.5/src/components/List/ItemList.tsx): runs the find query, keeps the selected
//   ids (a Set of id strings), and turns each `extraOperations` entry {text, onClick(result, filter,
//   selectedIds), isDisplayed(result, filter, selectedIds), postRefetch, icon, buttonVariant} into a
//   toolbar operation; after onClick resolves, postRefetch refetches the list.
// - ListOperationButtons (List/ListOperationButtons.tsx): operations with an icon are buttons
//   (title = text), the others items of the "..." dropdown, each shown when isDisplayed() says so.
// - ImageList (Images/ImageList.tsx) and GalleryList (Galleries/GalleryList.tsx): PatchComponents
//   "ImageList" {filterHook, view, alterQuery, extraOperations, chapters} and "GalleryList"
//   {filterHook, view, alterQuery, extraOperations}, which put their own operations after the
//   extra ones.
import React, { useMemo, useState } from "react";
import { useQuery, gql } from "@apollo/client";
import { Button, ButtonGroup, Dropdown } from "react-bootstrap";
import { patchComponent } from "./patch.js";
import { Icon, basename } from "./util.jsx";

const FIND_IMAGES = gql`
  query FindImages($filter: FindFilterType, $image_filter: ImageFilterType) {
    findImages(filter: $filter, image_filter: $image_filter) {
      count
      images {
        id
        title
        visual_files { ... on ImageFile { path width height } ... on VideoFile { path width height } }
        tags { id name }
        performers { id name }
        studio { id name }
        date
        galleries { id title }
      }
    }
  }
`;

const FIND_GALLERIES = gql`
  query FindGalleries($filter: FindFilterType, $gallery_filter: GalleryFilterType) {
    findGalleries(filter: $filter, gallery_filter: $gallery_filter) {
      count
      galleries { id title image_count files { path } folder { path } }
    }
  }
`;

// A small stand-in for Stash's ListFilterModel: what filterHook gets and returns.
function newFilter(mode) {
  return { mode, criteria: [], sortBy: "path", sortDirection: "ASC", itemsPerPage: 100, currentPage: 1 };
}

function imageFilterOf(filter) {
  const galleries = filter.criteria.find((c) => c.type === "galleries");
  return galleries ? { galleries: { value: galleries.value.map((g) => g.id), modifier: galleries.modifier } } : {};
}

function ListToolbar({ operations, selected }) {
  const shown = operations.filter((o) => o.isDisplayed());
  const buttons = shown.filter((o) => o.icon);
  const items = shown.filter((o) => !o.icon);
  return (
    <div className="filtered-list-toolbar btn-toolbar mb-2">
      <span className="selected-count mr-2">{selected.size}</span>
      <ButtonGroup>
        {buttons.map((o) => (
          <Button key={o.text} variant={o.buttonVariant || "secondary"} title={o.text} onClick={o.onClick}>
            <Icon icon={o.icon} />
          </Button>
        ))}
        {items.length > 0 && (
          <Dropdown as={ButtonGroup}>
            <Dropdown.Toggle variant="secondary" id="more-menu" title="More">…</Dropdown.Toggle>
            <Dropdown.Menu className="bg-secondary text-white">
              {items.map((o) => (
                <Dropdown.Item key={o.text} className="bg-secondary text-white" onClick={o.onClick}>
                  {o.text}
                </Dropdown.Item>
              ))}
            </Dropdown.Menu>
          </Dropdown>
        )}
      </ButtonGroup>
    </div>
  );
}

function ItemList({ mode, query, variablesOf, itemsOf, filterHook, otherOperations, renderItem }) {
  const filter = useMemo(() => (filterHook ? filterHook(newFilter(mode)) : newFilter(mode)), [filterHook, mode]);
  const result = useQuery(query, { variables: variablesOf(filter) });
  const [selected, setSelected] = useState(() => new Set());
  const items = result.data ? itemsOf(result.data) : [];

  const operations = (otherOperations || []).map((o) => ({
    text: o.text,
    icon: o.icon,
    buttonVariant: o.buttonVariant,
    isDisplayed: () => (o.isDisplayed ? o.isDisplayed(result, filter, selected) : true),
    onClick: async () => {
      await o.onClick(result, filter, selected);
      if (o.postRefetch) result.refetch();
    },
  }));

  function toggle(id) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  }

  return (
    <div className={`item-list item-list-${mode}`}>
      <ListToolbar operations={operations} selected={selected} />
      {result.loading && !result.data ? <div className="loading">Loading…</div> : null}
      <div className="row item-list-items">
        {items.map((item) => (
          <div key={item.id} className="col-3 item-card" data-id={item.id}>
            <label className="card-check-label">
              <input type="checkbox" className="card-check" checked={selected.has(item.id)}
                     onChange={() => toggle(item.id)} />
              {renderItem(item)}
            </label>
          </div>
        ))}
      </div>
    </div>
  );
}

function imagePath(image) {
  const file = (image.visual_files || [])[0];
  return file ? file.path : "";
}

function ImageCard(image) {
  return (
    <span className="image-card-body">
      <span className="image-name">{basename(imagePath(image))}</span>
      <span className="image-tags">{image.tags.map((t) => t.name).join(", ")}</span>
      <span className="image-performers">{image.performers.map((p) => p.name).join(", ")}</span>
      <span className="image-studio">{image.studio ? image.studio.name : ""}</span>
      <span className="image-date">{image.date || ""}</span>
    </span>
  );
}

function galleryName(gallery) {
  if (gallery.title) return gallery.title;
  const file = (gallery.files || [])[0];
  return basename(file ? file.path : gallery.folder ? gallery.folder.path : "") || `Gallery ${gallery.id}`;
}

function GalleryCard(gallery) {
  return (
    <span className="gallery-card-body">
      <span className="gallery-name">{galleryName(gallery)}</span>{" "}
      <span className="gallery-image-count">{gallery.image_count}</span>
    </span>
  );
}

export function makeLists(patchable) {
  const ImageList = patchComponent("ImageList", function ImageList({ filterHook, extraOperations = [] }) {
    const otherOperations = [...extraOperations, { text: "View Random", onClick: async () => {} }];
    return (
      <ItemList mode="images" query={FIND_IMAGES} filterHook={filterHook} otherOperations={otherOperations}
                variablesOf={(f) => ({ filter: { per_page: f.itemsPerPage, sort: f.sortBy, direction: f.sortDirection },
                                       image_filter: imageFilterOf(f) })}
                itemsOf={(data) => data.findImages.images} renderItem={ImageCard} />
    );
  }, patchable);

  const GalleryList = patchComponent("GalleryList", function GalleryList({ extraOperations = [] }) {
    const otherOperations = [...extraOperations, { text: "View Random", onClick: async () => {} }];
    return (
      <ItemList mode="galleries" query={FIND_GALLERIES} otherOperations={otherOperations}
                variablesOf={(f) => ({ filter: { per_page: f.itemsPerPage, sort: "id", direction: "ASC" } })}
                itemsOf={(data) => data.findGalleries.galleries} renderItem={GalleryCard} />
    );
  }, patchable);

  return { ImageList, GalleryList };
}

export { galleryName, imagePath };
