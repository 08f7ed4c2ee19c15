"""The loader: YAML -> typed model, and every bad suite rejected with file, line and reason."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator, Mapping
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from harness.context import CallQuery
from harness.errors import UsageError
from harness.loader import (
    FixtureStore,
    SuiteError,
    default_fixtures_root,
    load_suite,
    load_suites,
    parse_suite,
)
from harness.model import (
    AwaitCallStep,
    CrawlStep,
    HookStep,
    MatcherRef,
    RequestStep,
    SetStep,
    SourceLocation,
    TickStep,
    VerifyBillingStep,
)
from harness.ocpi.roles import InterfaceRole

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken"
SCHEMA = Path(__file__).parents[2] / "harness" / "schemas" / "suite.schema.json"
PATH = "suites/2.2.1/cpo/tokens.yaml"


class Fixtures:
    """A FixtureSource without files, so parse_suite stays pure in these tests."""

    def __init__(self, *names: str) -> None:
        self.names = set(names)

    def exists(self, ref: str) -> bool:
        return ref in self.names


HEADER = """\
suite:
  id: t
  title: T
  ocpi_version: "2.2.1"
  sut_role: CPO
  module: tokens
  interface: RECEIVER
cases:
  - id: TOK-RCV-001
    title: a case
    reqs: [REQ-TOK-001]
