"""Pin every spec table of the protocol model twice: against literal tables written here, and
against the same tables parsed out of the spec text in ``../shared/ocpi-spec/<version>/``.

The spec-text tests skip (with the path in the reason) when the spec copy is absent; CI has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.ocpi import (
    ENVELOPE_FIELDS,
    SUPPORTED_VERSIONS,
    DataCardinality,
    DataOwner,
    InterfaceRole,
    ModuleID,
    ModuleKind,
    OcpiStatus,
    Role,
    UrlBase,
    VersionNumber,
    check_envelope,
    custom_ranges,
    data_owners,
    interface,
    interface_roles,
    interfaces,
    module_ids,
    module_kind,
    negotiate,
    parse_authorization,
    parse_datetime,
    parse_envelope,
    parse_link_header,
    roles,
    status_codes,
    traits,
    version_labels,
)
from harness.ocpi.modules import MODULE_ID_TABLE_OMISSIONS
from harness.ocpi.roles import ROLE_ENUM_ON_WIRE
from harness.ocpi.versions import DEPRECATED_LABELS

SPEC_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "ocpi-spec"
V211, V221, V230 = "2.1.1", "2.2.1", "2.3.0"
ALL = (V211, V221, V230)
ADOC = (V221, V230)


def spec_path(version: str, name: str) -> Path:
    path = SPEC_ROOT / version / name
    if not path.is_file():
        pytest.skip(f"OCPI spec text not found at {path} (CI has it at ../shared/ocpi-spec)")
    return path


def spec_text(version: str, name: str) -> str:
    return spec_path(version, name).read_text(encoding="utf-8")


def ext(version: str) -> str:
    return "md" if version == V211 else "asciidoc"


def chapter_files(version: str) -> list[Path]:
    spec_path(version, f"credentials.{ext(version)}")
    folder = SPEC_ROOT / version
    return sorted([folder / f"credentials.{ext(version)}", *folder.glob(f"mod_*.{ext(version)}")])


def section(text: str, heading: str) -> str:
    """The lines after the heading matching ``heading`` up to the next heading (any level)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(heading, line):
            body: list[str] = []
            for following in lines[i + 1 :]:
                if re.match(r"^(=+|#+) ", following):
                    break
                body.append(following)
            return "\n".join(body)
    raise AssertionError(f"heading {heading!r} not found")


def first_column(table: str) -> list[str]:
    """First cells of table rows, AsciiDoc (``|a |b``) or Markdown (``| a | b |``)."""
    cells = []
    for line in table.splitlines():
        if not line.startswith("|") or line.startswith(("|===", "|--", "|-")):
            continue
        cell = line.split("|")[1].strip()
        cells.append(cell)
    return cells


def column(table: str, index: int) -> list[str]:
    out = []
    for line in table.splitlines():
        if not line.startswith("|") or line.startswith(("|===", "|-")):
            continue
        parts = line.split("|")
        if len(parts) > index + 1:
            out.append(parts[index + 1].strip())
    return out


# -- literal tables ----------------------------------------------------------------------------

