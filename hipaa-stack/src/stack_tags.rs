//! A stack's tags as CloudFormation takes them: the one check that `synth`, `check` and `up`
//! make of the program's tags and the app's name (`hipaa-stack:app`), so that a name `up`
//! would refuse is reported before anything is deployed (hostile review 25).

use std::collections::BTreeMap;

use crate::synth::{Assembly, SynthesizedStack};

/// The stack's tags: the program's own (app, environment, stack: see
/// [`SynthesizedStack::tags`]), then hipaa-stack's: the app, the stack and the data
/// classification (`phi` when it holds a store of PHI, which the deploy engine decides).
pub fn stack_tags(app: &str, stack: &SynthesizedStack, phi: bool) -> BTreeMap<String, String> {
    let mut tags = stack.tags().clone();
    tags.extend([
        ("hipaa-stack:app".to_owned(), app.to_owned()),
        ("hipaa-stack:stack".to_owned(), stack.name().to_owned()),
        (
            "hipaa-stack:data-classification".to_owned(),
            if phi { "phi" } else { "none" }.to_owned(),
        ),
    ]);
    tags
}

/// What CloudFormation refuses in a stack's tags (API reference, CreateChangeSet, `Tags`:
/// "Maximum number of 50 items"; Tag: `Key` "Minimum length of 1. Maximum length of 128",
/// "Tags owned by AWS have the reserved prefix: aws:"; `Value` "Minimum length of 1. Maximum
/// length of 256"): the first problem, said as the rest of "stack `x` is …". A tag with an
/// empty value is accepted by the local endpoint and refused by AWS with a `ValidationError`.
pub fn tag_problem(tags: &BTreeMap<String, String>) -> Option<String> {
    if tags.len() > 50 {
        return Some(format!(
            "tagged with {} tags, over the 50 that CloudFormation accepts on a stack",
            tags.len()
        ));
    }
    tags.iter().find_map(|(key, value)| {
        let why = if key.is_empty() || key.chars().count() > 128 {
            "a key of 1 to 128 characters"
        } else if key.to_ascii_lowercase().starts_with("aws:") {
            "a key without the prefix `aws:`, which AWS reserves"
        } else if !key.chars().chain(value.chars()).all(tag_char) {
            "letters, digits, spaces and `_ . : / = + - @` alone: it copies the tag onto the stack's resources, and their services take no other character (S3 answers `InvalidTag`)"
        } else if value.is_empty() {
            "a value of at least one character (an empty value is refused)"
        } else if value.chars().count() > 256 {
            "a value of at most 256 characters"
        } else {
            return None;
        };
        Some(format!(
            "tagged `{key}` = `{value}`, and CloudFormation takes a stack tag only with {why}"
        ))
    })
}

/// A character that every service takes in a tag (AWS resource tagging, "Tag naming limits
/// and requirements": "letters, numbers, and spaces representable in UTF-8, and the following
/// characters: + - = . _ : / @"): the stack's tags, the app's name among them
/// (`hipaa-stack:app`), are copied onto its resources, and S3 refuses a bucket tag of any
/// other (`InvalidTag`). As `hipaa_stack_syntax::check_tag` reads the tags a program sets.
fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c)
}

/// The first stack of `assembly` whose tags [`tag_problem`] finds CloudFormation refuses, as
/// the error `synth` and `check` report: what `up` would refuse before any call. The data
/// classification is `phi` or `none`, both taken, so it does not change the answer.
pub(crate) fn refused<E>(assembly: &Assembly<E>) -> crate::Result<()> {
    for stack in assembly.stacks() {
        if let Some(problem) = tag_problem(&stack_tags(assembly.app(), stack, false)) {
            return Err(crate::Error::StackTags {
                app: assembly.app().to_owned(),
                stack: stack.name().to_owned(),
                problem,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::App;
    use crate::constructs::KmsKey;

    /// The error `synth` and `check` give names the app, the stack, the tag and what to do;
    /// a name `up` takes passes (hostile review 25).
    #[test]
    fn an_app_name_up_refuses_is_refused_by_synth_and_check_in_the_same_words() {
        let assembly = |name: &str| {
            let app = App::new(name);
            // A description of its own: the default holds the app's name, and 256 letters
            // of 4 bytes would pass CloudFormation's 1,024 bytes of description.
            app.stack("data")
                .unwrap()
                .description("records")
                .add(KmsKey::new("PhiKey"))
                .unwrap();
            app.synth().unwrap()
        };
        let err = refused(&assembly("Clinic #2")).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "app `Clinic #2`: stack `data` is tagged `hipaa-stack:app` = `Clinic #2`, and CloudFormation takes a stack tag only with letters"
            ) && err.contains("InvalidTag")
                && err.contains("`up` would refuse to deploy it")
                && err.contains("App::new"),
            "{err}"
        );
        let long = "a".repeat(257);
        let err = refused(&assembly(&long)).unwrap_err().to_string();
        assert!(err.contains("a value of at most 256 characters"), "{err}");
        assert!(refused(&assembly("")).is_err());
        for good in ["Klinik Zürich", "clinic", "..", &"𝔄".repeat(256)] {
            assert!(refused(&assembly(good)).is_ok(), "{good}");
        }
    }
}
