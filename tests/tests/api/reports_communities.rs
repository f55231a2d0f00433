//! The communities and priorities reports against an independent count of the fixed data
//! set: member lists, people, sessions and the attendance the fixture recorded.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::fixtures::report_oracle::facts;
use crate::fixtures::reports::{FROM, TO, report_world};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// The communities' period reaches back to the held session of 2026-11-10.
const SINCE: &str = "2026-06-01";

fn shown(n: i64, threshold: i64) -> Value {
    if n > 0 && n < threshold {
        Value::Null
    } else {
        n.into()
    }
}

/// Person id → organisation (none for people of no organisation), and organisation → kind.
async fn people(
    app: &TestApp,
    admin: &str,
) -> (BTreeMap<String, Option<String>>, BTreeMap<String, String>) {
    let f = facts(app, admin).await;
    let mut orgs = BTreeMap::new();
    let mut next = "/api/v1/people?limit=100".to_owned();
    loop {
        let page = app.get_json_as(&next, admin).await;
        for p in page["data"].as_array().unwrap() {
            let org = p["organisation_id"].as_str().map(str::to_owned);
            orgs.insert(p["id"].as_str().unwrap().to_owned(), org);
        }
        match page["next_cursor"].as_str() {
            Some(c) => next = format!("/api/v1/people?limit=100&cursor={c}"),
            None => break,
        }
    }
    (orgs, f.kinds.into_iter().collect())
}

