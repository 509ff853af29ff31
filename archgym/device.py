"""Device resolution shared by every part of archgym."""

from __future__ import annotations

import torch

DEVICE_CHOICES: tuple[str, ...] = ("auto", "cpu", "cuda")


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """Turn ``"auto"`` / ``"cpu"`` / ``"cuda"`` / ``"cuda:1"`` into a :class:`torch.device`.

    ``auto`` picks CUDA when it is available, else the CPU. Asking for CUDA on a machine
    without it raises ValueError rather than failing later inside a kernel.

    >>> resolve_device("cpu")
    device(type='cpu')
    """
    if isinstance(device, torch.device):
        dev = device
    elif not isinstance(device, str):
        raise ValueError(f"device must be a string, got {device!r}; valid: auto, cpu, cuda, cuda:N")
    elif device == "auto":
        dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    else:
        try:
            dev = torch.device(device)
        except RuntimeError:
            raise ValueError(f"unknown device {device!r}; valid: auto, cpu, cuda, cuda:N") from None
        if dev.type not in ("cpu", "cuda"):
            raise ValueError(f"unsupported device {device!r}; valid: auto, cpu, cuda, cuda:N")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} requested but CUDA is not available here; use 'auto' or 'cpu'")
    return dev