"""


def suite(body: str, header: str = HEADER) -> str:
    """HEADER plus the case body (indented by 4 spaces, under the case)."""
    return header + textwrap.indent(textwrap.dedent(body), "    ")


def problems(text: str, **options: Any) -> list[str]:
    options.setdefault("fixtures", Fixtures())
    with pytest.raises(SuiteError) as info:
        parse_suite(text, PATH, **options)
    return [str(p) for p in info.value.problems]


def one_problem(text: str, **options: Any) -> str:
    found = problems(text, **options)
    assert len(found) == 1, found
    return found[0]


# -- the example suites ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples() -> dict[str, Any]:
    return {s.id: s for s in load_suites([str(DATA / "*.yaml")])}


def test_examples_load_and_cover_every_step_kind(examples: dict[str, Any]) -> None:
    assert set(examples) == {"tokens-receiver", "commands-receiver", "cdrs-sender"}
    kinds = {type(step) for s in examples.values() for c in s.cases for step in c.steps}
    assert kinds == {
        RequestStep,
        CrawlStep,
        AwaitCallStep,
        VerifyBillingStep,
        HookStep,
        TickStep,
        SetStep,
    }


def test_example_values_are_typed(examples: dict[str, Any]) -> None:
    tokens = examples["tokens-receiver"]
    first, second = tokens.cases
    assert (first.id, first.reqs, tokens.sut_role, tokens.ocpi_version) == (
        "TOK-RCV-001",
        ("REQ-TOK-001", "REQ-TF-015"),
        "CPO",
        "2.2.1",
    )
    assert first.location == SourceLocation(str(DATA / "tokens-receiver.yaml"), 16, 5)
    put, get = first.steps
    assert isinstance(put, RequestStep) and isinstance(get, RequestStep)
    assert put.request.role is InterfaceRole.RECEIVER  # the suite's interface by default
    assert put.expect is not None and put.expect.http_status == (200, 201)
    assert [c.name for c in put.expect.checks] == ["envelope_shape", "response_tracing"]
    assert get.expect is not None and get.expect.data is not None
    assert (get.expect.data.schema, get.expect.data.cardinality) == ("Token", "one")
    matchers = {a.path.text: a.expected for a in get.expect.body}
    assert matchers["data.uid"] == "${token.uid}"
    assert matchers["data.last_updated"] == MatcherRef(
        "iso8601_utc",
        None,
        matchers["data.last_updated"].location,  # type: ignore[union-attr]
    )
    assert [(r.name, r.source.segments) for r in get.save] == [
        ("read_back", ("body", "data")),
        ("stored_at", ("body", "data", "last_updated")),
    ]
    country = next(v for v in second.vars if v.name == "country_code")
    assert country.payload.value == "NO"  # not False: YAML 1.2 booleans only
    ticks = [s for s in second.steps if isinstance(s, TickStep)]
    assert [(t.by, t.to) for t in ticks] == [
        (timedelta(minutes=1), None),
        (None, "2026-03-15T10:00:00Z"),  # text, not a datetime
    ]


def test_example_billing_and_crawl_steps(examples: dict[str, Any]) -> None:
    steps = examples["cdrs-sender"].cases[0].steps
    crawl = next(s for s in steps if isinstance(s, CrawlStep))
    verify = next(s for s in steps if isinstance(s, VerifyBillingStep))
    assert crawl.crawl.role is InterfaceRole.SENDER and crawl.crawl.max_pages == 20
    assert crawl.crawl.query == {"limit": 2, "date_from": "2026-03-01T00:00:00Z"}
    assert verify.tolerance == Decimal("0.01") and verify.policy == {"rounding": "per_total"}
    call = next(
        s for s in examples["commands-receiver"].cases[0].steps if isinstance(s, AwaitCallStep)
    )
    assert (call.call.within, call.call.count, call.call.partner) == (
        timedelta(seconds=60),
        1,
        "mock_emsp",
    )


def test_model_objects_are_frozen(examples: dict[str, Any]) -> None:
    case = examples["tokens-receiver"].cases[0]
    with pytest.raises(AttributeError):
        case.title = "changed"
    body = case.steps[0].request.query
    with pytest.raises(TypeError):
        body["type"] = "APP_USER"


def _yaml_data(path: Path) -> object:
    return yaml.safe_load(path.read_text("utf-8"))


def test_examples_validate_against_the_schema_as_editors_see_it() -> None:
    validator = Draft202012Validator(json.loads(SCHEMA.read_text("utf-8")))
    for path in sorted(DATA.glob("*.yaml")):
        assert list(validator.iter_errors(_yaml_data(path))) == [], path.name


# -- broken files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "typo-key.yaml",
            "13:9: case BRK-TYPO-001 step 1: unknown key 'expct' (did you mean 'expect'?)",
        ),
        ("bad-indent.yaml", "10:11: YAML syntax error: mapping values are not allowed here"),
        (
            "unknown-matcher.yaml",
            "15:40: case BRK-MATCH-001 step 1: unknown matcher 'iso8601' "
            "(did you mean 'iso8601_utc'?)",
        ),
        (
            "unknown-fixture.yaml",
            "12:24: case BRK-FIX-001 var token: no fixture file '2.2.1/Token/rfid-alowed.json'",
        ),
        (
            "bad-reference.yaml",
            "12:56: case BRK-REF-001 step 1: unknown name 'stored_at' in ${stored_at}",
        ),
    ],
)
def test_broken_files_name_file_line_and_reason(name: str, message: str) -> None:
    path = BROKEN / name
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert str(info.value).startswith(f"{path}:{message}")
    assert info.value.location.file == str(path)


def test_duplicate_case_ids_across_files() -> None:
    with pytest.raises(SuiteError) as info:
        load_suites([BROKEN / "duplicate-ids-a.yaml", BROKEN / "duplicate-ids-b.yaml"])
    first = BROKEN / "duplicate-ids-a.yaml"
    assert str(info.value) == (
        f"{BROKEN / 'duplicate-ids-b.yaml'}:8:5: case BRK-DUP-001: duplicate case id "
        f"BRK-DUP-001 (first at {first}:8:5)"
    )


def test_load_suites_reports_every_broken_file_at_once() -> None:
    with pytest.raises(SuiteError) as info:
        load_suites([str(BROKEN)])
    files = {Path(p.location.file).name for p in info.value.problems}
    assert files == {
        "typo-key.yaml",
        "bad-indent.yaml",
        "unknown-matcher.yaml",
        "unknown-fixture.yaml",
        "bad-reference.yaml",
        "duplicate-ids-b.yaml",
    }


def test_load_suites_refuses_patterns_that_match_nothing(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no suite file matches"):
        load_suites([str(tmp_path / "*.yaml")])
    with pytest.raises(UsageError, match="no suite file"):
        load_suite(tmp_path / "absent.yaml")


# -- problems found in literal suites -------------------------------------------------------


def test_the_message_format_of_the_issue() -> None:
    text = suite("""\
        steps:
          - request: {method: PUT, endpoint: tokens, path: /a}
          - request: {method: GET, endpoint: tokens, path: /a}
            expct: {http_status: 200}
        """)
    assert one_problem(text) == (
        f"{PATH}:15:9: case TOK-RCV-001 step 2: unknown key 'expct' (did you mean 'expect'?)"
    )


def test_every_problem_is_listed_in_file_order() -> None:
    text = suite("""\
        steps:
          - request: {method: GETT, endpoint: tokens}
          - tick: 5 minutes
          - set: {x: "${nope}"}
        """)
    found = problems(text)
    assert [p.split(": ", 1)[0] for p in found] == [f"{PATH}:13:27", f"{PATH}:14:15"]
    assert "did you mean 'GET'" in found[0] and "write it like '30s'" in found[1]
    # the reference is checked only once the file has the right shape
    assert not any("nope" in p for p in found)


@pytest.mark.parametrize(
    ("yaml_text", "where", "reason"),
    [
        ("suite: {id: x\n", "2:1", "YAML syntax error"),
        ("a: 1\n\tb: 2\n", "2:1", "found character '\\t'"),
        ("a: 1\n---\nb: 2\n", "2:1", "expected a single document"),
        ("", "1:1", "the file holds no YAML document"),
        ("suite: 1\nsuite: 2\n", "2:1", "duplicate key 'suite' (first at line 1)"),
        ("x: !include other.yaml\n", "1:4", "unsupported YAML tag '!include'"),
        ("x: &a [*a]\n", "1:4", "a YAML alias refers to itself"),
        ("- a\n", "1:1", 'expected a mapping, got ["a"]'),
    ],
)
def test_yaml_level_problems(yaml_text: str, where: str, reason: str) -> None:
    message = problems(yaml_text)[0]
    assert message.startswith(f"{PATH}:{where}: ") and reason in message


def test_yaml_scalars_follow_yaml_1_2() -> None:
    text = suite("""\
        vars:
          country: NO
          flag: yes
          real: true
          when: 2026-03-15T10:00:00Z
          price: 0.1
          count: 010
        steps:
          - tick: 1s
        """)
    values = {v.name: v.payload.value for v in parse_suite(text, PATH).cases[0].vars}
    assert values == {
        "country": "NO",
        "flag": "yes",
        "real": True,
        "when": "2026-03-15T10:00:00Z",
        "price": Decimal("0.1"),
        "count": 10,
    }


SCHEMA_CASES = [
    ("steps: []\n", "must not be empty"),
    ("steps:\n  - name: nothing to do\n", "needs one of: request, crawl, await_call"),
    ("steps:\n  - tick: 1s\n    set: {a: 1}\n", "use only one of tick, set"),
    ("steps:\n  - request: {method: GET}\n", "needs one of: endpoint, url"),
    (
        "steps:\n  - request: {method: PUT, endpoint: tokens, body: {}, raw_body: x}\n",
        "use only one of body, raw_body",
    ),
    ("steps:\n  - request: {method: GET, endpoint: token}\n", "(did you mean 'tokens'?)"),
    ("steps:\n  - tick: 1s\nspce: x\n", "unknown key 'spce' (did you mean 'spec'?)"),
    ("steps:\n  - set: {1x: 2}\n", "'1x' is not a valid name here"),
    (
        "steps:\n  - request: {method: GET, endpoint: tokens}\n    expect: {http_status: '200'}\n",
        "expected a whole number",
    ),
    ("steps:\n  - tick: {by: 1s, to: x}\n", "use only one of by, to"),
    (
        "steps:\n  - request: {method: GET, endpoint: tokens}\n    expect:\n"
        "      body: {data.uid: {match: regex, flags: i}}\n",
        "unknown key 'flags'",
    ),
]


@pytest.mark.parametrize(("body", "reason"), SCHEMA_CASES)
def test_schema_problems_are_worded_for_authors(body: str, reason: str) -> None:
    message = one_problem(suite(body))
    assert reason in message and message.startswith(f"{PATH}:")


def test_each_unknown_key_is_reported_at_the_key() -> None:
    text = suite("steps:\n  - tick: 1s\n    nme: x\n    sav: {a: items}\n")
    assert problems(text) == [
        f"{PATH}:14:9: case TOK-RCV-001 step 1: unknown key 'nme' (did you mean 'name'?)",
        f"{PATH}:15:9: case TOK-RCV-001 step 1: unknown key 'sav' (did you mean 'save'?)",
    ]


def test_each_missing_key_is_reported() -> None:
    text = HEADER.replace("    title: a case\n    reqs: [REQ-TOK-001]\n", "")
    assert problems(text) == [
        f"{PATH}:9:5: case TOK-RCV-001: missing required key 'title'",
        f"{PATH}:9:5: case TOK-RCV-001: missing required key 'reqs'",
        f"{PATH}:9:5: case TOK-RCV-001: missing required key 'steps'",
    ]


def test_a_misspelt_required_key_is_reported_once() -> None:
    text = (
        HEADER.replace("    title: a case\n", "    titel: a case\n") + "    steps: [{tick: 1s}]\n"
    )
    assert one_problem(text).endswith("unknown key 'titel' (did you mean 'title'?)")


MEANING_CASES = [
    ("steps:\n  - tick: 1s\n    expect: {}\n", "expect does not apply to a tick step"),
    ("steps:\n  - set: {a: 1}\n    save: {b: body}\n", "save does not apply to a set step"),
    (
        "steps:\n  - request: {method: GET, endpoint: tokens}\n    save: {x: data.uid}\n",
        "a request step saves from body, headers, status, not 'data'",
    ),
    (
        "steps:\n  - await_call: {method: POST, module: commands, within: 5s}\n"
        "    expect: {ocpi_status: 1000}\n",
        "ocpi_status does not apply to await_call",
    ),
    (
        "steps:\n  - request: {method: PATCH, endpoint: tokens, overrides: {valid: false}}\n",
        "overrides needs a body or a fixture",
    ),
    (
        "steps:\n  - request: {method: GET, endpoint: tokens}\n"
        "    expect: {data: {schema: Tokn}}\n",
        "OCPI 2.2.1 has no object 'Tokn' (did you mean 'Token'?)",
    ),
    ("steps:\n  - request: {method: GET, endpoint: versions}\n", "use url: ${sut.versions_url}"),
    (
        "steps:\n  - request: {method: GET, endpoint: tokens}\n    expect: {http_status: 2000}\n",
        "between 100 and 599",
    ),
    ("steps:\n  - tick: {to: tomorrow}\n", "tick to needs an OCPI DateTime"),
    (
        "steps:\n  - verify_billing: {cdr: x, policy: {step_mod: session}}\n",
        "unknown policy 'step_mod' (did you mean 'step_mode'?)",
    ),
    (
        "steps:\n  - request: {method: GET, endpoint: tokens}\n"
        "    expect: {checks: [envelop_shape]}\n",
        "unknown check 'envelop_shape' (did you mean 'envelope_shape'?)",
    ),
    (
        "steps:\n  - request: {method: GET, endpoint: tokens}\n"
        "    expect: {body: {data.uid: {match: regex}}}\n",
        "matcher regex needs an argument",
    ),
    (
        "steps:\n  - request: {method: GET, endpoint: tokens}\n"
        "    expect: {body: {data.uid: {match: {uuid: 1}}}}\n",
        "matcher uuid takes no argument",
    ),
    (
        "steps:\n  - request: {method: GET, endpoint: tokens}\n"
        "    expect: {body: {data.n: {match: {decimal_close: {value: x}}}}}\n",
        "decimal_close value 'x' is not a number",
    ),
    ("steps:\n  - set: {a: '${b c}'}\n", "bad reference '${b c}'"),
    ("steps:\n  - set: {now: 1}\n", "'now' is a built-in name"),
    ("vars: {case: 1}\nsteps: [{tick: 1s}]\n", "'case' is a built-in name"),
    (
        "vars: {t: {fixture: 2.2.1/Token/none.json}}\nsteps: [{tick: 1s}]\n",
        "no fixture file '2.2.1/Token/none.json'",
    ),
    ("steps:\n  - set: {a: '${b}', b: 1}\n", "unknown name 'b' in ${b}"),
]


@pytest.mark.parametrize(("body", "reason"), MEANING_CASES)
def test_meaning_problems(body: str, reason: str) -> None:
    message = one_problem(suite(body))
    assert reason in message and message.startswith(f"{PATH}:")


def test_modules_must_exist_in_the_suite_version() -> None:
    header = HEADER.replace('"2.2.1"', '"2.1.1"').replace("module: tokens", "module: hubclientinfo")
    assert "OCPI 2.1.1 has no module 'hubclientinfo'" in one_problem(
        suite("steps: [{tick: 1s}]\n", header)
    )


def test_names_come_into_scope_in_order() -> None:
    header = HEADER.replace("cases:\n", "vars:\n  suite_wide: 1\ncases:\n")
    text = suite(
        """\
        vars:
          a: 1
          b: "${a}"
        steps:
          - request: {method: GET, endpoint: tokens, path: "/${b}"}
            save: {got: body.data}
          - set: {c: "${got.uid}"}
          - request: {method: GET, endpoint: tokens, path: "/${c}/${suite_wide}/${now}"}
        """,
        header,
    )
    parsed = parse_suite(text, PATH, fixtures=Fixtures())
    assert [type(s).__name__ for s in parsed.cases[0].steps] == [
        "RequestStep",
        "SetStep",
        "RequestStep",
    ]
    assert [v.name for v in parsed.vars] == ["suite_wide"]


def test_duplicate_case_ids_in_one_file() -> None:
    again = """\
        - id: TOK-RCV-001
          title: again
          reqs: [REQ-TOK-001]
          steps: [{tick: 1s}]
        """
    text = HEADER + "    steps: [{tick: 1s}]\n" + textwrap.indent(textwrap.dedent(again), "  ")
    assert one_problem(text) == (
        f"{PATH}:13:9: case TOK-RCV-001: duplicate case id (first at {PATH}:9:5)"
    )


def test_check_names_come_from_the_caller() -> None:
    text = suite("steps:\n  - request: {method: GET, endpoint: tokens}\n"
                 "    expect: {checks: [my_check]}\n")  # fmt: skip
    assert "unknown check 'my_check'" in one_problem(text)
    parsed = parse_suite(text, PATH, checks={"my_check"}, fixtures=Fixtures())
    step = parsed.cases[0].steps[0]
    assert isinstance(step, RequestStep) and step.expect is not None
    assert step.expect.checks[0].name == "my_check"


def test_fixture_lookups_go_through_the_given_source() -> None:
    text = suite("vars: {t: {fixture: 2.2.1/Token/x.json}}\nsteps: [{tick: 1s}]\n")
    parsed = parse_suite(text, PATH, fixtures=Fixtures("2.2.1/Token/x.json"))
    fixture = parsed.cases[0].vars[0].payload.fixture
    assert fixture is not None and fixture.path == "2.2.1/Token/x.json"
    assert fixture.location == SourceLocation(PATH, 12, 25)


def test_suite_errors_are_harness_errors_with_a_location() -> None:
    from harness.errors import HarnessError

    with pytest.raises(HarnessError) as info:
        parse_suite("- x\n", PATH)
    assert isinstance(info.value, SuiteError)
    assert info.value.location == SourceLocation(PATH, 1, 1)


# -- fixtures and the schema file -----------------------------------------------------------


def test_fixture_store_reads_json_with_decimals() -> None:
    store = FixtureStore()
    assert store.root == default_fixtures_root() and (store.root / "2.2.1").is_dir()
    tariff = store.load("2.2.1/Tariff/ac-time-and-energy.json")
    assert isinstance(tariff, dict)
    price = tariff["elements"][0]["price_components"][0]["price"]
    assert isinstance(price, Decimal | int)
    tariff["id"] = "changed"
    assert store.load("2.2.1/Tariff/ac-time-and-energy.json")["id"] != "changed"  # type: ignore[index]
    assert not store.exists("../pyproject.toml") and not store.exists("/etc/passwd")
    with pytest.raises(UsageError, match="no fixture"):
        store.load("2.2.1/Token/absent.json")


def _schemas(node: object, where: str = "#") -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        yield where, node
        for key, value in node.items():
            yield from _schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _schemas(value, f"{where}/{i}")


def test_suite_schema_is_documented_and_closed() -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://ocpi-harness.example/schemas/suite.schema.json"
    for where, node in _schemas(schema):
        for name, prop in node.get("properties", {}).items():
            assert "description" in prop, f"{where}/properties/{name} has no description"
        if "properties" in node:
            assert node.get("additionalProperties") is False, f"{where} is open"
    for name, definition in schema["$defs"].items():
        assert "description" in definition, f"$defs/{name} has no description"


def test_a_suites_folder_may_hold_not_checkable_yaml(tmp_path: Path) -> None:
    (tmp_path / "not_checkable.yaml").write_text("not_checkable: []\n", encoding="utf-8")
    with pytest.raises(UsageError, match="no suite file"):
        load_suites([str(tmp_path)])


def test_proofs_and_pitfalls_are_loaded() -> None:
    text = """
