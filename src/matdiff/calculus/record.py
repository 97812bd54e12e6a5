"""One derivation, recorded once: everything the API, the steps and the checks read.

:func:`derive` differentiates ``order`` times and keeps, for each order, the run of the
differential rules (``dF`` and the differential of every part of ``F``), the index form and
the result (:class:`~.jacobian.Step`).  What is read later is computed from the record and
kept in it, never by differentiating again: the vec/Kronecker form of a first derivative, the
result with its repeated subexpressions named, the lower-order derivatives (a check of order
``k`` compares with order ``k - 1``), and the derivation step by step (:mod:`.derivation`),
whose differentials are the recorded ones and whose "move the differential out" step is the
transpose rules applied to the recorded differential (:mod:`.transpose`).  The derivation and
each of these run inside :func:`~matdiff.ir.holding`, so their intermediate nodes live until
they are done.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..ir import Node, Op, holding
from ..rewriting import simplify
from ..tensor import kron_form
from .jacobian import Step, jacobian_step
from .repeats import name_repeated

__all__ = ["Derivation", "derive"]


@dataclass(frozen=True, eq=False)
class Derivation:
    """The ``order``-th derivative of ``f`` by ``x``, with how it was obtained."""

    f: Node
    x: Node
    order: int
    layout: str
    symmetric_gradient: str
    orders: tuple[Step, ...]

    @property
    def result(self) -> Node:
        return self.orders[-1].result

    @property
    def last(self) -> Step:
        return self.orders[-1]

    def lower(self, order: int) -> Derivation:
        """The derivative of order ``order`` (≥ 1) from the same record, numerator layout
        (only the last order of a record may be in the denominator layout)."""
        return Derivation(self.f, self.x, order, "numerator", self.symmetric_gradient,
                          self.orders[:order])

    @cached_property
    @holding()
    def kron(self) -> Node | None:
        """∂vec(F)/∂vec(X) as Kronecker products, for a first derivative of a matrix or
        vector by a matrix or vector, where every term has such a form."""
        if self.order != 1 or self.layout != "numerator":
            return None
        first = self.orders[0]
        node = kron_form(list(first.terms), first.out, self.f.shape, self.x.shape)
        return None if node is None else simplify(node)

    @cached_property
    def variable_names(self) -> frozenset[str]:
        return frozenset(n.attrs[0] for n in self.f.walk() if n.op is Op.VAR)

    @cached_property
    @holding()
    def named(self) -> tuple[Node, tuple[tuple[str, Node], ...]]:
        """The result with its repeated subexpressions named, and their definitions
        (:func:`.repeats.name_repeated`): what ``where s = ...`` shows."""
        return name_repeated(self.result, set(self.variable_names))

    @cached_property
    @holding()
    def steps(self) -> tuple:
        """The derivation step by step (:class:`.derivation.Step`), from this record."""
        from .derivation import derive_steps

        return tuple(derive_steps(self))


@holding()
def derive(f: Node, x: Node, order: int, *, layout: str = "numerator",
           symmetric_gradient: str = "projected") -> Derivation:
    """The record of the ``order``-th derivative of ``f`` by ``x``."""
    orders: list[Step] = []
    current = f
    for k in range(order):
        step = jacobian_step(current, x, n_out=f.rank,
                             denominator=(layout == "denominator" and k == order - 1),
                             symmetric_gradient=symmetric_gradient)
        orders.append(step)
        current = step.result
    return Derivation(f, x, order, layout, symmetric_gradient, tuple(orders))
