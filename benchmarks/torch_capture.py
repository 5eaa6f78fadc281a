"""gradviz.torch overhead: capture + traced backward against PyTorch's plain forward + backward.

    .venv/bin/python benchmarks/torch_capture.py [--quick]

Two models, float32 on the CPU: a 30-layer MLP (width 64, batch 32, ReLU) and one transformer
encoder block (d_model 64, 4 heads, feed-forward 128, sequence 16, batch 8). For each, three
timings of one training step's gradient computation, in alternating rounds so a shared machine's
load hits them alike (the figure is the median ratio over the rounds; times are best rounds):

    plain      loss = f(model(x)); torch.autograd.grad(loss, params)
    traced     the same forward inside gv.torch.capture(model), then cap.trace_backward(loss):
               node hooks on every autograd node, every value and contribution copied to numpy
    untraced   gv.torch.trace_backward(loss) without a capture (hooks only)

Drawing is not timed here (benchmarks/render.py times Graphviz layouts).
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

import gradviz as gv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from monitor import alternating_rounds  # noqa: E402  (the same alternating, reversing rounds)


def mlp(depth=30, width=64):
    layers = [nn.Linear(width, width) if i % 2 == 0 else nn.ReLU() for i in range(2 * depth)]
    return nn.Sequential(*layers), torch.randn(32, width)


def transformer():
    block = nn.TransformerEncoderLayer(64, 4, dim_feedforward=128, dropout=0.0, batch_first=True)
    return block, torch.randn(8, 16, 64)


def steps(model, x):
    params = list(model.parameters())

    def plain():
        torch.autograd.grad(model(x).pow(2).mean(), params)

    def traced():
        with gv.torch.capture(model) as cap:
            loss = model(x).pow(2).mean()
        return cap.trace_backward(loss)

    def untraced():
        gv.torch.trace_backward(model(x).pow(2).mean(), module=model)

    return {"plain": plain, "traced": traced, "untraced": untraced}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke test)")
    args = parser.parse_args()
    rounds, calls = (3, 2) if args.quick else (9, 5)
    torch.manual_seed(0)
    torch.set_num_threads(1)  # steady figures on a shared machine
    print(f"torch {torch.__version__}, 1 thread, {rounds} rounds × {calls} calls")
    for name, (model, x) in {"30-layer MLP": mlp(), "transformer block": transformer()}.items():
        functions = steps(model, x)
        trace = functions["traced"]()
        times = alternating_rounds(list(functions.values()), rounds, calls)
        best = times.min(axis=0)
        ratios = np.median(times / times[:, :1], axis=0)
        print(
            f"{name}: {len(trace.steps)} autograd nodes, {len(trace.forward)} drawn nodes · "
            f"plain {best[0] * 1e3:.2f} ms · traced {best[1] * 1e3:.2f} ms ({ratios[1]:.1f}× plain) · "
            f"without capture {best[2] * 1e3:.2f} ms ({ratios[2]:.1f}× plain)"
        )


if __name__ == "__main__":
    main()
