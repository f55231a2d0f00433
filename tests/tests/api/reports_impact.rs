//! The printable board report and its charts: conforming HTML with no script or external
//! asset, the figures of the JSON reports in words, tables and charts, and each chart alone
//! as well-formed SVG with a title, axis labels and a text alternative.

use reqwest::Method;
use scraper::{Html, Selector};
use serde_json::Value;

use crate::fixtures::reports::{FROM, TO};
use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};
use crate::reports_needs::needs_world;

const CHARTS: [&str; 5] = [
    "learners-by-priority",
    "learners-by-organisation-kind",
    "completions-by-quarter",
    "community-membership",
    "learning-needs",
];

/// The year of the learning needs the page and chart show: the one the period ends in.
const YEAR: &str = "2027";

async fn get_text(app: &TestApp, path: &str, token: &str, content_type: &str) -> String {
    let res = app.send(Method::GET, path, Some(token), None).await;
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(res.headers()["content-type"], content_type, "{path}");
    res.text().await.unwrap()
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

fn text(e: &scraper::ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A count as the page must say it.
fn said(v: &Value, threshold: i64) -> String {
    v.as_i64()
        .map_or(format!("<{threshold}"), |n| n.to_string())
}

/// The page's table rows (cells' text) of the section titled `heading`.
fn rows(html: &Html, heading: &str) -> Vec<Vec<String>> {
    let section = select(html, "section")
        .into_iter()
        .find(|s| {
            select_in(s, "h2")
                .first()
                .is_some_and(|h| text(h) == heading)
        })
        .unwrap_or_else(|| panic!("no section {heading}"));
    select_in(&section, "tbody tr")
        .iter()
        .map(|r| select_in(r, "td").iter().map(text).collect())
        .collect()
}

fn select_in<'a>(e: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    e.select(&Selector::parse(css).unwrap()).collect()
}

async fn check_page(app: &TestApp, token: &str, threshold: i64) -> Html {
    let q = format!("from={FROM}&to={TO}");
    let body = get_text(
        app,
        &format!("/api/v1/reports/impact.html?{q}"),
        token,
        "text/html; charset=utf-8",
    )
    .await;
    let html = Html::parse_document(&body);
    assert!(html.errors.is_empty(), "conforming HTML: {:?}", html.errors);
    for banned in ["<script", "<link", " src=", "url(", "@import"] {
        assert!(!body.contains(banned), "self-contained: {banned}");
    }
    assert!(body.contains("@page { size: A4"), "print CSS for A4");
    let svgs = select(&html, "svg");
    assert_eq!(svgs.len(), CHARTS.len(), "every chart");
    for svg in &svgs {
        assert_eq!(svg.value().attr("role"), Some("img"));
        assert!(!select_in(svg, "title").is_empty() && !select_in(svg, "desc").is_empty());
    }
    // The headline in words, from the learning-together report.
    let together = app
        .get_json_as(&format!("/api/v1/reports/learning-together?{q}"), token)
        .await;
    let h = &together["headline"];
    let people = h["learners_together"]
        .as_i64()
        .map_or(format!("fewer than {threshold} people"), |n| {
            format!("{n} people")
        });
    let orgs = h["organisations_together"].as_i64().unwrap();
    let noun = if orgs == 1 {
        "organisation"
    } else {
        "organisations"
    };
    let sentence = format!("{people} from {orgs} {noun} learned together");
    let headline = text(&select(&html, "section.headline")[0]);
    assert!(headline.contains(&sentence), "{headline} says {sentence}");
    // The tables say what the JSON reports say.
    let priorities = app
        .get_json_as(&format!("/api/v1/reports/priorities?{q}"), token)
        .await;
    let table = rows(&html, "Learners by Leeds priority");
    assert_eq!(table.len(), 7);
    for (row, p) in table
        .iter()
        .zip(priorities["priorities"].as_array().unwrap())
    {
        assert_eq!(
            row[0],
            format!(
                "{}. {}",
                p["priority"]["code"],
                p["priority"]["title"].as_str().unwrap()
            )
        );
        assert_eq!(row[3], said(&p["learners"], threshold), "{row:?}");
        assert_eq!(row[7], said(&p["community_members"], threshold), "{row:?}");
    }
    let communities = app
        .get_json_as(&format!("/api/v1/reports/communities?{q}"), token)
        .await;
    let table = rows(&html, "Communities of Practice");
    assert_eq!(
        table.len(),
        communities["communities"].as_array().unwrap().len()
    );
    for (row, c) in table
        .iter()
        .zip(communities["communities"].as_array().unwrap())
    {
        assert_eq!(
            (&row[0], &row[1]),
            (
                &c["name"].as_str().unwrap().to_owned(),
                &said(&c["members"], threshold)
            )
        );
    }
    let kinds = app
        .get_json_as(
            &format!("/api/v1/reports/learning?{q}&group_by=organisation_kind"),
            token,
        )
        .await;
    let table = rows(&html, "Learners by kind of organisation");
    assert_eq!(table.len(), kinds["groups"].as_array().unwrap().len());
    for (row, g) in table.iter().zip(kinds["groups"].as_array().unwrap()) {
        assert_eq!(
            row[2],
            said(&g["figures"]["learners"], threshold),
            "{row:?}"
        );
    }
    let needs = app
        .get_json_as(
            &format!("/api/v1/reports/learning-needs?year={YEAR}"),
            token,
        )
        .await;
    let table = rows(
        &html,
        &format!("Learning needs and the seats offered, {YEAR}"),
    );
    assert_eq!(table.len(), 7);
    for (row, p) in table.iter().zip(needs["priorities"].as_array().unwrap()) {
        let f = &p["figures"];
        let want = [
            &f["needs"],
            &f["headcount"],
            &f["cohorts"],
            &f["seats_offered"],
        ];
        let want: Vec<String> = want.iter().map(|v| v.to_string()).collect();
        assert_eq!(row[1..5], want[..], "{row:?}");
        assert_eq!(row[5], f["gap"].to_string(), "{row:?}");
        assert_eq!(row.len(), 6, "needs against seats: {row:?}");
    }
    html
}

#[tokio::test]
async fn the_board_report_is_one_conforming_page_with_the_reports_figures() {
    let app = spawn_app_with(|s| s.reports.suppression_threshold = 0).await;
    let (w, _) = needs_world(&app).await;
    let html = check_page(&app, &w.admin, 0).await;
    let headline = text(&select(&html, "section.headline")[0]);
    assert!(
        headline.contains("16 people from 4 organisations learned together"),
        "{headline}"
    );
    for org in &w.orgs {
        let html = check_page(&app, &org.token, 5).await;
        let cells: Vec<String> = select(&html, "td").iter().map(text).collect();
        assert!(
            cells.iter().any(|c| c == "<5"),
            "small counts withheld for {}",
            org.kind
        );
    }
}

/// The bars a chart must draw: each label and value (`None`: withheld), from the JSON reports.
async fn bars(app: &TestApp, token: &str, chart: &str) -> Vec<(String, Option<i64>)> {
    let q = format!("from={FROM}&to={TO}");
    let get = |path: String| async move { app.get_json_as(&path, token).await };
    let str_of = |v: &Value| v.as_str().map(str::to_owned);
    match chart {
        "learners-by-priority" => {
            get(format!("/api/v1/reports/priorities?{q}")).await["priorities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        str_of(&p["priority"]["title"]).unwrap(),
                        p["learners"].as_i64(),
                    )
                })
                .collect()
        }
        "learning-needs" => {
            get(format!("/api/v1/reports/learning-needs?year={YEAR}")).await["priorities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        str_of(&p["priority"]["title"]).unwrap(),
                        p["figures"]["gap"].as_i64(),
                    )
                })
                .collect()
        }
        "community-membership" => {
            get(format!("/api/v1/reports/communities?{q}")).await["communities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (str_of(&c["name"]).unwrap(), c["members"].as_i64()))
                .collect()
        }
        _ => {
            let (by, figure, part) = if chart == "completions-by-quarter" {
                ("quarter", "completed", "value")
            } else {
                ("organisation_kind", "learners", "label")
            };
            get(format!("/api/v1/reports/learning?{q}&group_by={by}")).await["groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| {
                    let label =
                        str_of(&g["key"][0][part]).unwrap_or_else(|| "No organisation".into());
                    (label, g["figures"][figure].as_i64())
                })
                .collect()
        }
    }
}

