"""torchvision's side of bench/models_bench.cpp: the same protocol, in Python, on Debian's
torch (the same libtorch 1.13 the C++ side links). See models_bench.cpp for the protocol.

Usage: /usr/bin/python3 models_bench.py [--models a,b] [--batches 1,8] [--seconds S]
                                         [--repeats R] [--threads T]
Prints CSV lines: impl,model,batch,threads,best_images_per_s,median_images_per_s,calls.
"""
import argparse
import statistics
import time

import torch
import torchvision

MODELS = ["alexnet", "resnet50", "densenet121", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0",
          "vit_b_16", "convnext_tiny", "convnext_base"]


def timed_window(model, x, seconds, min_calls):
    calls = 0
    t0 = time.perf_counter()
    while True:
        model(x)
        calls += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and calls >= min_calls:
            return calls / elapsed, calls


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--batches", default="1,8")
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    with torch.inference_mode():
        for name in a.models.split(","):
            torch.manual_seed(0)
            model = getattr(torchvision.models, name)(weights=None).eval()
            for batch in (int(b) for b in a.batches.split(",")):
                torch.manual_seed(1)
                x = torch.randn(batch, 3, 224, 224)
                timed_window(model, x, 1.0, 3)  # warm-up
                rates, calls = [], 0
                for _ in range(a.repeats):
                    rate, n = timed_window(model, x, a.seconds, 3)
                    rates.append(rate * batch)
                    calls += n
                print(f"torchvision,{name},{batch},{a.threads},{max(rates):.3f},"
                      f"{statistics.median(rates):.3f},{calls}", flush=True)


if __name__ == "__main__":
    main()
