import React from "react";

// A Font Awesome icon definition ({icon: [width, height, ligatures, unicode, path]}) as an SVG, as
// Stash's Icon component (src/components/Shared/Icon.tsx, through react-fontawesome) draws it.
export function Icon({ icon }) {
  const [width, height, , , path] = icon.icon;
  const paths = Array.isArray(path) ? path : [path];
  return (
    <svg className={`svg-inline--fa fa-${icon.iconName} fa-icon`} viewBox={`0 0 ${width} ${height}`}
         width="1em" height="1em" aria-hidden="true">
      {paths.map((d) => <path key={d} fill="currentColor" d={d} />)}
    </svg>
  );
}

export function basename(path) {
  if (!path) return "";
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1];
}
