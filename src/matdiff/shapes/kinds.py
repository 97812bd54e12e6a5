"""Kinds by inference: the kinds of undeclared names solved together with their dimensions.

The naming convention (:mod:`.naming`) is only the first guess.  Each assignment of kinds
(scalar, vector or matrix) to the undeclared names has a cost: for every name whose kind
differs from the convention, how many ranks it moves (a scalar read as a vector costs 1, as a
matrix 2), plus the doubts of its inference pass (a transposed scalar, a
scalar written after a row vector or a matrix: :mod:`.infer`).  An ill-shaped assignment is
out.  The search is uniform-cost over assignments, from the convention: a failed pass offers
the undeclared names under the syntax node that failed, a doubtful one its doubtful names,
and each of those names is tried with each other kind.  So the convention wins wherever it is
consistent and undoubted, a forced change is as small as it can be, and a tie between
readings is resolved by the order of the search (fewest changes first, names in order of
appearance) and reported.  Where no cheap reading fits within half the passes (many names
against the convention), a beam search keeps the passes that got furthest through the
expression and changes one more of their names, until one fits.  The search is bounded: at
most :data:`MAX_PASSES` passes, and fewer for long inputs; when no well-shaped reading is
found, the convention's error stands.

Every undeclared name gets a :class:`~matdiff.ir.reading.Choice` saying the kind and shape
it was given and why.
"""

from __future__ import annotations

import heapq

from ..errors import ShapeError
from ..ir import dims as dimmod
from ..ir.reading import Choice
from ..ir.syntax import Syn
from .infer import FUNCTIONS, Typed, infer_with
from .naming import convention_reason, kind_by_convention

__all__ = ["infer", "MAX_PASSES"]

MAX_PASSES = 96
_BEAM = 3
_WORK = 400_000
"""Syntax nodes visited, over all passes of one search."""
_KINDS = ("scalar", "vector", "matrix")
_RANK = {kind: rank for rank, kind in enumerate(_KINDS)}


def _changes(assigned: dict) -> int:
    """How far an assignment moves from the convention, in ranks."""
    return sum(abs(_RANK[kind] - _RANK[kind_by_convention(name)])
               for name, kind in assigned.items())
_EPS = 1e-9
_INF = float("inf")


class _Pass:
    """One inference pass under one assignment, and its cost."""

    __slots__ = ("assigned", "reasons", "changes", "inference", "root", "error", "cost")

    def __init__(self, syn: Syn, text: str, declared: dict, assigned: dict,
                 reasons: dict | None = None):
        self.assigned = assigned
        self.reasons = reasons or {}
        self.changes = _changes(assigned)
        self.root = self.error = None
        try:
            self.inference, self.root = infer_with(syn, text, declared, assigned)
        except ShapeError as e:
            self.inference, self.error = e.inference, e
        doubts = self.inference.doubts.values() if self.ok else ()
        self.cost = self.changes + sum(cost for cost, _ in doubts) if self.ok else _INF

    @property
    def ok(self) -> bool:
        return self.error is None

    def reason(self, name: str) -> str:
        """Why this pass suggests another kind for ``name``."""
        if not self.ok:
            return "otherwise " + self.error.message.split("\n")[0]
        return self.inference.doubts[name][1]

    @property
    def suspects(self) -> list[str]:
        """The names to try other kinds for: those under the failure, or the doubtful ones."""
        if not self.ok:
            return self.inference.conflict or []
        return list(self.inference.doubts)


def _size(syn: Syn) -> int:
    count, todo = 0, [syn]
    while todo:
        node = todo.pop()
        count += 1
        todo.extend(node.args)
    return count