/// Current members of a community, as its member list gives them: person → role.
async fn members(app: &TestApp, admin: &str, slug: &str) -> BTreeMap<String, String> {
    let list = app
        .get_json_as(&format!("/api/v1/communities/{slug}/members"), admin)
        .await;
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["person_id"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn check_communities(
    app: &TestApp,
    admin: &str,
    token: &str,
    own: Option<&str>,
    threshold: i64,
) {
    let (orgs, kinds) = people(app, admin).await;
    let report = app
        .get_json_as(
            &format!("/api/v1/reports/communities?from={SINCE}&to={TO}"),
            token,
        )
        .await;
    assert_eq!(report["suppression_threshold"], threshold);
    let now = chrono::Utc::now().to_rfc3339();
    let mine = |p: &String| own.is_none() || orgs[p].as_deref() == own;
    for c in report["communities"].as_array().unwrap() {
        let slug = c["slug"].as_str().unwrap();
        let all = members(app, admin, slug).await;
        let own_members: BTreeMap<&String, &String> = all.iter().filter(|(p, _)| mine(p)).collect();
        assert_eq!(
            c["members"],
            shown(own_members.len() as i64, threshold),
            "{slug}"
        );
        let mut by_role: BTreeMap<&str, i64> = BTreeMap::new();
        let mut by_kind: BTreeMap<Option<&str>, i64> = BTreeMap::new();
        for (p, role) in &own_members {
            *by_role.entry(role.as_str()).or_default() += 1;
            *by_kind
                .entry(orgs[*p].as_ref().map(|o| kinds[o].as_str()))
                .or_default() += 1;
        }
        let listed = |field: &str| -> BTreeMap<Option<String>, Value> {
            c[field]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| (m["value"].as_str().map(str::to_owned), m["members"].clone()))
                .collect()
        };
        let want_roles = by_role
            .iter()
            .map(|(r, n)| (Some(r.to_string()), shown(*n, threshold)));
        assert_eq!(listed("members_by_role"), want_roles.collect(), "{slug}");
        let want_kinds = by_kind
            .iter()
            .map(|(k, n)| (k.map(str::to_owned), shown(*n, threshold)));
        assert_eq!(
            listed("members_by_organisation_kind"),
            want_kinds.collect(),
            "{slug}"
        );
        let held: BTreeSet<&str> = all.values().map(String::as_str).collect();
        let missing: Vec<&str> = ["ics_lead", "citizen_representative", "system_leader"]
            .into_iter()
            .filter(|r| !held.contains(r))
            .collect();
        assert_eq!(c["missing_leadership"], json!(missing), "{slug}");
        assert_eq!(c["leadership_complete"], missing.is_empty(), "{slug}");
        let sessions = app
            .get_json_as(&format!("/api/v1/communities/{slug}/sessions"), admin)
            .await;
        let (mut held, mut to_come, mut cancelled) = (0, 0, 0);
        for s in sessions["data"].as_array().unwrap() {
            let at = s["starts_at"].as_str().unwrap();
            if !(SINCE..="2027-12-31T23:59:59Z").contains(&at) {
                continue;
            }
            match (s["cancelled_at"].is_null(), at < now.as_str()) {
                (false, _) => cancelled += 1,
                (true, true) => held += 1,
                (true, false) => to_come += 1,
            }
        }
        let got = (
            &c["sessions_held"],
            &c["sessions_to_come"],
            &c["sessions_cancelled"],
        );
        assert_eq!(
            got,
            (&held.into(), &to_come.into(), &cancelled.into()),
            "{slug}"
        );
        assert_eq!(c["max_sessions_per_year"], 6);
    }
}

#[tokio::test]
async fn the_communities_report_matches_member_lists_and_sessions() {
    let app = spawn_app_with(|s| s.reports.suppression_threshold = 0).await;
    let w = report_world(&app).await;
    check_communities(&app, &w.admin, &w.admin, None, 0).await;
    for org in &w.orgs {
        check_communities(&app, &w.admin, &org.token, Some(&org.id), 5).await;
    }
    let report = app
        .get_json_as(
            &format!("/api/v1/reports/communities?from={SINCE}&to={TO}"),
            &w.admin,
        )
        .await;
    let leadership = report["communities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "leadership")
        .unwrap();
    // The fixture's marks at the held 2-hour session: 4 present (one of no organisation),
    // 1 absent; 10 current members.
    assert_eq!(leadership["attendance_rate"], 0.8);
    assert_eq!(leadership["commitment_hours"], 8.0);
    assert_eq!(leadership["hours_per_member"], 0.8);
    // Two sessions not cancelled (held or to come, by today's date), one cancelled.
    let held = leadership["sessions_held"].as_i64().unwrap();
    assert_eq!(held + leadership["sessions_to_come"].as_i64().unwrap(), 2);
    assert!(held >= 1, "the 2026-11-10 session was held");
    // The trust's own: 2 present, 1 absent, 7 members; its counts are small, so withheld.
    let trust = app
        .get_json_as(
            &format!("/api/v1/reports/communities?from={SINCE}&to={TO}"),
            &w.orgs[0].token,
        )
        .await;
    let own = trust["communities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "leadership")
        .unwrap();
    assert_eq!(own["members"], 7);
    assert_eq!(
        (&own["attendance_rate"], &own["commitment_hours"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(
        own["suppressed_figures"],
        json!([
            "members_by_role",
            "attendance_rate",
            "commitment_hours",
            "hours_per_member"
        ])
    );
}

#[tokio::test]
async fn the_communities_report_withholds_small_counts_and_comes_as_csv() {
    let app = spawn_app().await;
    let w = report_world(&app).await;
    check_communities(&app, &w.admin, &w.admin, None, 5).await;
    let res = app
        .client
        .get(app.url(&format!("/api/v1/reports/communities?from={SINCE}&to={TO}")))
        .bearer_auth(&w.admin)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let leadership = rows.iter().find(|r| &r[0] == "leadership").unwrap();
    assert_eq!(&leadership[col("members")], "10");
    assert_eq!(&leadership[col("role_member")], "7");
    assert_eq!(&leadership[col("role_ics_lead")], "<5");
    assert_eq!(&leadership[col("kind_none")], "<5");
    assert_eq!(&leadership[col("commitment_hours")], "<5");
    assert_eq!(&leadership[col("leadership_complete")], "true");
    assert_eq!(rows.len(), 6, "every community");
}

#[tokio::test]
async fn the_priorities_report_matches_the_catalogue_and_the_learning() {
    let app = spawn_app_with(|s| s.reports.suppression_threshold = 0).await;
    let w = report_world(&app).await;
    let f = facts(&app, &w.admin).await;
    let communities = app.get_json_as("/api/v1/communities", &w.admin).await;
    let (orgs, _) = people(&app, &w.admin).await;
    for (token, own, threshold) in [
        (&w.admin, None, 0),
        (&w.orgs[0].token, Some(w.orgs[0].id.as_str()), 5),
    ] {
        let report = app
            .get_json_as(
                &format!("/api/v1/reports/priorities?from={FROM}&to={TO}"),
                token,
            )
            .await;
        let rows = report["priorities"].as_array().unwrap();
        assert_eq!(rows.len(), 7);
        let learning = f.learning(&["priority"], own);
        for (code, row) in (1..=7).zip(rows) {
            assert_eq!(row["priority"]["code"], code);
            let serving: Vec<&Value> = f
                .programmes
                .values()
                .filter(|p| p["status"] == "published")
                .filter(|p| {
                    p["priorities"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|x| x["code"] == code)
                })
                .collect();
            assert_eq!(row["programmes_published"], serving.len(), "{code}");
            let stems: BTreeSet<&str> = serving
                .iter()
                .flat_map(|p| {
                    p["stems"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s.as_str().unwrap())
                })
                .collect();
            let mut served = 0;
            let mut people = BTreeSet::new();
            for c in communities["data"].as_array().unwrap() {
                if c["status"] == "closed" || !c["stem"].as_str().is_some_and(|s| stems.contains(s))
                {
                    continue;
                }
                served += 1;
                let all = members(&app, &w.admin, c["slug"].as_str().unwrap()).await;
                people.extend(
                    all.into_keys()
                        .filter(|p| own.is_none() || orgs[p].as_deref() == own),
                );
            }
            assert_eq!(row["communities"], served, "{code}");
            assert_eq!(
                row["community_members"],
                shown(people.len() as i64, threshold),
                "{code}"
            );
            let l = learning
                .get(&vec![Some(code.to_string())])
                .cloned()
                .unwrap_or_default();
            assert_eq!(row["cohorts_run"], l.cohorts.len(), "{code}");
            assert_eq!(
                row["learners"],
                shown(l.learners.len() as i64, threshold),
                "{code}"
            );
            assert_eq!(row["completed"], shown(l.completed, threshold), "{code}");
        }
        // Learning together (6) is served by K1 and K3, and by communities through stems.
        let six = &rows[5];
        assert!(
            six["cohorts_run"] == 2 && six["communities"].as_i64() > Some(0),
            "{six}"
        );
    }
}
