//! The bundled demo consultation, embedded in the binary so `codeframe run` works
//! from any folder: survey spec, responses, lexicon and the human coding (gold).

use std::path::PathBuf;

use crate::error::Result;
use crate::input::InputSource;
use crate::lexicon::Lexicon;
use crate::survey::Survey;

/// The survey spec (`data/stalking-consultation/survey.toml`).
pub const SURVEY: &str = include_str!("../data/stalking-consultation/survey.toml");
/// The responses (`data/stalking-consultation/responses.csv`).
pub const RESPONSES: &[u8] = include_bytes!("../data/stalking-consultation/responses.csv");
/// The lexicon (`lexicons/stalking-consultation.toml`).
pub const LEXICON: &str = include_str!("../lexicons/stalking-consultation.toml");
/// Human codes (`data/stalking-consultation/gold.csv`).
pub const GOLD: &[u8] = include_bytes!("../data/stalking-consultation/gold.csv");

/// Name under which embedded files appear in messages and the manifest.
pub fn path(file: &str) -> PathBuf {
    PathBuf::from(format!("<demo>/{file}"))
}

/// The demo survey.
pub fn survey() -> Result<Survey> {
    Survey::from_str_with_path(SURVEY, &path("survey.toml"))
}

/// The demo lexicon.
pub fn lexicon() -> Result<Lexicon> {
    Lexicon::from_str_with_path(LEXICON, &path("stalking-consultation.toml"))
}

/// The demo responses.
pub fn responses() -> InputSource {
    InputSource::Bytes { name: path("responses.csv"), bytes: RESPONSES }
}

/// The demo gold codes.
pub fn gold() -> InputSource {
    InputSource::Bytes { name: path("gold.csv"), bytes: GOLD }
}
