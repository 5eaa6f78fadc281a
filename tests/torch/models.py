"""Small PyTorch models for the tests, each showing one thing a backward pass can do."""

import torch
from torch import nn
from torch.nn import functional as F


def mlp(widths=(3, 8, 8, 2), seed=0):
    torch.manual_seed(seed)
    layers = []
    for a, b in zip(widths, widths[1:]):
        layers += [nn.Linear(a, b), nn.Tanh()]
    return nn.Sequential(*layers[:-1])


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3)
        self.fc = nn.Linear(4 * 2 * 2, 3)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.relu(self.conv2(h))
        return self.fc(h.flatten(1))


class Tied(nn.Module):
    """One weight used twice: its gradient is the sum of two contributions."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4, bias=False)

    def forward(self, x):
        return self.proj(torch.tanh(self.proj(x)))


class Detached(nn.Module):
    """A branch through detach(): `side` only sees the cut branch, `main` both."""

    def __init__(self):
        super().__init__()
        self.main = nn.Linear(3, 3)
        self.side = nn.Linear(3, 3)

    def forward(self, x):
        h = self.main(x)
        cut = self.side(x).detach()
        return (h * cut).sum() + h.pow(2).sum()


class Stops(nn.Module):
    """Every other stop reason: a frozen layer, no_grad, an integer mask, a non-differentiable op."""

    def __init__(self):
        super().__init__()
        self.frozen = nn.Linear(3, 3)
        self.frozen.requires_grad_(False)
        self.fc = nn.Linear(3, 3)

    def forward(self, x):
        h = self.fc(self.frozen(x))
        with torch.no_grad():
            scale = h.abs().mean()
        mask = (h > 0).long()
        counts = torch.histc(h, bins=3)
        return (h * scale * mask).sum() + (h.sum() * counts.max())


class InPlace(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)

    def forward(self, x):
        h = self.fc(x)
        h.mul_(2.0)
        h.relu_()
        return h.sum()


class Cube(torch.autograd.Function):
    """x³ with the right backward, 3x²."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x**2


class WrongCube(Cube):
    """x³ with a deliberately wrong backward, 2x² (a typical slip)."""

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x**2


class WithFunctions(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)

    def forward(self, x):
        h = self.fc(x)
        return (Cube.apply(h) + WrongCube.apply(h)).sum()
