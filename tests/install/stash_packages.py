"""Stash's plugin package manager, as far as installing from a source goes (docs/stash.md §7).

Facts (pkg/pkg/manager.go, store.go, pkg.go, repository_http.go; internal/manager/manager.go
createPackageManager):
- A source is the URL of an index: a YAML list of packages {id, name, version, date, requires,
  path, sha256, metadata}, decoded by yaml.v2 (unknown keys ignored). `date` is
  "2006-01-02 15:04:05" in UTC (or the legacy layout with a "-0700" zone).
- `path` is a URL, or a path relative to the index's folder (absolute: the index's host).
- Install: GET the zip (the HTTP client has a 10 s timeout; a status >= 400 fails), compare the
  sha256 of the bytes with the index's, then, if the package is installed already, delete the
  files its local manifest lists and the manifest (nothing else: other files in the folder stay),
  then write every non-folder zip entry (its name cleaned) under
  <plugins>/<source's local path>/<id>/ with the entry's mode, and a YAML file `manifest`
  listing id, name, metadata, version, date, requires, source_repository and files.
- An installed package is upgradable when the source's date is after the installed one.
- Uninstall: delete the files the local manifest lists (errors ignored) and the manifest, then the
  package's folder only if it is empty (os.Remove); the folders the files were in stay.
The simulator does not model Stash's UI or its index cache (HEAD/Last-Modified); the tests
call these functions in the order the UI's Install and Update buttons do.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import posixpath
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # pkg.TimeFormat, UTC
LEGACY_TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"
MANIFEST_FILE = "manifest"  # pkg.ManifestFile
HTTP_TIMEOUT = 10  # seconds, createPackageManager


class PackageError(Exception):
    """What Stash would report for a failed install."""


@dataclass
class RemotePackage:
    id: str
    name: str
    version: str
    date: datetime.datetime
    path: str
    sha256: str
    requires: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def parse_time(text: str) -> datetime.datetime:
    """pkg.Time.UnmarshalYAML: TimeFormat in UTC, else the legacy layout converted to UTC."""
    try:
        return datetime.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=datetime.UTC)
    except ValueError:
        try:
            return datetime.datetime.strptime(text, LEGACY_TIME_FORMAT).astimezone(datetime.UTC)
        except ValueError:
            raise PackageError(f'parsing time "{text}" as "2006-01-02 15:04:05": cannot parse') from None


def _get(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT) as response:
            return response.read()
    except OSError as exc:  # HTTPError (status >= 400) and URLError are OSErrors
        raise PackageError(f"failed to get remote file: {exc}") from None


def list_remote(index_url: str) -> list[RemotePackage]:
    """httpRepository.List: the index, decoded as yaml.v2 decodes []RemotePackage."""
    data = yaml.load(_get(index_url), Loader=yaml.BaseLoader)  # Go string fields: every scalar is text
    if not isinstance(data, list):
        raise PackageError("reading package list: yaml: cannot unmarshal into []pkg.RemotePackage")
    packages = []
    for raw in data:
        packages.append(
            RemotePackage(
                id=raw.get("id", ""),
                name=raw.get("name", ""),
                version=raw.get("version", ""),
                date=parse_time(raw.get("date", "")),
                path=raw.get("path", ""),
                sha256=raw.get("sha256", ""),
                requires=list(raw.get("requires") or []),
                metadata=dict(raw.get("metadata") or {}),
            )
        )
    return packages


def resolve(index_url: str, path: str) -> str:
    """httpRepository.resolvePath: a URL as is; else relative to the index's folder."""
    parts = urlsplit(path)
    if parts.scheme and (parts.scheme == "file" or parts.netloc):
        return path
    index = urlsplit(index_url)
    joined = path if path.startswith("/") else posixpath.join(posixpath.dirname(index.path), path)
    return urlunsplit((index.scheme, index.netloc, joined, "", ""))


def package_dir(plugins: Path, local_path: str, package_id: str) -> Path:
    """Store.sub(local path).packageDir(id)."""
    store = plugins if local_path in ("", ".") else plugins / local_path
    return store / package_id


def installed(plugins: Path, local_path: str, package_id: str) -> dict[str, Any] | None:
    """The local manifest of an installed package, or None."""
    manifest = package_dir(plugins, local_path, package_id) / MANIFEST_FILE
    if not manifest.is_file():
        return None
    return yaml.load(manifest.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def upgradable(plugins: Path, local_path: str, remote: RemotePackage) -> bool:
    """PackageVersion.Upgradable: the source's date is after the installed one."""
    local = installed(plugins, local_path, remote.id)
    return local is not None and remote.date > parse_time(local["date"])


def install(plugins: Path, local_path: str, index_url: str, package_id: str) -> Path:
    """Manager.Install: download, check sha256, remove the previous install's files, extract."""
    found = [p for p in list_remote(index_url) if p.id == package_id]
    if not found:
        raise PackageError(f"getting remote package: package {package_id} not found")
    package = found[-1]
    data = _get(resolve(index_url, package.path))
    sha = hashlib.sha256(data).hexdigest()
    if sha != package.sha256:
        raise PackageError(f"package data ({sha}) does not match expected SHA256 ({package.sha256})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PackageError(f"reading zip data: {exc}") from None
    target = package_dir(plugins, local_path, package_id)
    previous = installed(plugins, local_path, package_id)
    if previous is not None:
        _delete_package_files(target, previous)
    files = []
    for entry in archive.infolist():
        if entry.is_dir():
            continue
        name = os.path.normpath(entry.filename)  # filepath.Clean
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(archive.read(entry))
        mode = (entry.external_attr >> 16) & 0o777
        if mode:
            destination.chmod(mode)
        files.append(name)
    manifest = {
        "id": package.id,
        "name": package.name,
        "metadata": package.metadata,
        "version": package.version,
        "date": package.date.strftime(TIME_FORMAT),
        "requires": package.requires,
        "source_repository": index_url,
        "files": files,
    }
    target.mkdir(parents=True, exist_ok=True)
    (target / MANIFEST_FILE).write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    return target


def _delete_package_files(target: Path, manifest: dict[str, Any]) -> None:
    """deletePackageFiles (pkg/pkg/manager.go), before an install over a package and on uninstall:
    the files its manifest lists (errors ignored), then the manifest."""
    for name in manifest.get("files") or []:
        try:
            (target / name).unlink()
        except OSError:
            pass
    (target / MANIFEST_FILE).unlink()


def uninstall(plugins: Path, local_path: str, package_id: str) -> None:
    """Manager.Uninstall: the listed files (errors ignored), the manifest, then the folder when empty."""
    target = package_dir(plugins, local_path, package_id)
    manifest = installed(plugins, local_path, package_id)
    if manifest is None:
        raise PackageError(f"deleting local package: getting manifest: package {package_id!r} does not exist")
    _delete_package_files(target, manifest)
    try:
        target.rmdir()  # os.Remove: only an empty folder
    except OSError:
        pass
