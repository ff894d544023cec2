//! A worker's metadata as the card lists it: key/value pairs as text (strings as they are,
//! anything else as compact JSON, long values shortened), the first few shown and the rest
//! folded away when the list is long.

use crate::wire::json::{Json, Object};

/// Longest value shown, in characters.
const VALUE_CHARS: usize = 120;

/// The pairs to show at once, and the ones behind "N more".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetadataPairs {
    /// Shown at once.
    pub visible: Vec<(String, String)>,
    /// Folded away.
    pub hidden: Vec<(String, String)>,
}

impl MetadataPairs {
    /// Splits `metadata` after `visible` pairs, unless only one more would be folded.
    pub fn of(metadata: &Object, visible: usize) -> Self {
        let mut shown: Vec<(String, String)> = metadata
            .iter()
            .map(|(key, value)| (key.clone(), display(value)))
            .collect();
        let hidden = if shown.len() > visible + 1 {
            shown.split_off(visible)
        } else {
            Vec::new()
        };
        Self {
            visible: shown,
            hidden,
        }
    }
}

/// Strings as they are; everything else as compact JSON, shortened.
pub fn display(value: &Json) -> String {
    let text = match value {
        Json::String(text) => text.clone(),
        other => other.to_json(),
    };
    if text.chars().count() > VALUE_CHARS {
        text.chars().take(VALUE_CHARS).collect::<String>() + "…"
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_fold_and_values_are_text() {
        let Json::Object(metadata) =
            j!({"a": "x", "b": 2, "c": {"n": [1]}, "d": true, "e": null, "f": "y"})
        else {
            unreachable!()
        };
        let pairs = MetadataPairs::of(&metadata, 4);
        assert_eq!(pairs.visible.len(), 4);
        assert_eq!(pairs.hidden.len(), 2);
        assert_eq!(
            pairs.visible[2],
            ("c".to_owned(), r#"{"n":[1]}"#.to_owned())
        );
        let Json::Object(five) = j!({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}) else {
            unreachable!()
        };
        assert!(
            MetadataPairs::of(&five, 4).hidden.is_empty(),
            "one more is shown, not folded"
        );
        assert_eq!(
            display(&j!("z".repeat(200))).chars().count(),
            VALUE_CHARS + 1
        );
    }
}