LITERAL_STATUS = {
    V211: {1000, 2000, 2001, 2002, 2003, 3000, 3001, 3002, 3003},
    V221: {1000, 2000, 2001, 2002, 2003, 2004, 3000, 3001, 3002, 3003, 4000, 4001, 4002, 4003},
    V230: {1000, 2000, 2001, 2002, 2003, 2004, 3000, 3001, 3002, 3003, 4000, 4001, 4002, 4003},
}
LITERAL_CUSTOM = {
    V211: set(),
    V221: {(1900, 1999), (2900, 2999), (3900, 3999), (4900, 4999)},
    V230: {(1900, 1999), (2900, 2999), (3900, 3999), (4900, 4999)},
}
LITERAL_MODULES = {
    V211: {"cdrs", "commands", "credentials", "locations", "sessions", "tariffs", "tokens"},
    V221: {
        *("cdrs", "chargingprofiles", "commands", "credentials", "hubclientinfo"),
        *("locations", "sessions", "tariffs", "tokens"),
    },
    V230: {
        *("cdrs", "chargingprofiles", "commands", "credentials", "hubclientinfo"),
        *("invoicereconciliation", "locations", "sessions", "tariffs", "tokens"),
    },
}
LITERAL_ROLES = {
    V211: {"CPO", "EMSP"},
    V221: {"CPO", "EMSP", "HUB", "NAP", "NSP", "OTHER", "SCSP"},
    V230: {"CPO", "EMSP", "NAP", "NSP", "OTHER", "SCSP"},
}
LITERAL_LABELS = {
    V211: ("2.0", "2.1", "2.1.1"),
    V221: ("2.0", "2.1", "2.1.1", "2.2", "2.2.1"),
    V230: ("2.0", "2.1", "2.1.1", "2.2", "2.2.1", "2.3.0"),
}
# (module, interface role or None for symmetric) -> supported methods
_METHODS_221 = {
    ("credentials", None): "DELETE GET POST PUT",
    ("locations", "SENDER"): "GET",
    ("locations", "RECEIVER"): "GET PATCH PUT",
    ("sessions", "SENDER"): "GET PUT",
    ("sessions", "RECEIVER"): "GET PATCH PUT",
    ("cdrs", "SENDER"): "GET",
    ("cdrs", "RECEIVER"): "GET POST",
    ("tariffs", "SENDER"): "GET",
    ("tariffs", "RECEIVER"): "DELETE GET PUT",
    ("tokens", "SENDER"): "GET POST",
    ("tokens", "RECEIVER"): "GET PATCH PUT",
    ("commands", "SENDER"): "POST",
    ("commands", "RECEIVER"): "POST",
    ("chargingprofiles", "SENDER"): "POST PUT",
    ("chargingprofiles", "RECEIVER"): "DELETE GET PUT",
    ("hubclientinfo", "SENDER"): "GET",
    ("hubclientinfo", "RECEIVER"): "GET PUT",
}
_METHODS_211 = {
    k: v for k, v in _METHODS_221.items() if k[0] not in {"chargingprofiles", "hubclientinfo"}
}
_METHODS_211[("sessions", "SENDER")] = "GET"
_METHODS_211[("tariffs", "RECEIVER")] = "DELETE GET PATCH PUT"
LITERAL_METHODS = {
    V211: _METHODS_211,
    V221: _METHODS_221,
    V230: {
        **_METHODS_221,
        ("invoicereconciliation", "SENDER"): "GET",
        ("invoicereconciliation", "RECEIVER"): "DELETE GET POST PUT",
    },
}


@pytest.mark.parametrize("version", ALL)
def test_status_codes_literal(version: str) -> None:
    assert {int(c) for c in status_codes(version)} == LITERAL_STATUS[version]
    ranges = {(r.start, r.stop - 1) for r in custom_ranges(version)}
    assert ranges == LITERAL_CUSTOM[version]


def test_ocpi_status_values_are_the_union_of_all_versions() -> None:
    assert {int(s) for s in OcpiStatus} == set().union(*LITERAL_STATUS.values())
    assert len({int(s) for s in OcpiStatus}) == len(OcpiStatus)


@pytest.mark.parametrize("version", ALL)
def test_module_ids_literal(version: str) -> None:
    assert {str(m) for m in module_ids(version)} == LITERAL_MODULES[version]


def test_module_id_enum_is_the_union_of_all_versions() -> None:
    assert {m.value for m in ModuleID} == set().union(*LITERAL_MODULES.values())


@pytest.mark.parametrize("version", ALL)
def test_roles_and_interface_roles_literal(version: str) -> None:
    assert {str(r) for r in roles(version)} == LITERAL_ROLES[version]
    expected = set() if version == V211 else {"SENDER", "RECEIVER"}
    assert {str(r) for r in interface_roles(version)} == expected
    assert {r.value for r in InterfaceRole} == {"SENDER", "RECEIVER"}


@pytest.mark.parametrize("version", ALL)
def test_version_labels_literal(version: str) -> None:
    assert version_labels(version) == LITERAL_LABELS[version]


def test_implemented_versions_literal() -> None:
    assert [v.value for v in SUPPORTED_VERSIONS] == [V211, V221, V230]
    assert {v.value for v in VersionNumber} == {V211, V221, V230}


@pytest.mark.parametrize("version", ALL)
def test_interface_methods_literal(version: str) -> None:
    actual = {
        (i.module.value, i.role.value if i.role else None): " ".join(sorted(i.methods))
        for i in interfaces(version)
    }
    assert actual == LITERAL_METHODS[version]


