//! Arbitrary text as a `.dic` lexicon: no panic; whatever parses also compiles or
//! returns an error, and a compiled lexicon codes a fixed answer.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| codeframe_fuzz::lexicon(data, "dic"));
