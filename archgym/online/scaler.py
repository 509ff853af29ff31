"""Running input standardisation for the online learner.

:class:`RunningStandardizer` keeps feature-wise running means and variances on the device (like
River's ``StandardScaler``) and standardises a batch with one fused multiply-add; the
:class:`~archgym.online.learner.OnlineLearner` uses it when ``standardize=True``.
"""

from __future__ import annotations

import torch

__all__ = ["RunningStandardizer"]


class RunningStandardizer:
    """Feature-wise running mean and variance (Chan et al. parallel update), kept on the device.

    The scale ``1 / sqrt(var + eps)`` is recomputed at each update, so standardising is one
    fused multiply-add; it is the identity until two samples were seen.

    :param shape: shape of one sample
    :param device: device of the statistics
    :param eps: added to the variance before the square root
    """

    def __init__(self, shape: tuple[int, ...], device: torch.device, eps: float = 1e-8) -> None:
        self.eps = eps
        self.count = 0
        self.mean = torch.zeros(shape, device=device)
        self.m2 = torch.zeros(shape, device=device)
        self.scale = torch.ones(shape, device=device)

    @torch.no_grad()
    def update(self, x: torch.Tensor) -> None:
        """Fold a batch ``x`` of shape ``(n, *shape)`` into the statistics."""
        n = x.shape[0]
        total = self.count + n
        b_var, b_mean = torch.var_mean(x, 0, correction=0)
        delta = b_mean - self.mean
        self.m2.add_(b_var, alpha=n).addcmul_(delta, delta, value=self.count * n / total)
        self.mean.add_(delta, alpha=n / total)
        self.count = total
        if total > 1:
            torch.rsqrt(self.m2.div(total).add_(self.eps), out=self.scale)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Standardise ``x``."""
        return (x - self.mean) * self.scale