def test_module_kinds_and_owners_literal() -> None:
    configuration = {m for m in ModuleID if module_kind(m) is ModuleKind.CONFIGURATION}
    assert configuration == {ModuleID.CREDENTIALS, ModuleID.HUB_CLIENT_INFO}
    assert module_kind("versions") is ModuleKind.CONFIGURATION
    assert data_owners(V221, "tokens") == {DataOwner.MSP}
    assert data_owners(V211, "locations") == {DataOwner.CPO}
    assert data_owners(V230, "invoicereconciliation") == {DataOwner.CPO, DataOwner.MSP}
    assert data_owners(V221, "commands") == frozenset()
    assert data_owners(V211, "hubclientinfo") == frozenset()


# -- the same tables read from the spec text --------------------------------------------------


def _spec_status_codes(version: str) -> tuple[set[int], set[tuple[int, int]]]:
    text = spec_text(version, f"status_codes.{ext(version)}")
    codes = {int(c) for c in re.findall(r"^\|\s*(\d{4})\s*\|", text, flags=re.M)}
    custom = {
        (int(d) * 1000 + 900, int(d) * 1000 + 999)
        for d in re.findall(r"^\|\s*(\d)9xx\s*\|", text, flags=re.M)
    }
    return codes, custom


@pytest.mark.parametrize("version", ALL)
def test_status_codes_match_spec_text(version: str) -> None:
    codes, custom = _spec_status_codes(version)
    assert {int(c) for c in status_codes(version)} == codes
    assert {(r.start, r.stop - 1) for r in custom_ranges(version)} == custom


def _version_details_text(version: str) -> str:
    return spec_text(version, f"version_information_endpoint.{ext(version)}")


def _module_id_table(version: str) -> set[str]:
    text = _version_details_text(version)
    heading = r"^#+ ModuleID \*enum\*" if version == V211 else r"^=+ ModuleID _(Open)?[Ee]num_"
    return {cell.strip("` ") for cell in column(section(text, heading), 1)} - {"ModuleID"}


@pytest.mark.parametrize("version", ALL)
def test_module_ids_match_spec_text(version: str) -> None:
    table = _module_id_table(version)
    chapters = set()
    for path in chapter_files(version):
        chapters.update(re.findall(r"Module Identifier: `(\w+)`", path.read_text("utf-8")))
    assert {str(m) for m in module_ids(version)} == table | chapters
    # AMB-44: the omissions we record are exactly what the ModuleID table leaves out.
    assert {str(m) for m in module_ids(version)} - table == {
        str(m) for m in MODULE_ID_TABLE_OMISSIONS[VersionNumber(version)]
    }


@pytest.mark.parametrize("version", ALL)
def test_open_enum_flag_matches_spec_text(version: str) -> None:
    text = _version_details_text(version)
    open_enum = re.search(r"ModuleID _OpenEnum_", text) is not None
    assert traits(version).open_enums is open_enum


@pytest.mark.parametrize("version", ALL)
def test_version_labels_and_deprecations_match_spec_text(version: str) -> None:
    text = _version_details_text(version)
    heading = r"^#+ VersionNumber \*enum\*" if version == V211 else r"^=+ VersionNumber _"
    table = section(text, heading)
    labels = tuple(c for c in first_column(table) if re.fullmatch(r"\d+\.\d+(\.\d+)?", c))
    assert version_labels(version) == labels
    for line in table.splitlines():
        found = re.search(r"^\|\s*([\d.]+)\s*\|.*DEPRECATED.*use ([\d.]+) instead", line)
        if found:
            assert DEPRECATED_LABELS[found.group(1)] == found.group(2)
    listed = {m.group(1) for m in re.finditer(r"^\|\s*([\d.]+)\s*\|.*DEPRECATED", table, re.M)}
    assert listed == {label for label in DEPRECATED_LABELS if label in labels}


@pytest.mark.parametrize("version", ALL)
def test_interface_role_enum_matches_spec_text(version: str) -> None:
    text = _version_details_text(version)
    if version == V211:
        assert "InterfaceRole" not in text
        assert interface_roles(version) == frozenset()
        return
    table = section(text, r"^=+ InterfaceRole _enum_")
    assert set(first_column(table)) - {"Value"} == {str(r) for r in interface_roles(version)}


