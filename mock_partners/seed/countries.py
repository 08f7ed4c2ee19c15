"""Facts per country used to make seeded data look local.

Each :class:`Country` names the Faker locale (single-locale, style-models §5.5), the ISO 3166
alpha-3 code the Location ``country`` field needs, the currency of its tariffs, a typical VAT rate
(``None`` where a sales tax is not a VAT, as in the US and Canada), the language of DisplayTexts,
a rough mainland bounding box for coordinates and the IANA time zones (by west-to-east longitude
bands for countries with several).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.errors import UsageError

__all__ = ["COUNTRIES", "Country", "country"]


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    alpha3: str
    locale: str  # Faker locale
    currency: str  # ISO 4217
    vat: float | None  # standard VAT rate in %, None: no VAT (sales tax on top)
    language: str  # ISO 639-1, for DisplayText
    lat: tuple[float, float]  # south, north
    lon: tuple[float, float]  # west, east
    zones: tuple[tuple[float, str], ...]  # (east edge of the band, IANA zone), west to east
    price_factor: float  # prices relative to EUR
    phone_prefix: str
    ac_connectors: tuple[str, ...]  # domestic/AC socket standards in use besides Type 2
    ccs: str = "IEC_62196_T2_COMBO"
    ac_standard: str = "IEC_62196_T2"
    ac_voltage: int = 230

    def zone_at(self, longitude: float) -> str:
        for east, zone in self.zones:
            if longitude <= east:
                return zone
        return self.zones[-1][1]


def _one(zone: str) -> tuple[tuple[float, str], ...]:
    return ((180.0, zone),)


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country("NL", "NLD", "nl_NL", "EUR", 21.0, "nl", (50.76, 53.47), (3.37, 7.20),
                _one("Europe/Amsterdam"), 1.0, "+31", ("DOMESTIC_F",)),
        Country("DE", "DEU", "de_DE", "EUR", 19.0, "de", (47.30, 54.90), (5.90, 15.00),
                _one("Europe/Berlin"), 1.0, "+49", ("DOMESTIC_F",)),
        Country("FR", "FRA", "fr_FR", "EUR", 20.0, "fr", (42.40, 51.05), (-4.70, 8.20),
                _one("Europe/Paris"), 1.0, "+33", ("DOMESTIC_E",)),
        Country("BE", "BEL", "nl_BE", "EUR", 21.0, "nl", (49.52, 51.48), (2.56, 6.38),
                _one("Europe/Brussels"), 1.0, "+32", ("DOMESTIC_E",)),
        Country("LU", "LUX", "fr_FR", "EUR", 17.0, "fr", (49.45, 50.17), (5.74, 6.52),
                _one("Europe/Luxembourg"), 1.0, "+352", ("DOMESTIC_F",)),
        Country("AT", "AUT", "de_AT", "EUR", 20.0, "de", (46.40, 48.99), (9.55, 17.15),
                _one("Europe/Vienna"), 1.0, "+43", ("DOMESTIC_F",)),
        Country("CH", "CHE", "de_CH", "CHF", 8.1, "de", (45.83, 47.80), (5.97, 10.48),
                _one("Europe/Zurich"), 0.95, "+41", ("DOMESTIC_J",)),
        Country("GB", "GBR", "en_GB", "GBP", 20.0, "en", (50.10, 58.60), (-5.60, 1.75),
                _one("Europe/London"), 0.86, "+44", ("DOMESTIC_G",)),
        Country("IE", "IRL", "en_IE", "EUR", 23.0, "en", (51.45, 55.35), (-10.40, -6.05),
                _one("Europe/Dublin"), 1.0, "+353", ("DOMESTIC_G",)),
        Country("IT", "ITA", "it_IT", "EUR", 22.0, "it", (37.00, 46.90), (6.70, 18.45),
                _one("Europe/Rome"), 1.0, "+39", ("DOMESTIC_L",)),
        Country("ES", "ESP", "es_ES", "EUR", 21.0, "es", (36.10, 43.70), (-9.20, 3.25),
                _one("Europe/Madrid"), 1.0, "+34", ("DOMESTIC_F",)),
        Country("PT", "PRT", "pt_PT", "EUR", 23.0, "pt", (37.00, 42.10), (-9.45, -6.25),
                _one("Europe/Lisbon"), 1.0, "+351", ("DOMESTIC_F",)),
        Country("DK", "DNK", "da_DK", "DKK", 25.0, "da", (54.60, 57.70), (8.10, 12.60),
                _one("Europe/Copenhagen"), 7.45, "+45", ("DOMESTIC_K",)),
        Country("SE", "SWE", "sv_SE", "SEK", 25.0, "sv", (55.40, 68.90), (11.20, 24.10),
                _one("Europe/Stockholm"), 11.3, "+46", ("DOMESTIC_F",)),
        Country("NO", "NOR", "no_NO", "NOK", 25.0, "nb", (58.00, 70.90), (4.70, 30.90),
                _one("Europe/Oslo"), 11.5, "+47", ("DOMESTIC_F",)),
        Country("FI", "FIN", "fi_FI", "EUR", 25.5, "fi", (59.85, 69.95), (20.70, 31.50),
                _one("Europe/Helsinki"), 1.0, "+358", ("DOMESTIC_F",)),
        Country("PL", "POL", "pl_PL", "PLN", 23.0, "pl", (49.05, 54.80), (14.15, 24.10),
                _one("Europe/Warsaw"), 4.3, "+48", ("DOMESTIC_E",)),
        Country("CZ", "CZE", "cs_CZ", "CZK", 21.0, "cs", (48.60, 51.02), (12.10, 18.80),
                _one("Europe/Prague"), 25.0, "+420", ("DOMESTIC_E",)),
        Country("US", "USA", "en_US", "USD", None, "en", (25.20, 48.90), (-124.20, -67.10),
                ((-114.5, "America/Los_Angeles"), (-101.5, "America/Denver"),
                 (-86.5, "America/Chicago"), (180.0, "America/New_York")),
                1.08, "+1", ("NEMA_14_50",), ccs="IEC_62196_T1_COMBO",
                ac_standard="IEC_62196_T1", ac_voltage=240),
        Country("CA", "CAN", "en_CA", "CAD", None, "en", (42.20, 55.00), (-123.20, -60.00),
                ((-114.0, "America/Vancouver"), (-101.5, "America/Edmonton"),
                 (-89.0, "America/Winnipeg"), (-68.0, "America/Toronto"),
                 (180.0, "America/Halifax")),
                1.47, "+1", ("NEMA_14_50",), ccs="IEC_62196_T1_COMBO",
                ac_standard="IEC_62196_T1", ac_voltage=240),
    )
}  # fmt: skip


def country(code: str) -> Country:
    """The facts of ISO 3166 alpha-2 ``code`` (case-insensitive)."""
    found = COUNTRIES.get(code.upper())
    if found is None:
        raise UsageError(
            f"no seed data for country {code!r}; known countries: {', '.join(sorted(COUNTRIES))}"
        )
    return found
