//! Integration tests: the `codeframe` binary run on fixtures and on the bundled demo.
//! One test binary; a module per area.

mod harness;

mod demo;
mod dictionaries;
mod errors;
mod hostile;
mod html;
mod inputs;
mod lexicon;
mod parquet;
mod properties;
mod runs;
mod tools;
mod xlsx;
