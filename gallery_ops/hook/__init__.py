"""The hook layer: the new-gallery hook (Gallery.Create.Post), on the standard library alone
(a scan waits for every hook process: no pydantic, requests or stashapi import on its path).
Imports the stash and common layers' standard-library modules only."""
