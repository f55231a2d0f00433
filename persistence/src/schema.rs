//! The shared diesel schema, written by hand: `print-schema` would say `Uuid` on
//! PostgreSQL and `Text` on SQLite; [`PortableUuid`] covers both. The migration test in
//! `tests/` runs every migration on both backends and selects from every table.

diesel::table! {
    use diesel::sql_types::*;

    priorities (code) {
        code -> Integer,
        slug -> Text,
        title -> Text,
        description -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    venus_stems (slug) {
        slug -> Text,
        title -> Text,
        description -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    programmes (id) {
        id -> PortableUuid,
        slug -> Text,
        title -> Text,
        title_key -> Text,
        theme -> Text,
        level -> Text,
        what -> Text,
        how -> Nullable<Text>,
        who -> Nullable<Text>,
        when_text -> Nullable<Text>,
        duration_min -> Nullable<Integer>,
        duration_max -> Nullable<Integer>,
        duration_unit -> Nullable<Text>,
        duration_cadence -> Nullable<Text>,
        delivery_mode -> Nullable<Text>,
        availability -> Nullable<Text>,
        status -> Text,
        search_text -> Text,
        version -> Integer,
        seed_digest -> Nullable<Text>,
        seed_key -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    programme_stems (programme_id, stem) {
        programme_id -> PortableUuid,
        stem -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    programme_priorities (programme_id, priority_code) {
        programme_id -> PortableUuid,
        priority_code -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    programme_partners (programme_id, position) {
        programme_id -> PortableUuid,
        position -> Integer,
        name -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    seed_log (seed_key) {
        seed_key -> Text,
        first_seeded_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    organisations (id) {
        id -> PortableUuid,
        name -> Text,
        name_key -> Text,
        kind -> Text,
        ods_code -> Nullable<Text>,
        status -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    api_clients (id) {
        id -> PortableUuid,
        name -> Text,
        organisation_id -> Nullable<PortableUuid>,
        secret_hash -> Text,
        status -> Text,
        token_generation -> Integer,
        last_token_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    api_client_scopes (client_id, scope) {
        client_id -> PortableUuid,
        scope -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    audit_events (id) {
        id -> PortableUuid,
        occurred_at -> Timestamp,
        client_id -> Nullable<PortableUuid>,
        organisation_id -> Nullable<PortableUuid>,
        action -> Text,
        resource_type -> Text,
        resource_id -> Nullable<Text>,
        request_id -> Text,
        outcome -> Text,
        status -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    auth_failures (key) {
        key -> Text,
        window_started_at -> Timestamp,
        failures -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    people (id) {
        id -> PortableUuid,
        organisation_id -> Nullable<PortableUuid>,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        email -> Nullable<Text>,
        job_role -> Nullable<Text>,
        external_ref -> Nullable<Text>,
        expert_by_experience -> Bool,
        erased_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    catalogue_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    cohorts (id) {
        id -> PortableUuid,
        programme_id -> PortableUuid,
        label -> Text,
        start_date -> Date,
        end_date -> Date,
        capacity -> Integer,
        waitlist_enabled -> Bool,
        delivery_mode -> Text,
        location -> Nullable<Text>,
        joining_link -> Nullable<Text>,
        commissioning_organisation_id -> Nullable<PortableUuid>,
        status -> Text,
        next_queue_seq -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        enrolled_count -> Integer,
        waitlisted_count -> Integer,
        finished_count -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    cohort_priorities (cohort_id, priority_code) {
        cohort_id -> PortableUuid,
        priority_code -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    enrolments (id) {
        id -> PortableUuid,
        cohort_id -> PortableUuid,
        person_id -> PortableUuid,
        organisation_id -> Nullable<PortableUuid>,
        status -> Text,
        queue_seq -> Nullable<Integer>,
        enrolled_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        outcome_date -> Nullable<Date>,
        present_count -> Integer,
        absent_count -> Integer,
        excused_count -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    cohort_sessions (id) {
        id -> PortableUuid,
        cohort_id -> PortableUuid,
        title -> Text,
        starts_at -> Timestamp,
        duration_minutes -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    attendance (session_id, enrolment_id) {
        session_id -> PortableUuid,
        enrolment_id -> PortableUuid,
        status -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    idempotency_keys (client_id, key) {
        client_id -> PortableUuid,
        key -> Text,
        request_hash -> Text,
        state -> Text,
        response_status -> Nullable<Integer>,
        response_headers -> Nullable<Text>,
        response_body -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    communities (id) {
        id -> PortableUuid,
        slug -> Text,
        name -> Text,
        name_key -> Text,
        purpose -> Text,
        kind -> Text,
        stem -> Nullable<Text>,
        status -> Text,
        join_policy -> Text,
        max_sessions_per_year -> Integer,
        max_session_minutes -> Integer,
        seed_key -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    community_memberships (id) {
        id -> PortableUuid,
        community_id -> PortableUuid,
        person_id -> PortableUuid,
        role -> Text,
        joined_at -> Timestamp,
        left_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    community_sessions (id) {
        id -> PortableUuid,
        community_id -> PortableUuid,
        title -> Text,
        starts_at -> Timestamp,
        duration_minutes -> Integer,
        format -> Text,
        location -> Nullable<Text>,
        joining_link -> Nullable<Text>,
        cancelled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    community_attendance (session_id, person_id) {
        session_id -> PortableUuid,
        person_id -> PortableUuid,
        status -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    community_resources (id) {
        id -> PortableUuid,
        community_id -> PortableUuid,
        title -> Text,
        link -> Text,
        kind -> Text,
        added_by -> Nullable<PortableUuid>,
        added_at -> Timestamp,
    }
}

diesel::joinable!(community_memberships -> communities (community_id));
diesel::joinable!(community_memberships -> people (person_id));
diesel::joinable!(community_sessions -> communities (community_id));
diesel::joinable!(community_attendance -> community_sessions (session_id));
diesel::joinable!(community_resources -> communities (community_id));
diesel::joinable!(people -> organisations (organisation_id));
diesel::joinable!(cohorts -> programmes (programme_id));
diesel::joinable!(cohort_priorities -> cohorts (cohort_id));
diesel::joinable!(enrolments -> cohorts (cohort_id));
diesel::joinable!(enrolments -> people (person_id));
diesel::joinable!(cohort_sessions -> cohorts (cohort_id));
diesel::joinable!(attendance -> cohort_sessions (session_id));
diesel::joinable!(attendance -> enrolments (enrolment_id));
diesel::joinable!(api_clients -> organisations (organisation_id));
diesel::joinable!(api_client_scopes -> api_clients (client_id));
diesel::joinable!(programme_stems -> programmes (programme_id));
diesel::joinable!(programme_priorities -> programmes (programme_id));
diesel::joinable!(programme_priorities -> priorities (priority_code));
diesel::joinable!(programme_partners -> programmes (programme_id));

diesel::allow_tables_to_appear_in_same_query!(
    catalogue_version,
    priorities,
    venus_stems,
    programmes,
    programme_stems,
    programme_priorities,
    programme_partners,
    seed_log,
    organisations,
    api_clients,
    api_client_scopes,
    audit_events,
    auth_failures,
    people,
    cohorts,
    cohort_priorities,
    enrolments,
    cohort_sessions,
    attendance,
    idempotency_keys,
    communities,
    community_memberships,
    community_sessions,
    community_attendance,
    community_resources,
    webhook_endpoints,
    webhook_events,
    webhook_deliveries,
    webhook_attempts,
    commissioning_requests,
    commissioning_request_priorities,
    commissioning_request_cohorts,
    commissioning_messages,
    learning_needs,
);

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    webhook_endpoints (id) {
        id -> PortableUuid,
        organisation_id -> Nullable<PortableUuid>,
        client_id -> PortableUuid,
        url -> Text,
        description -> Nullable<Text>,
        event_types -> Text,
        status -> Text,
        disabled_reason -> Nullable<Text>,
        disabled_at -> Nullable<Timestamp>,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        failing_since -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    webhook_events (id) {
        id -> PortableUuid,
        event_type -> Text,
        occurred_at -> Timestamp,
        audience -> Text,
        organisation_id -> Nullable<PortableUuid>,
        person_id -> Nullable<PortableUuid>,
        data -> Text,
        fanned_out -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    webhook_deliveries (id) {
        id -> PortableUuid,
        endpoint_id -> PortableUuid,
        event_id -> PortableUuid,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        lease_until -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    webhook_attempts (id) {
        id -> PortableUuid,
        delivery_id -> PortableUuid,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        latency_ms -> Integer,
        error -> Nullable<Text>,
        response_excerpt -> Nullable<Text>,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    commissioning_requests (id) {
        id -> PortableUuid,
        organisation_id -> PortableUuid,
        programme_id -> Nullable<PortableUuid>,
        title -> Nullable<Text>,
        needs -> Nullable<Text>,
        system_level -> Nullable<Text>,
        expected_learners -> Nullable<Integer>,
        staff_groups -> Text,
        window_from -> Nullable<Date>,
        window_to -> Nullable<Date>,
        delivery_mode -> Nullable<Text>,
        location -> Nullable<Text>,
        workplace_context -> Nullable<Text>,
        contact_person_id -> Nullable<PortableUuid>,
        status -> Text,
        status_reason -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        submitted_by -> PortableUuid,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    commissioning_request_priorities (request_id, priority_code) {
        request_id -> PortableUuid,
        priority_code -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    commissioning_request_cohorts (cohort_id) {
        cohort_id -> PortableUuid,
        request_id -> PortableUuid,
        linked_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    commissioning_messages (id) {
        id -> PortableUuid,
        request_id -> PortableUuid,
        author_client_id -> PortableUuid,
        author_organisation_id -> Nullable<PortableUuid>,
        text -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql_types::PortableUuid;

    learning_needs (id) {
        id -> PortableUuid,
        organisation_id -> PortableUuid,
        year -> Integer,
        priority_code -> Integer,
        system_level -> Text,
        staff_group -> Text,
        headcount -> Integer,
        programme_id -> Nullable<PortableUuid>,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(commissioning_request_priorities -> commissioning_requests (request_id));
diesel::joinable!(commissioning_request_cohorts -> commissioning_requests (request_id));
diesel::joinable!(commissioning_request_cohorts -> cohorts (cohort_id));
diesel::joinable!(commissioning_messages -> commissioning_requests (request_id));
diesel::joinable!(learning_needs -> programmes (programme_id));
