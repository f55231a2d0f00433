//! Supply and demand (`/reports/learning-needs`) against an independent count: the needs
//! the test records, and the cohorts and enrolments as their list endpoints give them,
//! counted here; an organisation's own view with its small numbers withheld; CSV; refusals.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::report_oracle::{Facts, SEATED, facts};
use crate::fixtures::reports::{csv_report, posted, report_world};
use crate::helpers::{TestApp, assert_problem, fields, spawn_app_with};

/// A need as recorded: organisation (index into the world's), year, priority, headcount,
/// programme named.
type Need = (usize, i64, i64, i64, Option<&'static str>);

const NEEDS: [Need; 6] = [
    (0, 2027, 6, 40, Some("vital-signs")),
    (0, 2027, 2, 3, None),
    (0, 2028, 6, 50, Some("vital-signs")),
    (1, 2027, 6, 7, Some("research-champions")),
    (1, 2027, 1, 12, None),
    (2, 2027, 3, 2, Some("patient-safety-culture")),
];

/// One line as it must read, before withholding.
#[derive(Debug, Default)]
struct Line {
    needs: i64,
    headcount: i64,
    cohorts: BTreeSet<String>,
    seats: i64,
    learners: BTreeSet<String>,
}

struct Expected {
    priorities: BTreeMap<i64, Line>,
    /// By slug.
    programmes: BTreeMap<String, Line>,
}

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

/// The year's cohorts (all but the cancelled), as the cohorts list gives them.
fn of_year(f: &Facts, year: i64) -> impl Iterator<Item = &Value> {
    f.cohorts.values().filter(move |c| {
        s(&c["start_date"]).starts_with(&year.to_string()) && c["status"] != "cancelled"
    })
}

fn count(f: &Facts, orgs: &[String], year: i64, own: Option<&str>) -> Expected {
    let mut x = Expected {
        priorities: (1..=7).map(|code| (code, Line::default())).collect(),
        programmes: BTreeMap::new(),
    };
    for (org, y, code, headcount, programme) in NEEDS {
        if y != year || own.is_some_and(|o| o != orgs[org]) {
            continue;
        }
        let mut lines = vec![x.priorities.get_mut(&code).unwrap()];
        if let Some(p) = programme {
            lines.push(x.programmes.entry(p.to_owned()).or_default());
        }
        for line in lines {
            line.needs += 1;
            line.headcount += headcount;
        }
    }
    for c in of_year(f, year) {
        let slug = s(&f.programmes[c["programme_id"].as_str().unwrap()]["slug"]);
        let add = |line: &mut Line| {
            line.cohorts.insert(s(&c["id"]));
            line.seats += c["capacity"].as_i64().unwrap();
            for e in &f.enrolments {
                let seated = SEATED.contains(&e["status"].as_str().unwrap());
                let ours = own.is_none_or(|o| e["organisation_id"] == o);
                if e["cohort_id"] == c["id"] && seated && ours {
                    line.learners.insert(s(&e["person_id"]));
                }
            }
        };
        for p in c["priorities"].as_array().unwrap() {
            add(x.priorities.get_mut(&p["code"].as_i64().unwrap()).unwrap());
        }
        if let Some(line) = x.programmes.get_mut(&slug) {
            add(line);
        }
    }
    x
}

/// The figures must be the line's, with `learners` withheld below the threshold.
fn check(got: &Value, want: &Line, threshold: i64, ctx: &str) {
    let learners = want.learners.len() as i64;
    let small = learners > 0 && learners < threshold;
    let gap = (want.headcount - want.seats).max(0);
    assert_eq!(
        got,
        &json!({"needs": want.needs, "headcount": want.headcount, "cohorts": want.cohorts.len(),
            "seats_offered": want.seats, "learners": if small { Value::Null } else { json!(learners) },
            "gap": gap, "suppressed": small,
            "suppressed_figures": if small { json!(["learners"]) } else { json!([]) }}),
        "{ctx}"
    );
}

fn compare(report: &Value, want: &Expected, year: i64, threshold: i64, ctx: &str) {
    assert_eq!(report["year"], year, "{ctx}");
    assert_eq!(report["period"]["from"], format!("{year}-01-01"), "{ctx}");
    assert_eq!(report["suppression_threshold"], threshold, "{ctx}");
    let priorities = report["priorities"].as_array().unwrap();
    let codes: Vec<i64> = priorities
        .iter()
        .map(|p| p["priority"]["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, (1..=7).collect::<Vec<_>>(), "{ctx}: all seven");
    for p in priorities {
        let code = p["priority"]["code"].as_i64().unwrap();
        let line = &want.priorities[&code];
        check(
            &p["figures"],
            line,
            threshold,
            &format!("{ctx} priority {code}"),
        );
    }
    let programmes = report["programmes"].as_array().unwrap();
    let titles: Vec<&str> = programmes
        .iter()
        .map(|p| p["programme"]["title"].as_str().unwrap())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort_unstable();
    assert_eq!(titles, sorted, "{ctx}: programmes by title");
    let slugs: BTreeSet<String> = programmes
        .iter()
        .map(|p| s(&p["programme"]["slug"]))
        .collect();
    assert_eq!(
        slugs,
        want.programmes.keys().cloned().collect(),
        "{ctx}: the programmes named"
    );
    for p in programmes {
        let slug = s(&p["programme"]["slug"]);
        check(
            &p["figures"],
            &want.programmes[&slug],
            threshold,
            &format!("{ctx} {slug}"),
        );
    }
}

/// The world of the report tests, a planned cohort of 2027 (seats on offer, nobody yet),
/// and the needs above, recorded by each organisation's client (the third's by the academy).
pub async fn needs_world(app: &TestApp) -> (crate::fixtures::reports::ReportWorld, Vec<String>) {
    let w = report_world(app).await;
    let body = json!({"label": "Planned", "start_date": "2027-11-01", "end_date": "2027-12-10",
        "capacity": 6, "waitlist_enabled": false, "delivery_mode": "online", "priorities": [1, 6]});
    posted(
        app,
        &w.admin,
        "/api/v1/programmes/research-champions/cohorts",
        Some(body),
    )
    .await;
    let orgs: Vec<String> = w.orgs.iter().map(|o| o.id.clone()).collect();
    let mut writers = Vec::new();
    for org in &orgs[..2] {
        let scopes = ["commissioning:write", "commissioning:read"];
        let client = app.create_client(&w.admin, &scopes, Some(org)).await;
        writers.push(app.token(&client).await);
    }
    for (org, year, code, headcount, programme) in NEEDS {
        let mut need = json!({"year": year, "priority": code, "system_level": "micro",
            "staff_group": "Nurses", "headcount": headcount, "programme": programme});
        let token = match writers.get(org) {
            Some(t) => t.clone(),
            None => {
                need["organisation_id"] = json!(orgs[org]);
                w.admin.clone()
            }
        };
        posted(app, &token, "/api/v1/learning-needs", Some(need)).await;
    }
    // A need deleted is in no figure.
    let need = json!({"year": 2027, "priority": 6, "system_level": "micro",
        "staff_group": "Nurses", "headcount": 500, "programme": "vital-signs"});
    let deleted = posted(app, &writers[0], "/api/v1/learning-needs", Some(need)).await;
    let path = format!("/api/v1/learning-needs/{}", deleted["id"].as_str().unwrap());
    let res = app
        .send(Method::DELETE, &path, Some(&writers[0]), None)
        .await;
    assert_eq!(res.status(), 204);
    (w, orgs)
}

#[tokio::test]
async fn supply_and_demand_match_an_independent_count() {
    let app = spawn_app_with(|s| s.reports.suppression_threshold = 0).await;
    let (w, orgs) = needs_world(&app).await;
    let f = facts(&app, &w.admin).await;
    for year in [2027, 2028] {
        let path = format!("/api/v1/reports/learning-needs?year={year}");
        let report = app.get_json_as(&path, &w.admin).await;
        compare(
            &report,
            &count(&f, &orgs, year, None),
            year,
            0,
            &format!("academy {year}"),
        );
        // An organisation's client: its own needs and staff, every cohort's seats, and its
        // small numbers withheld (the academy's threshold of 0 is the academy's alone).
        for (org, o) in w.orgs.iter().zip(&orgs) {
            let report = app.get_json_as(&path, &org.token).await;
            let ctx = format!("{} {year}", org.kind);
            compare(&report, &count(&f, &orgs, year, Some(o)), year, 5, &ctx);
        }
    }
    // The data set exercises what it claims: a gap, supply beyond demand, a withheld count,
    // seats of a planned cohort, and a cancelled cohort left out.
    let all = count(&f, &orgs, 2027, None);
    let six = &all.priorities[&6];
    assert_eq!((six.needs, six.headcount, six.cohorts.len()), (2, 47, 3));
    assert!(all.priorities[&1].headcount > all.priorities[&1].seats);
    assert!(all.priorities[&2].seats > all.priorities[&2].headcount);
    let council = count(&f, &orgs, 2027, Some(&orgs[1]));
    let seated = council.priorities[&6].learners.len();
    assert!(
        seated > 0 && seated < 5,
        "the council's {seated} learners withheld"
    );
}

#[tokio::test]
async fn supply_and_demand_as_csv_and_the_refusals() {
    let app = spawn_app_with(|s| s.reports.suppression_threshold = 0).await;
    let (w, _) = needs_world(&app).await;
    let path = "/api/v1/reports/learning-needs?year=2027";
    let council = &w.orgs[1].token;
    let json = app.get_json_as(path, council).await;
    let csv = csv_report(&app, path, council).await;
    assert_eq!(
        csv.disposition,
        "attachment; filename=\"learning-needs-2027-01-01-2027-12-31.csv\""
    );
    assert!(csv.body.ends_with("\r\n"), "RFC 4180 records");
    assert_eq!(
        csv.header.join(","),
        "year,line,key,title,needs,headcount,cohorts,seats_offered,learners,gap"
    );
    let (rows, body) = (csv.rows, csv.body);
    let priorities = json["priorities"].as_array().unwrap().iter();
    let programmes = json["programmes"].as_array().unwrap().iter();
    let lines: Vec<(&str, String, String, &Value)> = priorities
        .map(|p| {
            (
                "priority",
                p["priority"]["code"].to_string(),
                s(&p["priority"]["title"]),
                p,
            )
        })
        .chain(programmes.map(|p| {
            (
                "programme",
                s(&p["programme"]["slug"]),
                s(&p["programme"]["title"]),
                p,
            )
        }))
        .collect();
    assert_eq!(
        rows.len(),
        lines.len(),
        "one row per priority and programme"
    );
    for (row, (line, key, title, p)) in rows.iter().zip(lines) {
        let f = &p["figures"];
        let n = |name: &str| f[name].to_string();
        let learners = f["learners"]
            .as_i64()
            .map_or("<5".to_owned(), |l| l.to_string());
        let want = [
            "2027".to_owned(),
            line.to_owned(),
            key,
            title,
            n("needs"),
            n("headcount"),
            n("cohorts"),
            n("seats_offered"),
            learners,
            n("gap"),
        ];
        assert_eq!(row[..], want[..]);
    }
    assert!(
        rows.iter().any(|r| r[8] == "<5"),
        "the council's small count withheld: {body}"
    );

    // The year defaults to this one; a bad year or an unknown parameter is a 400 naming it.
    let this = app
        .get_json_as("/api/v1/reports/learning-needs", &w.admin)
        .await;
    assert_eq!(
        this["year"],
        chrono::Utc::now()
            .format("%Y")
            .to_string()
            .parse::<i64>()
            .unwrap()
    );
    for (query, field) in [
        ("year=1999", "year"),
        ("year=next", "year"),
        ("from=2027-01-01", "from"),
    ] {
        let res = app
            .send(
                Method::GET,
                &format!("/api/v1/reports/learning-needs?{query}"),
                Some(&w.admin),
                None,
            )
            .await;
        let problem = assert_problem(res, 400).await;
        assert_eq!(fields(&problem), vec![field], "{query}: {problem}");
    }
    let res = app.send(Method::GET, path, None, None).await;
    assert_problem(res, 401).await;
    let needs_only = app.token_with(&w.admin, &["commissioning:read"]).await;
    let res = app.send(Method::GET, path, Some(&needs_only), None).await;
    assert_problem(res, 403).await;
}
