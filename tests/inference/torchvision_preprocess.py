"""Reference preprocessing: torchvision's own transforms on PIL images.

Usage: /usr/bin/python3 torchvision_preprocess.py OUT_DIR IMAGE...
Writes OUT_DIR/<basename>.bin: 3*224*224 float32 (CHW), exactly what the paper's testbed fed the
model. Run with Debian's /usr/bin/python3 (python3-torchvision), never the default python3.
"""
import os
import sys

import torch
from PIL import Image
from torchvision import transforms

PIPELINE = transforms.Compose([
    transforms.Resize(256),
    transforms.CenterCrop(224),
    transforms.ToTensor(),
    transforms.Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)),
])

out_dir = sys.argv[1]
for path in sys.argv[2:]:
    with Image.open(path) as img:
        tensor = PIPELINE(img.convert("RGB"))
    assert tensor.shape == (3, 224, 224) and tensor.dtype == torch.float32
    with open(os.path.join(out_dir, os.path.basename(path) + ".bin"), "wb") as f:
        f.write(tensor.contiguous().numpy().tobytes())
