#!/usr/bin/env bash
# Publishes a release of the plugin source: builds it (scripts/build_source.sh) and commits
# index.yml and gallery_tools.zip to the root of the gh-pages branch, which GitHub Pages serves
# as the source URL users add in Stash. No CI involved; run it from a clean, committed tree.
#
#   bash scripts/publish_source.sh            # commit to the local gh-pages branch only
#   bash scripts/publish_source.sh --push     # ... and push it to origin
#   BRANCH=other bash scripts/publish_source.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
branch="${BRANCH:-gh-pages}"
push=""
for arg in "$@"; do
  case "$arg" in
    --push) push=1 ;;
    *) echo "usage: bash scripts/publish_source.sh [--push]" >&2; exit 2 ;;
  esac
done
cd "$root"
if [ -n "$(git status --porcelain -- gallery_tools.yml gallery_tools.py LICENSE gallery_ops ui)" ]; then
  echo "publish_source: the plugin's files have uncommitted changes; commit them first" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/pages" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
bash scripts/build_source.sh "$work/out"

if git show-ref --verify --quiet "refs/heads/$branch"; then
  git worktree add --quiet "$work/pages" "$branch"
elif git ls-remote --exit-code --heads origin "$branch" >/dev/null 2>&1; then
  git fetch --quiet origin "$branch:$branch"
  git worktree add --quiet "$work/pages" "$branch"
else  # the first release: a branch holding only the source
  git worktree add --quiet --detach "$work/pages"
  git -C "$work/pages" checkout --quiet --orphan "$branch"
  git -C "$work/pages" rm -r --quiet --force .
fi
cp "$work/out/index.yml" "$work/out/gallery_tools.zip" "$work/pages/"
touch "$work/pages/.nojekyll"  # serve the files as they are
git -C "$work/pages" add index.yml gallery_tools.zip .nojekyll
version="$(sed -n 's/^  version: "\(.*\)"$/\1/p' "$work/out/index.yml")"
if git -C "$work/pages" diff --cached --quiet; then
  echo "publish_source: $branch already holds $version; nothing to commit"
else
  git -C "$work/pages" commit --quiet -m "Gallery Tools $version"
  echo "publish_source: committed $version to $branch"
fi
if [ -n "$push" ]; then
  git push origin "$branch"
else
  echo "publish_source: push it with: git push origin $branch"
fi
