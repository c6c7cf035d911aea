//! Arbitrary bytes as a responses file through the pipeline, with a small fixed survey
//! and lexicon: no panic, and rows read = rows coded + rows rejected.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| codeframe_fuzz::csv_codes(data));
