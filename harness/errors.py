"""Exceptions raised by the harness itself.

Non-conformance of a system under test is never an exception: it is data (a finding or a
schema violation). Exceptions are for problems of the harness's own inputs and environment::

    HarnessError
     +-- UsageError          a command line or API call that cannot be carried out as asked
     |    +-- UnknownVersionError
     |    +-- UnknownObjectError
     +-- InputError          a document given to the harness is unreadable (not JSON, ...)
     +-- BillingInputError   a pricing input is missing or malformed (names the input)
"""

from __future__ import annotations


class HarnessError(Exception):
    """Base class of every error the harness raises on purpose."""


class UsageError(HarnessError):
    """The caller asked for something that does not exist or cannot be combined."""


class UnknownVersionError(UsageError):
    """An OCPI version the harness does not implement."""


class UnknownObjectError(UsageError):
    """An object name that has no schema in the requested OCPI version."""


class InputError(HarnessError):
    """A document handed to the harness could not be read or parsed."""


class BillingInputError(HarnessError):
    """A pricing input is missing or malformed; the message names which one."""
