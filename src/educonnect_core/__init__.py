"""educonnect_core: the pure domain of EduConnect account administration.

No I/O happens here: the clock, randomness, files, databases and networks come
in through the ports of :mod:`educonnect_core.ports`.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from .accounts import Account, ProvisionalCredential
from .blockers import CATALOGUE, Blocker, BlockerCode, FixLocation
from .eligibility import (
    Child,
    Eligibility,
    EvaluationContext,
    RouteEligibility,
    evaluate,
    evaluate_eleve,
    evaluate_responsable,
)
from .errors import (
    ActionRefused,
    ConcurrentModification,
    EduconnectError,
    InvalidValue,
    NotFound,
    PermissionDenied,
    PluginError,
    SourceError,
    StorageError,
    TransitionNotAllowed,
)
from .findings import Finding, Severity
from .people import (
    Degree,
    Eleve,
    Link,
    Profile,
    Responsable,
    ResponsibilityLevel,
    School,
    StudentStatus,
)
from .routes import Route
from .schedule import RefreshSchedule
from .states import AccountState, Event
from .values import BirthDate, EmailAddress, Ine, Invalid, MobilePhone, PersonName, Uai

try:
    __version__: str = _metadata.version("educonnect")
except _metadata.PackageNotFoundError:  # pragma: no cover - run from a bare source tree
    __version__ = "0+unknown"

__all__ = [
    "CATALOGUE",
    "Account",
    "AccountState",
    "ActionRefused",
    "BirthDate",
    "Blocker",
    "BlockerCode",
    "Child",
    "ConcurrentModification",
    "Degree",
    "EduconnectError",
    "Eleve",
    "Eligibility",
    "EmailAddress",
    "EvaluationContext",
    "Event",
    "Finding",
    "FixLocation",
    "Ine",
    "Invalid",
    "InvalidValue",
    "Link",
    "MobilePhone",
    "NotFound",
    "PermissionDenied",
    "PersonName",
    "PluginError",
    "Profile",
    "ProvisionalCredential",
    "RefreshSchedule",
    "Responsable",
    "ResponsibilityLevel",
    "Route",
    "RouteEligibility",
    "School",
    "Severity",
    "SourceError",
    "StorageError",
    "StudentStatus",
    "TransitionNotAllowed",
    "Uai",
    "__version__",
    "evaluate",
    "evaluate_eleve",
    "evaluate_responsable",
]
