//! codeframe: codes free-text survey answers into themes with lexicons, and counts them.
pub mod coding;
pub mod demo;
pub mod error;
pub mod generate;
pub mod input;
pub mod lexicon;
pub mod matching;
pub mod pipeline;
pub mod report;
pub mod survey;
pub mod tally;
pub mod text;
pub mod validate;
