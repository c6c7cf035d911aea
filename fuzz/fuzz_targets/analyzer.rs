//! Arbitrary text through the analyser (tokenise, normalise, stem): no panic, spans
//! in bounds and on char boundaries, the session agrees with `analyze`, and analysing
//! the normalised words again gives the same words.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| codeframe_fuzz::analyzer(data));
