#!/usr/bin/env python3
"""The progress display, through the binary: on a pseudo-terminal one line is redrawn in place
(carriage return + erase-line) and never wider than the terminal; with stderr a pipe, as in CI
logs, there are plain lines only, no escape sequence and no carriage return.

usage: progress_display_test.py BUILD_DIR"""
import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time

COLUMNS = 60


def run_on_pty(argv, timeout_s=60):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, COLUMNS, 0, 0))
    out = b""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def main():
    gb = os.path.join(sys.argv[1], "greenbatch")
    work = tempfile.mkdtemp(prefix="gb-progress-")
    failures = []
    try:
        args = ["run", "--model", "noop", "--arrival", "constant", "--rate", "200",
                "--requests", "600", "--policy", "fixed:4", "--policy", "greedy",
                "--idle-seconds", "0", "--warmup-batches", "0"]
        code, out = run_on_pty([gb] + args + ["--out", os.path.join(work, "tty")])
        if code != 0:
            failures.append(f"run on a pty exited {code}:\n{out}")
        redraws = out.count("\r\x1b[2K")
        if redraws < 4:  # two runs of 3 s, redrawn about four times a second
            failures.append(f"expected the progress line redrawn in place, saw {redraws} redraws")
        for piece in re.split(r"\r\x1b\[2K|\r?\n", out):
            if len(piece) > COLUMNS - 1 and "requests" in piece and "ETA" in piece:
                failures.append(f"a progress line wider than the terminal: {piece!r}")
        if not re.search(r"\[1/2\] noop fixed:4 constant 200/s  \d+/600 requests", out):
            failures.append(f"no progress line with requests done:\n{out!r}")
        if "[2/2] noop greedy:128 constant 200/s: " not in out:
            failures.append("no result line for the second run")

        piped = subprocess.run([gb] + args + ["--out", os.path.join(work, "pipe")],
                               capture_output=True, text=True, timeout=60)
        if piped.returncode != 0:
            failures.append(f"run with a pipe exited {piped.returncode}:\n{piped.stderr}")
        if "\x1b" in piped.stderr or "\r" in piped.stderr:
            failures.append(f"escape sequences in a log:\n{piped.stderr!r}")
        for expected in ["  [1/2] noop fixed:4 constant 200/s ...",
                         "  [1/2] noop fixed:4 constant 200/s: ", ", ETA ",
                         "  [2/2] noop greedy:128 constant 200/s: "]:
            if expected not in piped.stderr:
                failures.append(f"log lacks {expected!r}:\n{piped.stderr}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print("ok" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
