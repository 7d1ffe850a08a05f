//! "Did you mean ...?" for misspelled names.

/// The candidate closest to `typo`, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    typo: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let typo_lower = typo.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let distance =
                strsim::damerau_levenshtein(&typo_lower, &candidate.to_ascii_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, candidate)| {
            let longest = typo.chars().count().max(candidate.chars().count());
            *distance <= (longest / 3).max(1)
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_near_names_only() {
        assert_eq!(closest("Crad", ["Card", "Row"]), Some("Card"));
        assert_eq!(closest("sizee", ["size", "status"]), Some("size"));
        assert_eq!(closest("huge", ["sm", "md", "lg", "full"]), None);
        assert_eq!(closest("lable", ["label", "color"]), Some("label"));
    }
}
