// Builds the test host page into a folder the simulator serves as Stash's ui_location:
//   node tests/ui/build_host.mjs OUT_DIR
// host.js is the host bundled with esbuild (React 17, react-bootstrap 1.6, Apollo Client 3 from
// node_modules, pinned in package-lock.json); bootstrap.min.css is Bootstrap 4.6's, as Stash builds on.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error("usage: node tests/ui/build_host.mjs OUT_DIR");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, "host", "host.jsx")],
  bundle: true,
  outfile: join(out, "host.js"),
  format: "iife",
  target: "es2020",
  jsx: "transform",
  define: { "process.env.NODE_ENV": '"development"', "globalThis.__DEV__": "true" },
  logLevel: "warning",
});
copyFileSync(join(here, "host", "index.html"), join(out, "index.html"));
copyFileSync(join(here, "host", "host.css"), join(out, "host.css"));
copyFileSync(join(here, "node_modules", "bootstrap", "dist", "css", "bootstrap.min.css"), join(out, "bootstrap.min.css"));