@pytest.mark.parametrize("version", ALL)
def test_role_enum_matches_spec_text(version: str) -> None:
    text = spec_text(version, f"types.{ext(version)}")
    if version == V211:
        assert re.search(r"Role \*enum\*", text) is None  # no Role enum on the wire in 2.1.1
        assert not ROLE_ENUM_ON_WIRE[VersionNumber(version)]
        return
    assert ROLE_ENUM_ON_WIRE[VersionNumber(version)]
    table = section(text, r"^=+ Role _enum_")
    assert set(first_column(table)) - {"Value"} == {str(r) for r in roles(version)}
    assert {r.value for r in Role} >= set(first_column(table)) - {"Value"}


_OWNER_WORDS = {"CPO": DataOwner.CPO, "MSP": DataOwner.MSP, "Hub": DataOwner.HUB}


@pytest.mark.parametrize("version", ADOC)
def test_module_heading_lines_match_spec_text(version: str) -> None:
    seen = set()
    for path in chapter_files(version):
        text = path.read_text("utf-8")
        module = re.search(r"Module Identifier: `(\w+)`", text)
        assert module is not None, path
        seen.add(module.group(1))
        owner_line = re.search(r"^\*Data owner: (.*)\*$", text, re.M)
        owners = set(re.findall(r"`(\w+)`", owner_line.group(1))) if owner_line else set()
        assert data_owners(version, module.group(1)) == {_OWNER_WORDS[o] for o in owners}
        kind = re.search(r"^\*Type:\* (.*?)\s*$", text, re.M)
        assert kind is not None, path
        assert module_kind(module.group(1)) is ModuleKind(kind.group(1))
    versions_kind = re.search(r"^\*Type:\* (.*?)\s*$", _version_details_text(version), re.M)
    assert versions_kind is not None
    assert module_kind("versions") is ModuleKind(versions_kind.group(1))
    assert seen == {str(m) for m in module_ids(version)}


_METHOD = r"(GET|POST|PUT|PATCH|DELETE)"


@dataclass
class SpecInterface:
    """What one interface section of a module chapter says."""

    methods: set[str] = field(default_factory=set)
    typical: str | None = None
    templates: list[str] = field(default_factory=list)


def _adoc_interfaces(text: str, module: str) -> dict[str | None, SpecInterface]:
    """Per interface role: supported methods, typical-role line and URL templates."""
    found: dict[str | None, SpecInterface] = {}
    current: str | None = None
    active = False
    for line in text.splitlines():
        heading = re.match(r"^==== (Sender|Receiver) Interface", line)
        if heading:
            current, active = heading.group(1).upper(), True
            found[current] = SpecInterface()
            continue
        if re.match(r"^=== Interfaces", line) and module == "credentials":
            current, active = None, True
            found[None] = SpecInterface()
            continue
        if re.match(r"^=== ", line):
            active = False
            continue
        if not active:
            continue
        entry = found[current]
        method = re.match(rf"^\|<<[^,>]+,{_METHOD}>>", line)
        if method:
            entry.methods.add(method.group(1))
        typical = re.match(r"^Typically implemented by market roles like: (.*)\.$", line)
        if typical:
            entry.typical = typical.group(1)
        for template in re.findall(r"`\{[a-z_]+_url\}([^`]*)`", line):
            entry.templates.append(template)
    return found


def _expand(template: str) -> set[str]:
    """Spec template tail -> our relative paths: drop the query, expand each ``[/{x}]``."""
    template = re.split(r"\[?\?", template, maxsplit=1)[0]
    paths: set[str] = set()
    acc = ""
    for piece in re.findall(r"[^\[\]]+|\[[^\]]*\]", template):
        if piece.startswith("["):
            paths.add(acc)
            acc += piece[1:-1]
        else:
            acc += piece
    paths.add(acc)
    return {p.strip("/") for p in paths}


def test_expand_helper() -> None:
    got = _expand("/{location_id}[/{evse_uid}][/{connector_id}]")
    assert got == {
        "{location_id}",
        "{location_id}/{evse_uid}",
        "{location_id}/{evse_uid}/{connector_id}",
    }
    assert _expand("{token_uid}/authorize[?type={type}]") == {"{token_uid}/authorize"}
    assert _expand("?[date_from={date_from}]&[limit={limit}]") == {""}


_ROLE_WORDS = {"CPO": Role.CPO, "eMSP": Role.EMSP, "NSP": Role.NSP, "SCSP": Role.SCSP}


