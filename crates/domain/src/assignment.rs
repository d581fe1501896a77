//! Assigning experts to accepted applications (issue 3; API.md `POST /batches/{id}/assign`):
//! N experts each, never one whose employer is the applicant's, loads as even as possible
//! (max − min ≤ 1 wherever the conflicts allow), randomised among equals by a recorded seed.

use crate::ids::{ApplicationId, UserId};

/// SplitMix64: a tiny, fully specified generator, so a recorded seed reproduces the same draw in
/// any build (a library RNG may change its algorithm between versions).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

#[derive(Debug, Clone)]
pub struct Applicant {
    pub application_id: ApplicationId,
    /// Whose application it is: a designer who is also an expert never scores their own.
    pub designer_id: UserId,
    /// The applicant's name, only to say which application cannot be covered.
    pub name: Option<String>,
    pub employer: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Expert {
    pub id: UserId,
    pub employer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub application_id: ApplicationId,
    pub expert_ids: Vec<UserId>,
}

/// Why the draw cannot give every application its experts, with what a reviewer needs to put it
/// right: the application with the fewest experts left, and how many it needs and has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortage {
    pub application_id: ApplicationId,
    pub applicant: Option<String>,
    pub employer: Option<String>,
    /// Experts each application needs.
    pub needed: usize,
    /// Experts without a conflict of interest with this applicant.
    pub eligible: usize,
    /// Every expert; those beyond `eligible` work where the applicant works.
    pub experts: usize,
    /// How many applications in all are short of experts (at least 1).
    pub applications_short: usize,
}

impl Shortage {
    /// Whether conflicts of interest are the cause: there are experts enough, but too many of
    /// them are the applicant's colleagues.
    pub fn is_conflict(&self) -> bool {
        self.experts >= self.needed
    }

    /// The experts left out because they work where the applicant works.
    pub fn conflicts(&self) -> usize {
        self.experts - self.eligible.min(self.experts)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("experts_per_application must be at least 1")]
    NoneRequested,
    #[error("application {} has {} experts without a conflict; {} are needed", .0.application_id, .0.eligible, .0.needed)]
    TooFewEligible(Box<Shortage>),
}

fn same_employer(a: &Option<String>, b: &Option<String>) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
    match (a, b) {
        (Some(a), Some(b)) => !a.trim().is_empty() && norm(a) == norm(b),
        _ => false,
    }
}

/// Whether the expert may not score the applicant (conflict of interest): the applicant
/// themselves, or a colleague at the same employer.
pub fn is_conflict(applicant: &Applicant, expert: &Expert) -> bool {
    applicant.designer_id == expert.id || same_employer(&applicant.employer, &expert.employer)
}

