//! The seven strategic workforce priorities of the Leeds One Workforce Strategic Board
//! (report to the Leeds Health and Wellbeing Board, 9 February 2023). Every programme and
//! cohort is tagged with the priorities it serves.

use serde::{Deserialize, Serialize};

use crate::vocabulary::UnknownValue;

/// One of the seven Leeds strategic workforce priorities. The code (1–7) is the report's
/// numbering and never changes; so does the slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Priority {
    IntegratedWorkforceDesign = 1,
    GrowingAndDevelopingRegistrants = 2,
    WorkingAcrossOrganisations = 3,
    PreventingIllHealth = 4,
    NarrowInequalities = 5,
    LearningTogether = 6,
    ImprovingHealthAndWellbeing = 7,
}

impl Priority {
    pub const ALL: [Priority; 7] = [
        Self::IntegratedWorkforceDesign,
        Self::GrowingAndDevelopingRegistrants,
        Self::WorkingAcrossOrganisations,
        Self::PreventingIllHealth,
        Self::NarrowInequalities,
        Self::LearningTogether,
        Self::ImprovingHealthAndWellbeing,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|p| i64::from(p.code()) == code)
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.slug() == slug)
    }

    /// Accepts either the code (`"3"`) or the slug (`"working-across-organisations"`).
    pub fn parse(raw: &str) -> Result<Self, UnknownValue> {
        raw.parse::<i64>()
            .ok()
            .and_then(Self::from_code)
            .or_else(|| Self::from_slug(raw))
            .ok_or_else(|| UnknownValue {
                given: raw.to_owned(),
                allowed: Self::ALL
                    .iter()
                    .map(|p| p.slug())
                    .chain(["or a code from 1 to 7"])
                    .collect(),
            })
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::IntegratedWorkforceDesign => "integrated-workforce-design",
            Self::GrowingAndDevelopingRegistrants => "growing-and-developing-registrants",
            Self::WorkingAcrossOrganisations => "working-across-organisations",
            Self::PreventingIllHealth => "preventing-ill-health",
            Self::NarrowInequalities => "narrow-inequalities",
            Self::LearningTogether => "learning-together",
            Self::ImprovingHealthAndWellbeing => "improving-health-and-wellbeing",
        }
    }

    /// The report's heading for the priority.
    pub fn title(self) -> &'static str {
        match self {
            Self::IntegratedWorkforceDesign => "Integrated Workforce Design",
            Self::GrowingAndDevelopingRegistrants => "Growing and Developing Registrants",
            Self::WorkingAcrossOrganisations => "Working Across Organisations",
            Self::PreventingIllHealth => "Preventing ill health",
            Self::NarrowInequalities => "Narrow Inequalities",
            Self::LearningTogether => "Learning together",
            Self::ImprovingHealthAndWellbeing => "Improving Health and Wellbeing",
        }
    }

    /// The report's wording of the priority, verbatim after its heading.
    pub fn description(self) -> &'static str {
        match self {
            Self::IntegratedWorkforceDesign => {
                "through jointly developing and designing an integrated workforce to connect care closer to home, recognising and mitigating the risk that introducing new roles and reconfiguring services could destabilise other parts of our system"
            }
            Self::GrowingAndDevelopingRegistrants => {
                "through attracting, training and recruiting together to improve the profile and potential shared opportunities of registrants across health and social care in Leeds; ensuring we reduce gaps in priority services."
            }
            Self::WorkingAcrossOrganisations => {
                "by removing the barriers to cross-organisational and cross-functional working to enable new models of service delivery supporting the Leeds Left Shift."
            }
            Self::PreventingIllHealth => {
                "through ensuring that job roles, ways of working and development reflect the increasing shift from treating illness in isolation to the promotion of physical, mental, social wellbeing and prevention of ill health"
            }
            Self::NarrowInequalities => {
                "by eliminating discrimination and narrowing inequality gaps where they exist to ensure that Leeds is an inclusive and diverse 'one workforce employer', specifically focusing on engaging and attracting people from local communities."
            }
            Self::LearningTogether => {
                "precisely focussing on cross-cutting skills gaps including systems leadership at middle management and digital skills, ensuring our current and future workforce is equipped with the skills and knowledge required to deliver high quality care."
            }
            Self::ImprovingHealthAndWellbeing => {
                "by specifically focusing on the health, wellbeing and resilience of our 'one Leeds workforce', ensuring our staff are well at work and continue to deliver high quality health and care."
            }
        }
    }
}

impl From<Priority> for u8 {
    fn from(p: Priority) -> u8 {
        p.code()
    }
}

impl TryFrom<u8> for Priority {
    type Error = String;
    fn try_from(code: u8) -> Result<Self, Self::Error> {
        Self::from_code(i64::from(code)).ok_or_else(|| format!("no priority has code {code}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_priorities_with_codes_one_to_seven_in_order() {
        let codes: Vec<u8> = Priority::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(codes, vec![1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn slugs_are_unique_kebab_case() {
        let mut slugs: Vec<_> = Priority::ALL.iter().map(|p| p.slug()).collect();
        assert!(
            slugs
                .iter()
                .all(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        );
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), 7);
    }

    #[test]
    fn parses_code_or_slug() {
        assert_eq!(Priority::parse("6"), Ok(Priority::LearningTogether));
        assert_eq!(
            Priority::parse("narrow-inequalities"),
            Ok(Priority::NarrowInequalities)
        );
        for bad in ["0", "8", "-1", "Learning together", ""] {
            let err = Priority::parse(bad).unwrap_err();
            assert!(err.allowed.contains(&"learning-together"), "{bad}");
        }
    }

    #[test]
    fn keeps_the_report_wording() {
        assert!(
            Priority::LearningTogether
                .description()
                .contains("systems leadership at middle management and digital skills")
        );
        assert_eq!(
            Priority::PreventingIllHealth.title(),
            "Preventing ill health"
        );
    }

    #[test]
    fn serialises_as_its_code() {
        assert_eq!(
            serde_json::to_string(&Priority::WorkingAcrossOrganisations).unwrap(),
            "3"
        );
        assert!(serde_json::from_str::<Priority>("9").is_err());
    }
}
