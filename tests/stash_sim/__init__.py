"""A Stash simulator for Gallery Tools' tests: Stash's real schema, Stash's rules, a plugin runner."""

from .simulator import SimGraphQLError, StashSimulator

__all__ = ["SimGraphQLError", "StashSimulator"]
