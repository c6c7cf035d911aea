//! Integration tests: the `codeframe` binary run on fixtures and on the bundled demo.
//! One test binary; a module per area.

mod harness;

mod demo;
mod errors;
mod html;
mod inputs;
mod runs;
mod xlsx;
