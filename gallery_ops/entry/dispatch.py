"""The plugin's one entry: read the PluginInput, dispatch, answer with one JSON object.

Stash writes {"server_connection": {...}, "args": {...}} on stdin and reads
{"output": ..., "error": ...} from stdout (docs/stash.md §2). Three kinds of run:
- args.hookContext -> the hook handler for its type (Gallery.Create.Post);
- args.operation   -> one of the 15 gallery operations (manual runs, runPluginOperation);
- args.page        -> a gallery page action: preview, or apply of a preview (page.py);
- args.mode        -> a task workflow (the Tasks button).

stdout carries exactly one JSON object, success or failure; anything else that would
be printed goes to stderr. The exit status is 0 on success, 1 when `error` is set.
Errors are one line; tracebacks go to the debug log only.
"""

from __future__ import annotations

import gc
import sys

from ..common import json_text as json
from ..common.errors import ERROR_MAX, SHOWN_CHARS, ArgError, StashError, short_repr, shortened, what_to_check
from ..common.log import current_traceback, log, setup_logging
from ..common.log_protocol import redact_value
from ..common.plain import dataclass
from ..common.settings import SettingsError
from ..stash.connection import ServerConnection
from ..stash.models import validation_problems
from ..stash.operations import GalleryOps
from ..stash.record import RecordError
from .registry import HOOK_TYPES, MODES, TASKS, run_hook, run_task

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

GC_THRESHOLDS = (50_000, 20, 20)  # allocations between collections (Python's default: 700, 10, 10)


class InputError(ValueError):
    """The PluginInput itself is unusable."""


JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def json_type(value: Any) -> str:
    """What a decoded JSON value is, in JSON's words (for error messages)."""
    return JSON_TYPES.get(type(value), type(value).__name__)


@dataclass
class PluginInput:
    server: ServerConnection
    args: dict[str, Any]


