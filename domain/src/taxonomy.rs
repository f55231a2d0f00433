//! The prospectus' taxonomy: themes, system levels, strands, Venus model stems, delivery
//! modes and availability. Machine values are `snake_case` and stable: they are part of the API.

use crate::vocabulary::vocabulary_enum;

vocabulary_enum! {
    /// The three themes of the academy's portfolio.
    Theme {
        /// Leadership Development and Culture Change for Transformation.
        Leadership = "leadership": "Leadership Development and Culture Change for Transformation",
        /// Facilitation of Workforce Transformation.
        Facilitation = "facilitation": "Facilitation of Workforce Transformation",
        /// Developing and Evaluating Best Practice – embedded research, inquiry and knowledge rich cultures for transformation.
        BestPractice = "best_practice": "Developing and Evaluating Best Practice – embedded research, inquiry and knowledge rich cultures for transformation",
    }
}

vocabulary_enum! {
    /// The level of the health and care system a programme develops.
    SystemLevel {
        /// Macro: system development (the integrated care system).
        Macro = "macro": "Macro — system development",
        /// Meso: organisational and partner development.
        Meso = "meso": "Meso — organisational and partner development",
        /// Micro: team development.
        Micro = "micro": "Micro — team development",
    }
}

vocabulary_enum! {
    /// The prospectus' strands: the heading of each theme × level cell of its matrix, in
    /// the prospectus' words.
    Strand {
        SystemsLeadership = "systems_leadership": "Systems Leadership",
        OrganisationalLeadership = "organisational_leadership": "Organisational Leadership for transformation",
        TeamLeadership = "team_leadership": "Team Leadership",
        SystemsFacilitation = "systems_facilitation": "Systems facilitation for learning, quality, safety, innovation and shared governance",
        OrganisationFacilitation = "organisation_facilitation": "Facilitators of an integrated approach to learning, development, improvement. Knowledge translation, inquiry and innovation across organisations",
        TeamFacilitation = "team_facilitation": "Facilitation learning, development, improvement, knowledge translation across teams (link workers, champions)",
        SystemsResearch = "systems_research": "Effective research for system transformation",
        QualitySafetyResearch = "quality_safety_research": "Quality safety and transformational research",
        TeamResearch = "team_research": "Teams (research/quality champion programmes)",
    }
}

impl Strand {
    /// The strand of a theme × level cell: each cell has exactly one.
    pub fn of(theme: Theme, level: SystemLevel) -> Self {
        use SystemLevel::{Macro, Meso, Micro};
        match (theme, level) {
            (Theme::Leadership, Macro) => Self::SystemsLeadership,
            (Theme::Leadership, Meso) => Self::OrganisationalLeadership,
            (Theme::Leadership, Micro) => Self::TeamLeadership,
            (Theme::Facilitation, Macro) => Self::SystemsFacilitation,
            (Theme::Facilitation, Meso) => Self::OrganisationFacilitation,
            (Theme::Facilitation, Micro) => Self::TeamFacilitation,
            (Theme::BestPractice, Macro) => Self::SystemsResearch,
            (Theme::BestPractice, Meso) => Self::QualitySafetyResearch,
            (Theme::BestPractice, Micro) => Self::TeamResearch,
        }
    }
}

vocabulary_enum! {
    /// The five stems of the Venus model for person-centred sustainable transformation.
    VenusStem {
        PracticeDevelopment = "practice_development": "Practice Development",
        Leadership = "leadership": "Leadership",
        Facilitation = "facilitation": "Facilitation",
        InnovationAndImprovement = "innovation_and_improvement": "Innovation and Improvement",
        CultureChange = "culture_change": "Culture Change",
    }
}

vocabulary_enum! {
    /// How a programme is delivered.
    DeliveryMode {
        Online = "online": "Online",
        FaceToFace = "face_to_face": "Face to face",
        Blended = "blended": "Blended (online and face to face)",
        Residential = "residential": "Residential",
    }
}

vocabulary_enum! {
    /// When a programme runs.
    Availability {
        /// Runs whenever there is a need or enough interest.
        OnDemand = "on_demand": "On demand",
        /// Commissioned by a partner organisation or system, content co-created.
        Commissioned = "commissioned": "Commissioned",
        /// Runs to a fixed calendar (e.g. monthly, annually).
        Scheduled = "scheduled": "Scheduled",
    }
}

impl VenusStem {
    /// What the stem develops, for people browsing the catalogue.
    pub fn description(self) -> &'static str {
        match self {
            Self::PracticeDevelopment => {
                "Developing person-centred, safe and effective practice by using the workplace as the main resource for learning, development and improvement."
            }
            Self::Leadership => {
                "Collective and transformational leadership that enables others and aligns purpose across teams, organisations and the system."
            }
            Self::Facilitation => {
                "Enabling individuals, teams and systems to learn, develop and improve: the skills of the transformational facilitator."
            }
            Self::InnovationAndImprovement => {
                "Generating, testing and spreading new ideas and improvements, based on evidence and research."
            }
            Self::CultureChange => {
                "Growing effective workplace cultures in which everyone can flourish, focused on what matters to people."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vocabulary;

    #[test]
    fn values_round_trip_and_are_snake_case() {
        fn check<T: Vocabulary + PartialEq + std::fmt::Debug>() {
            for v in T::all() {
                assert_eq!(T::parse(v.value()), Ok(*v));
                assert!(
                    v.value()
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_')
                );
                assert_ne!(v.label(), v.value(), "{:?} needs a human label", v);
            }
        }
        check::<Theme>();
        check::<SystemLevel>();
        check::<VenusStem>();
        check::<DeliveryMode>();
        check::<Availability>();
    }

    #[test]
    fn counts_match_the_prospectus() {
        assert_eq!(Theme::all().len(), 3);
        assert_eq!(SystemLevel::all().len(), 3);
        assert_eq!(VenusStem::all().len(), 5);
        assert_eq!(DeliveryMode::all().len(), 4);
        assert_eq!(Availability::all().len(), 3);
    }

    #[test]
    fn unknown_value_lists_the_allowed_ones() {
        let err = Theme::parse("Facilitation").unwrap_err();
        assert_eq!(
            err.allowed,
            vec!["leadership", "facilitation", "best_practice"]
        );
        assert_eq!(
            err.to_string(),
            "unknown value 'Facilitation'; expected one of: leadership, facilitation, best_practice"
        );
    }

    #[test]
    fn serde_uses_the_machine_values() {
        assert_eq!(
            serde_json::to_string(&VenusStem::InnovationAndImprovement).unwrap(),
            "\"innovation_and_improvement\""
        );
    }

    #[test]
    fn every_stem_says_what_it_develops() {
        let all: std::collections::BTreeSet<&str> =
            VenusStem::all().iter().map(|s| s.description()).collect();
        assert_eq!(all.len(), VenusStem::all().len(), "one description each");
        assert!(all.iter().all(|d| d.len() > 40 && d.ends_with('.')));
        assert!(VenusStem::Leadership.description().contains("lead"));
    }
}
