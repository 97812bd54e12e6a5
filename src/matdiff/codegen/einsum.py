"""An ``EINSUM`` node as calls a library's ``einsum`` accepts, however many indices it has.

The IR labels axes with any characters (``_`` a size-1 axis of its own); libraries accept the
52 ASCII letters.  Labels that are letters are kept, the others get spare letters; a node
with more than 52 distinct labels (a product of many factors) is contracted two operands at a
time, each intermediate keeping only the labels still needed, so letters never run out.
"""

from __future__ import annotations

from typing import Callable

__all__ = ["einsum_text", "LETTERS"]

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _labelled(specs: tuple[str, ...]) -> list[list[object]]:
    """Each operand's labels, every ``_`` made a label of its own."""
    out, k = [], 0
    for spec in specs:
        labels: list[object] = []
        for ch in spec:
            if ch == "_":
                k += 1
                labels.append(("_", k))
            else:
                labels.append(ch)
        out.append(labels)
    return out


def _spec(inputs: list[list[object]], output: list[object]) -> str:
    """The einsum string of one call; ValueError when it needs more than 52 letters."""
    used = {lab for labels in inputs for lab in labels} | set(output)
    if len(used) > len(LETTERS):
        raise ValueError(f"one contraction needs {len(used)} indices, more than "
                         f"{len(LETTERS)}")
    kept = {lab: lab for lab in used if isinstance(lab, str) and lab in LETTERS}
    spare = iter(ch for ch in LETTERS if ch not in kept)
    names = {lab: kept.get(lab) or next(spare) for lab in sorted(used, key=str)}
    return (",".join("".join(names[lab] for lab in labels) for labels in inputs) + "->"
            + "".join(names[lab] for lab in output))


def einsum_text(specs: tuple[str, ...], out: str, operands: list[str], call: str,
                local: Callable[[str], str]) -> str:
    """Python text of the contraction; ``call`` is a template with ``{spec!r}`` and
    ``{operands}``, ``local`` stores an intermediate and returns its name."""
    inputs = _labelled(specs)
    output: list[object] = [ch for ch in out if ch != "_"]
    used = {lab for labels in inputs for lab in labels} | set(output)
    if len(used) <= len(LETTERS):
        return call.format(spec=_spec(inputs, output), operands=", ".join(operands))
    acc_labels, acc = inputs[0], operands[0]
    for k in range(1, len(inputs)):
        later = set(output).union(*inputs[k + 1:])
        keep = [lab for lab in dict.fromkeys(acc_labels + inputs[k]) if lab in later]
        text = call.format(spec=_spec([acc_labels, inputs[k]], keep),
                           operands=f"{acc}, {operands[k]}")
        acc_labels, acc = keep, local(text)
    return call.format(spec=_spec([acc_labels], output), operands=acc)
