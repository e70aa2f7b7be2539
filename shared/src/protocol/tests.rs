//! Encoder and decoder together: worst-case lengths, round trips, corruption, noise.

use std::vec::Vec;

use proptest::prelude::*;

use super::*;
use crate::keypoints::KEYPOINT_COORDS;
use crate::labels::{EmotionLabelSet, FerClass};
use crate::postprocess::Decision;

const LABELS: EmotionLabelSet = EmotionLabelSet::DEFAULT;

fn emotion(seq: u32, label: ReadoutLabel) -> Sentence {
    Sentence::Emotion(EmotionSentence {
        seq,
        label,
        confidence: Percent::new(87).unwrap(),
        probabilities: [10, 20, 30, 870, 70].map(|p| Permille::new(p).unwrap()),
        infer_ms: 412,
    })
}

fn hello(firmware: &str, labels: EmotionLabelSet) -> Sentence {
    Sentence::Hello(HelloSentence {
        firmware: FirmwareVersion::new(firmware).unwrap(),
        model: ModelDigest([0x3a, 0x9f, 0x00, 0xc2]),
        labels,
    })
}

#[test]
fn an_emotion_line_reads_as_designed() {
    let happy = ReadoutLabel::Class(ClassIndex::new(3).unwrap());
    let line = emotion(42, happy).encode(&LABELS);
    let body = "EEEMO,42,happy,87,0.010,0.020,0.030,0.870,0.070,412";
    let checksum = checksum::checksum(body.as_bytes());
    assert_eq!(line.as_str(), std::format!("${body}*{checksum:02X}\r\n"));
}

#[test]
fn a_hello_line_reads_as_designed() {
    let line = hello("0.1.0", LABELS).encode(&LABELS);
    assert!(line.starts_with("$EEHLO,0.1.0,3a9f00c2,angry|disgust|sad|happy|surprise*"));
    assert!(line.ends_with("\r\n"));
}

#[test]
fn keypoints_and_errors_read_as_designed() {
    let mut coords = [0.0; KEYPOINT_COORDS];
    coords[0] = 12.34;
    coords[1] = -0.26;
    coords[2] = 2000.0;
    let line = Sentence::Keypoints(KeypointSentence::from_pixels(7, &coords)).encode(&LABELS);
    assert!(line.starts_with("$EEKPT,7,12.3,-0.3,999.9,0.0,"), "{line}");

    let text = ErrorText::sanitised("bad, very bad\r\n$tate*");
    let error = Sentence::Error(ErrorSentence {
        seq: 9,
        code: ErrorCode::Engine,
        text,
    });
    let line = error.encode(&LABELS);
    assert!(
        line.starts_with("$EEERR,9,ENGINE,bad; very bad  ?tate?*"),
        "{line}"
    );
}

#[test]
fn the_longest_emotion_line_fits_the_nmea_limit() {
    let sentence = Sentence::Emotion(EmotionSentence {
        seq: u32::MAX,
        label: ReadoutLabel::Uncertain,
        confidence: Percent::new(100).unwrap(),
        probabilities: [Permille::new(1000).unwrap(); 5],
        infer_ms: u32::MAX,
    });
    let line = sentence.encode(&LABELS);
    assert_eq!(line.len(), 77);
    assert!(line.len() <= MAX_LINE_LEN);
    assert_eq!(decode(line.as_bytes()), Ok(sentence));
}

#[test]
fn the_longest_hello_line_fits_the_nmea_limit() {
    let longest_names = EmotionLabelSet {
        classes: [
            FerClass::Surprise,
            FerClass::Disgust,
            FerClass::Neutral,
            FerClass::Angry,
            FerClass::Happy,
        ],
    };
    let sentence = hello("v1.2.3-rc.45+g0123456789", longest_names);
    let line = sentence.encode(&LABELS);
    assert_eq!(line.len(), MAX_LINE_LEN);
    assert_eq!(decode(line.as_bytes()), Ok(sentence));
}

#[test]
fn the_longest_keypoint_line_fits_its_limit() {
    let sentence = Sentence::Keypoints(KeypointSentence {
        seq: u32::MAX,
        coords: [Decipixels::MIN; KEYPOINT_COORDS],
    });
    let line = sentence.encode(&LABELS);
    assert_eq!(line.len(), MAX_KEYPOINT_LINE_LEN);
    assert_eq!(decode(line.as_bytes()), Ok(sentence));
}