@pytest.mark.parametrize("version", ADOC)
def test_interfaces_match_spec_text(version: str) -> None:
    for path in chapter_files(version):
        text = path.read_text("utf-8")
        module = re.search(r"Module Identifier: `(\w+)`", text)
        assert module is not None
        parsed = _adoc_interfaces(text, module.group(1))
        ours = {
            i.role.value if i.role else None
            for i in interfaces(version)
            if i.module == module.group(1)
        }
        assert set(parsed) == ours, path
        for role, entry in parsed.items():
            mine = interface(version, module.group(1), role)
            assert mine is not None
            assert mine.methods == entry.methods, (path, role)
            if entry.typical is not None:
                words = re.split(r",\s*|\s+and\s+", entry.typical)
                assert mine.typical_roles == {_ROLE_WORDS[w] for w in words}, (path, role)
            endpoint_paths = {op.path for op in mine.operations if op.base is UrlBase.ENDPOINT}
            for template in entry.templates:
                assert _expand(template) <= endpoint_paths, (path, role, template)
                query = template.split("?", 1)[1] if "?" in template else ""
                names = set(re.findall(r"(\w+)=", query))
                at_path = [op for op in mine.operations if op.path in _expand(template)]
                offered = set().union(*(op.query for op in at_path))
                assert names <= offered, (path, role, template)
                if {"offset", "limit"} <= names:
                    assert any(op.paginated for op in at_path), (path, role)


def test_amb_44_invoice_receiver_template_lacks_owner_segments() -> None:
    text = spec_text(V230, "mod_invoice_reconciliation.asciidoc")
    receiver = _adoc_interfaces(text, "invoicereconciliation")["RECEIVER"]
    assert receiver.templates == [""]  # the spec gives only the bare endpoint URL
    mine = interface(V230, "invoicereconciliation", "RECEIVER")
    assert mine is not None
    assert {op.path for op in mine.operations_for("PUT")} == {"{country_code}/{party_id}/{id}"}


def test_amb_43_charging_profile_sender_lists_put_twice() -> None:
    text = spec_text(V221, "mod_charging_profiles.asciidoc")
    sender = section(text, r"^==== Sender Interface")
    puts = [line for line in sender.splitlines() if re.match(r"^\|(<<[^,]+,)?PUT", line)]
    assert len(puts) == 2
    mine = interface(V221, "chargingprofiles", "SENDER")
    assert mine is not None and "PUT" in mine.methods


_MD_ROLE = {"CPO": Role.CPO, "eMSP": Role.EMSP}


def test_interfaces_match_spec_text_2_1_1() -> None:
    for path in chapter_files(V211):
        text = path.read_text("utf-8")
        module = re.search(r"Module Identifier: `(\w+)`", text)
        assert module is not None
        parsed: dict[str | None, set[str]] = {}
        current: str | None = None
        active = False
        for line in text.splitlines():
            heading = re.match(r"^### 2\.\d (CPO|eMSP) Interface", line)
            if heading:
                current, active = heading.group(1), True
                parsed[current] = set()
            elif re.match(r"^## 1\. Interfaces", line) and module.group(1) == "credentials":
                current, active = None, True
                parsed[None] = set()
            elif re.match(r"^## ", line):
                active = False
            elif active and (m := re.match(rf"^\|\s*\[{_METHOD}\]\(", line)):
                parsed[current].add(m.group(1))
        mine_all = [i for i in interfaces(V211) if i.module == module.group(1)]
        assert len(parsed) == len(mine_all), path
        for name, methods in parsed.items():
            if name is None:
                mine = mine_all[0]
            else:
                (mine,) = [i for i in mine_all if i.typical_roles == {_MD_ROLE[name]}]
            assert mine.methods == methods, (path, name)
        # URL examples: /ocpi/<cpo|emsp>/2.0/<module>/<path> with placeholders.
        for side, path_tail in re.findall(r"`/ocpi/(cpo|emsp)/2\.0/\w+/?([^`?]*)", text):
            if path_tail and "{" not in path_tail:
                continue  # literal example values, e.g. commands/RESERVE_NOW/1234
            candidates = [
                i
                for i in mine_all
                if i.role is None
                or i.typical_roles == {_MD_ROLE["eMSP" if side == "emsp" else "CPO"]}
            ]
            (mine,) = candidates
            if module.group(1) == "commands" and side == "emsp":
                # The eMSP side answers at the response_url it chose; the chapter's
                # "{command}/{uid}" is only an example of such a URL.
                assert {op.base for op in mine.operations} == {UrlBase.RESPONSE_URL}
                continue
            assert path_tail.strip("/") in {op.path for op in mine.operations}, (path, path_tail)


