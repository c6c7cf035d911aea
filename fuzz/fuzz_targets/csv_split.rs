//! Arbitrary bytes split into records by codeframe's splitter and by the csv crate:
//! the same records, whatever pieces the bytes arrive in.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| codeframe_fuzz::csv_split(data));
