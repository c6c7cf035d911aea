//! codeframe: codes free-text survey answers into themes with lexicons, and counts them.
pub mod campaign;
pub mod coding;
pub mod demo;
pub mod error;
pub mod init;
pub mod input;
pub mod lexicon;
pub mod lint;
pub mod matching;
pub mod pipeline;
pub mod report;
pub mod stats;
pub mod survey;
pub mod tally;
pub mod text;
pub mod validate;
