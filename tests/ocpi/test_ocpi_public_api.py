from __future__ import annotations

import harness.ocpi


def test_every_exported_name_exists_and_is_listed_once() -> None:
    assert len(harness.ocpi.__all__) == len(set(harness.ocpi.__all__))
    for name in harness.ocpi.__all__:
        assert hasattr(harness.ocpi, name), name


def test_every_public_name_imported_into_the_package_is_exported() -> None:
    public = {
        name
        for name, value in vars(harness.ocpi).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("harness.ocpi")
    }
    assert public <= set(harness.ocpi.__all__)
