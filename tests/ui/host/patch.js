// Stash's patch points, with the semantics of ui/v2.5/src/patch.tsx (Stash v0.30.1), written here:
// - before(name, fn): fn gets the render function's arguments and returns the new argument list;
// - instead(name, fn): fn gets the arguments plus `next` (the following instead function, or the
//   original render function after the last one); only the first is called by the component;
// - after(name, fn): fn gets the arguments plus the result so far and returns the new result;
// - every patched component is registered in PluginApi.components under its name.
// Patches are looked up when the component renders, so a patch registered later applies from the
// next render on, as in Stash.

const beforeFns = {};
const insteadFns = {};
const afterFns = {};
export const components = {};

function register(table, name, fn) {
  (table[name] = table[name] || []).push(fn);
}

export const before = (name, fn) => register(beforeFns, name, fn);
export const instead = (name, fn) => register(insteadFns, name, fn);
export const after = (name, fn) => register(afterFns, name, fn);

export function registerComponent(name, fn) {
  if (components[name]) {
    throw new Error("Component " + name + " has already been registered");
  }
  components[name] = fn;
  return fn;
}

function runInstead(fns, target, self, args) {
  // fns[0] gets next = fns[1] (which gets fns[2], ...), and the last one gets the original
  let index = 1;
  function next() {
    if (index >= fns.length) return target;
    const fn = fns[index++];
    const following = next();
    return function (...nextArgs) {
      return fn.apply(this, nextArgs.concat(following));
    };
  }
  return fns[0].apply(self, args.concat(next()));
}

export function patchFunction(name, fn) {
  return function patched(...given) {
    let args = given;
    for (const fn2 of beforeFns[name] || []) args = fn2.apply(this, args);
    let result = insteadFns[name] ? runInstead(insteadFns[name], fn, this, args) : fn.apply(this, args);
    for (const fn2 of afterFns[name] || []) result = fn2.apply(this, args.concat(result));
    return result;
  };
}

// PatchComponent: a function component whose render goes through the patches, registered by name.
// `patchable` false stands for a Stash older than v0.30.0, where these components were plain
// (not patched, not registered): a plugin's patches for them are never called.
export function patchComponent(name, fn, patchable = true) {
  if (!patchable) return fn;
  return registerComponent(name, patchFunction(name, fn));
}
