"""A checker request: what the page sends to `checker.api.run`, as one JSON object.

| key | type | meaning |
| --- | --- | --- |
| `tailscale_status` | string or null | what was pasted in the `tailscale status --json` box |
| `kubeconfig` | string or null | what was pasted in the kubeconfig box |
| `kubectl_output` | string or null | what was pasted in the kubectl output box |
| `role` | string or null | a role id of the organisation data (null: any role) |
| `tailnets` | list of strings | expected tailnets, overriding the role's (the CLI's --tailnet) |
| `now` | ISO 8601 string or null | check expiry against this time (null: the current time) |
| `organisation` | object | the organisation data, as `Organisation.to_dict()` gives it |

The box keys are the `field`s of checker.boxes.BOXES. Tests, benchmarks and the
build's warm-up make requests with `Request(...).to_json()`; the page builds the same
object from its boxes (docs/assets/checker/checker.js).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from checker.boxes import BOXES
from checker.organisation import Organisation, OrganisationError, organisation_from_dict
from checker.parse.common import json_too_deep


class BadRequest(ValueError):
    """The request is not one the checker can read (a bug in its caller)."""


@dataclass(frozen=True)
class Request:
    organisation: Organisation
    tailscale_status: str | None = None
    kubeconfig: str | None = None
    kubectl_output: str | None = None
    role: str | None = None
    tailnets: tuple[str, ...] = ()
    now: datetime | None = None
    texts: dict[str, str | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        texts = {box.field: getattr(self, box.field) for box in BOXES}
        object.__setattr__(self, "texts", texts)

    def to_json(self) -> str:
        return json.dumps(
            {
                **self.texts,
                "role": self.role,
                "tailnets": list(self.tailnets),
                "now": self.now.isoformat() if self.now else None,
                "organisation": self.organisation.to_dict(),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Request:
        """Read a request; raise BadRequest saying what is wrong with it."""
        if isinstance(text, str) and json_too_deep(text):
            raise BadRequest("the request is JSON nested too deeply")
        try:
            data = json.loads(text)
        except (TypeError, ValueError, RecursionError) as error:
            raise BadRequest(f"the request is not JSON: {error}") from error
        if not isinstance(data, dict):
            raise BadRequest("the request is not a JSON object")
        texts: dict[str, Any] = {}
        for box in BOXES:
            value = data.get(box.field)
            if value is not None and not isinstance(value, str):
                raise BadRequest(f"{box.field} must be a string or null")
            texts[box.field] = value
        role = data.get("role")
        if role is not None and not isinstance(role, str):
            raise BadRequest("role must be a string or null")
        tailnets = data.get("tailnets") or []
        if not isinstance(tailnets, list) or not all(isinstance(t, str) for t in tailnets):
            raise BadRequest("tailnets must be a list of strings")
        now = _time(data.get("now"))
        try:
            organisation = organisation_from_dict(data.get("organisation"))
        except OrganisationError as error:
            raise BadRequest(str(error)) from error
        return cls(
            organisation=organisation,
            role=role,
            tailnets=tuple(t for t in tailnets if t.strip()),
            now=now,
            **texts,
        )


def _time(now: object) -> datetime | None:
    if now is None:
        return None
    if not isinstance(now, str):
        raise BadRequest("now must be an ISO 8601 string or null")
    try:
        return datetime.fromisoformat(now)
    except ValueError as error:
        raise BadRequest(f"now is not an ISO 8601 time: {now!r}") from error
