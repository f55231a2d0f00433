//! The board report's markup: headline sentences, tables and the inline charts, with print
//! CSS for A4. Every text goes through maud, so it is escaped.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::impact::Impact;

const STYLE: &str = "
body { font-family: sans-serif; color: #212b32; margin: 2rem auto; max-width: 60rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #005eb8; }
.headline p { font-size: 1.15rem; margin: 0.4rem 0; }
table { border-collapse: collapse; width: 100%; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #c8c8c8; padding: 0.25rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #e8edee; }
svg { max-width: 100%; height: auto; }
.note { font-size: 0.85rem; color: #4c6272; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  section { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; }
}
";

/// A count as the page says it: the number, `<5` when withheld, `–` when it does not apply.
fn count(v: Option<i64>, withheld: bool, t: i64) -> String {
    match v {
        Some(n) => n.to_string(),
        None if withheld => format!("<{t}"),
        None => "–".into(),
    }
}

fn percent(v: Option<f64>, withheld: bool, t: i64) -> String {
    match v {
        Some(r) => format!("{:.1} %", r * 100.0),
        None if withheld => format!("<{t}"),
        None => "–".into(),
    }
}

/// "1 person", "12 people", "fewer than 5 people".
fn people(n: Option<i64>, t: i64) -> String {
    match n {
        Some(1) => "1 person".into(),
        Some(n) => format!("{n} people"),
        None => format!("fewer than {t} people"),
    }
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn headline(i: &Impact) -> Markup {
    let t = i.scope.threshold;
    let h = &i.together.headline;
    let totals = &i.by_kind.totals;
    let held: i64 = i
        .communities
        .communities
        .iter()
        .map(|c| c.sessions_held)
        .sum();
    let complete = i
        .communities
        .communities
        .iter()
        .filter(|c| c.leadership_complete)
        .count();
    html! {
        section.headline {
            h2 { "Headline" }
            p { strong { (people(h.learners_together, t)) } " from "
                strong { (plural(h.organisations_together, "organisation", "organisations")) }
                " learned together, in " (plural(h.cohorts_mixed, "cohort", "cohorts"))
                " that mixed organisations." }
            p { (people(totals.learners, t)) " took part in "
                (plural(totals.cohorts_run, "cohort", "cohorts")) "; "
                (count(totals.completed, totals.suppressed_figures.contains(&"completed"), t))
                " completed, a completion rate of "
                (percent(totals.completion_rate, totals.suppressed_figures.contains(&"completion_rate"), t)) "." }
            p { (plural(i.communities.communities.len() as i64, "Community", "Communities")) " of Practice held "
                (plural(held, "session", "sessions")) "; " (complete) " of them " (if complete == 1 { "has" } else { "have" })
                " their tripartite leadership complete." }
        }
    }
}

fn priorities(i: &Impact) -> Markup {
    let t = i.scope.threshold;
    html! {
        section {
            h2 { "Learners by Leeds priority" }
            (i.scope.priorities(&i.priorities).svg())
            table {
                caption.note { "A cohort or community serving several priorities counts in each." }
                thead { tr { th { "Priority" } th { "Programmes" } th { "Cohorts" } th { "Learners" }
                    th { "Completed" } th { "Completion rate" } th { "Communities" } th { "Members" } } }
                tbody { @for p in &i.priorities.priorities {
                    @let w = |f: &str| p.suppressed_figures.contains(&f);
                    tr { td { (p.priority.code) ". " (p.priority.title) } td { (p.programmes_published) }
                        td { (p.cohorts_run) } td { (count(p.learners, w("learners"), t)) }
                        td { (count(p.completed, w("completed"), t)) }
                        td { (percent(p.completion_rate, w("completion_rate"), t)) }
                        td { (p.communities) } td { (count(p.community_members, w("community_members"), t)) } }
                } }
            }
        }
    }
}

fn learning(
    i: &Impact,
    title: &str,
    first: &str,
    report: &super::report_dto::LearningReport,
    chart: Markup,
) -> Markup {
    let t = i.scope.threshold;
    html! {
        section {
            h2 { (title) }
            (chart)
            table {
                thead { tr { th { (first) } th { "Cohorts" } th { "Learners" } th { "Enrolments" } th { "Completed" }
                    th { "Completion rate" } th { "Attendance rate" } } }
                tbody { @for g in &report.groups {
                    @let f = &g.figures;
                    @let w = |n: &str| f.suppressed_figures.contains(&n);
                    @let key = g.key.first();
                    tr { td { (key.and_then(|k| k.label.clone().or(k.value.clone())).unwrap_or_else(|| "No organisation".into())) }
                        td { (f.cohorts_run) } td { (count(f.learners, w("learners"), t)) }
                        td { (count(f.enrolments, w("enrolments"), t)) } td { (count(f.completed, w("completed"), t)) }
                        td { (percent(f.completion_rate, w("completion_rate"), t)) }
                        td { (percent(f.attendance_rate, w("attendance_rate"), t)) } }
                } }
            }
        }
    }
}

fn communities(i: &Impact) -> Markup {
    let t = i.scope.threshold;
    html! {
        section {
            h2 { "Communities of Practice" }
            (i.scope.communities(&i.communities).svg())
            table {
                thead { tr { th { "Community" } th { "Members" } th { "Leadership" } th { "Sessions held" }
                    th { "To come" } th { "Cap a year" } th { "Attendance" } th { "Hours given" } } }
                tbody { @for c in &i.communities.communities {
                    @let w = |n: &str| c.suppressed_figures.contains(&n);
                    tr { td { (c.name) } td { (count(c.members, w("members"), t)) }
                        td { @if c.leadership_complete { "Complete" } @else { "Incomplete" } }
                        td { (c.sessions_held) } td { (c.sessions_to_come) } td { (c.max_sessions_per_year) }
                        td { (percent(c.attendance_rate, w("attendance_rate"), t)) }
                        td { (c.commitment_hours.map_or_else(|| count(None, w("commitment_hours"), t), |h| format!("{h:.1}"))) } }
                } }
            }
        }
    }
}

fn needs(i: &Impact) -> Markup {
    let r = &i.needs;
    let (needs, headcount): (i64, i64) = r.priorities.iter().fold((0, 0), |(n, h), p| {
        (n + p.figures.needs, h + p.figures.headcount)
    });
    html! {
        section {
            h2 { "Learning needs and the seats offered, " (r.year) }
            p { "Organisations recorded " (plural(needs, "learning need", "learning needs")) " for "
                (r.year) ", for " (plural(headcount, "member", "members")) " of staff." }
            (i.scope.needs(r).svg())
            table {
                caption.note { "Seats: the capacity of the cohorts starting in the year, but the cancelled; \
                    a cohort serving several priorities offers its seats to each." }
                thead { tr { th { "Priority" } th { "Needs" } th { "Staff needing" } th { "Cohorts" }
                    th { "Seats offered" } th { "Gap" } } }
                tbody { @for p in &r.priorities {
                    @let f = &p.figures;
                    tr { td { (p.priority.code) ". " (p.priority.title) } td { (f.needs) } td { (f.headcount) }
                        td { (f.cohorts) } td { (f.seats_offered) } td { (f.gap) } }
                } }
            }
        }
    }
}

/// The whole page.
pub fn page(i: &Impact) -> Markup {
    let title = format!(
        "Workforce Transformation Academy: impact report, {} to {}",
        i.scope.period.from, i.scope.period.to
    );
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Workforce Transformation Academy: impact report" }
                    p.note { "Cohorts starting from " (i.scope.period.from) " to " (i.scope.period.to)
                        "; community sessions in the same period." }
                }
                main {
                    (headline(i))
                    (priorities(i))
                    (learning(i, "Learners by kind of organisation", "Kind of organisation", &i.by_kind, i.scope.kinds(&i.by_kind).svg()))
                    (learning(i, "Completions by quarter", "Quarter", &i.by_quarter, i.scope.quarters(&i.by_quarter).svg()))
                    (communities(i))
                    (needs(i))
                }
                footer.note {
                    p { @if i.scope.threshold > 1 {
                        "To protect the people counted, a count below " (i.scope.threshold)
                        " is shown as <" (i.scope.threshold) ", and so is a rate built on one."
                    } @else { "Small-number suppression is off for this report." } }
                }
            }
        }
    }
}
