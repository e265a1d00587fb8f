#!/usr/bin/env python3
"""Runs the ```sh blocks of a Markdown guide in order, as a reader would type them.

Each block runs in its own `bash -e` with the variables of the blocks before it (`set -a`, so
`X=$(...)` carries over). Prints progress and each block's output; stops at the first failure
with a non-zero exit. `--snapshot CMD` runs CMD after every block and records its output, with
the block's, as JSON lines in `--record FILE` (for tests that check the database after each step).
On exit, the process in `$CUSTOS_PID` (a server the guide started) is stopped if still running.
"""
import argparse, json, os, re, signal, subprocess, sys

def blocks(text):
    heading = ""
    for match in re.finditer(r"^(#+ [^\n]*)$|^```sh\n(.*?)^```", text, re.M | re.S):
        if match.group(1):
            heading = match.group(1).lstrip("# ").strip()
        else:
            yield heading, match.group(2)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("guide")
    parser.add_argument("--snapshot")
    parser.add_argument("--record")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    steps = list(blocks(open(args.guide).read()))
    state = os.path.abspath(".guide-state")
    open(state, "w").close()
    record = open(args.record, "w") if args.record else None
    try:
        for index, (heading, code) in enumerate(steps, 1):
            print(f"==> [{index}/{len(steps)}] {heading}", flush=True)
            if not args.quiet:
                print("    " + code.rstrip().replace("\n", "\n    "), flush=True)
                print("    ---", flush=True)
            script = f"set -a\nsource {state}\nset -e\n{code}\nset +e\nexport -p > {state}\n"
            result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if result.stdout and not args.quiet:
                print("    " + result.stdout.rstrip().replace("\n", "\n    "), flush=True)
            snapshot = ""
            if args.snapshot:
                snapshot = subprocess.run(["bash", "-c", args.snapshot], capture_output=True, text=True).stdout
            if record:
                record.write(json.dumps({"step": index, "heading": heading, "code": code, "exit": result.returncode,
                                         "stdout": result.stdout, "stderr": result.stderr, "snapshot": snapshot}) + "\n")
                record.flush()
            if result.returncode != 0:
                print(f"!!> step {index} failed (exit {result.returncode}):\n{result.stderr}", file=sys.stderr, flush=True)
                return 1
        print(f"==> all {len(steps)} steps passed", flush=True)
        return 0
    finally:
        stop_server(state)

def stop_server(state):
    try:
        text = open(state).read()
    except OSError:
        return
    match = re.search(r'CUSTOS_PID="(\d+)"', text)
    if match:
        try:
            os.kill(int(match.group(1)), signal.SIGTERM)
        except ProcessLookupError:
            pass

if __name__ == "__main__":
    sys.exit(main())
