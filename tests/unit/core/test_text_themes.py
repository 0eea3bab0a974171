"""Theme clustering with labels from the members' own words."""

from __future__ import annotations

import numpy as np
import pytest

from tradeoff.core.text.themes import cluster_themes, label_terms

TEXTS = [
    "PDF export times out on big reports",
    "exporting a report to PDF times out",
    "the PDF export keeps timing out",
    "SSO login with Okta fails",
    "Okta SSO login is broken since Monday",
    "lunch was nice",
]


def test_lexical_themes_group_and_label() -> None:
    themes = cluster_themes(TEXTS)
    groups = [set(t.member_indices) for t in themes]
    assert {0, 1, 2} in groups and {3, 4} in groups
    assert all(5 not in g for g in groups)  # a lone text is not a theme
    pdf = next(t for t in themes if set(t.member_indices) == {0, 1, 2})
    assert pdf.label.startswith("PDF export")  # as its members wrote it
    assert pdf.representative in pdf.member_indices
    assert themes[0] is pdf  # largest first


def test_embeddings_drive_grouping_when_given() -> None:
    emb = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=np.float32)
    themes = cluster_themes(["a b", "c d", "e f", "g h"], emb)
    assert sorted(t.member_indices for t in themes) == [(0, 1), (2, 3)]


def test_small_inputs_and_bad_shapes() -> None:
    assert cluster_themes([]) == []
    assert cluster_themes(["only one"]) == []
    with pytest.raises(ValueError, match="embeddings"):
        cluster_themes(["a", "b"], np.zeros((3, 2), dtype=np.float32))


def test_label_terms_are_content_words_and_adjacent_pairs_as_written() -> None:
    terms = label_terms("Hi Lena, we'd like to add 3 seats: our NetSuite sync failed overnight (e-invoicing via Peppol)")
    assert terms["netsuite sync"] == "NetSuite sync" and terms["e-invoicing"] == "e-invoicing"
    assert "sync failed" in terms and "peppol" in terms
    for never in ("hi", "we'd", "like", "add", "3", "seats our", "e", "like add"):
        assert never not in terms, never
    assert "add seats" not in terms  # pairs only of neighbours with no filler between


def test_labels_leave_out_what_label_texts_leave_out() -> None:
    texts = ["Globex wants PDF export of invoices", "Globex needs invoice PDF export", "Globex: export PDF please"]
    names_kept = cluster_themes(texts, max_distance=0.99)
    names_out = cluster_themes(texts, max_distance=0.99, label_texts=[t.replace("Globex", "") for t in texts])
    assert "Globex" in names_kept[0].label and "Globex" not in names_out[0].label
    assert names_out[0].member_indices == names_kept[0].member_indices  # grouping is by the texts themselves


def test_a_label_pair_never_spans_two_phrases() -> None:
    terms = label_terms("We export every invoice last year. Otherwise reports break; billing page, please help")
    assert "last year" in terms and "year otherwise" not in terms and "reports break" in terms
    assert "break billing" not in terms and "billing page" in terms


def test_pieces_of_split_contractions_are_never_label_words() -> None:
    """Text tokenised as Penn Treebank does it ("ca n't", "wo n't", "gon na") keeps the pieces apart: none is a word
    a theme can be named by, whether it is read alone or as a pair."""
    terms = label_terms("I ca n't open the app and it wo n't load , I 'm gon na uninstall")
    assert not {"n't", "ca", "wo", "gon", "na", "ca n't", "app and", "'m"} & set(terms)
    assert {"open", "app", "load", "uninstall"} <= set(terms)
    # the same letters as a word of their own stay: a custom CA certificate is a topic
    assert "ca certificate" in label_terms("Custom CA certificate support")
    reviews = ["I ca n't upload photos , upload fails", "photos upload fails , I ca n't post",
               "ca n't upload photos since the update", "the maps do n't load offline",
               "offline maps wo n't load", "maps do n't load when offline"]
    labels = [t.label for t in cluster_themes(reviews)]
    assert labels and all(w not in label.lower().split(" · ")
                          for label in labels for w in ("n't", "ca", "wo", "do n't"))
    assert all("n't" not in term and term.lower() != "ca" for t in cluster_themes(reviews) for term in t.terms)