/// Draws the assignments. Applications are taken most-constrained first (fewest eligible
/// experts), each gets the least-loaded eligible experts, and ties are broken by the seeded
/// shuffle, so the result depends only on the inputs and the seed.
pub fn assign(
    applicants: &[Applicant],
    experts: &[Expert],
    per_application: usize,
    seed: u64,
) -> Result<Vec<Assignment>, AssignError> {
    if per_application == 0 {
        return Err(AssignError::NoneRequested);
    }
    let mut rng = SplitMix64::new(seed);
    let mut expert_order: Vec<usize> = (0..experts.len()).collect();
    rng.shuffle(&mut expert_order);
    let mut app_order: Vec<usize> = (0..applicants.len()).collect();
    rng.shuffle(&mut app_order);
    let eligible: Vec<Vec<usize>> = applicants
        .iter()
        .map(|a| {
            expert_order
                .iter()
                .copied()
                .filter(|&e| !is_conflict(a, &experts[e]))
                .collect()
        })
        .collect();
    let short: Vec<usize> = (0..applicants.len())
        .filter(|&i| eligible[i].len() < per_application)
        .collect();
    // The one with the fewest experts left is named; the first of equals, in input order.
    if let Some(&worst) = short.iter().min_by_key(|&&i| eligible[i].len()) {
        let a = &applicants[worst];
        return Err(AssignError::TooFewEligible(Box::new(Shortage {
            application_id: a.application_id,
            applicant: a.name.clone(),
            employer: a.employer.clone(),
            needed: per_application,
            eligible: eligible[worst].len(),
            experts: experts.len(),
            applications_short: short.len(),
        })));
    }
    // Most constrained first; the shuffle above breaks ties (sort is stable).
    app_order.sort_by_key(|&i| eligible[i].len());
    let mut load = vec![0usize; experts.len()];
    let mut out: Vec<Option<Assignment>> = vec![None; applicants.len()];
    for &a in &app_order {
        let mut candidates = eligible[a].clone();
        // Least loaded first; equal loads keep the shuffled order.
        candidates.sort_by_key(|&e| load[e]);
        let chosen: Vec<usize> = candidates.into_iter().take(per_application).collect();
        for &e in &chosen {
            load[e] += 1;
        }
        let mut ids: Vec<UserId> = chosen.iter().map(|&e| experts[e].id).collect();
        ids.sort();
        out[a] = Some(Assignment {
            application_id: applicants[a].application_id,
            expert_ids: ids,
        });
    }
    Ok(out.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn experts(employers: &[Option<&str>]) -> Vec<Expert> {
        employers
            .iter()
            .map(|e| Expert {
                id: UserId::from_uuid(Uuid::new_v4()),
                employer: e.map(str::to_string),
            })
            .collect()
    }

    fn applicants(employers: &[Option<&str>]) -> Vec<Applicant> {
        employers
            .iter()
            .map(|e| Applicant {
                application_id: ApplicationId::from_uuid(Uuid::new_v4()),
                designer_id: UserId::from_uuid(Uuid::new_v4()),
                name: None,
                employer: e.map(str::to_string),
            })
            .collect()
    }

    fn loads(result: &[Assignment], experts: &[Expert]) -> Vec<usize> {
        experts
            .iter()
            .map(|x| {
                result
                    .iter()
                    .filter(|a| a.expert_ids.contains(&x.id))
                    .count()
            })
            .collect()
    }

    #[test]
    fn a_designer_who_is_also_an_expert_never_scores_their_own() {
        let ex = experts(&[None, None, None]);
        let mut ap = applicants(&[None, None]);
        ap[0].designer_id = ex[0].id;
        for seed in 0..50 {
            let result = assign(&ap, &ex, 2, seed).unwrap();
            let own = result
                .iter()
                .find(|a| a.application_id == ap[0].application_id)
                .unwrap();
            assert!(!own.expert_ids.contains(&ex[0].id), "seed {seed}");
        }
        assert!(is_conflict(&ap[0], &ex[0]) && !is_conflict(&ap[1], &ex[0]));
    }

    #[test]
    fn never_the_applicants_employer_and_too_few_is_an_error() {
        let ex = experts(&[Some("重庆大学"), Some("长安汽车"), None]);
        let ap = applicants(&[Some(" 重庆大学"), Some("长安 汽车")]);
        let result = assign(&ap, &ex, 2, 7).unwrap();
        for a in &result {
            let applicant = ap
                .iter()
                .find(|x| x.application_id == a.application_id)
                .unwrap();
            for id in &a.expert_ids {
                let expert = ex.iter().find(|x| x.id == *id).unwrap();
                assert!(!is_conflict(applicant, expert));
            }
        }
        assert!(matches!(
            assign(&ap, &ex, 3, 7),
            Err(AssignError::TooFewEligible(_))
        ));
        assert_eq!(assign(&ap, &ex, 0, 7), Err(AssignError::NoneRequested));
    }

    #[test]
    fn a_shortage_names_the_application_and_the_numbers() {
        // Three experts, two at 重庆大学: its applicant has one expert left, the other three.
        let ex = experts(&[Some("重庆大学"), Some("重庆大学"), Some("长安汽车")]);
        let mut ap = applicants(&[Some("四川美术学院"), Some("重庆大学"), Some("重庆大学 ")]);
        ap[1].name = Some("赵磊".into());
        let Err(AssignError::TooFewEligible(s)) = assign(&ap, &ex, 2, 1) else {
            panic!("expected a shortage");
        };
        assert_eq!(s.application_id, ap[1].application_id);
        assert_eq!(s.applicant.as_deref(), Some("赵磊"));
        assert_eq!(s.employer.as_deref(), Some("重庆大学"));
        assert_eq!((s.needed, s.eligible, s.experts), (2, 1, 3));
        assert_eq!(s.applications_short, 2);
        assert!(s.is_conflict());
        assert_eq!(s.conflicts(), 2);
        // Too few experts at all: not a matter of conflicts.
        let Err(AssignError::TooFewEligible(s)) = assign(&ap[..1], &ex, 4, 1) else {
            panic!("expected a shortage");
        };
        assert_eq!((s.needed, s.eligible, s.experts), (4, 3, 3));
        assert!(!s.is_conflict());
        assert_eq!(s.applications_short, 1);
    }

    #[test]
    fn the_same_seed_gives_the_same_draw() {
        let ex = experts(&[None, None, None, None, None, None]);
        let ap = applicants(&[None; 10]);
        assert_eq!(
            assign(&ap, &ex, 3, 42).unwrap(),
            assign(&ap, &ex, 3, 42).unwrap()
        );
        assert_ne!(
            assign(&ap, &ex, 3, 42).unwrap(),
            assign(&ap, &ex, 3, 43).unwrap()
        );
    }

    proptest! {
        #[test]
        fn without_conflicts_every_application_is_covered_and_loads_differ_by_at_most_one(
            n_apps in 1usize..60, n_experts in 3usize..15, per in 1usize..4, seed in any::<u64>()
        ) {
            let ex = experts(&vec![None; n_experts]);
            let ap = applicants(&vec![None; n_apps]);
            let result = assign(&ap, &ex, per.min(n_experts), seed).unwrap();
            prop_assert_eq!(result.len(), n_apps);
            for a in &result {
                let mut ids = a.expert_ids.clone();
                ids.dedup();
                prop_assert_eq!(ids.len(), per.min(n_experts));
            }
            let l = loads(&result, &ex);
            prop_assert!(l.iter().max().unwrap() - l.iter().min().unwrap() <= 1);
        }

        #[test]
        fn with_conflicts_no_expert_scores_a_colleague(
            app_emp in prop::collection::vec(0u8..4, 1..40), exp_emp in prop::collection::vec(0u8..4, 4..12), seed in any::<u64>()
        ) {
            let name = |i: u8| Some(format!("单位{i}"));
            let ex: Vec<Expert> = exp_emp.iter().map(|i| Expert { id: UserId::from_uuid(Uuid::new_v4()), employer: name(*i) }).collect();
            let ap: Vec<Applicant> = app_emp.iter().map(|i| Applicant { application_id: ApplicationId::from_uuid(Uuid::new_v4()), designer_id: UserId::from_uuid(Uuid::new_v4()), name: None, employer: name(*i) }).collect();
            if let Ok(result) = assign(&ap, &ex, 2, seed) {
                for a in &result {
                    let applicant = ap.iter().find(|x| x.application_id == a.application_id).unwrap();
                    for id in &a.expert_ids {
                        prop_assert!(!is_conflict(applicant, ex.iter().find(|x| x.id == *id).unwrap()));
                    }
                }
            }
        }
    }
}
