"""Exports a seeded, randomly initialised torchvision model for the C++ equivalence tests.

Usage: /usr/bin/python3 export_torchvision.py NAME OUT_DIR
Writes OUT_DIR/NAME.pt (TorchScript archive: the weights our C++ model loads by name),
NAME.input.bin (float32 [2,3,224,224]), NAME.logits.bin (float32 [2,1000]) and NAME.params (the
parameter count). Run with Debian's /usr/bin/python3 (python3-torchvision).
"""
import os
import sys

import torch
import torchvision

name, out = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
model = getattr(torchvision.models, name)(weights=None).eval()
# Random BatchNorm statistics, so that running_mean/var really travel by name.
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
torch.jit.script(model).save(os.path.join(out, name + ".pt"))
x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(1))
with torch.inference_mode():
    y = model(x)
x.numpy().tofile(os.path.join(out, name + ".input.bin"))
y.numpy().tofile(os.path.join(out, name + ".logits.bin"))
with open(os.path.join(out, name + ".params"), "w") as f:
    f.write(str(sum(p.numel() for p in model.parameters())))
