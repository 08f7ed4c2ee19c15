"""``${...}`` substitution: types kept for whole-string references, text otherwise, no eval."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest

from harness.model import SourceLocation
from harness.templating import (
    BUILTIN_ROOTS,
    MISSING,
    Reference,
    TemplateError,
    Variables,
    freeze,
    lookup,
    parse_text,
    references,
    render,
    render_text,
    select,
    thaw,
)

TOKEN = {"uid": "04F2E39A1B6C80", "valid": True, "tariff_ids": ["T1", "T2"], "kwh": Decimal("1.50")}
VARS = Variables({"token": TOKEN, "n": 3, "nothing": None, "self": {"party_id": "RML"}})
LOC = SourceLocation("suites/2.2.1/cpo/tokens.yaml", 23, 7)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${token}", TOKEN),
        ("${token.uid}", "04F2E39A1B6C80"),
        ("${token.valid}", True),
        ("${token.kwh}", Decimal("1.50")),
        ("${n}", 3),
        ("${nothing}", None),
        ("${token.tariff_ids}", ["T1", "T2"]),
        ("${token.tariff_ids.1}", "T2"),
    ],
)
def test_a_whole_string_reference_keeps_the_type(template: str, expected: object) -> None:
    result = render(template, VARS)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("/${self.party_id}/${token.uid}", "/RML/04F2E39A1B6C80"),
        ("valid=${token.valid}", "valid=true"),
        ("${n} kWh at ${token.kwh}", "3 kWh at 1.50"),
        ("cost $${not.a.ref} ${n}", "cost ${not.a.ref} 3"),
        ("no references at all", "no references at all"),
    ],
)
def test_embedded_references_become_text(template: str, expected: str) -> None:
    assert render(template, VARS) == expected


def test_containers_are_rendered_deeply_and_returned_mutable() -> None:
    body = freeze({"token": "${token}", "list": ["${n}", "x-${n}"], "keep": 1})
    result = render(body, VARS)
    assert result == {"token": TOKEN, "list": [3, "x-3"], "keep": 1}
    assert isinstance(result, dict)
    assert isinstance(result["list"], list)
    result["token"]["uid"] = "changed"
    assert render("${token.uid}", VARS) == "04F2E39A1B6C80"


def test_unknown_name_names_the_expression_and_location() -> None:
    with pytest.raises(TemplateError) as info:
        render("/${tokn.uid}", VARS, LOC)
    error = info.value
    assert error.expression == "${tokn.uid}" and error.location == LOC
    assert str(error).startswith("suites/2.2.1/cpo/tokens.yaml:23:7: ${tokn.uid}: unknown name")
    assert "token" in str(error)  # the names in scope are listed


def test_unknown_key_lists_the_keys_there() -> None:
    with pytest.raises(TemplateError, match=r"token has no key 'uidd' \(keys: kwh, tariff_ids"):
        render("${token.uidd}", VARS)


def test_index_past_the_end_and_path_through_a_scalar() -> None:
    with pytest.raises(TemplateError, match="has 2 items"):
        render("${token.tariff_ids.5}", VARS)
    with pytest.raises(TemplateError, match="not an object or array"):
        render("${token.uid.x}", VARS)


@pytest.mark.parametrize("template", ["id-${token}", "x${token.tariff_ids}", "a${nothing}"])
def test_only_scalars_can_be_embedded_in_text(template: str) -> None:
    with pytest.raises(TemplateError, match="can be embedded in text"):
        render(template, VARS)


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("${token uid}", "bad reference"),
        ("${}", "bad reference"),
        ("${a+b}", "bad reference"),
        ("${token.uid", "unterminated"),
        ("${a${b}}", "bad reference"),
    ],
)
def test_malformed_expressions_are_refused(template: str, reason: str) -> None:
    with pytest.raises(TemplateError, match=reason):
        parse_text(template)


def test_parse_text_splits_literals_and_references() -> None:
    assert parse_text("/${a.b}/x${c}") == (
        "/",
        Reference("${a.b}", "a", ("b",)),
        "/x",
        Reference("${c}", "c", ()),
    )


def test_references_walks_nested_values() -> None:
    found = [r.root for r in references({"a": ["${x}", {"b": "p${y.z}q"}], "c": 1})]
    assert found == ["x", "y"]


def test_variables_are_immutable_and_with_values_copies() -> None:
    base = Variables({"a": {"k": 1}})
    more = base.with_values({"b": 2, "a": {"k": 9}})
    assert dict(base) == {"a": {"k": 1}} and set(more) == {"a", "b"}
    assert render("${a.k}", more) == 9 and render("${a.k}", base) == 1
    assert not hasattr(base, "__setitem__")
    stored = base["a"]
    assert isinstance(stored, Mapping)
    with pytest.raises(TypeError):
        stored["k"] = 2  # type: ignore[index]


def test_values_put_in_are_copied() -> None:
    data = {"k": [1]}
    variables = Variables({"d": data})
    data["k"].append(2)
    assert render("${d.k}", variables) == [1]


def test_freeze_and_thaw_round_trip() -> None:
    value = {"a": [1, {"b": None}], "c": Decimal("0.1")}
    assert thaw(freeze(value)) == value
    assert freeze(0.25) == Decimal("0.25")
    with pytest.raises(TypeError):
        freeze(object())


def test_lookup_tells_missing_from_null() -> None:
    doc = {"data": {"a": None, "list": [{"x": 1}]}}
    assert lookup(doc, ("data", "a")) is None
    assert lookup(doc, ("data", "b")) is MISSING
    assert lookup(doc, ("data", "list", "0", "x")) == 1
    assert lookup(doc, ("data", "list", "1")) is MISSING


def test_select_fans_out_and_gives_json_pointers() -> None:
    doc = {"data": [{"id": "a"}, {"id": "b"}, {}], "a/b": {"c~d": 1}}
    assert select(doc, ("data", "*", "id")) == [
        ("/data/0/id", "a"),
        ("/data/1/id", "b"),
        ("/data/2/id", MISSING),
    ]
    assert select(doc, ("a/b", "c~d")) == [("/a~1b/c~0d", 1)]
    assert select({"data": []}, ("data", "*", "id")) == []
    assert select(doc, ("nope", "deeper")) == [("/nope/deeper", MISSING)]


def test_render_text_insists_on_text() -> None:
    assert render_text("${n}", VARS) == "3"
    assert render_text("${token.valid}", VARS) == "true"
    with pytest.raises(TemplateError, match="must give text"):
        render_text("${token}", VARS)


def test_builtin_roots_are_documented() -> None:
    assert {"self", "sut", "partners", "case", "suite", "run", "now"} <= set(BUILTIN_ROOTS)
    assert all(BUILTIN_ROOTS.values())
