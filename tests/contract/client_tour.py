"""The README's tour, driven through a typed client generated from openapi.yaml by
openapi-python-client, as a partner's developer would: token, catalogue with filters,
organisation, person, cohort, open, enrol with an Idempotency-Key (and its replay), HR pull.

Run by tests/contract/run (BASE_URL, CLIENT_ID and CLIENT_SECRET from serve.sh, the client
generated into $CLIENT_DIR). Every call goes through the generated code: its models parse
every response, so a value the contract does not list fails here.
"""

import datetime
import os
import sys
import uuid

sys.path.insert(0, os.environ["CLIENT_DIR"])

from wtxa_client import AuthenticatedClient, Client  # noqa: E402
from wtxa_client.api.access import issue_token  # noqa: E402
from wtxa_client.api.catalogue import get_programme, get_taxonomy, list_priorities, list_programmes  # noqa: E402
from wtxa_client.api.cohorts import create_cohort, open_cohort  # noqa: E402
from wtxa_client.api.enrolments import create_enrolment, list_enrolments  # noqa: E402
from wtxa_client.api.organisations import create_organisation  # noqa: E402
from wtxa_client.api.people import create_person  # noqa: E402
from wtxa_client.models import (  # noqa: E402
    Availability,
    CohortCreate,
    CohortDto,
    CohortStatus,
    DeliveryMode,
    EnrolmentCreate,
    EnrolmentDto,
    EnrolmentList,
    EnrolmentStatus,
    OrganisationCreate,
    OrganisationDto,
    OrganisationKind,
    PersonCreate,
    PersonDto,
    PriorityList,
    ProgrammeDto,
    ProgrammeList,
    SystemLevel,
    Taxonomy,
    Theme,
    TokenRequest,
    TokenResponse,
)


def ok(response, expected_type, status=200):
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert isinstance(response.parsed, expected_type), type(response.parsed)
    return response.parsed


def main() -> None:
    base = os.environ["BASE_URL"]
    public = Client(base_url=base, raise_on_unexpected_status=True)

    # 1. A token (client credentials in the form body).
    token = ok(
        issue_token.sync_detailed(
            client=public,
            body=TokenRequest(
                grant_type="client_credentials",
                client_id=os.environ["CLIENT_ID"],
                client_secret=os.environ["CLIENT_SECRET"],
            ),
        ),
        TokenResponse,
    )
    assert token.token_type == "Bearer" and token.expires_in > 0
    api = AuthenticatedClient(base_url=base, token=token.access_token, raise_on_unexpected_status=True)

    # 2. The catalogue: priorities, the taxonomy, filtered programmes, one by slug.
    priorities = ok(list_priorities.sync_detailed(client=public), PriorityList)
    assert len(priorities.data) == 7
    taxonomy = ok(get_taxonomy.sync_detailed(client=public), Taxonomy)
    assert {t.value for t in taxonomy.themes} == {t.value for t in Theme}
    micro = ok(
        list_programmes.sync_detailed(client=public, theme=[Theme.FACILITATION], level=[SystemLevel.MICRO]),
        ProgrammeList,
    )
    assert {p.slug for p in micro.data} == {"champions4change", "vital-signs"}, [p.slug for p in micro.data]
    assert all(p.theme == Theme.FACILITATION for p in micro.data)
    either = ok(
        list_programmes.sync_detailed(
            client=public,
            theme=[Theme.LEADERSHIP, Theme.FACILITATION],
            priority=["working-across-organisations"],
            availability=[Availability.COMMISSIONED, Availability.ON_DEMAND, Availability.SCHEDULED],
            limit=5,
        ),
        ProgrammeList,
    )
    assert either.total >= len(either.data) > 0
    vital = ok(get_programme.sync_detailed("vital-signs", client=public), ProgrammeDto)
    assert vital.slug == "vital-signs"

    # 3. An organisation and a member of its staff.
    suffix = uuid.uuid4().hex[:6]
    org = ok(
        create_organisation.sync_detailed(
            client=api,
            body=OrganisationCreate(name=f"Tour Trust {suffix}", kind=OrganisationKind.NHS_TRUST),
        ),
        OrganisationDto,
        201,
    )
    person = ok(
        create_person.sync_detailed(
            client=api,
            body=PersonCreate(
                given_name="Aisha",
                family_name="Khan",
                email=f"aisha.khan.{suffix}@nhs.example",
                organisation_id=org.id,
                external_ref=f"TOUR-{suffix}",
                job_role="Staff nurse",
            ),
        ),
        PersonDto,
        201,
    )

    # 4. A cohort of VITAL Signs, opened.
    cohort = ok(
        create_cohort.sync_detailed(
            "vital-signs",
            client=api,
            body=CohortCreate(
                label=f"Tour cohort {suffix}",
                start_date=datetime.date(2027, 3, 1),
                end_date=datetime.date(2027, 6, 30),
                capacity=20,
                delivery_mode=DeliveryMode.BLENDED,
            ),
        ),
        CohortDto,
        201,
    )
    assert cohort.status == CohortStatus.PLANNED
    opened = ok(open_cohort.sync_detailed(cohort.id, client=api), CohortDto)
    assert opened.status == CohortStatus.OPEN

    # 5. Enrol with an Idempotency-Key; the retry is the first answer again, marked replayed.
    key = str(uuid.uuid4())
    first = create_enrolment.sync_detailed(
        cohort.id, client=api, body=EnrolmentCreate(person_id=person.id), idempotency_key=key
    )
    enrolment = ok(first, EnrolmentDto, 201)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    again = create_enrolment.sync_detailed(
        cohort.id, client=api, body=EnrolmentCreate(person_id=person.id), idempotency_key=key
    )
    assert ok(again, EnrolmentDto, 201).id == enrolment.id
    assert again.headers.get("idempotent-replayed") == "true"

    # 6. The HR pull: the organisation's enrolments changed since before the tour.
    pulled = ok(
        list_enrolments.sync_detailed(
            client=api,
            organisation=org.id,
            updated_since=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
        ),
        EnrolmentList,
    )
    assert [e.id for e in pulled.data] == [enrolment.id], pulled
    assert pulled.data[0].person_external_ref == f"TOUR-{suffix}"
    print("generated client: the tour passed (token, catalogue, organisation, person, cohort, enrol, HR pull)")


if __name__ == "__main__":
    main()
