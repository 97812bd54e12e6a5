"""Index (Einstein) form of tensor expressions, and the way back to matrix notation."""

from .index_form import Factor, Indexer, Term, eliminate_deltas, lower, symmetrize, to_einsum
from .kron_form import kron_form
from .like_terms import tidy
from .to_matrix import to_matrix

__all__ = ["Factor", "Indexer", "Term", "eliminate_deltas", "lower", "symmetrize",
           "to_einsum", "to_matrix", "kron_form", "tidy"]
