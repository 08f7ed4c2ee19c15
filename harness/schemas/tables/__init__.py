"""The OCPI object tables, one module per version, written in the table language of
:mod:`harness.schemas._dsl`. These are the source of the generated JSON Schemas."""

from __future__ import annotations

from harness.schemas._dsl import VersionTables
from harness.schemas.tables.v2_1_1 import TABLES as V2_1_1
from harness.schemas.tables.v2_2_1 import TABLES as V2_2_1
from harness.schemas.tables.v2_3_0 import TABLES as V2_3_0

ALL_TABLES: dict[str, VersionTables] = {t.version: t for t in (V2_1_1, V2_2_1, V2_3_0)}

__all__ = ["ALL_TABLES"]
