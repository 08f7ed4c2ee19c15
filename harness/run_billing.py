"""The list form of the verify_billing step: re-price the CDRs of a history that exercise a rule.

``verify_billing: {cdrs: ${cdr_items}, exercising: [local_time], locations: ${location_items}}``
takes every CDR of the list, asks :func:`harness.billing.exercise.exercised` whether one of the
named features decided its price (a wrong reading of the rule would bill it differently), and
verifies those CDRs like the single-CDR form does, each finding naming the CDR. When no CDR of
the list exercises the features, the case is SKIPPED with the reason: the SUT's history cannot
show whether it bills that rule right, which is not the same as billing it wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from harness.checks import BillingInput, verify_billing, with_level
from harness.errors import HarnessError
from harness.model import VerifyBillingStep
from harness.ocpi.problems import Level
from harness.results import Finding, Outcome
from harness.run_state import CaseState, StopCase

__all__ = ["run_verify_billing_list"]

_MAX_LISTED = 5


def _zones(locations: object) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(locations, Sequence) and not isinstance(locations, str):
        for loc in locations:
            if isinstance(loc, Mapping) and loc.get("id") and loc.get("time_zone"):
                out[str(loc["id"])] = str(loc["time_zone"])
    return out


def _location_id(cdr: Mapping[str, Any]) -> str | None:
    loc = cdr.get("cdr_location") or cdr.get("location")
    return str(loc["id"]) if isinstance(loc, Mapping) and loc.get("id") else None


def _tariffs_for(tariffs: object, cdr: Mapping[str, Any]) -> object:
    """From a list of tariffs (e.g. a crawl of the SUT's tariffs), those the CDR names."""
    if not isinstance(tariffs, Sequence) or isinstance(tariffs, str):
        return tariffs
    named = {str(t.get("id")) for t in cdr.get("tariffs") or [] if isinstance(t, Mapping)} | {
        str(p.get("tariff_id"))
        for p in cdr.get("charging_periods") or []
        if isinstance(p, Mapping) and p.get("tariff_id")
    }
    chosen = [t for t in tariffs if isinstance(t, Mapping) and str(t.get("id")) in named]
    return chosen or None


def _described(cdr: Mapping[str, Any], index: int) -> str:
    return f"CDR {cdr.get('id', f'#{index}')!s}"


def run_verify_billing_list(state: CaseState, step: VerifyBillingStep) -> list[int]:
    try:  # the billing engine is optional at import, as for the single-CDR form
        from harness.billing import load_session
        from harness.billing.exercise import exercised, looks_like_expired_reservation
        from harness.billing.policy import Policy
    except ImportError as exc:  # pragma: no cover - only without the engine
        raise StopCase(Outcome.ERROR, f"the billing engine is not available: {exc}") from None

    cdrs = state.render(step.cdrs, step.location)
    if not isinstance(cdrs, Sequence) or isinstance(cdrs, str | bytes):
        raise StopCase(Outcome.ERROR, "verify_billing: cdrs is not a list of CDRs")
    if not cdrs:
        raise StopCase(Outcome.SKIPPED, "the SUT's CDR list is empty: no CDR to re-price")
    zones = _zones(state.render(step.locations, step.location))
    default_zone = state.render(step.time_zone, step.location)
    tariffs = state.render(step.tariffs, step.location)
    profile = state.ctx.profile
    policy_map = {**profile.billing_policy, **step.policy}
    try:
        policy = Policy.from_pairs(f"{k}={v}" for k, v in policy_map.items())
    except HarnessError as exc:
        raise StopCase(Outcome.ERROR, f"verify_billing: {exc}") from None
    tolerance = step.tolerance or profile.billing_tolerance
    version = state.ctx.connection.version.value
    wanted = list(step.exercising)
    checked: list[str] = []
    exercised_by: dict[str, list[str]] = {}
    why_of: dict[str, str] = {}
    unpriced: list[str] = []
    findings: list[Finding] = []
    ok = True
    for i, cdr in enumerate(cdrs):
        if not isinstance(cdr, Mapping):
            unpriced.append(f"item {i} is not an object")
            continue
        name = _described(cdr, i)
        loc_id = _location_id(cdr)
        zone = zones.get(loc_id) if loc_id is not None else None
        if zone is None and default_zone is not None:
            zone = str(default_zone)
        own = _tariffs_for(tariffs, cdr)
        try:
            expired = step.reservation_expired or looks_like_expired_reservation(
                load_session(cdr, version)
            )
            if wanted:
                found = exercised(
                    cdr,
                    tariffs=own,
                    time_zone=zone,
                    version=version,
                    policy=policy,
                    reservation_expired=expired,
                    features=wanted,
                    **({"tolerance": tolerance} if tolerance is not None else {}),
                )
                if not found:
                    continue
                exercised_by[str(cdr.get("id", i))] = sorted(found)
                why_of[str(cdr.get("id", i))] = "; ".join(e.text() for e in found.values())
            given = BillingInput(
                cdr=cdr,
                tariffs=own,
                time_zone=zone,
                policy=policy_map,
                reservation_expired=expired,
                **({"tolerance": tolerance} if tolerance is not None else {}),
            )
            outcome = verify_billing(state.check_context(module="cdrs"), given)
        except HarnessError as exc:
            unpriced.append(f"{name}: {exc}")
            continue
        checked.append(str(cdr.get("id", i)))
        ok = ok and outcome.ok
        why = why_of.get(str(cdr.get("id", i)))
        label = f"{name} (its price depends on {why})" if why else name
        for f in with_level(outcome.findings, step.level):
            f = replace(f, message=f"{label}: {f.message}")
            if step.req is not None and f.level is not Level.INFO:
                f = replace(f, req=step.req)
            findings.append(f)
    if not checked:
        raise StopCase(Outcome.SKIPPED, _skip_reason(len(cdrs), wanted, unpriced))
    if unpriced:  # say so: a CDR the engine could not read was not verified
        more = f" (and {len(unpriced) - _MAX_LISTED} more)" if len(unpriced) > _MAX_LISTED else ""
        findings.append(
            Finding(
                check="cdr_total_matches_tariff",
                level=Level.INFO,
                message=f"{len(unpriced)} CDR(s) could not be re-priced and were not verified: "
                + "; ".join(unpriced[:_MAX_LISTED])
                + more,
                req=step.req,
            )
        )
    state.add_findings(findings)
    state.save(
        step.save,
        {"ok": ok, "checked": checked, "exercised": exercised_by, "reference": {}},
        "verify_billing",
    )
    return []


def _skip_reason(total: int, wanted: list[str], unpriced: list[str]) -> str:
    from harness.billing.exercise import FEATURES

    if not wanted:
        listed = "; ".join(unpriced[:_MAX_LISTED])
        return f"none of the SUT's {total} CDR(s) could be priced: {listed}"
    rules = "; ".join(f"{n} ({FEATURES[n].req}: {FEATURES[n].rule})" for n in wanted)
    reason = (
        f"none of the SUT's {total} CDR(s) has a price that depends on {rules}: billing them "
        "under the wrong reading "
        f"({'; '.join(FEATURES[n].mistake for n in wanted)}) gives the same total, so they "
        "cannot show whether the rule is applied. Have the SUT's history include a session "
        "priced by a tariff where that rule matters"
    )
    if unpriced:
        listed = "; ".join(unpriced[:_MAX_LISTED])
        more = f" (and {len(unpriced) - _MAX_LISTED} more)" if len(unpriced) > _MAX_LISTED else ""
        reason += f". {len(unpriced)} CDR(s) could not be priced: {listed}{more}"
    return reason
