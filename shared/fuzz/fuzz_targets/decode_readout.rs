//! Arbitrary bytes into the readout decoder and the line assembler: neither may panic,
//! every decoded sentence must encode back to a line that decodes to itself, and every
//! yielded line must be one the decoder can judge.

#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::labels::EmotionLabelSet;
use shared::protocol::{LineAssembler, decode};

fuzz_target!(|data: &[u8]| {
    check_round_trip(data);

    let mut assembler: LineAssembler = LineAssembler::new();
    for chunk in data.chunks(7) {
        assembler.feed(chunk, check_round_trip);
    }

    let stats = assembler.stats();
    assert!(stats.dropped_bytes as usize <= data.len());
});

/// Decodes `line`; a sentence that decodes must survive encode -> decode unchanged.
fn check_round_trip(line: &[u8]) {
    let Ok(sentence) = decode(line) else {
        return;
    };

    let labels = EmotionLabelSet::DEFAULT;
    let encoded = sentence.encode(&labels);
    assert_eq!(decode(encoded.as_bytes()), Ok(sentence));
}