#[test]
fn the_longest_error_line_fits_the_nmea_limit() {
    let text = ErrorText::sanitised(&"x".repeat(200));
    assert_eq!(text.as_str().len(), fields::ERROR_TEXT_MAX_LEN);
    for code in ErrorCode::ALL {
        let sentence = Sentence::Error(ErrorSentence {
            seq: u32::MAX,
            code,
            text: text.clone(),
        });
        let line = sentence.encode(&LABELS);
        assert!(line.len() <= MAX_LINE_LEN, "{line}");
        assert_eq!(decode(line.as_bytes()), Ok(sentence));
    }
}

#[test]
fn firmware_versions_are_checked() {
    assert_eq!(FirmwareVersion::new(""), Err(InvalidFirmwareVersion::Empty));
    assert_eq!(
        FirmwareVersion::new("1,2"),
        Err(InvalidFirmwareVersion::ForbiddenCharacter { position: 1 })
    );
    assert_eq!(
        FirmwareVersion::new(&"9".repeat(25)),
        Err(InvalidFirmwareVersion::TooLong { len: 25 })
    );
    assert_eq!(FirmwareVersion::new("0.1.0").unwrap().as_str(), "0.1.0");
}

#[test]
fn fixed_point_fields_round_and_saturate() {
    assert_eq!(Permille::from_probability(0.1234).get(), 123);
    assert_eq!(Permille::from_probability(1.7).get(), 1000);
    assert_eq!(Permille::from_probability(f32::NAN).get(), 0);
    assert_eq!(Percent::from_probability(0.876).get(), 88);
    assert_eq!(Decipixels::from_pixels(-500.0), Decipixels::MIN);
    assert_eq!(Decipixels::from_pixels(f32::INFINITY), Decipixels::MAX);
    assert_eq!(Decipixels::from_pixels(47.25).pixels(), 47.3);
}

#[test]
fn fixed_point_fields_parse_strictly() {
    assert_eq!(Permille::parse(b"0.5"), Permille::new(500));
    assert_eq!(Permille::parse(b"1"), Permille::new(1000));
    for bad in [
        &b"1.001"[..],
        b"0.",
        b".5",
        b"-0.1",
        b"0.1234",
        b"0,1",
        b"",
        b"0.1x",
    ] {
        assert_eq!(Permille::parse(bad), None, "{:?}", std::str::from_utf8(bad));
    }
    assert_eq!(Decipixels::parse(b"-99.9"), Decipixels::new(-999));
    assert_eq!(Decipixels::parse(b"-100.0"), None);
    assert_eq!(Decipixels::parse(b"99999.9"), None);
    assert_eq!(
        ModelDigest::parse(b"3a9f00c2"),
        Some(ModelDigest([0x3a, 0x9f, 0x00, 0xc2]))
    );
    assert_eq!(ModelDigest::parse(b"3A9F00C2"), None);
    assert_eq!(ModelDigest::parse(b"3a9f00c"), None);
}

#[test]
fn emotion_sentence_from_a_decision() {
    let raw = [0.1, 0.05, 0.05, 0.7, 0.1];
    let decision = Decision::Label {
        index: 3,
        confidence: 0.654,
    };
    let sentence = EmotionSentence::from_decision(5, &decision, &raw, 30);
    assert_eq!(
        sentence.label,
        ReadoutLabel::Class(ClassIndex::new(3).unwrap())
    );
    assert_eq!(sentence.confidence.get(), 65);
    assert_eq!(sentence.probabilities[3].get(), 700);

    let unsure = EmotionSentence::from_decision(6, &Decision::Uncertain, &raw, 30);
    assert_eq!(
        (unsure.label, unsure.confidence.get()),
        (ReadoutLabel::Uncertain, 0)
    );
}