@pytest.mark.parametrize("version", ALL)
def test_envelope_fields_match_spec_text(version: str) -> None:
    text = spec_text(version, f"transport_and_format.{ext(version)}")
    heading = r"^#+ Response format" if version == V211 else r"^=+ Response format"
    table = section(text, heading)
    names = column(table, 0)
    cards = column(table, 2)
    fields = {
        n: c
        for n, c in zip(names, cards, strict=True)
        if n in {"data", "status_code", "status_message", "timestamp"}
    }
    assert {n: c == "1" for n, c in fields.items()} == dict(ENVELOPE_FIELDS)


_EXAMPLE_CARDINALITY: dict[str, DataCardinality] = {
    "transport_and_format_get_token_example.json": "one",
    "transport_and_format_get_token_list_example.json": "list",
    "transport_and_format_version_details_example.json": "one",
    "transport_and_format_version_info_example.json": "list",
}


@pytest.mark.parametrize("version", ADOC)
@pytest.mark.parametrize("name", sorted(_EXAMPLE_CARDINALITY))
def test_spec_example_envelopes_pass_the_checks(version: str, name: str) -> None:
    body = spec_path(version, f"examples/{name}").read_bytes()
    parsed = parse_envelope(body)
    assert parsed.ok
    problems = check_envelope(
        parsed, version=version, expect=_EXAMPLE_CARDINALITY[name], http_status=200
    )
    assert problems == []


def test_spec_version_info_example_negotiates_2_1_1() -> None:
    body = spec_path(V221, "examples/transport_and_format_version_info_example.json").read_bytes()
    envelope = parse_envelope(body).envelope
    assert envelope is not None and isinstance(envelope.data, list)
    labels = [item["version"] for item in envelope.data]
    assert labels == ["2.1.1", "2.2"]  # 2.2 is not implemented: 2.1.1 is the highest mutual
    assert negotiate(SUPPORTED_VERSIONS, labels) is VersionNumber.V2_1_1


@pytest.mark.parametrize("version", ALL)
def test_spec_datetime_examples_parse_strictly(version: str) -> None:
    text = spec_text(version, f"types.{ext(version)}")
    heading = r"^#+ 1\.2 DateTime" if version == V211 else r"^=+ DateTime _type_"
    body = section(text, heading)
    examples = re.findall(r"^\s*(\d{4}-\d{2}-\d{2}T[0-9:.]+Z?)\s*$", body, re.M)
    assert len(examples) == (4 if version == V211 else 6)
    for example in examples:
        assert parse_datetime(example).ok, example
    assert "+00:00" in body  # the spec's note: an offset is not UTC ...
    assert not parse_datetime(examples[0].rstrip("Z") + "+00:00").ok  # ... so strict refuses it


@pytest.mark.parametrize("version", ADOC)
def test_spec_authorization_examples(version: str) -> None:
    text = spec_text(version, "transport_and_format.asciidoc")
    headers = re.findall(r"^\s*Authorization: (Token \S+)\s*$", text, re.M)
    assert len(headers) == 2
    for header in headers:
        parsed = parse_authorization(header, version, strict=False)
        assert parsed.encoding is not None and parsed.encoding.value == "base64"
    # The second example encodes 'example-token' (with the trailing newline of `echo | base64`).
    assert parse_authorization(headers[1], version, strict=False).token == "example-token"


def test_spec_authorization_example_2_1_1_is_raw() -> None:
    text = spec_text(V211, "transport_and_format.md")
    (header,) = re.findall(r"^\s*Authorization: (Token \S+)\s*$", text, re.M)
    parsed = parse_authorization(header, V211)
    assert parsed.token == header.removeprefix("Token ")
    assert parsed.problems == ()


@pytest.mark.parametrize("version", ALL)
def test_spec_link_examples_parse(version: str) -> None:
    text = spec_text(version, f"transport_and_format.{ext(version)}")
    links = re.findall(r"^\s*Link: (<[^>\n]+>; rel=\"next\")\s*$", text, re.M)
    assert len(links) == 3
    for value in links:
        parsed = parse_link_header(value)
        assert parsed.problems == ()
        assert parsed.next_url is not None and "offset=" in parsed.next_url
