"""Exports a seeded, randomly initialised torchvision model for the C++ model tests.

Usage: /usr/bin/python3 export_torchvision.py NAME OUT_DIR [--state-dict]

Writes, each file atomically (a temporary name, then rename, so concurrent test processes
exporting the same model never see a partial file), NAME.params last:
  NAME.pt          torch.jit.script(model).save(): the weights the C++ model loads by name
  NAME.state.pth   (with --state-dict) torch.save(dict(model.state_dict())): the other format
  NAME.input.bin   float32 [2, 3, 224, 224], the input
  NAME.logits.bin  float32 [2, 1000], torchvision's logits for it (eval mode, inference mode)
  NAME.gflops      multiply-accumulates of one 224x224 image / 1e9, counted with forward hooks
  NAME.params      the parameter count
Run it with Debian's /usr/bin/python3 (python3-torchvision).
"""
import math
import os
import sys

import torch
import torchvision


def randomise(model):
    """Replaces torchvision's initialisation with one that exercises every tensor.

    torchvision's own initialisation leaves tensors that hide mistakes: BatchNorm/LayerNorm at
    identity, zero biases, ViT's head at zero (all logits 0) and ConvNeXt's layer_scale at 1e-6
    (every block's contribution invisible). Here every parameter and buffer gets values of its
    natural scale, so a wrong name, layout or op shows up in the logits.
    """
    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.rsplit(".", 1)[-1]
            if leaf.endswith("weight") and p.dim() >= 2:
                p.normal_(0, 1 / math.sqrt(p[0].numel()))  # unit gain: fan_in = p[0].numel()
            elif leaf.endswith("weight"):
                p.uniform_(0.5, 1.5)  # norm scales
            elif leaf.endswith("bias"):
                p.uniform_(-0.1, 0.1)
            elif leaf == "layer_scale":
                p.uniform_(0.5, 1.5)
            else:  # class_token, pos_embedding
                p.normal_(0, 0.5)
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)


def count_gflops(model):
    """Multiply-accumulates of one 224x224 forward pass (torchvision's `_ops` convention)."""
    total = [0]

    def conv(m, i, o):
        total[0] += o.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear(m, i, o):
        total[0] += o.numel() * m.in_features

    def attention(m, i, o):  # in/out projections and the two attention matmuls
        n, s, e = o[0].shape
        total[0] += 4 * n * s * e * e + 2 * n * s * s * e

    handles = []
    for m in model.modules():
        if isinstance(m, torch.nn.MultiheadAttention):
            handles.append(m.register_forward_hook(attention))
        elif isinstance(m, torch.nn.modules.linear.NonDynamicallyQuantizableLinear):
            pass  # MultiheadAttention's out_proj: counted with the attention
        elif isinstance(m, torch.nn.Linear):
            handles.append(m.register_forward_hook(linear))
        elif isinstance(m, torch.nn.Conv2d):
            handles.append(m.register_forward_hook(conv))
    with torch.inference_mode():
        model(torch.zeros(1, 3, 224, 224))
    for h in handles:
        h.remove()
    return total[0] / 1e9


def save(path, write):
    tmp = f"{path}.tmp{os.getpid()}"
    write(tmp)
    os.replace(tmp, path)


def write_text(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    name, out = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    randomise(model)
    base = os.path.join(out, name)
    save(base + ".pt", lambda f: torch.jit.script(model).save(f))
    if "--state-dict" in sys.argv[3:]:
        save(base + ".state.pth", lambda f: torch.save(dict(model.state_dict()), f))
    x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        y = model(x)
    save(base + ".input.bin", lambda f: x.numpy().tofile(f))
    save(base + ".logits.bin", lambda f: y.numpy().tofile(f))
    gflops = count_gflops(model)
    save(base + ".gflops", lambda f: write_text(f, f"{gflops:.6f}\n"))
    params = sum(p.numel() for p in model.parameters())
    save(base + ".params", lambda f: write_text(f, f"{params}\n"))


if __name__ == "__main__":
    main()
