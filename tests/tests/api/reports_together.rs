//! The learning-together report against an independent count of the fixed data set.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::fixtures::report_oracle::{Facts, facts};
use crate::fixtures::reports::{FROM, TO, report_world};
use crate::helpers::{spawn_app, spawn_app_with};

const PATH: &str = "/api/v1/reports/learning-together";

fn path() -> String {
    format!("{PATH}?from={FROM}&to={TO}")
}

/// A count of people as reported under `threshold`.
fn shown(n: usize, threshold: i64) -> Value {
    let n = n as i64;
    if n > 0 && n < threshold {
        Value::Null
    } else {
        n.into()
    }
}

fn check(report: &Value, f: &Facts, own: Option<&str>, threshold: i64) {
    let mixes = f.mixes(own);
    let mixed = |m: &&crate::fixtures::report_oracle::Mix| m.organisations.len() >= 2;
    let union = |it: &mut dyn Iterator<Item = &BTreeSet<String>>| -> BTreeSet<String> {
        it.flatten().cloned().collect()
    };
    let learners = union(&mut mixes.values().map(|m| &m.learners));
    let together = union(&mut mixes.values().filter(mixed).map(|m| &m.learners));
    let own_orgs = |m: &crate::fixtures::report_oracle::Mix| -> BTreeSet<String> {
        m.organisations
            .iter()
            .filter(|o| own.is_none_or(|own| own == o.as_str()))
            .cloned()
            .collect()
    };
    let orgs: BTreeSet<String> = mixes.values().flat_map(own_orgs).collect();
    let orgs_together: BTreeSet<String> = mixes.values().filter(mixed).flat_map(own_orgs).collect();
    let h = &report["headline"];
    assert_eq!(h["learners"], shown(learners.len(), threshold), "{h}");
    assert_eq!(
        h["learners_together"],
        shown(together.len(), threshold),
        "{h}"
    );
    assert_eq!(h["organisations"], orgs.len(), "{h}");
    assert_eq!(h["organisations_together"], orgs_together.len(), "{h}");
    assert_eq!(h["cohorts"], mixes.len(), "{h}");
    assert_eq!(
        h["cohorts_mixed"],
        mixes.values().filter(mixed).count(),
        "{h}"
    );
    let cohorts: BTreeMap<String, &Value> = report["cohorts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["cohort_id"].as_str().unwrap().to_owned(), c))
        .collect();
    assert_eq!(
        cohorts.keys().collect::<Vec<_>>(),
        mixes.keys().collect::<Vec<_>>()
    );
    for (id, m) in &mixes {
        let c = cohorts[id];
        assert_eq!(c["learners"], shown(m.learners.len(), threshold), "{c}");
        assert_eq!(c["organisations"], m.organisations.len(), "{c}");
        assert_eq!(
            c["organisation_kinds"],
            serde_json::json!(m.kinds.keys().collect::<Vec<_>>())
        );
        assert_eq!(c["mixed"], m.organisations.len() >= 2, "{c}");
        assert_eq!(c["suppressed"], c["learners"].is_null(), "{c}");
    }
    let matrix: BTreeMap<(String, String), i64> = report["kind_matrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let k = |f: &str| p[f].as_str().unwrap().to_owned();
            ((k("kind"), k("with_kind")), p["cohorts"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(matrix, f.kind_matrix(own));
}

#[tokio::test]
async fn learning_together_matches_an_independent_count() {
    let app = spawn_app_with(|s| s.reports.suppression_threshold = 0).await;
    let w = report_world(&app).await;
    let f = facts(&app, &w.admin).await;
    let report = app.get_json_as(&path(), &w.admin).await;
    check(&report, &f, None, 0);
    // The headline the data set was built for: 16 of 21 learned with another organisation,
    // in 2 of 3 cohorts (K3 is one trust's), and all 4 organisations took part.
    let h = &report["headline"];
    assert_eq!(
        (&h["learners"], &h["learners_together"]),
        (&21.into(), &16.into())
    );
    assert_eq!((&h["cohorts"], &h["cohorts_mixed"]), (&3.into(), &2.into()));
    let k3 = report["cohorts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cohort_id"] == w.cohorts[2].as_str())
        .unwrap();
    assert_eq!(k3["mixed"], false);
    assert!(
        report["cohorts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["cohort_id"] != w.cohorts[3].as_str()
                && c["cohort_id"] != w.cohorts[4].as_str()),
        "cancelled and later cohorts are not counted"
    );
    // Each partner sees its own staff, under the default threshold.
    for org in &w.orgs {
        let report = app.get_json_as(&path(), &org.token).await;
        assert_eq!(report["suppression_threshold"], 5);
        check(&report, &f, Some(&org.id), 5);
    }
}

#[tokio::test]
async fn learning_together_withholds_small_numbers_and_comes_as_csv() {
    let app = spawn_app().await;
    let w = report_world(&app).await;
    let f = facts(&app, &w.admin).await;
    let report = app.get_json_as(&path(), &w.admin).await;
    check(&report, &f, None, 5);
    let res = app
        .client
        .get(app.url(&path()))
        .bearer_auth(&w.orgs[3].token)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    let mut lines = body.split("\r\n");
    assert_eq!(
        lines.next(),
        Some(
            "cohort_id,label,programme_slug,programme_title,start_date,learners,organisations,organisation_kinds,mixed"
        )
    );
    // The primary-care organisation had 2 people seated, in K2 only.
    let row = lines.next().unwrap();
    assert!(row.starts_with(&w.cohorts[1]), "{row}");
    assert!(
        row.ends_with(",<5,4,local_authority nhs_trust primary_care third_sector,true"),
        "{row}"
    );
    assert_eq!(lines.collect::<Vec<_>>(), vec![""]);
}
