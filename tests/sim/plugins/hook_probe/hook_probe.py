"""Hook probe: a raw plugin for the simulator's tests (standard library only).

Each run appends one JSON line to the probe log,

    {"hookContext": ..., "args": ..., "server_connection": ..., "observed": ..., "acted": bool}

and prints the PluginOutput {"output": {"type": <hook type>, "response": <its mutation's answer>}}.

The log file is named by the environment variable HOOK_PROBE_LOG, else by the argument
`probe_log` (a defaultArg). HOOK_PROBE_CONFIG (JSON, optional) adds behaviour:

    {"observe": {"<hook type>": "<query>"},       # run and record, before anything else
     "act": {"trigger": "<hook type>",             # run this mutation for that hook type
             "query": "<mutation>",
             "limit": 1,                           # while fewer runs than this have acted
             "auth": "cookie"}}                    # or "apikey" (ApiKey header only) or "both"

Queries get the variable {"id": "<hookContext.id>"}. The run is logged before it acts,
so nested runs started by its mutation count it.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from typing import Any


def graphql(conn: dict[str, Any], query: str, variables: dict[str, Any], api_key: str = "", cookie: bool = True) -> Any:
    host = "127.0.0.1" if conn["Host"] == "0.0.0.0" else conn["Host"]
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    session = conn.get("SessionCookie")
    if api_key:
        headers["ApiKey"] = api_key
    if cookie and session:
        headers["Cookie"] = f"{session['Name']}={session['Value']}"
    request = urllib.request.Request(
        f"{conn['Scheme']}://{host}:{conn['Port']}/graphql",
        json.dumps({"query": query, "variables": variables}).encode(),
        headers,
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def acted_so_far(log: str) -> int:
    if not os.path.exists(log):
        return 0
    with open(log, encoding="utf-8") as handle:
        return sum(1 for line in handle if json.loads(line).get("acted"))


def main() -> None:
    plugin_input = json.loads(sys.stdin.read())
    conn, args = plugin_input["server_connection"], plugin_input["args"]
    log = os.environ.get("HOOK_PROBE_LOG") or args["probe_log"]
    config = json.loads(os.environ.get("HOOK_PROBE_CONFIG") or "{}")
    context = args.get("hookContext") or {}
    variables = {"id": str(context.get("id", ""))}
    record: dict[str, Any] = {
        "hookContext": context,
        "args": args,
        "server_connection": conn,
        "observed": None,
        "acted": False,
    }
    observe = config.get("observe", {}).get(context.get("type"))
    if observe:
        record["observed"] = graphql(conn, observe, variables)
    act = config.get("act")
    if act and act["trigger"] == context.get("type") and acted_so_far(log) < act.get("limit", 1):
        record["acted"] = True
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    response = None
    if record["acted"]:
        auth = act.get("auth", "cookie")
        api_key = ""
        if auth in ("apikey", "both"):
            api_key = graphql(conn, "{ configuration { general { apiKey } } }", {})["data"]["configuration"]["general"][
                "apiKey"
            ]
        response = graphql(conn, act["query"], variables, api_key, cookie=auth != "apikey")
    print(json.dumps({"output": {"type": context.get("type"), "response": response}, "error": None}))


if __name__ == "__main__":
    main()
