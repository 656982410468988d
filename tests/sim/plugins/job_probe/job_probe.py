"""Job probe: a raw plugin for the simulator's job-queue tests (standard library only).

Every task appends "start <name>" to the file named by args.log, then (task Wait) waits
until the file named by args.release exists, or (task Record) sleeps args.seconds, then
appends "end <name>" and answers {"output": <args>}. args.progress (a number) is sent as
a progress line first.
"""

import json
import os
import sys
import time


def note(path, line):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def main():
    args = json.loads(sys.stdin.read())["args"]
    note(args["log"], "start " + args["name"])
    if "progress" in args:
        sys.stderr.write("\x01p\x02" + str(args["progress"]) + "\n")
        sys.stderr.flush()
    if args.get("release"):
        while not os.path.exists(args["release"]):
            time.sleep(0.01)
    else:
        time.sleep(float(args.get("seconds") or 0))
    note(args["log"], "end " + args["name"])
    print(json.dumps({"output": args, "error": None}))


if __name__ == "__main__":
    main()
