"""The hook layer: the new-gallery hook (Gallery.Create.Post), on the standard library alone
(a scan waits for every hook process: nothing heavier on its path).
Imports the stash and common layers' standard-library modules only."""
