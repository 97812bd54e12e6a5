"""The intern table holds nodes weakly: a node is the same object for as long as it lives, and
leaves the table when nothing refers to it; ``holding`` keeps what a computation makes alive
until the computation is done and through the next ``RECENT`` ones; facts kept on a node go
with it."""

from __future__ import annotations

import gc
import threading

import matdiff as md
from matdiff.ir import Op, build, holding, interned_count
from matdiff.ir.nodes import RECENT
from matdiff.rewriting.measure import chain, cost, score


def _settled() -> int:
    """Live nodes once the last computations' nodes are let go and the collector has run."""
    for _ in range(RECENT):
        with holding():
            pass
    gc.collect()
    return interned_count()


def _expression(tag: str):
    a, b = build.var(f"P{tag}", ("n", "n")), build.var(f"Q{tag}", ("n", "n"))
    return build.add(build.matmul(a, build.transpose(b)), build.func("exp", a))


def test_a_live_node_is_found_again_and_a_dropped_one_leaves_the_table():
    gc.collect()
    before = interned_count()
    first = _expression("live")
    assert _expression("live") is first
    assert interned_count() == before + 6  # P, Q, Q', P*Q', exp(P) and the sum: P is shared
    del first
    gc.collect()
    assert interned_count() == before


def test_a_node_built_again_after_it_died_is_interned_afresh():
    text = repr(_expression("again"))
    gc.collect()
    rebuilt = _expression("again")
    assert repr(rebuilt) == text and _expression("again") is rebuilt
    assert rebuilt.args[0].args[0] is rebuilt.args[1].args[0]  # P, shared


def test_holding_keeps_what_is_made_inside_until_later_computations_end():
    before = _settled()
    with holding():
        _expression("held")
        with holding():  # nested: adds to the outermost
            build.neg(build.var("Pheld", ("n", "n")))
        gc.collect()
        assert interned_count() == before + 7
    for _ in range(RECENT - 1):
        with holding():
            pass
    gc.collect()
    assert interned_count() == before + 7 and _expression("held").args[1].op is Op.FUNC
    with holding():
        pass
    gc.collect()
    assert interned_count() == before


def test_facts_go_with_their_node_and_a_reused_address_learns_its_own():
    """Costs are kept on the node, so a new node at a dead node's address is measured anew
    (a table keyed by ``id`` would hand it the dead node's cost)."""
    for k in range(300):
        small = build.transpose(build.var(f"R{k}", ("n", "n")))
        assert cost(small) == 2 and score(small) == (2, 2, 1)
        del small
        big = build.matmul(build.var(f"S{k}", ("n", "n")), build.var(f"T{k}", ("n", "n")))
        assert cost(big) == 3 and score(big) == (3, 3, 0) and len(chain(big)) == 2
        del big


def test_derivations_leave_no_nodes_behind():
    """Two hundred derivations over fresh names (the report: 67 nodes grew to 7,031)."""
    md.derivative("0.5*norm2(D*W - X)^2", wrt="W")
    before = _settled()
    for k in range(200):
        d = md.derivative(f"0.5*norm2(D{k}*W{k} - X{k})^2 + tr(W{k}'*W{k})", wrt=f"W{k}")
        assert str(d) == f"D{k}'*(D{k}*W{k} - X{k}) + 2*W{k}"
    del d
    assert _settled() == before
    kept = md.derivative("tr(A*B)", wrt="A")
    assert kept.node.op is Op.TRANSPOSE and kept.node is build.transpose(
        kept.variables_nodes["B"])


def test_a_holding_keeps_only_its_own_threads_nodes():
    before = _settled()
    with holding():
        other = threading.Thread(target=lambda: build.neg(build.var("Tthread", ("n",))))
        other.start()
        other.join()
        gc.collect()
        assert interned_count() == before  # made and dropped in a thread that held nothing
