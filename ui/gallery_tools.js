// Gallery Tools in Stash's web UI (Stash v0.30.0 or newer): the gallery page's Gallery Tools menu,
// actions on selected images and galleries, each with a preview in words and an explicit Apply.
//
// Plain browser JavaScript: Stash serves this file at /plugin/gallery_tools/javascript (the
// manifest's ui section) and runs it once the page has window.PluginApi (React 17, react-bootstrap
// 1.6 and Apollo Client 3 are Stash's own, from PluginApi). Nothing is loaded from anywhere else.
//
// How it hooks in (Stash's ui/v2.5/src/patch.tsx and the components' own files):
// - GalleryImagesPanel {active, gallery, extraOperations}: `after` puts the Gallery Tools menu above
//   the gallery's images; `before` adds the operations on selected images (set as cover, start a
//   chapter here, remove from this gallery).
// - ImageList {extraOperations, ...}: `before` adds "add to a gallery" (the images list and a
//   gallery's images); `after` adds the place where the selected images' dialogs open.
// - GalleryList {extraOperations, ...}: `before` adds "run a task on the selected galleries";
//   `after` the place where its dialog opens.
// Every action asks Gallery Tools (runPluginOperation, the Python plugin) for a preview first: what
// would change, in names, and what is left alone and why. Apply sends the preview's fingerprint
// back; when the gallery changed since, nothing is written and the new preview is shown instead.
(function () {
  "use strict";

  var PLUGIN_ID = "gallery_tools";
  var LOADED = "__galleryToolsUiLoaded";
  var OLD_STASH = "Gallery Tools: this Stash has no gallery page patch points (they came with Stash v0.30.0):" +
    " the gallery page actions are off. The tasks (Settings > Tasks > Gallery Tools) work as before.";

  var api = window.PluginApi;
  if (!api || !api.patch || !api.React || !api.libraries || !api.libraries.Apollo) {
    if (!window[LOADED]) console.info(OLD_STASH);
    window[LOADED] = true;
    return;
  }
  if (window[LOADED]) return; // the script ran already: its patches are registered once
  window[LOADED] = true;

  var React = api.React;
  var h = React.createElement;
  var Fragment = React.Fragment;
  var useState = React.useState;
  var useEffect = React.useEffect;
  var B = api.libraries.Bootstrap;
  var Apollo = api.libraries.Apollo;
  var icons = api.libraries.FontAwesomeSolid || {};

  // -- talking to Stash -----------------------------------------------------------------------------
  var RUN_OPERATION = Apollo.gql(
    "mutation GalleryToolsOperation($plugin_id: ID!, $args: Map) {" +
    " runPluginOperation(plugin_id: $plugin_id, args: $args) }");
  var RUN_TASK = Apollo.gql(
    "mutation GalleryToolsTask($plugin_id: ID!, $task_name: String!, $args_map: Map) {" +
    " runPluginTask(plugin_id: $plugin_id, task_name: $task_name, args_map: $args_map) }");
  var FIND_GALLERIES = Apollo.gql(
    "query GalleryToolsFindGalleries($filter: FindFilterType) {" +
    " findGalleries(filter: $filter) { count galleries { id title image_count files { path } folder { path } } } }");
  var VERSION = Apollo.gql("query GalleryToolsVersion { version { version } }");
  var GALLERY_SCRAPERS = Apollo.gql(
    "query GalleryToolsScrapers { listScrapers(types: [GALLERY]) { id name gallery { urls supported_scrapes } } }");

  // Gallery Tools (the Python plugin) answers one request; Stash starts it for each (about half a
  // second), and the request stays open until it is done.
  function runGalleryTools(client, args) {
    return client.mutate({ mutation: RUN_OPERATION, variables: { plugin_id: PLUGIN_ID, args: args },
                           fetchPolicy: "no-cache" })
      .then(function (result) { return result.data.runPluginOperation; });
  }

  // After a write: drop what Stash's pages cached of the galleries and images lists and of the
  // galleries written, then fetch again what is on screen, so the page shows the new state.
  function refreshStash(client, galleryIds) {
    var cache = client.cache;
    (galleryIds || []).forEach(function (id) {
      cache.evict({ id: cache.identify({ __typename: "Gallery", id: String(id) }) });
    });
    cache.modify({
      fields: {
        findGalleries: function (_, helpers) { return helpers.DELETE; },
        findImages: function (_, helpers) { return helpers.DELETE; },
      },
    });
    cache.gc();
    return client.refetchQueries({ include: "active" });
  }

  function errorText(error) {
    if (error && error.graphQLErrors && error.graphQLErrors.length) {
      return error.graphQLErrors.map(function (e) { return e.message; }).join("; ");
    }
    return String(error && error.message ? error.message : error);
  }

  // Stash v0.29 and older have none of the patch points below: they are never called there. Say so
  // once, in the console, and stay out of the way.
  function noteOldStash() {
    var getClient = api.utils && api.utils.StashService && api.utils.StashService.getClient;
    if (!getClient) return;
    getClient().query({ query: VERSION }).then(function (result) {
      var version = result.data && result.data.version && result.data.version.version;
      var found = /^v?(\d+)\.(\d+)/.exec(version || "");
      if (found && (Number(found[1]) === 0 && Number(found[2]) < 30)) console.info(OLD_STASH + " (" + version + ")");
    }, function () { /* the version is only for this note */ });
  }

  // -- what the menus offer ---------------------------------------------------------------------------
  // Each action is a page action of the Python plugin (its preview names what it would do).
  var GALLERY_ACTIONS = [
    { action: "chapters_from_folders", label: "Chapters from folders" },
    { action: "chapters_from_folders_replace", label: "Chapters from folders (replace)" },
    { action: "cover_by_rule", label: "Cover by rule" },
    { action: "title_from_path", label: "Title from path" },
    { action: "sync_images_from_gallery", label: "Sync images from gallery" },
    { action: "sync_images_from_gallery_mirror", label: "Sync images from gallery (mirror)" },
    { action: "tags_performers_from_images", label: "Tags and performers from images" },
    { action: "link_scene", label: "Link scene" },
    { action: "metadata_from_files", label: "Metadata from files" },
    { action: "duplicates", label: "Duplicates of this gallery" },
    { action: "duplicates_delete", label: "Duplicates of this gallery (merge and delete)" },
  ];
  var LIST_ACTIONS = GALLERY_ACTIONS.filter(function (a) { return a.action.indexOf("duplicates") !== 0; });
  // Scrape with…: first which scraper (and which fields it may replace), then the preview; its
  // scrapers' answers come back with Apply (or the job), which writes them without scraping again.
  var SCRAPE = { action: "scrape", label: "Scrape with…", pick: true };
  var OVERWRITABLE = [
    { field: "title", label: "Title" }, { field: "code", label: "Code" }, { field: "details", label: "Details" },
    { field: "photographer", label: "Photographer" }, { field: "date", label: "Date" },
    { field: "studio", label: "Studio" },
  ];

  // -- the preview dialog -------------------------------------------------------------------------------
  function Working(props) {
    return h("div", { className: "gallery-tools-working" },
      h(B.Spinner, { animation: "border", size: "sm", role: "status" }), " ",
      props.text || "Gallery Tools is working… (Stash starts it for each step: about half a second)");
  }

  function ChangesTable(props) {
    var many = props.many;
    return h(B.Table, { size: "sm", className: "gallery-tools-changes" },
      h("thead", null, h("tr", null,
        many ? h("th", null, "Gallery") : null, h("th", null, "What"), h("th", null, "Now"),
        h("th", null, "After"))),
      h("tbody", null, props.changes.map(function (c, i) {
        return h("tr", { key: i, className: "gallery-tools-change" + (c.deletes ? " gallery-tools-deletes" : "") },
          many ? h("td", { className: "gallery-tools-gallery" }, c.gallery || "") : null,
          h("td", { className: "gallery-tools-what" }, c.what),
          h("td", { className: "gallery-tools-before" }, c.before),
          h("td", { className: "gallery-tools-after" }, c.after));
      })));
  }

  function PreviewBody(props) {
    var doc = props.doc;
    return h("div", { className: "gallery-tools-preview" },
      doc.changes.length
        ? h(Fragment, null, h("p", { className: "gallery-tools-summary" }, doc.summary), h(ChangesTable, doc))
        : h("p", { className: "gallery-tools-nothing" }, doc.summary),
      doc.more ? h("p", { className: "gallery-tools-more" }, doc.more) : null,
      doc.left_alone.length ? h(Fragment, null,
        h("h6", null, "Left alone"),
        h("ul", { className: "gallery-tools-left-alone" }, doc.left_alone.map(function (item, i) {
          return h("li", { key: i }, item.gallery ? h("strong", null, item.gallery + ": ") : null, item.text);
        }))) : null,
      doc.failed.length ? h(B.Alert, { variant: "danger", className: "gallery-tools-failed" },
        doc.failed.map(function (item, i) { return h("div", { key: i }, item.text); })) : null,
      doc.note ? h("p", { className: "gallery-tools-note text-muted" }, doc.note) : null);
  }

  // The dialog of one action: preview, then (after a confirm when it deletes or replaces) apply.
  // `request.args` are the page action's args; `request.asJob` applies as a Stash job instead.
  function ActionDialog(props) {
    var request = props.request;
    var client = Apollo.useApolloClient();
    var Toast = api.hooks.useToast();
    var state = useState({ working: true, doc: null, error: null, notice: null, confirmed: false });
    var s = state[0];
    var set = state[1];

    function update(change) { set(function (old) { return Object.assign({}, old, change); }); }

    useEffect(function () {
      var live = true;
      runGalleryTools(client, Object.assign({ page: "preview" }, request.args)).then(function (doc) {
        if (live) update({ working: false, doc: doc });
      }, function (error) {
        if (live) update({ working: false, error: errorText(error) });
      });
      return function () { live = false; };
    }, []);

    function apply() {
      update({ working: true, error: null, notice: null });
      if (request.asJob) {
        var task = s.doc.task;
        client.mutate({ mutation: RUN_TASK, fetchPolicy: "no-cache", variables: {
          plugin_id: PLUGIN_ID, task_name: task.name,
          args_map: Object.assign({}, task.args, { fingerprint: s.doc.fingerprint }) } })
          .then(function () {
            Toast.success(task.name + ": queued as a Stash job for " + s.doc.subject +
                          " (Settings > Tasks shows its progress)");
            props.onClose();
          }, function (error) { update({ working: false, error: errorText(error) }); });
        return;
      }
      // the preview's own apply args (a scrape's answers) go back with it: Apply writes exactly them
      var args = Object.assign({ page: "apply", fingerprint: s.doc.fingerprint }, request.args, s.doc.apply_args);
      runGalleryTools(client, args).then(function (result) {
        if (!result.applied) {
          update({ working: false, doc: result.preview, notice: result.message, confirmed: false });
          return;
        }
        return refreshStash(client, result.gallery_ids).then(function () {
          if (result.failed && result.failed.length) Toast.error(result.toast);
          else Toast.success(result.toast);
          props.onClose();
        });
      }).catch(function (error) { update({ working: false, error: errorText(error) }); });
    }

    var doc = s.doc;
    var canApply = doc && !s.working && doc.changes.length > 0 && (!doc.deletes || s.confirmed);
    return h(B.Modal, { show: true, onHide: props.onClose, size: "lg", className: "gallery-tools-dialog" },
      h(B.Modal.Header, { closeButton: true },
        h(B.Modal.Title, null, doc ? doc.label + ": " + doc.subject : request.title)),
      h(B.Modal.Body, null,
        s.notice ? h(B.Alert, { variant: "warning", className: "gallery-tools-stale" }, s.notice) : null,
        s.error ? h(B.Alert, { variant: "danger", className: "gallery-tools-error" }, s.error) : null,
        doc ? h(PreviewBody, { doc: doc }) : null,
        doc && doc.deletes && doc.changes.length ? h(B.Form.Check, {
          type: "checkbox", id: "gallery-tools-confirm", className: "gallery-tools-confirm",
          label: doc.confirm, checked: s.confirmed,
          onChange: function (e) { update({ confirmed: e.target.checked }); },
        }) : null,
        s.working ? h(Working, { text: request.working }) : null),
      h(B.Modal.Footer, null,
        h(B.Button, { variant: "secondary", onClick: props.onClose }, "Cancel"),
        h(B.Button, {
          variant: doc && doc.deletes ? "danger" : "primary", disabled: !canApply, onClick: apply,
          className: "gallery-tools-apply",
        }, request.asJob ? "Run as a Stash job" : "Apply")));
  }

  // A text the action needs before its preview (a chapter's title), then the action's dialog.
  function AskThenAct(props) {
    var text = useState(props.initial || "");
    var asked = useState(false);
    if (asked[0]) {
      var args = Object.assign({}, props.args);
      args[props.name] = text[0].trim();
      return h(ActionDialog, { request: { title: props.title, args: args }, onClose: props.onClose });
    }
    return h(B.Modal, { show: true, onHide: props.onClose, className: "gallery-tools-dialog gallery-tools-ask" },
      h(B.Modal.Header, { closeButton: true }, h(B.Modal.Title, null, props.title)),
      h(B.Modal.Body, null, h(B.Form.Group, { controlId: "gallery-tools-ask" },
        h(B.Form.Label, null, props.label),
        h(B.Form.Control, { autoFocus: true, value: text[0],
                            onChange: function (e) { text[1](e.target.value); } }))),
      h(B.Modal.Footer, null,
        h(B.Button, { variant: "secondary", onClick: props.onClose }, "Cancel"),
        h(B.Button, { variant: "primary", disabled: !text[0].trim(), className: "gallery-tools-next",
                      onClick: function () { asked[1](true); } }, "Preview")));
  }

  function galleryName(gallery) {
    if (gallery.title) return gallery.title;
    var file = (gallery.files || [])[0];
    var path = file ? file.path : gallery.folder ? gallery.folder.path : "";
    return path.split(/[\\/]/).pop() || "Gallery " + gallery.id;
  }

  // Add the selected images to a gallery: pick one by name, or type the title of a new one.
  function AddToGallery(props) {
    var query = useState("");
    var chosen = useState(null);
    var newTitle = useState("");
    var asked = useState(null);
    var found = Apollo.useQuery(FIND_GALLERIES, {
      variables: { filter: { q: query[0], per_page: 20, sort: "title", direction: "ASC" } }, fetchPolicy: "network-only",
    });
    if (asked[0]) {
      return h(ActionDialog, { request: { title: "Add to a gallery", args: asked[0] }, onClose: props.onClose });
    }
    var galleries = found.data ? found.data.findGalleries.galleries : [];
    var base = { action: "add_images", image_ids: props.imageIds };
    return h(B.Modal, { show: true, onHide: props.onClose, className: "gallery-tools-dialog gallery-tools-add" },
      h(B.Modal.Header, { closeButton: true },
        h(B.Modal.Title, null, "Add " + props.imageIds.length + " image" + (props.imageIds.length === 1 ? "" : "s") +
          " to a gallery")),
      h(B.Modal.Body, null,
        h(B.Form.Group, { controlId: "gallery-tools-find" },
          h(B.Form.Label, null, "An existing gallery (search by title)"),
          h(B.Form.Control, { value: query[0], placeholder: "Title…",
                              onChange: function (e) { query[1](e.target.value); chosen[1](null); } })),
        h("div", { className: "gallery-tools-found list-group mb-3" }, galleries.map(function (g) {
          return h("button", {
            key: g.id, type: "button",
            className: "list-group-item list-group-item-action" + (chosen[0] === g.id ? " active" : ""),
            onClick: function () { chosen[1](g.id); newTitle[1](""); },
          }, galleryName(g) + " (" + g.image_count + ")");
        })),
        h(B.Form.Group, { controlId: "gallery-tools-new" },
          h(B.Form.Label, null, "Or a new gallery with this title"),
          h(B.Form.Control, { value: newTitle[0], placeholder: "New gallery title",
                              onChange: function (e) { newTitle[1](e.target.value); chosen[1](null); } }))),
      h(B.Modal.Footer, null,
        h(B.Button, { variant: "secondary", onClick: props.onClose }, "Cancel"),
        h(B.Button, {
          variant: "primary", className: "gallery-tools-next", disabled: !chosen[0] && !newTitle[0].trim(),
          onClick: function () {
            asked[1](chosen[0] ? Object.assign({ gallery_id: chosen[0] }, base)
                               : Object.assign({ new_title: newTitle[0].trim() }, base));
          },
        }, "Preview")));
  }

  // The scrapes a person can choose (Stash's listScrapers): each scraper that scrapes a stored
  // gallery (galleryByFragment), and scraping by URL (Stash picks the scraper whose galleryByURL
  // strings the URL contains: for one gallery, named when one of its URLs is claimed).
  function scrapeChoices(scrapers, gallery) {
    var choices = [];
    var byUrl = scrapers.filter(function (s) { return s.gallery && (s.gallery.urls || []).length; });
    if (gallery) {
      var claimed = byUrl.filter(function (s) {
        return (gallery.urls || []).some(function (url) {
          return s.gallery.urls.some(function (part) { return url.indexOf(part) >= 0; });
        });
      });
      if (claimed.length) {
        choices.push({ key: "by-url", name: claimed.map(function (s) { return s.name; }).join(" or "),
                       hint: "by the gallery's URL", args: { scrapers: "", by_url: true } });
      }
    } else if (byUrl.length) {
      choices.push({ key: "by-url", name: "Each gallery's URL scraper",
                     hint: byUrl.map(function (s) { return s.name; }).join(", "), args: { scrapers: "", by_url: true } });
    }
    scrapers.forEach(function (s) {
      if (s.gallery && (s.gallery.supported_scrapes || []).indexOf("FRAGMENT") >= 0) {
        choices.push({ key: s.id, name: s.name, hint: null, args: { scrapers: s.id, by_url: false } });
      }
    });
    return choices;
  }

  // Scrape with…: pick the scraper and what it may replace, then its preview (for the selected
  // galleries of a list, applied as a Stash job).
  function ScrapeWith(props) {
    var found = Apollo.useQuery(GALLERY_SCRAPERS, { fetchPolicy: "network-only" });
    var chosen = useState(null);
    var replacing = useState([]);
    var asked = useState(false);
    var many = props.galleryIds.length > 1 || props.asJob;
    var choices = found.data ? scrapeChoices(found.data.listScrapers, props.gallery) : [];
    var choice = choices.filter(function (c) { return c.key === chosen[0]; })[0];
    if (asked[0] && choice) {
      var args = Object.assign({ action: "scrape", overwrite: replacing[0].join(",") }, choice.args,
        many ? { gallery_ids: props.galleryIds } : { gallery_id: props.galleryIds[0] });
      return h(ActionDialog, {
        request: { title: "Scrape with " + choice.name, args: args, asJob: props.asJob,
                   working: "Scraping with " + choice.name + "… (Stash runs the scraper; a pause between" +
                            " scrapes, as the scrapePause setting says)" },
        onClose: props.onClose,
      });
    }
    function toggle(field, on) {
      replacing[1](OVERWRITABLE.map(function (o) { return o.field; }).filter(function (f) {
        return f === field ? on : replacing[0].indexOf(f) >= 0;
      }));
    }
    return h(B.Modal, { show: true, onHide: props.onClose, className: "gallery-tools-dialog gallery-tools-scrape" },
      h(B.Modal.Header, { closeButton: true },
        h(B.Modal.Title, null, "Scrape " + (many ? props.galleryIds.length + " galler" +
          (props.galleryIds.length === 1 ? "y" : "ies") : props.subject || "this gallery") + " with…")),
      h(B.Modal.Body, null,
        found.loading ? h(Working, { text: "Asking Stash for its gallery scrapers…" }) : null,
        found.error ? h(B.Alert, { variant: "danger", className: "gallery-tools-error" }, errorText(found.error)) : null,
        found.data && !choices.length ? h("p", { className: "gallery-tools-nothing" },
          "Stash has no gallery scraper for this: add one in Settings > Metadata Providers > Scrapers.") : null,
        h("div", { className: "gallery-tools-scrapers list-group mb-3" }, choices.map(function (c) {
          return h("button", {
            key: c.key, type: "button",
            className: "list-group-item list-group-item-action" + (chosen[0] === c.key ? " active" : ""),
            onClick: function () { chosen[1](c.key); },
          }, c.name, c.hint ? h("small", { className: "gallery-tools-hint" }, " (" + c.hint + ")") : null);
        })),
        choices.length ? h(B.Form.Group, { className: "gallery-tools-replace" },
          h(B.Form.Label, null, "Fields with a value are kept. Replace these with what the scraper says:"),
          h("div", null, OVERWRITABLE.map(function (o) {
            return h(B.Form.Check, {
              key: o.field, inline: true, type: "checkbox", id: "gallery-tools-replace-" + o.field, label: o.label,
              checked: replacing[0].indexOf(o.field) >= 0,
              onChange: function (e) { toggle(o.field, e.target.checked); },
            });
          }))) : null),
      h(B.Modal.Footer, null,
        h(B.Button, { variant: "secondary", onClick: props.onClose }, "Cancel"),
        h(B.Button, { variant: "primary", className: "gallery-tools-next", disabled: !choice,
                      onClick: function () { asked[1](true); } }, "Preview")));
  }

  // Pick a task for the selected galleries; its preview, then Stash runs it as a job.
  function TaskOnGalleries(props) {
    var picked = useState(null);
    if (picked[0] && picked[0].pick) {
      return h(ScrapeWith, { galleryIds: props.galleryIds, asJob: true, onClose: props.onClose });
    }
    if (picked[0]) {
      return h(ActionDialog, {
        request: { title: picked[0].label, asJob: true,
                   args: { action: picked[0].action, gallery_ids: props.galleryIds } },
        onClose: props.onClose,
      });
    }
    return h(B.Modal, { show: true, onHide: props.onClose, className: "gallery-tools-dialog gallery-tools-pick" },
      h(B.Modal.Header, { closeButton: true },
        h(B.Modal.Title, null, "Gallery Tools on " + props.galleryIds.length + " galler" +
          (props.galleryIds.length === 1 ? "y" : "ies"))),
      h(B.Modal.Body, null, h("div", { className: "list-group" }, LIST_ACTIONS.concat([SCRAPE]).map(function (a) {
        return h("button", { key: a.action, type: "button", className: "list-group-item list-group-item-action",
                             onClick: function () { picked[1](a); } }, a.label);
      }))),
      h(B.Modal.Footer, null, h(B.Button, { variant: "secondary", onClick: props.onClose }, "Cancel")));
  }

  // -- where dialogs opened from a list's operations appear -----------------------------------------
  // A list's operations are called by the list's toolbar, outside any of our components: they hand
  // their dialog to the newest mounted DialogHost (one per patched list).
  var hosts = [];

  function openDialog(component, props) {
    var host = hosts[hosts.length - 1];
    if (host) host({ component: component, props: props });
  }

  function DialogHost() {
    var state = useState(null);
    useEffect(function () {
      var open = state[1];
      hosts.push(open);
      return function () { hosts.splice(hosts.indexOf(open), 1); };
    }, []);
    var dialog = state[0];
    if (!dialog) return null;
    return h(dialog.component, Object.assign({}, dialog.props, { onClose: function () { state[1](null); } }));
  }

  // -- the gallery page's menu -------------------------------------------------------------------------
  function GalleryToolsMenu(props) {
    var open = useState(null);
    var gallery = props.gallery;
    return h("div", { className: "gallery-tools-bar mb-2" },
      h(B.Dropdown, { className: "gallery-tools-menu" },
        h(B.Dropdown.Toggle, { variant: "secondary", id: "gallery-tools-menu-" + gallery.id },
          icons.faWandMagicSparkles ? h(Icon, { icon: icons.faWandMagicSparkles }) : null, " Gallery Tools"),
        h(B.Dropdown.Menu, { className: "bg-secondary text-white" }, GALLERY_ACTIONS.concat([SCRAPE]).map(function (a) {
          return h(B.Dropdown.Item, {
            key: a.action, className: "bg-secondary text-white gallery-tools-action-" + a.action,
            onClick: function () { open[1](a); },
          }, a.label);
        }))),
      open[0] && open[0].pick ? h(ScrapeWith, {
        galleryIds: [gallery.id], gallery: gallery, subject: galleryName(gallery),
        onClose: function () { open[1](null); },
      }) : open[0] ? h(ActionDialog, {
        key: open[0].action,
        request: { title: open[0].label, args: { action: open[0].action, gallery_id: gallery.id } },
        onClose: function () { open[1](null); },
      }) : null);
  }

  function Icon(props) {
    var def = props.icon.icon;
    var paths = Array.isArray(def[4]) ? def[4] : [def[4]];
    return h("svg", { className: "svg-inline--fa", viewBox: "0 0 " + def[0] + " " + def[1], width: "1em",
                      height: "1em", "aria-hidden": "true" },
      paths.map(function (d, i) { return h("path", { key: i, fill: "currentColor", d: d }); }));
  }

  // -- the operations on selected images and galleries -------------------------------------------
  var one = function (result, filter, selectedIds) { return selectedIds.size === 1; };
  var some = function (result, filter, selectedIds) { return selectedIds.size > 0; };
  function ids(selectedIds) { return Array.from(selectedIds.values()); }

  function imageOperations(gallery) {
    return [
      { text: "Gallery Tools: set as cover", isDisplayed: one,
        onClick: function (result, filter, selectedIds) {
          openDialog(ActionDialog, { request: { title: "Set as cover", args: {
            action: "set_cover", gallery_id: gallery.id, image_id: ids(selectedIds)[0] } } });
          return Promise.resolve();
        } },
      { text: "Gallery Tools: start a chapter here", isDisplayed: one,
        onClick: function (result, filter, selectedIds) {
          openDialog(AskThenAct, { title: "Start a chapter here", label: "Chapter title", name: "title",
                                   args: { action: "start_chapter", gallery_id: gallery.id,
                                           image_id: ids(selectedIds)[0] } });
          return Promise.resolve();
        } },
      { text: "Gallery Tools: remove from this gallery", isDisplayed: some,
        onClick: function (result, filter, selectedIds) {
          openDialog(ActionDialog, { request: { title: "Remove from this gallery", args: {
            action: "remove_images", gallery_id: gallery.id, image_ids: ids(selectedIds) } } });
          return Promise.resolve();
        } },
    ];
  }

  var addToGallery = {
    text: "Gallery Tools: add to a gallery", isDisplayed: some,
    onClick: function (result, filter, selectedIds) {
      openDialog(AddToGallery, { imageIds: ids(selectedIds) });
      return Promise.resolve();
    },
  };

  var runOnGalleries = {
    text: "Gallery Tools: run a task on the selected galleries", isDisplayed: some,
    onClick: function (result, filter, selectedIds) {
      openDialog(TaskOnGalleries, { galleryIds: ids(selectedIds) });
      return Promise.resolve();
    },
  };

  // The render function's arguments with our operations first among the props' extra ones, once
  // (should these patches ever be registered twice, the second finds its operations there).
  function withOperations(args, kind, operations) {
    var props = args[0] || {};
    var given = props.extraOperations || [];
    if (given.some(function (o) { return o.galleryTools === kind; })) return args;
    operations.forEach(function (o) { o.galleryTools = kind; });
    var patched = Object.assign({}, props, { extraOperations: operations.concat(given) });
    return [patched].concat(Array.prototype.slice.call(args, 1));
  }

  function withDialogHost(result) {
    return h(Fragment, null, result, h(DialogHost));
  }

  // -- the patches -------------------------------------------------------------------------------------
  api.patch.before("GalleryImagesPanel", function (props) {
    return withOperations(arguments, "gallery-images", imageOperations(props.gallery));
  });
  api.patch.after("GalleryImagesPanel", function (props) {
    var result = arguments[arguments.length - 1];
    return h(Fragment, null, h(GalleryToolsMenu, { gallery: props.gallery }), result);
  });
  api.patch.before("ImageList", function () { return withOperations(arguments, "images", [addToGallery]); });
  api.patch.after("ImageList", function () { return withDialogHost(arguments[arguments.length - 1]); });
  api.patch.before("GalleryList", function () { return withOperations(arguments, "galleries", [runOnGalleries]); });
  api.patch.after("GalleryList", function () { return withDialogHost(arguments[arguments.length - 1]); });

  noteOldStash();
})();