#[tokio::test]
async fn each_chart_alone_is_svg_with_a_title_axis_labels_and_a_text_alternative() {
    let app = spawn_app().await;
    let (w, _) = needs_world(&app).await;
    let q = format!("from={FROM}&to={TO}");
    for chart in CHARTS {
        let path = format!("/api/v1/reports/charts/{chart}.svg?{q}");
        let svg = get_text(&app, &path, &w.admin, "image/svg+xml; charset=utf-8").await;
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{chart}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let child = |name: &str| {
            root.children()
                .find(|n| n.tag_name().name() == name)
                .and_then(|n| n.text())
        };
        let (title, desc) = (child("title").unwrap(), child("desc").unwrap());
        let when = if chart == "learning-needs" {
            YEAR.to_owned()
        } else {
            format!("{FROM} to {TO}")
        };
        assert!(title.ends_with(&when), "{title}");
        let texts: Vec<&str> = root.descendants().filter_map(|n| n.text()).collect();
        let axis = match chart {
            "completions-by-quarter" => "Completions",
            "community-membership" => "Current members",
            "learning-needs" => "Staff needing learning beyond the seats offered",
            _ => "Learners",
        };
        assert!(texts.contains(&axis), "{chart}: value axis in {texts:?}");
        // Every bar's figure, from the JSON report it is drawn from, in the text alternative
        // and on the chart.
        for (label, value) in bars(&app, &w.admin, chart).await {
            let said = value.map_or(format!("{label} fewer than 5 (withheld)"), |n| {
                format!("{label} {n}")
            });
            assert!(desc.contains(&said), "{chart}: {desc} says {said}");
            let shown = value.map_or("<5 (withheld)".to_owned(), |n| n.to_string());
            assert!(
                texts.contains(&shown.as_str()),
                "{chart}: {shown} drawn in {texts:?}"
            );
            assert!(texts.contains(&label.as_str()), "{chart}: {label} drawn");
        }
    }
    let res = app
        .send(
            Method::GET,
            "/api/v1/reports/charts/pie.svg",
            Some(&w.admin),
            None,
        )
        .await;
    let problem = assert_problem(res, 404).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("learners-by-priority"),
        "{problem}"
    );
    let res = app
        .send(Method::GET, "/api/v1/reports/impact.html", None, None)
        .await;
    assert_problem(res, 401).await;
}