#[test]
fn decode_names_what_is_wrong() {
    let line = emotion(1, ReadoutLabel::Uncertain).encode(&LABELS);
    let bytes = line.as_bytes();

    assert_eq!(decode(b""), Err(DecodeError::Empty));
    assert_eq!(decode(b"\r\n"), Err(DecodeError::Empty));
    assert_eq!(decode(&bytes[1..]), Err(DecodeError::MissingStart));
    assert_eq!(
        decode(&bytes[..bytes.len() - 4]),
        Err(DecodeError::MissingChecksum)
    );
    assert_eq!(
        decode(&[b'$'; 300]),
        Err(DecodeError::TooLong {
            max: 202,
            found: 302
        })
    );
    assert_eq!(
        decode("$EE\u{e9}*00".as_bytes()),
        Err(DecodeError::NotAscii { position: 3 })
    );
    assert_eq!(
        decode(b"$EE\tX*00"),
        Err(DecodeError::ControlCharacter { position: 3 })
    );
    assert_eq!(
        decode(b"$EE$X*00"),
        Err(DecodeError::MisplacedDelimiter { position: 3 })
    );
    assert!(matches!(
        decode(&with_body("EEXYZ,1")),
        Err(DecodeError::UnknownSentence)
    ));
    assert_eq!(
        decode(&with_body("EEERR,1,FRAME")),
        Err(DecodeError::WrongFieldCount {
            expected: 4,
            found: 3
        })
    );
    assert_eq!(
        decode(&with_body("EEERR,x,FRAME,")),
        Err(DecodeError::BadNumber { field: 1 })
    );
    assert_eq!(
        decode(&with_body("EEERR,1,NOPE,")),
        Err(DecodeError::BadErrorCode { field: 2 })
    );
    let bad_label = "EEEMO,1,fear,50,0.1,0.1,0.1,0.1,0.1,3";
    assert_eq!(
        decode(&with_body(bad_label)),
        Err(DecodeError::BadLabel { field: 2 })
    );
    let bad_probability = "EEEMO,1,sad,50,0.1,0.1,0.1,1.5,0.1,3";
    assert_eq!(
        decode(&with_body(bad_probability)),
        Err(DecodeError::BadNumber { field: 7 })
    );
    let duplicate_set = "EEHLO,1,3a9f00c2,sad|sad|happy|angry|disgust";
    assert_eq!(
        decode(&with_body(duplicate_set)),
        Err(DecodeError::BadLabel { field: 3 })
    );

    let mut corrupted = Vec::from(bytes);
    corrupted[8] = b'7';
    assert!(matches!(
        decode(&corrupted),
        Err(DecodeError::BadChecksum { .. })
    ));
}

#[test]
fn a_too_long_error_line_is_rejected_even_with_a_valid_checksum() {
    let body = std::format!("EEERR,1,FRAME,{}", "x".repeat(70));
    assert_eq!(
        decode(&with_body(&body)),
        Err(DecodeError::TooLong { max: 82, found: 90 })
    );
}

#[test]
fn decoding_follows_the_announced_label_set() {
    let other = EmotionLabelSet {
        classes: [
            FerClass::Happy,
            FerClass::Sad,
            FerClass::Neutral,
            FerClass::Angry,
            FerClass::Fear,
        ],
    };
    let neutral = ReadoutLabel::Class(ClassIndex::new(2).unwrap());
    let line = emotion(3, neutral).encode(&other);
    assert!(line.contains(",neutral,"));
    assert_eq!(
        decode_with(line.as_bytes(), &other),
        Ok(emotion(3, neutral))
    );
    assert_eq!(
        decode(line.as_bytes()),
        Err(DecodeError::BadLabel { field: 2 })
    );
}

#[test]
fn lines_decode_with_or_without_their_ending() {
    let sentence = emotion(11, ReadoutLabel::Uncertain);
    let line = sentence.encode(&LABELS);
    let bare = line.trim_end();
    assert_eq!(decode(bare.as_bytes()), Ok(sentence.clone()));
    assert_eq!(decode(std::format!("{bare}\n").as_bytes()), Ok(sentence));
}

#[test]
fn the_assembler_cuts_lines_out_of_noise() {
    let first = emotion(1, ReadoutLabel::Uncertain).encode(&LABELS);
    let second = emotion(2, ReadoutLabel::Uncertain).encode(&LABELS);
    let stream = std::format!("xx{}$EEEMO,3,par{}zz\r\n", first, second);

    let mut assembler: LineAssembler = LineAssembler::new();
    let mut lines = Vec::new();
    assembler.feed(stream.as_bytes(), |line| lines.push(Vec::from(line)));

    assert_eq!(
        lines,
        [first.trim_end().as_bytes(), second.trim_end().as_bytes()]
    );
    let stats = assembler.stats();
    assert_eq!(stats.lines, 2);
    assert_eq!(stats.dropped_bytes, 2 + "$EEEMO,3,par".len() as u32 + 2);
    assert_eq!(stats.overlong_runs, 0);
}

#[test]
fn the_assembler_drops_overlong_runs_and_recovers() {
    let mut assembler: LineAssembler<16> = LineAssembler::new();
    let mut lines = Vec::new();
    let stream = std::format!("${}\r\n$short*00\r\n", "y".repeat(40));
    assembler.feed(stream.as_bytes(), |line| lines.push(Vec::from(line)));

    assert_eq!(lines, [b"$short*00"]);
    let stats = assembler.stats();
    assert_eq!(
        (stats.lines, stats.overlong_runs, stats.dropped_bytes),
        (1, 1, 41)
    );
}

/// A line with a correct checksum around `body`.
fn with_body(body: &str) -> Vec<u8> {
    let checksum = checksum::checksum(body.as_bytes());
    std::format!("${body}*{checksum:02X}\r\n").into_bytes()
}

