"""Hybrid fusion on tiny inputs: what reaches the top when the two sides agree, disagree, tie or are empty."""
from __future__ import annotations

import pytest

from assistant.retrieval.fusion import ChannelWeights, fuse


def test_empty_sides_give_an_empty_ranking():
    assert fuse({}, {}, ChannelWeights(lexical=0.5)) == []


def test_a_candidate_found_by_one_side_only_still_ranks():
    ranked = fuse({"a": 2.0}, {"b": 0.9}, ChannelWeights(lexical=0.5))
    assert {k for k, _ in ranked} == {"a", "b"}
    assert all(0.0 <= s <= 1.0 for _, s in ranked)


def test_weight_one_is_lexical_only_and_zero_is_vector_only():
    lexical, vector = {"a": 3.0, "b": 1.0}, {"a": 0.2, "b": 0.9}
    assert fuse(lexical, vector, ChannelWeights(lexical=1.0))[0][0] == "a"
    assert fuse(lexical, vector, ChannelWeights(lexical=0.0))[0][0] == "b"


def test_the_document_score_lifts_a_passage_of_the_document_about_the_question():
    lexical, vector = {"a": 1.0, "b": 1.0}, {"a": 0.5, "b": 0.5}
    ranked = fuse(lexical, vector, ChannelWeights(lexical=0.9, document=0.75), document={"a": 0.1, "b": 5.0})
    assert ranked[0][0] == "b"


def test_ties_break_by_key_so_the_order_never_changes_between_runs():
    ranked = fuse({"b": 1.0, "a": 1.0, "c": 1.0}, {}, ChannelWeights(lexical=1.0))
    assert [k for k, _ in ranked] == ["a", "b", "c"]


def test_all_zero_lexical_scores_do_not_divide_by_zero():
    ranked = fuse({"a": 0.0, "b": 0.0}, {"a": 0.3, "b": 0.3}, ChannelWeights(lexical=0.5))
    assert [s for _, s in ranked] == [0.5, 0.5]   # equal vectors min-max to 1.0, weighted by 0.5


@pytest.mark.parametrize("kwargs", [{"lexical": 1.5}, {"lexical": -0.1}, {"lexical": 0.5, "document": -1.0}])
def test_invalid_weights_are_refused_with_a_message_that_says_what_is_valid(kwargs):
    with pytest.raises(ValueError, match=r"weight must be"):
        ChannelWeights(**kwargs)
