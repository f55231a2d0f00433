//! Server-rendered SVG bar charts for the board report: a title, axis labels, and a text
//! alternative (`<title>`, `<desc>`, `role="img"`) that says every value; a withheld value
//! draws no bar and reads `<5`. Markup through maud, so every text is escaped.

use maud::{Markup, html};

/// One bar: what it is, and its value (`None`: withheld).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: Option<i64>,
}

/// A horizontal bar chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// Unique in the page: the ids of its title and description derive from it.
    pub id: &'static str,
    pub title: String,
    /// What the bars measure (the value axis).
    pub value_axis: &'static str,
    /// What each bar is (the category axis).
    pub category_axis: &'static str,
    pub bars: Vec<Bar>,
    /// The suppression threshold the withheld bars stand for.
    pub threshold: i64,
}

const WIDTH: i64 = 720;
const RIGHT: i64 = 70;
const TOP: i64 = 48;
const ROW: i64 = 26;
const BOTTOM: i64 = 56;

/// A round step for `ticks` ticks up to at least `max`.
fn step(max: i64) -> i64 {
    let rough = (max.max(1) as f64 / 4.0).ceil() as i64;
    let magnitude = 10_i64.pow(rough.max(1).ilog10());
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(rough)
}

impl BarChart {
    fn withheld(&self) -> String {
        format!("<{}", self.threshold)
    }

    /// The text alternative: every bar and its value.
    pub fn description(&self) -> String {
        if self.bars.is_empty() {
            return format!("{}: nothing to show for this period.", self.title);
        }
        let parts: Vec<String> = self
            .bars
            .iter()
            .map(|b| match b.value {
                Some(v) => format!("{} {v}", b.label),
                None => format!("{} fewer than {} (withheld)", b.label, self.threshold),
            })
            .collect();
        format!(
            "{} ({}): {}.",
            self.title,
            self.value_axis,
            parts.join("; ")
        )
    }

    /// Room for the longest label (about 6.5 px a character at 12 px), within bounds.
    fn left(&self) -> i64 {
        let longest = self
            .bars
            .iter()
            .map(|b| b.label.chars().count())
            .max()
            .unwrap_or(0);
        (longest as i64 * 13 / 2 + 40).clamp(120, 380)
    }

    /// The chart as an `<svg>` element (standalone, or inline in HTML).
    pub fn svg(&self) -> Markup {
        let left = self.left();
        let rows = self.bars.len().max(1) as i64;
        let height = TOP + rows * ROW + BOTTOM;
        let plot = WIDTH - left - RIGHT;
        let max = self.bars.iter().filter_map(|b| b.value).max().unwrap_or(0);
        let step = step(max);
        let top_tick = (max.max(1) + step - 1) / step * step;
        let x = |v: i64| left + v * plot / top_tick;
        let ticks: Vec<i64> = (0..=top_tick / step).map(|i| i * step).collect();
        let axis_y = TOP + rows * ROW;
        let (title_id, desc_id) = (format!("{}-title", self.id), format!("{}-desc", self.id));
        html! {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {height}"))
                width=(WIDTH) height=(height) role="img"
                aria-labelledby=(format!("{title_id} {desc_id}")) font-family="sans-serif" font-size="12" {
                title id=(title_id) { (self.title) }
                desc id=(desc_id) { (self.description()) }
                text x=(WIDTH / 2) y="22" text-anchor="middle" font-size="15" font-weight="bold" { (self.title) }
                @for t in &ticks {
                    line x1=(x(*t)) x2=(x(*t)) y1=(TOP - 4) y2=(axis_y) stroke="#d0d0d0" {}
                    text x=(x(*t)) y=(axis_y + 16) text-anchor="middle" { (t) }
                }
                line x1=(left) x2=(left) y1=(TOP - 4) y2=(axis_y) stroke="#333" {}
                line x1=(left) x2=(WIDTH - RIGHT) y1=(axis_y) y2=(axis_y) stroke="#333" {}
                @for (i, b) in self.bars.iter().enumerate() {
                    @let y = TOP + i as i64 * ROW;
                    text x=(left - 8) y=(y + ROW / 2 + 4) text-anchor="end" { (b.label) }
                    @match b.value {
                        Some(v) => {
                            rect x=(left) y=(y + 4) width=(x(v) - left) height=(ROW - 8) fill="#005eb8" {}
                            text x=(x(v) + 6) y=(y + ROW / 2 + 4) { (v) }
                        }
                        None => {
                            text x=(left + 6) y=(y + ROW / 2 + 4) fill="#555" { (self.withheld()) " (withheld)" }
                        }
                    }
                }
                @if self.bars.is_empty() {
                    text x=(left + 6) y=(TOP + ROW / 2 + 4) fill="#555" { "Nothing to show for this period" }
                }
                text x=(left + plot / 2) y=(height - 12) text-anchor="middle" font-weight="bold" { (self.value_axis) }
                text x="14" y=(TOP + rows * ROW / 2) text-anchor="middle" font-weight="bold"
                    transform=(format!("rotate(-90 14 {})", TOP + rows * ROW / 2)) { (self.category_axis) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round_and_cover_the_largest_value() {
        assert_eq!(step(0), 1);
        assert_eq!(step(3), 1);
        assert_eq!(step(10), 5);
        assert_eq!(step(37), 10);
        assert_eq!(step(1180), 500);
    }

    #[test]
    fn the_text_alternative_says_every_value_and_what_is_withheld() {
        let chart = BarChart {
            id: "c",
            title: "Learners by priority".into(),
            value_axis: "Learners",
            category_axis: "Priority",
            bars: vec![
                Bar {
                    label: "A & B".into(),
                    value: Some(12),
                },
                Bar {
                    label: "C".into(),
                    value: None,
                },
            ],
            threshold: 5,
        };
        assert_eq!(
            chart.description(),
            "Learners by priority (Learners): A & B 12; C fewer than 5 (withheld)."
        );
        let svg = chart.svg().into_string();
        assert!(svg.contains("A &amp; B"), "{svg}");
        assert!(svg.contains("&lt;5 (withheld)"), "{svg}");
    }
}
