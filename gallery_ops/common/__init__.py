"""The common layer: pieces every layer uses (ids, args, errors, sizes, settings, paths, dates,
user patterns, the log protocol, files on disk). Imports nothing of gallery_ops above it."""