suite: {id: proofs-demo, title: t, ocpi_version: "2.2.1", sut_role: CPO, module: locations}
cases:
  - id: PRF-001
    title: t
    reqs: [REQ-TF-003]
    pitfalls: [11, 13]
    proofs:
      - {fault: pitfall-13-envelope, check: envelope_shape, req: REQ-TF-008}
      - fault: {id: x, action: {kind: http_status, status: 200}}
        check: expect.http_status
        req: REQ-TF-003
        level: SHOULD
    steps:
      - request: {method: GET, endpoint: locations}
"""
    case = parse_suite(text, "proofs.yaml").cases[0]
    assert case.pitfalls == (11, 13)
    first, second = case.proofs
    assert (first.fault, first.check, first.req, first.level.value) == (
        "pitfall-13-envelope",
        "envelope_shape",
        "REQ-TF-008",
        "MUST",
    )
    assert second.fault_key == "inline:x"
    assert second.level.value == "SHOULD"


def test_a_proof_must_name_a_known_check() -> None:
    text = """
suite: {id: proofs-bad, title: t, ocpi_version: "2.2.1", sut_role: CPO, module: locations}
cases:
  - id: PRF-002
    title: t
    reqs: [REQ-TF-003]
    proofs: [{fault: pitfall-13-envelope, check: envelope_shap, req: REQ-TF-008}]
    steps:
      - request: {method: GET, endpoint: locations}
