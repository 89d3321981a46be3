"""The optimized engine against eager and against Python's torch.jit.optimize_for_inference, on
the same CPU and libtorch, interleaved window by window (docs/benchmarks.md, "Engines").

For each model two servers stay up side by side, each timing one window when asked: the C++ one
(bench/engine_bench.cpp: our eager and optimized engines) and a Python one (torchvision's model
eager, and scripted then torch.jit.optimize_for_inference). Only one computes at a time. Each
round times all four once per batch size, in an order that rotates from round to round, so that
drift and load from elsewhere on a shared machine hit them alike; the figures are medians over
rounds, the ratios medians of the per-round ratios. A window lasts at least --seconds and one
call; the first time an implementation meets a batch size it runs two untimed calls first.
Before timing, the C++ side checks optimized against eager (max|d| / max|eager|, batch 2).

Usage: /usr/bin/python3 engine_bench.py BUILD_DIR [--models a,b] [--batches 1,8] [--rounds R]
                                        [--seconds S] [--threads T] [--precision fp32|bf16]
       /usr/bin/python3 engine_bench.py --serve MODEL THREADS PRECISION   (the Python server)
Prints a Markdown table.
"""
import argparse
import statistics
import subprocess
import sys
import time

MODELS = ["alexnet", "resnet50", "densenet121", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0",
          "vit_b_16", "convnext_tiny", "convnext_base"]


def serve(name, threads, precision):
    import torch
    import torchvision
    torch.set_num_threads(threads)
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[precision]
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval().to(dtype)
    with torch.no_grad():
        impls = {"torchvision": model,
                 "python": torch.jit.optimize_for_inference(torch.jit.script(model))}
    warm = set()
    print("ready", flush=True)
    with torch.inference_mode():
        for line in sys.stdin:
            impl, batch, seconds = line.split()
            batch, seconds = int(batch), float(seconds)
            torch.manual_seed(1)
            x = torch.randn(batch, 3, 224, 224).to(dtype)
            f = impls[impl]
            if (impl, batch) not in warm:
                warm.add((impl, batch))
                f(x)
                f(x)
            calls, t0 = 0, time.perf_counter()
            while True:
                f(x)
                calls += 1
                elapsed = time.perf_counter() - t0
                if elapsed >= seconds:
                    break
            print(f"{impl},{batch},{calls * batch / elapsed:.3f}", flush=True)


class Server:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.p.stdout.readline().strip()
        if line != "ready":
            raise SystemExit(f"{argv[0]} did not start: {line!r}")

    def ask(self, command):
        self.p.stdin.write(command + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip().split(",")

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=60)


IMPLS = ("eager", "optimized", "torchvision", "python")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    p = argparse.ArgumentParser()
    p.add_argument("build")
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--batches", default="1,8")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    a = p.parse_args()
    batches = [int(b) for b in a.batches.split(",")]
    rows = []
    for name in a.models.split(","):
        ours = Server([f"{a.build}/bench/engine_bench", name, str(a.threads), a.precision])
        theirs = Server([sys.executable, __file__, "--serve", name, str(a.threads), a.precision])
        check = float(ours.ask("check 2 0")[2])
        rates = {(b, k): [] for b in batches for k in IMPLS}
        for r in range(a.rounds):
            for b in batches:
                order = IMPLS[r % 4:] + IMPLS[:r % 4]
                for k in order:
                    server = theirs if k in ("torchvision", "python") else ours
                    rates[(b, k)].append(float(server.ask(f"{k} {b} {a.seconds}")[2]))
        ours.close()
        theirs.close()
        for b in batches:
            e, o, tv, py = (rates[(b, k)] for k in IMPLS)
            ratio = lambda x, y: statistics.median(u / v for u, v in zip(x, y))
            rows.append((name, b, [statistics.median(v) for v in (e, o, tv, py)],
                         ratio(o, py), ratio(o, e), ratio(e, tv), check))
        print(f"measured {name}", file=sys.stderr, flush=True)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "unknown CPU")
    print(f"{cpu}; torch intra-op threads: {a.threads}; {a.precision}; {a.rounds} rounds of "
          f"{a.seconds:g} s windows; images/s are medians over rounds, ratios medians of the "
          "per-round ratios")
    print()
    print("| model | batch | eager | optimized | torchvision | Python optimize_for_inference "
          "| optimized / Python | optimized / eager | eager / torchvision | max rel. diff |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, b, med, ot, oe, et, check in rows:
        cells = " | ".join(f"{v:.2f}" for v in med)
        print(f"| {name} | {b} | {cells} | {ot:.3f} | {oe:.2f} | {et:.2f} | {check:.1e} |")


if __name__ == "__main__":
    main()
