//! Substring search over the library (designer's name, employer, specialty) by character
//! bigrams. Chinese text has no word breaks, so a word index cannot find 长安 in
//! 重庆长安汽车股份有限公司; an index of every two-character window can: a text of two or
//! more characters occurs in a field only if each of its bigrams is one of the field's bigrams.
//! A single bigram is therefore an exact answer; longer texts still need a final substring
//! check, since bigrams present in a field need not stand together there.

use std::collections::BTreeSet;

/// The index terms of a library entry: every two-character window of every field (as typed:
/// search is case-sensitive, as Chinese has no case).
pub fn entry_terms<'a>(fields: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for field in fields {
        let chars: Vec<char> = field.chars().collect();
        for pair in chars.windows(2) {
            terms.insert(pair.iter().collect());
        }
    }
    terms
}

/// How a search text is answered from the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryTerms {
    /// One character: bigrams cannot answer it; the library is scanned.
    TooShort,
    /// Every entry that has all these terms, `exact` when no further substring check is needed
    /// (the text is itself one bigram).
    All { terms: Vec<String>, exact: bool },
}

/// The distinct bigrams of a search text, in the order they appear.
pub fn query_terms(text: &str) -> QueryTerms {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 2 {
        return QueryTerms::TooShort;
    }
    let mut terms: Vec<String> = Vec::new();
    for pair in chars.windows(2) {
        let term: String = pair.iter().collect();
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    QueryTerms::All {
        terms,
        exact: chars.len() == 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn chinese_fields_give_their_two_character_windows() {
        let terms = entry_terms(["王伟", "重庆长安汽车", "工业设计"]);
        for t in ["王伟", "长安", "重庆", "汽车", "设计", "业设"] {
            assert!(terms.contains(t), "{t}");
        }
        assert!(!terms.contains("伟重"), "no window across fields");
        assert!(entry_terms(["李"]).is_empty());
    }

    #[test]
    fn queries_of_two_characters_are_exact() {
        assert_eq!(query_terms("张"), QueryTerms::TooShort);
        assert_eq!(query_terms(""), QueryTerms::TooShort);
        assert_eq!(
            query_terms("长安"),
            QueryTerms::All {
                terms: vec!["长安".into()],
                exact: true
            }
        );
        assert_eq!(
            query_terms("哈哈哈"),
            QueryTerms::All {
                terms: vec!["哈哈".into()],
                exact: false
            }
        );
    }

    proptest! {
        /// Whatever occurs in a field is found through the index: its bigrams are all terms.
        #[test]
        fn every_substring_is_found(field in "[王李张长安重庆大学设计a-c ]{0,12}", start in 0usize..12, len in 2usize..6) {
            let chars: Vec<char> = field.chars().collect();
            prop_assume!(start + len <= chars.len());
            let needle: String = chars[start..start + len].iter().collect();
            let terms = entry_terms([field.as_str()]);
            match query_terms(&needle) {
                QueryTerms::All { terms: wanted, .. } => {
                    prop_assert!(wanted.iter().all(|t| terms.contains(t)));
                }
                QueryTerms::TooShort => prop_assert!(false, "{needle:?} has two or more characters"),
            }
        }

        /// A two-character text matches through the index exactly when it occurs.
        #[test]
        fn a_single_bigram_is_exact(field in "[王李长安重庆]{0,8}", a in "[王李长安重庆]", b in "[王李长安重庆]") {
            let needle = format!("{a}{b}");
            let found = entry_terms([field.as_str()]).contains(&needle);
            prop_assert_eq!(found, field.contains(&needle));
        }
    }
}
