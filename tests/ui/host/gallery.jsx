// A gallery's page as Stash v0.30.1 builds the part plugins touch:
// - Galleries/GalleryDetails/Gallery.tsx reads the gallery (findGallery with GalleryData) and shows
//   its details, chapters and cover; here a plain summary of the same fields, for the tests to read.
// - Galleries/GalleryDetails/GalleryImagesPanel.tsx: PatchComponent "GalleryImagesPanel" with props
//   {active, gallery, extraOperations}; its filterHook adds the gallery to the images' criteria, and
//   it renders ImageList with the extra operations first, then its own "Set Cover" (one image
//   selected) and "Remove from Gallery" (a minus icon, danger, postRefetch).
import React from "react";
import { useMutation, useQuery, gql } from "@apollo/client";
import { faMinus } from "@fortawesome/free-solid-svg-icons";
import { patchComponent } from "./patch.js";
import { useToast } from "./toast.jsx";
import { basename } from "./util.jsx";

export const FIND_GALLERY = gql`
  query FindGallery($id: ID!) {
    findGallery(id: $id) {
      id
      title
      code
      date
      details
      photographer
      urls
      image_count
      organized
      files { path }
      folder { path }
      studio { id name }
      tags { id name }
      performers { id name }
      scenes { id title }
      chapters { id title image_index }
      cover { id visual_files { ... on ImageFile { path } ... on VideoFile { path } } }
    }
  }
`;

const SET_COVER = gql`
  mutation SetGalleryCover($input: GallerySetCoverInput!) { setGalleryCover(input: $input) }
`;
const REMOVE_IMAGES = gql`
  mutation RemoveGalleryImages($input: GalleryRemoveInput!) { removeGalleryImages(input: $input) }
`;

const showWhenSelected = (result, filter, selectedIds) => selectedIds.size > 0;
const showWhenSingleSelection = (result, filter, selectedIds) => selectedIds.size === 1;

export function makeGalleryPage({ ImageList }, patchable) {
  const GalleryImagesPanel = patchComponent("GalleryImagesPanel", function GalleryImagesPanel(
    { active, gallery, extraOperations = [] }) {
    const Toast = useToast();
    const [setCover] = useMutation(SET_COVER);
    const [removeImages] = useMutation(REMOVE_IMAGES);

    function filterHook(filter) {
      filter.criteria.push({ type: "galleries", modifier: "INCLUDES_ALL",
                             value: [{ id: gallery.id, label: gallery.title }] });
      return filter;
    }

    const otherOperations = [
      ...extraOperations,
      {
        text: "Set Cover",
        isDisplayed: showWhenSingleSelection,
        onClick: async (result, filter, selectedIds) => {
          await setCover({ variables: { input: { gallery_id: gallery.id, cover_image_id: [...selectedIds][0] } } });
          Toast.success("Updated gallery");
        },
      },
      {
        text: "Remove from Gallery",
        icon: faMinus,
        buttonVariant: "danger",
        postRefetch: true,
        isDisplayed: showWhenSelected,
        onClick: async (result, filter, selectedIds) => {
          await removeImages({ variables: { input: { gallery_id: gallery.id, image_ids: [...selectedIds] } } });
          Toast.success(`Removed ${selectedIds.size} images`);
        },
      },
    ];
    return <ImageList filterHook={filterHook} alterQuery={active} extraOperations={otherOperations}
                      chapters={gallery.chapters} />;
  }, patchable);

  function GalleryPage({ id }) {
    const { data, error } = useQuery(FIND_GALLERY, { variables: { id } });
    if (error) return <div className="alert alert-danger">{error.message}</div>;
    if (!data) return <div className="loading">Loading…</div>;
    const gallery = data.findGallery;
    if (!gallery) return <div className="alert alert-warning">No gallery {id}</div>;
    const path = gallery.files[0] ? gallery.files[0].path : gallery.folder ? gallery.folder.path : "";
    const cover = gallery.cover && gallery.cover.visual_files[0] ? basename(gallery.cover.visual_files[0].path) : "";
    return (
      <div className="gallery-page">
        <h3 className="gallery-title">{gallery.title || basename(path)}</h3>
        <dl className="gallery-details">
          <dt>Title</dt><dd className="gallery-field-title">{gallery.title || ""}</dd>
          <dt>Date</dt><dd className="gallery-field-date">{gallery.date || ""}</dd>
          <dt>Code</dt><dd className="gallery-field-code">{gallery.code || ""}</dd>
          <dt>Studio</dt><dd className="gallery-field-studio">{gallery.studio ? gallery.studio.name : ""}</dd>
          <dt>Tags</dt><dd className="gallery-field-tags">{gallery.tags.map((t) => t.name).join(", ")}</dd>
          <dt>Performers</dt>
          <dd className="gallery-field-performers">{gallery.performers.map((p) => p.name).join(", ")}</dd>
          <dt>Scenes</dt><dd className="gallery-field-scenes">{gallery.scenes.map((s) => s.title).join(", ")}</dd>
          <dt>Details</dt><dd className="gallery-field-details">{gallery.details || ""}</dd>
          <dt>Photographer</dt><dd className="gallery-field-photographer">{gallery.photographer || ""}</dd>
          <dt>URLs</dt><dd className="gallery-field-urls">{(gallery.urls || []).join(" ")}</dd>
          <dt>Cover</dt><dd className="gallery-field-cover">{cover}</dd>
          <dt>Images</dt><dd className="gallery-field-image-count">{gallery.image_count}</dd>
        </dl>
        <ol className="gallery-chapters">
          {gallery.chapters.map((c) => (
            <li key={c.id} className="gallery-chapter">{c.title} @ {c.image_index}</li>
          ))}
        </ol>
        <GalleryImagesPanel active gallery={gallery} />
      </div>
    );
  }

  return { GalleryImagesPanel, GalleryPage };
}
