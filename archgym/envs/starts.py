"""Where an episode starts: ``env.reset(options={"initial": arch})``, parsed and checked before anything changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from archgym.arch import Architecture, InvalidEdit, parse_layers
from archgym.space import SearchSpace

__all__ = ["RESET_OPTIONS", "reset_initial", "start_architecture"]

#: Keys of ``env.reset(options=...)``: ``initial``, the architecture this episode starts from.
RESET_OPTIONS: tuple[str, ...] = ("initial",)


def reset_initial(options: Mapping[str, Any] | None) -> Any:
    """The ``initial`` of a reset's ``options`` (None: the preset's start).

    :raises ValueError: ``options`` not a mapping, or keys other than :data:`RESET_OPTIONS` (named)
    """
    if options is None:
        return None
    if not isinstance(options, Mapping):
        raise ValueError(f"reset options must be a mapping or None, got {type(options).__name__}")
    unknown = sorted(set(options) - set(RESET_OPTIONS))
    if unknown:
        raise ValueError(f"unknown reset option(s) {unknown}; valid: {', '.join(RESET_OPTIONS)}")
    return options.get("initial")


def start_architecture(
    initial: Any, base: Architecture, base_layers: Sequence[Any], space: SearchSpace, evaluator: Any = None
) -> Architecture:
    """Parse and check an episode's start: it must fit the env (``base``'s input, classes and head), lie in
    ``space`` and pass the evaluator's optional ``check_architecture`` (the table: is it in the table?).

    :param initial: an architecture key (``"1x40-[c28k5,16]-10"``), a layer list as in the presets
        (``["c28k5", 16]``) or an :class:`~archgym.arch.Architecture`
    :param base: the preset's initial architecture (input, classes, head; the example in messages)
    :param base_layers: the preset's ``initial`` layer list (the example of the list form in messages)
    :param space: the env's search space
    :param evaluator: the env's evaluator
    :raises ValueError: malformed, another input / class count / head than the env's, outside the search
        space, or not accepted by the evaluator; the message says what is valid
    """
    try:
        if isinstance(initial, Architecture):
            arch = initial
        elif isinstance(initial, str):
            arch = Architecture.from_key(initial)
        elif isinstance(initial, (list, tuple)):
            arch = Architecture(base.input_shape, parse_layers(initial), base.num_classes, base.head)
        else:
            raise ValueError(f"got {type(initial).__name__}")
    except ValueError as e:
        raise ValueError(
            f"bad reset option initial={initial!r} ({e}); give an architecture key like {base.key()!r}, "
            f"a layer list like {list(base_layers)!r} or an Architecture"
        ) from None
    if (arch.input_shape, arch.num_classes, arch.head) != (base.input_shape, base.num_classes, base.head):
        raise ValueError(
            f"reset option initial={arch.key()!r} does not fit this env: its networks take input "
            f"{'x'.join(map(str, base.input_shape))}, {base.num_classes} classes, head {base.head!r} "
            f"(e.g. {base.key()!r})"
        )
    try:
        space.check(arch)
    except InvalidEdit as e:
        raise ValueError(
            f"reset option initial={arch.key()!r} is outside the search space ({e}); valid: depth "
            f"{space.min_depth}-{space.max_depth}, dense widths {space.dense.min}..{space.dense.max} step "
            f"{space.dense.step}, conv channels {space.conv.min}..{space.conv.max} step {space.conv.step}"
        ) from None
    check = getattr(evaluator, "check_architecture", None)
    if check is not None:
        check(arch)
    return arch
