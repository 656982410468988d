// The test host: a page that loads Gallery Tools' UI part the way Stash v0.30.1's web UI does, on
// the Stash simulator (which serves this page from its ui_location, the GraphQL endpoint and the
// plugin's files on one origin). Each part follows a Stash file:
// - window.PluginApi (ui/v2.5/src/pluginApi.tsx): React, ReactDOM, libraries {Bootstrap, Apollo,
//   FontAwesomeSolid}, components, patch {before, instead, after}, hooks {useToast}, utils
//   {StashService.getClient}; the other members a plugin may use are left out (this plugin does not).
// - the patches (src/patch.tsx): patch.js.
// - the Apollo client (src/core/createClient.ts): an HTTP link to <base>graphql and an InMemoryCache
//   whose Query.findGallery reads the cached Gallery by id; the app sits in an ApolloProvider.
// - loading plugins (src/plugins.tsx, src/hooks/useScript.tsx): query `plugins`, then add a
//   <script async=false defer> to <head> for each enabled plugin's paths.javascript (and a
//   stylesheet <link> for paths.css), and render the app once every script has loaded or failed.
// - the routes plugins patch: /galleries/<id> (a gallery's page), /galleries, /images.
// `?stash=v0.29` builds the UI of a Stash older than v0.30.0, whose GalleryImagesPanel, ImageList
// and GalleryList are plain components (no patch points).
import React, { useEffect, useState } from "react";
import ReactDOM from "react-dom";
import * as Bootstrap from "react-bootstrap";
import * as Apollo from "@apollo/client";
import * as FontAwesomeSolid from "@fortawesome/free-solid-svg-icons";
import { ApolloClient, ApolloProvider, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { after, before, components, instead, registerComponent } from "./patch.js";
import { ToastProvider, useToast } from "./toast.jsx";
import { makeLists } from "./lists.jsx";
import { makeGalleryPage } from "./gallery.jsx";

const patchable = new URLSearchParams(window.location.search).get("stash") !== "v0.29";
const baseURL = document.querySelector("base")?.getAttribute("href") ?? "/";

const client = new ApolloClient({
  link: new HttpLink({ uri: new URL(baseURL + "graphql", window.location.origin).toString() }),
  cache: new InMemoryCache({
    possibleTypes: { BaseFile: ["VideoFile", "ImageFile", "GalleryFile"], VisualFile: ["VideoFile", "ImageFile"] },
    typePolicies: {
      Query: {
        fields: {
          findGallery: {
            read: (existing, { args, canRead, toReference }) =>
              canRead(existing) ? existing : toReference({ __typename: "Gallery", id: args?.id }),
          },
        },
      },
    },
  }),
});

window.PluginApi = {
  React,
  ReactDOM,
  libraries: { Bootstrap, Apollo, FontAwesomeSolid },
  register: { component: registerComponent },
  components,
  utils: { StashService: { getClient: () => client } },
  hooks: { useToast },
  patch: { before, instead, after },
};

const lists = makeLists(patchable);
const { GalleryPage } = makeGalleryPage(lists, patchable);

const PLUGINS = gql`
  query Plugins { plugins { id enabled requires paths { javascript css } } }
`;

function loadScript(url) {
  return new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = false;
    script.defer = true;
    script.addEventListener("load", resolve);
    script.addEventListener("error", resolve); // a script that fails to load does not stop the others
    document.head.appendChild(script);
  });
}

function usePlugins() {
  const [state, setState] = useState({ loaded: false, error: null });
  useEffect(() => {
    client.query({ query: PLUGINS }).then(async ({ data }) => {
      // in the order Stash lists them (no requires here); none loaded: null (a nil slice)
      const enabled = (data.plugins || []).filter((p) => p.enabled);
      for (const plugin of enabled) {
        for (const url of plugin.paths.css || []) {
          const link = document.createElement("link");
          link.rel = "stylesheet";
          link.type = "text/css";
          link.href = url;
          document.head.appendChild(link);
        }
      }
      await Promise.all(enabled.flatMap((p) => p.paths.javascript || []).map(loadScript));
      setState({ loaded: true, error: null });
    }, (error) => setState({ loaded: true, error }));
  }, []);
  return state;
}

// Moving between pages without reloading, as Stash's router does (history.pushState): the plugin's
// script stays loaded and its patches stay registered.
function useLocation() {
  const [location, setLocation] = useState(window.location.pathname);
  useEffect(() => {
    const changed = () => setLocation(window.location.pathname);
    window.addEventListener("popstate", changed);
    window.hostNavigate = (to) => {
      window.history.pushState(null, "", to);
      changed();
    };
    return () => window.removeEventListener("popstate", changed);
  }, []);
  return location;
}

function Routes() {
  const path = useLocation().slice(baseURL.length - 1);
  const gallery = path.match(/^\/galleries\/(\d+)$/);
  if (gallery) return <GalleryPage id={gallery[1]} />;
  if (path === "/galleries") return <lists.GalleryList />;
  if (path === "/images") return <lists.ImageList />;
  return <div className="not-found">Not found: {path}</div>;
}

function App() {
  const { loaded, error } = usePlugins();
  if (!loaded) return <div className="loading">Loading plugins…</div>;
  return (
    <div className="container-fluid main" id="host-ready">
      {error ? <div className="alert alert-danger">Error loading plugins: {error.message}</div> : null}
      <Routes />
    </div>
  );
}

ReactDOM.render(
  <ApolloProvider client={client}>
    <ToastProvider>
      <App />
    </ToastProvider>
  </ApolloProvider>,
  document.getElementById("root"),
);