"""
    with pytest.raises(SuiteError, match="unknown check 'envelope_shap'"):
        parse_suite(text, "proofs.yaml")


def test_a_suites_glob_falls_back_to_the_bundled_suites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # run from a folder without suites/: "suites/..." still names the shipped suites
    from harness.loader import load_suites

    monkeypatch.chdir(tmp_path)
    suites = load_suites(["suites/2.2.1/cpo/versions.yaml"])
    assert [s.ocpi_version for s in suites] == ["2.2.1"]
    with pytest.raises(UsageError, match="no suite file matches"):
        load_suites(["suites/9.9.9/*.yaml"])


def test_await_call_may_name_the_methods_the_sut_may_choose_from() -> None:
    text = suite(
        "steps:\n"
        "  - await_call: {method: [PUT, PATCH], module: tokens, within: 5s}\n"
        "  - await_call: {method: DELETE, module: tokens, within: 1s, count: 0}\n"
    )
    (case,) = parse_suite(text, PATH, fixtures=Fixtures()).cases
    first, second = case.steps
    assert isinstance(first, AwaitCallStep) and isinstance(second, AwaitCallStep)
    assert first.call.method == "PUT|PATCH" and second.call.method == "DELETE"
    assert CallQuery(first.call.method, "/x", "tokens").methods == ("PUT", "PATCH")
    bad = suite("steps:\n  - await_call: {method: [PUT, FETCH], module: tokens, within: 5s}\n")
    assert "FETCH" in one_problem(bad)
