#!/usr/bin/env python3
"""The shell on a benchmark's data (issue 17: at 10M customers, the first answer within load
time plus 2 s, and Ctrl-C cancelling any query within 100 ms).

    shell_at_scale.py CRMQ_BINARY DATA_DIR [--starts N] [--timeout S]

Starts the real `crmq --data DATA_DIR` on a new pseudo-terminal, as first_prompt.py does (a
throwaway HOME and history, a fixed environment), and times:

- the prompt: from spawn until `crmq> ` appears (loading every file of DATA_DIR);
- the first answer: `customers | count by loyalty_stage` typed at that prompt, until the next
  prompt. loyalty_stage is a computed column: the answer needs the purchase pass over every
  transaction, not only the loaded table;
- Ctrl-C: each of INTERRUPTED (long queries: a sort of every transaction, a join of every
  transaction with customers, a model fit) is typed, Ctrl-C is sent once it has run
  --interrupt-after seconds, and the time from Ctrl-C to the next prompt is the cancel time.
  A query that finished on its own first is listed as such (it is not long at this scale);
  the shell must still answer `customers | count` afterwards.

Then Ctrl-D leaves; the exit status must be 0. The figures are the medians over the starts.
Used by bench.py at the 1m and 10m scales; run alone it prints the figures and the JSON.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

import first_prompt as fp

FIRST = b"customers | count by loyalty_stage\r"
CHECK = b"customers | count\r"
INTERRUPTED = [
    b"transactions | sort amount desc, date | take 3\r",
    b"transactions | join customers on customer_id | summarize revenue = sum(amount) by region, channel\r",
    b"transactions | summarize n = count_distinct(customer_id) by date, category\r",
    b"let m = bgnbd(transactions)\r",
]
INTERRUPT_AFTER = 0.4  # seconds, at 10M customers (bench.py uses less at smaller scales)
ANSWER_TARGET_MS = 2000.0
CANCEL_TARGET_MS = 100.0


def one_start(binary, data, home, timeout, interrupt_after):
    sh = fp.Shell([binary, "--data", data], home, timeout)
    try:
        t_prompt, end = sh.expect(fp.PROMPT, 0, "the prompt after loading")
        os.write(sh.master, FIRST)
        t_answer, end2 = sh.expect(fp.PROMPT, end, "the first answer")
        answer = sh.buf[end:end2]
        if b"error" in answer.lower():
            raise fp.StartError(f"first answer: crmq reported an error:\n{fp._tail(answer)}")
        cancels, finished = {}, []
        for q in INTERRUPTED:
            os.write(sh.master, q)
            # the echo of the statement, then wait INTERRUPT_AFTER for a prompt that must not come
            t_sent = time.perf_counter()
            early, after = sh.read_until(fp.PROMPT, end2, "a long query", deadline=t_sent + interrupt_after)
            if early is not None:
                finished.append(q.decode().strip())
                end2 = after
                continue
            t_int = time.perf_counter()
            os.write(sh.master, b"\x03")
            t_back, after = sh.expect(fp.PROMPT, end2, f"the prompt after Ctrl-C in {q.decode().strip()!r}")
            said = sh.buf[end2:after]
            if b"error" in said.lower() and b"cancel" not in said.lower():
                raise fp.StartError(f"{q.decode().strip()!r}: crmq reported an error:\n{fp._tail(said)}")
            cancels[q.decode().strip()] = (t_back - t_int) * 1e3
            end2 = after
            os.write(sh.master, CHECK)
            _, end3 = sh.expect(fp.PROMPT, end2, "customers | count after Ctrl-C")
            if b"error" in sh.buf[end2:end3].lower():
                raise fp.StartError(f"after Ctrl-C: crmq reported an error:\n{fp._tail(sh.buf[end2:end3])}")
            end2 = end3
        os.write(sh.master, b"\x04")
        try:
            code = sh.proc.wait(timeout)
        except Exception:
            raise fp.StartError(f"crmq did not leave within {timeout:g} s of Ctrl-D")
        if code != 0:
            raise fp.StartError(f"crmq left with status {code}; terminal output:\n{fp._tail(sh.buf)}")
        return (t_prompt - sh.t0) * 1e3, (t_answer - t_prompt) * 1e3, cancels, finished, answer
    finally:
        sh.close()


def measure(binary, data, starts=3, timeout=120.0, interrupt_after=INTERRUPT_AFTER):
    binary, data = os.path.abspath(binary), os.path.abspath(data)
    prompts, answers, cancels, finished = [], [], {}, set()
    answer = b""
    for _ in range(max(1, starts)):
        home = tempfile.mkdtemp(prefix="crmq-shell-at-scale-")
        try:
            p, a, c, f, answer = one_start(binary, data, home, timeout, interrupt_after)
        finally:
            shutil.rmtree(home, ignore_errors=True)
        prompts.append(p)
        answers.append(a)
        finished.update(f)
        for q, ms in c.items():
            cancels.setdefault(q, []).append(ms)
    worst_cancel = max((max(v) for v in cancels.values()), default=None)
    answer_ms = statistics.median(answers)
    return {
        "binary": binary, "data": data, "starts": len(prompts),
        "prompt_after_load_ms": statistics.median(prompts), "prompt_runs_ms": prompts,
        "first_answer_statement": FIRST.decode().strip(),
        "first_answer_after_prompt_ms": answer_ms, "first_answer_runs_ms": answers,
        "first_answer_target_ms": ANSWER_TARGET_MS, "first_answer_met": answer_ms <= ANSWER_TARGET_MS,
        "cancel_after_s": interrupt_after,
        "cancel_ms": {q: statistics.median(v) for q, v in cancels.items()}, "cancel_runs_ms": cancels,
        "finished_before_ctrl_c": sorted(finished),
        "cancel_worst_ms": worst_cancel, "cancel_target_ms": CANCEL_TARGET_MS,
        "cancel_met": None if worst_cancel is None else worst_cancel <= CANCEL_TARGET_MS,
        "first_answer_output": answer.decode("utf-8", "replace").replace("\r\n", "\n"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("data")
    ap.add_argument("--starts", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each prompt")
    ap.add_argument("--interrupt-after", type=float, default=INTERRUPT_AFTER, help="seconds before Ctrl-C")
    a = ap.parse_args()
    try:
        r = measure(a.binary, a.data, a.starts, a.timeout, a.interrupt_after)
    except fp.StartError as e:
        print(f"shell_at_scale.py: {e}", file=sys.stderr)
        return 1
    print(f"prompt after loading {r['prompt_after_load_ms']:.0f} ms; first answer "
          f"{r['first_answer_after_prompt_ms']:.0f} ms later (target {ANSWER_TARGET_MS:.0f}); Ctrl-C worst "
          f"{r['cancel_worst_ms'] or 0:.1f} ms (target {CANCEL_TARGET_MS:.0f}; finished first: "
          f"{len(r['finished_before_ctrl_c'])})", file=sys.stderr)
    print(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
