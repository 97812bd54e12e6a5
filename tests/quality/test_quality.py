"""The quality measure: answers no longer than 1.5× the textbook's, 90% no longer at all,
and docs/quality.md as the measuring command writes it today."""

from __future__ import annotations

import make_table
import tokens


def test_no_answer_is_longer_than_one_and_a_half_textbooks():
    rows = tokens.rows()
    too_long = [f"{r.expr} by {r.wrt}: {r.matdiff} ({r.matdiff_tokens} tokens) vs "
                f"{r.textbook} ({r.textbook_tokens})" for r in rows if r.ratio > 1.5]
    assert not too_long, "\n".join(too_long)


def test_nine_in_ten_answers_are_no_longer_than_the_textbook():
    rows = tokens.rows()
    within = sum(r.matdiff_tokens <= r.textbook_tokens for r in rows)
    assert within >= 0.9 * len(rows), f"only {within} of {len(rows)}"


def test_the_token_count_counts_what_a_reader_reads():
    assert tokens.tokens("D'*(D*W - X)") == 8
    assert tokens.tokens("det(X)*inv(X)'") == 6
    assert tokens.tokens("x.^2 + 1") == 5


def test_the_table_in_the_docs_is_current():
    assert make_table.DOC.read_text() == make_table.render(), \
        "docs/quality.md is stale: run .venv/bin/python tests/quality/make_table.py"
