"""Keeping the best child an env produced (used by the training callback's wrapper and the batched env)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from archgym.child import ChildNet

__all__ = ["better_child"]


def better_child(best: dict[str, Any] | None, child: ChildNet | None, info: Mapping[str, Any]) -> dict[str, Any] | None:
    """``best`` updated with a CPU copy of ``child`` when ``info["score"]`` beats it (else ``best`` itself).

    :param best: the record so far (``{"arch", "state", "info"}``) or None
    :param child: the env's current child (the one ``info`` describes)
    :param info: the env's info of that child
    :return: the better of the two records
    """
    score = info.get("score")
    if not isinstance(score, (int, float)) or not math.isfinite(score) or child is None:
        return best
    if best is not None and score <= best["info"]["score"]:
        return best
    state = {k: v.detach().to("cpu", copy=True) for k, v in child.state_dict().items()}
    return {"arch": child.arch.to_dict(), "state": state, "info": dict(info)}
