#!/usr/bin/env python3
"""The REPL's first prompt (issue 6: within 100 ms of start, on the demo data).

    first_prompt.py CRMQ_BINARY [--runs N] [--timeout S]

Starts the real `crmq` with no arguments (so it opens the shipped demo data, as a user's
first `crmq` does) on a new pseudo-terminal, and times from spawn to the moment the prompt
`crmq> ` appears on the terminal. Then it types `customers | count` and times until the
next prompt (the first answer: the data must be usable, not just the prompt drawn), sends
Ctrl-D on the empty line and reaps the process, which must exit with status 0.

Each run has a throwaway HOME (no ~/.crmqrc, ~/.editrc) and CRMQ_HISTORY (a file that does
not exist yet), and a small fixed environment (TERM=xterm, a UTF-8 locale, PATH): nothing
of the user's start-up files interferes. The first run is reported as "cold" (the first
start after the build; the page cache may already hold the binary and the data), the
median of the others as "warm": that median is the figure.

Used by bench.py (every scale, the binary of the same build as crmq-bench); run alone it
prints the figures and the JSON.
"""
import argparse
import fcntl
import json
import os
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

PROMPT = b"crmq> "  # REPL.prompt in Sources/crmq/REPL.swift
TARGET_MS = 100.0
FIRST_STATEMENT = b"customers | count\r"  # Enter on a terminal is CR
ROWS, COLS = 30, 100


class StartError(RuntimeError):
    pass


def _tail(buf, n=600):
    return buf[-n:].decode("utf-8", "replace")


def _make_controlling_tty():
    # Runs in the child after setsid (start_new_session): the terminal on fd 0 becomes its
    # controlling terminal, as a login shell's would be.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Shell:
    """crmq on a new pseudo-terminal (a throwaway HOME and history, a fixed environment), read
    as it writes; shell_at_scale.py uses it too."""

    def __init__(self, argv, home, timeout):
        self.timeout = timeout
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = {"HOME": home, "CRMQ_HISTORY": os.path.join(home, ".crmq_history"),
               "TERM": "xterm", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
               "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        self.buf = b""
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     cwd=home, start_new_session=True, preexec_fn=_make_controlling_tty,
                                     close_fds=True)
        os.close(slave)

    def read_until(self, what, start, stage, deadline=None):
        """The time `what` appeared at or after `start`, and the offset after it (None, and the
        end of what was read, when `deadline` passed first)."""
        deadline = deadline or time.perf_counter() + self.timeout
        while True:
            i = self.buf.find(what, start)
            if i >= 0:
                return time.perf_counter(), i + len(what)
            left = deadline - time.perf_counter()
            if left <= 0:
                return None, len(self.buf)
            r, _, _ = select.select([self.master], [], [], left)
            if r:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    data = b""
                if not data:
                    raise StartError(f"{stage}: crmq ended (status {self.proc.poll()}); terminal output:\n"
                                     f"{_tail(self.buf)}")
                self.buf += data

    def expect(self, what, start, stage):
        t, end = self.read_until(what, start, stage)
        if t is None:
            raise StartError(f"{stage}: no {what.decode()!r} within {self.timeout:g} s; terminal output:\n"
                             f"{_tail(self.buf)}")
        return t, end

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def one_run(binary, home, timeout):
    """(ms to the first prompt, ms to the prompt after the first answer) of one start."""
    sh = Shell([binary], home, timeout)
    try:
        t_prompt, end = sh.expect(PROMPT, 0, "first prompt")
        os.write(sh.master, FIRST_STATEMENT)
        # the answer's table, then the next prompt
        t_answer, end2 = sh.expect(PROMPT, end, "first answer (customers | count)")
        answer = sh.buf[end:end2]
        if b"error" in answer.lower():
            raise StartError(f"first answer: crmq reported an error:\n{_tail(answer)}")
        os.write(sh.master, b"\x04")  # Ctrl-D on the empty line: leave
        try:
            code = sh.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise StartError(f"crmq did not leave within {timeout:g} s of Ctrl-D; terminal output:\n{_tail(sh.buf)}")
        if code != 0:
            raise StartError(f"crmq left with status {code} after Ctrl-D; terminal output:\n{_tail(sh.buf)}")
        return (t_prompt - sh.t0) * 1e3, (t_answer - sh.t0) * 1e3, answer
    finally:
        sh.close()


def measure(binary, runs=10, timeout=10.0):
    """Starts crmq `runs` times (at least 5); the figures as a dict for the JSON."""
    runs = max(5, runs)
    binary = os.path.abspath(binary)
    prompt_ms, answer_ms = [], []
    answer = b""
    for _ in range(runs):
        home = tempfile.mkdtemp(prefix="crmq-first-prompt-")
        try:
            p, a, answer = one_run(binary, home, timeout)
        finally:
            shutil.rmtree(home, ignore_errors=True)
        prompt_ms.append(p)
        answer_ms.append(a)
    warm = statistics.median(prompt_ms[1:])
    return {
        "binary": binary,
        "data": "the shipped demo data (crmq with no arguments)",
        "runs": runs,
        "first_prompt_ms": warm,
        "first_prompt_cold_ms": prompt_ms[0],
        "first_prompt_runs_ms": prompt_ms,
        "target_ms": TARGET_MS,
        "met": warm <= TARGET_MS,
        "first_answer_statement": FIRST_STATEMENT.decode().strip(),
        "first_answer_ms": statistics.median(answer_ms[1:]),
        "first_answer_cold_ms": answer_ms[0],
        "first_answer_runs_ms": answer_ms,
        "first_answer_output": answer.decode("utf-8", "replace").replace("\r\n", "\n"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=10, help="starts, the first reported as cold (at least 5)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each prompt")
    a = ap.parse_args()
    try:
        r = measure(a.binary, a.runs, a.timeout)
    except StartError as e:
        print(f"first_prompt.py: {e}", file=sys.stderr)
        return 1
    print(f"first prompt: warm median {r['first_prompt_ms']:.1f} ms of {r['runs'] - 1}, "
          f"cold {r['first_prompt_cold_ms']:.1f} ms (target {r['target_ms']:.0f} ms: "
          f"{'met' if r['met'] else 'MISSED'}); first answer {r['first_answer_ms']:.1f} ms", file=sys.stderr)
    print(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
