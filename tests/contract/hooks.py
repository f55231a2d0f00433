"""Schemathesis hooks: make generated requests behave as a real client does where the
contract states a rule that no JSON Schema can express. Each hook says which rule.

Loaded by tests/contract/schemathesis.toml (`hooks = "hooks"`, with this folder on
PYTHONPATH). None of them switches a check off: they change what is sent, never what is
checked.
"""

import os
import re
import uuid

import schemathesis
from schemathesis.core.parameters import ParameterLocation

# The Idempotency-Key syntax of the contract: 1 to 255 visible ASCII characters.
KEY = re.compile(r"^[!-~]{1,255}$")


@schemathesis.hook
def map_case(context, case):
    op = case.operation
    path = op.path
    meta = case.meta

    # Idempotency-Key: a client sends a NEW key for each new request (the contract: "the
    # same key with another request is 422"). The generator repeats values, so each
    # well-formed key becomes a fresh UUID; malformed ones (negative tests) are kept.
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and KEY.match(str(headers[name])):
            headers[name] = str(uuid.uuid4())

    # `cursor` is opaque: only a value the API issued (`next_cursor`) is valid, which no
    # schema can describe. Well-formed cases therefore page from the start; a negative
    # query (an invalid value somewhere) keeps whatever cursor it was given.
    query_negative = meta is not None and meta.is_negative_at(ParameterLocation.QUERY)
    if case.query and "cursor" in case.query and not query_negative:
        del case.query["cursor"]

    # The run's own credentials: rotating or revoking the client whose token the run
    # uses would end the run, not test the API. Such calls go to a spare client instead.
    own, spare = os.environ.get("CLIENT_ID"), os.environ.get("SPARE_CLIENT_ID")
    if own and spare and path.startswith("/api/v1/clients/{id}") and case.path_parameters:
        if case.path_parameters.get("id") == own:
            case.path_parameters["id"] = spare
    return case
