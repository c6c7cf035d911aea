//! codeframe: codes free-text survey answers into themes with lexicons, and counts them.

// The library prints nothing: it returns errors and warnings for the binary to show
// (`eprintln!` and `println!` would also panic on a closed pipe or a full disk).
#![deny(clippy::print_stderr, clippy::print_stdout)]

pub mod campaign;
pub mod coding;
pub mod demo;
pub mod diff;
pub mod error;
pub mod generate;
pub mod init;
pub mod input;
pub mod kwic;
pub mod lexicon;
pub mod lint;
pub mod matching;
pub mod pipeline;
pub mod report;
pub mod stats;
pub mod suggest;
pub mod survey;
pub mod tally;
pub mod text;
pub mod validate;