class _Search:
    """The search over assignments: uniform-cost first, then a beam by progress."""

    def __init__(self, syn: Syn, text: str, declared: dict, start: dict):
        self.syn, self.text, self.declared = syn, text, declared
        self.passes = min(MAX_PASSES, max(4, _WORK // _size(syn)))
        self.seen = {frozenset(start.items())}
        self.failed: list[_Pass] = []
        self.best: _Pass | None = None
        self.tie: _Pass | None = None
        self.doubtful: _Pass | None = None  # the first well-shaped pass, however doubtful

    def run(self, assigned: dict, reasons: dict) -> _Pass:
        self.passes -= 1
        p = _Pass(self.syn, self.text, self.declared, assigned, reasons)
        best = self.best
        if p.cost < _INF:
            if best is None or p.cost < best.cost - _EPS:
                self.best, self.tie = p, None
            elif self.tie is None and abs(p.cost - best.cost) <= _EPS:
                self.tie = p
        elif not p.ok:
            self.failed.append(p)
        if p.ok and self.doubtful is None:
            self.doubtful = p
        return p

    def children(self, p: _Pass):
        """``(changes, assigned, reasons)`` for each suspect of ``p`` given another kind."""
        for name in p.suspects:
            current = p.assigned.get(name) or kind_by_convention(name)
            for kind in _KINDS:
                if kind == current:
                    continue
                assigned = {k: v for k, v in p.assigned.items() if k != name}
                if kind != kind_by_convention(name):
                    assigned[name] = kind
                key = frozenset(assigned.items())
                if key not in self.seen:
                    self.seen.add(key)
                    yield _changes(assigned), assigned, {**p.reasons, name: p.reason(name)}

    def cheapest(self, first: _Pass, share: float) -> None:
        """Uniform-cost search from the convention, with ``share`` of the passes."""
        heap: list[tuple[float, int, dict, dict]] = []
        serial, stop = 0, self.passes * (1 - share)

        def expand(p: _Pass) -> None:
            nonlocal serial
            for changes, assigned, reasons in self.children(p):
                serial += 1
                heapq.heappush(heap, (changes, serial, assigned, reasons))

        expand(first)
        while heap and self.passes > stop:
            changes, _, assigned, reasons = heapq.heappop(heap)
            if self.best is not None and changes > self.best.cost + _EPS:
                return
            expand(self.run(assigned, reasons))

    def descend(self, p: _Pass) -> None:
        """From a well-shaped but doubtful pass, change one doubtful name at a time while
        that lowers the cost (many independent doubts, as in a sum of bilinear forms, would
        take the uniform-cost search too many passes)."""
        improved = True
        while improved and self.passes > 0:
            improved = False
            for _, assigned, reasons in sorted(self.children(p), key=lambda c: c[0]):
                if self.passes <= 0:
                    break
                q = self.run(assigned, reasons)
                if q.cost < p.cost - _EPS:
                    p, improved = q, True
                    break

    def beam(self) -> None:
        """Where many names are misnamed: keep the passes that got furthest through the
        expression before failing, and change one more name of theirs, until one fits."""
        frontier = sorted(self.failed, key=_progress)[:_BEAM]
        while frontier and self.best is None and self.passes > 0:
            runs = []
            for p in frontier:
                for _, assigned, reasons in sorted(self.children(p), key=lambda c: c[0]):
                    if self.passes <= 0:
                        break
                    runs.append(self.run(assigned, reasons))
            frontier = sorted((p for p in runs if not p.ok), key=_progress)[:_BEAM]


def _progress(p: _Pass) -> tuple:
    return (-p.inference.visits, p.changes)


_TRANSPOSED = "a transposed name is not a scalar"


def _transposed_scalars(syn: Syn, declared: dict) -> dict[str, str]:
    """Undeclared names the text transposes that the convention makes scalars: vectors from
    the start (nobody transposes a scalar), so the search begins where the text points."""
    forced, todo = {}, [syn]
    while todo:
        node = todo.pop()
        todo.extend(node.args)
        if node.kind != "transpose":
            continue
        arg = node.args[0]
        while arg.kind == "group":
            arg = arg.args[0]
        if arg.kind == "name" and arg.value not in declared and arg.value not in FUNCTIONS \
                and arg.value != "eye" and kind_by_convention(arg.value) == "scalar":
            forced[arg.value] = "vector"
    return forced


def _search(syn: Syn, text: str, declared: dict) -> tuple[_Pass, _Pass | None]:
    """The cheapest well-shaped pass found, and a tie (None without one)."""
    forced = _transposed_scalars(syn, declared)
    first = _Pass(syn, text, declared, forced, {name: _TRANSPOSED for name in forced})
    if first.ok and not first.inference.doubts:
        return first, None
    search = _Search(syn, text, declared, forced)
    if first.cost < _INF:
        search.best = first
        search.descend(first)
    search.cheapest(first, share=0.5)
    if search.best is None:
        search.beam()
    chosen = search.best or (first if first.ok else search.doubtful)
    if chosen is None:
        raise first.error
    return chosen, search.tie


def _shape_words(kind: str, shape: tuple) -> str:
    if not shape:
        return "a scalar"
    if len(shape) == 1:
        return f"a vector of length {shape[0]}"
    return f"a {kind if kind in ('symmetric', 'spd') else 'matrix'} " \
           f"({dimmod.shape_str(shape)})"


def _why(name: str, best: _Pass, tie: _Pass | None) -> str:
    if name not in best.assigned:
        why = convention_reason(name)
    else:
        why = "the expression forces it: " + best.reasons.get(name, "")
    if tie is not None and tie.assigned.get(name) != best.assigned.get(name):
        other = tie.assigned.get(name) or kind_by_convention(name)
        why += f"; ambiguous: the expression is also well-shaped with {name} a {other}"
    return why


def infer(syn: Syn, text: str, declared: dict | None = None, notes=()) -> Typed:
    """Check the shapes of a parsed expression, choosing the kinds of undeclared names, and
    build its IR.  ``notes`` are the parser's readings; they lead the result's ``reading``,
    then each undeclared name's kind, then the readings of inference (``|S|`` …)."""
    declared = dict(declared or {})
    best, tie = _search(syn, text, declared)
    inf = best.inference
    typed = inf.build(best.root)
    kinds = []
    for name in typed.order:
        if name in declared:
            continue
        var = typed.variables[name]
        shape = tuple(d if isinstance(d, (int, str)) else str(d) for d in var.shape)
        kinds.append(Choice("kind", name, _shape_words(var.attrs[1], shape),
                            _why(name, best, tie), typed.spans.get(name)))
    typed.reading = (*notes, *kinds, *inf.notes)
    return typed