def _refuse_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (Python reads them; Stash's Go JSON does not)."""
    raise ValueError(f"{name} is not a JSON value (use a number)")


def read_input(text: str) -> PluginInput:
    """Parse stdin; every problem is an InputError that says what was expected."""
    expected = 'Stash sends one JSON object: {"server_connection": {...}, "args": {...}}'
    if not text.strip():
        raise InputError(f"no input on stdin; {expected}")
    try:
        raw = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise InputError(
            f"stdin nests too deeply to be read (over {sys.getrecursionlimit()} levels); {expected}"
        ) from None
    except ValueError as exc:
        raise InputError(f"stdin is not JSON ({' '.join(str(exc).split())[:200]}); {expected}") from None
    if not isinstance(raw, dict):
        raise InputError(f"stdin holds {json_type(raw)}, not a JSON object; {expected}")
    if "server_connection" not in raw:
        raise InputError(f"server_connection is missing; {expected}")
    if not isinstance(raw["server_connection"], dict):
        raise InputError(
            f"server_connection is {json_type(raw['server_connection'])}, not an object with Scheme,"
            f" Host, Port and SessionCookie or ApiKey; {expected}"
        )
    try:
        server = ServerConnection.parse(raw["server_connection"])
    except ValueError as exc:
        raise InputError(str(exc)) from None
    args = raw.get("args")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise InputError(f"args must be a JSON object, got {json_type(args)}; {expected}")
    return PluginInput(server, args)


def describe(exc: BaseException) -> str:
    """One line for any error."""
    if isinstance(exc, RecordError):
        return shortened(f"invalid input: {validation_problems(exc, 'value')}", ERROR_MAX)
    text = what_to_check(exc) if isinstance(exc, StashError) else " ".join(str(exc).split())
    return shortened(text, ERROR_MAX) or type(exc).__name__


def dispatch(plugin_input: PluginInput) -> tuple[Any, str | None]:
    """Pick the handler for the args and run it: (output, error).

    The args are checked before anything is sent. A task that ran but had failures
    returns its report as output and an error saying how many galleries failed.
    """
    args = plugin_input.args
    if "hookContext" in args and "operation" in args:
        raise ArgError("args name both hookContext and operation; give one")
    if "hookContext" in args:
        chosen = "hookContext"
    elif "operation" in args:
        chosen = "operation"  # an operation may take its own `mode` (update_gallery_images)
    elif "page" in args:
        chosen = "page"  # the gallery page's preview / apply (page.py); it runs a task of its own choosing
    elif "mode" in args:
        chosen = "mode"
    else:
        from .plugin_operations import OPERATION_NAMES

        raise ArgError(
            f"nothing to do: args need an operation (one of {', '.join(OPERATION_NAMES)}) or a mode"
            f" (one of {', '.join(MODES)})"
        )
    if chosen == "hookContext":
        context = args["hookContext"]
        if not isinstance(context, dict) or not isinstance(context.get("type"), str):
            raise ArgError("hookContext must be an object with a type")
        if context["type"] not in HOOK_TYPES:
            raise ArgError(
                f"Gallery Tools has no hook for {context['type'][:SHOWN_CHARS]}; it handles {', '.join(HOOK_TYPES)}"
            )
        from ..stash.hook_operations import HookOps  # here: only a hook run uses it

        return run_hook(HookOps.from_server(plugin_input.server), context)
    ops = GalleryOps.from_server(plugin_input.server)
    if chosen == "operation":
        # (imported here: a task's or a page action's process does not import the operations)
        from .plugin_operations import OPERATION_NAMES, run_operation

        name = args["operation"]
        if not isinstance(name, str) or name not in OPERATION_NAMES:
            raise ArgError(f"unknown operation {short_repr(name)}; one of {', '.join(OPERATION_NAMES)}")
        return run_operation(ops, name, args), None
    if chosen == "page":
        from .page import run_page  # here: a task's or an operation's process does not import the page's modules

        return run_page(ops, args), None
    mode = args["mode"]
    if not isinstance(mode, str) or mode not in TASKS:
        raise ArgError(
            f"unknown mode {short_repr(mode)} (args.mode is the name of a task, as text); one of {', '.join(MODES)}"
        )
    return run_task(ops, mode, {k: v for k, v in args.items() if k != "mode"})


def secrets_of(plugin_input: PluginInput | None) -> list[str]:
    return plugin_input.server.secrets if plugin_input is not None else []


def main(stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    """Run once; write the one result object; return the exit status."""
    # A run allocates a great many small objects (the models of every page) and frees them by
    # reference counting. The cyclic collector would scan everything imported, again and again,
    # for nothing: a tenth of a big task's CPU. Imported objects are left out of its scans, and
    # it runs less often (cycles are still collected).
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    setup_logging()
    result: dict[str, Any] = {"output": None, "error": None}
    plugin_input: PluginInput | None = None
    # a stray print must not break the result: stdout is stderr meanwhile (as contextlib.redirect_stdout
    # does it, without importing contextlib)
    stdout_before, sys.stdout = sys.stdout, sys.stderr
    try:
        plugin_input = read_input(stdin.read())
        setup_logging(secrets_of(plugin_input))
        result["output"], result["error"] = dispatch(plugin_input)
    except (InputError, ArgError, SettingsError, StashError, ValueError) as exc:
        result["error"] = describe(exc)
        log.error("%s", result["error"])
    except RecursionError:  # args nested deeper than anything can walk: one line, not "internal error"
        result["error"] = "the args nest too deeply to be handled (a filter or object hundreds of levels deep)"
        log.error("%s", result["error"])
    except Exception as exc:  # a bug: still one JSON answer, details in the debug log
        log.debug("%s", current_traceback())
        result["error"] = f"internal error ({type(exc).__name__}): {describe(exc)}"
        log.error("%s", result["error"])
    finally:
        sys.stdout = stdout_before
    # an error may quote a malformed cookie or key (requests' InvalidHeader), and a server may echo
    # part of one into a message that a report carries: nothing on stdout shows any form of them
    secrets = secrets_of(plugin_input)
    if secrets:
        result = redact_value(result, secrets)
    stdout.write(json.dumps(result, default=str) + "\n")
    stdout.flush()
    return 0 if result["error"] is None else 1