fn any_label() -> impl Strategy<Value = ReadoutLabel> {
    prop_oneof![
        Just(ReadoutLabel::Uncertain),
        (0..5_usize).prop_map(|index| ReadoutLabel::Class(ClassIndex::new(index).unwrap())),
    ]
}

fn any_label_set() -> impl Strategy<Value = EmotionLabelSet> {
    Just(FerClass::ALL)
        .prop_shuffle()
        .prop_map(|classes| EmotionLabelSet {
            classes: [classes[0], classes[1], classes[2], classes[3], classes[4]],
        })
}

fn any_sentence() -> impl Strategy<Value = Sentence> {
    let hello = ("[!-~&&[^$*,]]{1,24}", any::<[u8; 4]>(), any_label_set()).prop_map(
        |(firmware, model, labels)| {
            Sentence::Hello(HelloSentence {
                firmware: FirmwareVersion::new(&firmware).unwrap(),
                model: ModelDigest(model),
                labels,
            })
        },
    );
    let emotion = (
        any::<u32>(),
        any_label(),
        0..=100_u8,
        proptest::array::uniform5(0..=1000_u16),
        any::<u32>(),
    )
        .prop_map(|(seq, label, confidence, probabilities, infer_ms)| {
            Sentence::Emotion(EmotionSentence {
                seq,
                label,
                confidence: Percent::new(confidence).unwrap(),
                probabilities: probabilities.map(|p| Permille::new(p).unwrap()),
                infer_ms,
            })
        });
    let keypoints = (any::<u32>(), proptest::collection::vec(-999..=9999_i16, 30)).prop_map(
        |(seq, coords)| {
            let coords: [i16; KEYPOINT_COORDS] = coords.try_into().unwrap();
            Sentence::Keypoints(KeypointSentence {
                seq,
                coords: coords.map(|c| Decipixels::new(c).unwrap()),
            })
        },
    );
    let error = (any::<u32>(), 0..4_usize, ".{0,80}").prop_map(|(seq, code, text)| {
        Sentence::Error(ErrorSentence {
            seq,
            code: ErrorCode::ALL[code],
            text: ErrorText::sanitised(&text),
        })
    });
    prop_oneof![hello, emotion, keypoints, error]
}

proptest! {
    #[test]
    fn every_sentence_round_trips(sentence in any_sentence()) {
        let line = sentence.encode(&LABELS);
        let limit = match sentence {
            Sentence::Keypoints(_) => MAX_KEYPOINT_LINE_LEN,
            _ => MAX_LINE_LEN,
        };
        prop_assert!(line.len() <= limit, "{} characters: {}", line.len(), line);
        prop_assert_eq!(decode(line.as_bytes()), Ok(sentence));
    }

    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn decode_never_panics_on_near_sentences(
        sentence in any_sentence(),
        cut in 0..210_usize,
        insert in any::<u8>(),
    ) {
        let line = sentence.encode(&LABELS);
        let mut bytes = Vec::from(line.as_bytes());
        bytes.insert(cut.min(bytes.len()), insert);
        let _ = decode(&bytes);
        let _ = decode(&bytes[..cut.min(bytes.len())]);
    }

    #[test]
    fn one_flipped_byte_is_caught_or_harmless(
        sentence in any_sentence(),
        at in any::<prop::sample::Index>(),
        mask in 1..=255_u8,
    ) {
        let line = sentence.encode(&LABELS);
        let mut bytes = Vec::from(line.as_bytes());
        let at = at.index(bytes.len());
        bytes[at] ^= mask;

        if let Ok(decoded) = decode(&bytes) {
            prop_assert_eq!(decoded, sentence);
        }
    }

    #[test]
    fn the_assembler_recovers_after_any_garbage(
        garbage in proptest::collection::vec(any::<u8>(), 0..600),
        sentence in any_sentence(),
        chunk in 1..40_usize,
    ) {
        let line = sentence.encode(&LABELS);
        let mut stream = garbage.clone();
        stream.extend_from_slice(line.as_bytes());

        let mut assembler: LineAssembler = LineAssembler::new();
        let mut lines = Vec::new();
        for piece in stream.chunks(chunk) {
            assembler.feed(piece, |candidate| lines.push(Vec::from(candidate)));
        }

        let last = lines.last().map(Vec::as_slice);
        prop_assert_eq!(last, Some(line.trim_end().as_bytes()));
        prop_assert_eq!(last.map(decode), Some(Ok(sentence)));
        let stats = assembler.stats();
        prop_assert!(stats.dropped_bytes as usize <= garbage.len());
        prop_assert_eq!(stats.lines as usize, lines.len());
    }
}
