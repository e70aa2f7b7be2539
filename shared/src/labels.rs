//! Emotion labels: the product's label set and the FER2013 numbering.
//!
//! The label set is data: [`EmotionLabelSet::DEFAULT`] is the one place that defines the
//! product's classes and their order, and a model card records the set it was trained with.

/// Number of classes in the product's default label set.
pub const EMOTION_CLASSES: usize = 5;

/// The seven FER2013 classes, numbered as in the `emotion` column of `fer2013.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FerClass {
    /// 0: angry.
    Angry = 0,
    /// 1: disgust.
    Disgust = 1,
    /// 2: fear.
    Fear = 2,
    /// 3: happy.
    Happy = 3,
    /// 4: sad.
    Sad = 4,
    /// 5: surprise.
    Surprise = 5,
    /// 6: neutral.
    Neutral = 6,
}

impl FerClass {
    /// All seven classes in FER2013 order.
    pub const ALL: [FerClass; 7] = [
        FerClass::Angry,
        FerClass::Disgust,
        FerClass::Fear,
        FerClass::Happy,
        FerClass::Sad,
        FerClass::Surprise,
        FerClass::Neutral,
    ];

    /// The class with FER2013 number `code`, or `None` outside `0..=6`.
    pub fn from_code(code: u8) -> Option<FerClass> {
        FerClass::ALL.get(usize::from(code)).copied()
    }

    /// The FER2013 number of this class.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Lower-case name, as used in folder layouts and the readout.
    pub fn name(self) -> &'static str {
        match self {
            FerClass::Angry => "angry",
            FerClass::Disgust => "disgust",
            FerClass::Fear => "fear",
            FerClass::Happy => "happy",
            FerClass::Sad => "sad",
            FerClass::Surprise => "surprise",
            FerClass::Neutral => "neutral",
        }
    }

    /// Matches a folder or class name case-insensitively, accepting common synonyms
    /// (`anger`, `sadness`, `surprised`, `fearful`, `disgusted`, `happiness`).
    pub fn from_name(name: &str) -> Option<FerClass> {
        const SYNONYMS: [(&str, FerClass); 13] = [
            ("angry", FerClass::Angry),
            ("anger", FerClass::Angry),
            ("disgust", FerClass::Disgust),
            ("disgusted", FerClass::Disgust),
            ("fear", FerClass::Fear),
            ("fearful", FerClass::Fear),
            ("happy", FerClass::Happy),
            ("happiness", FerClass::Happy),
            ("sad", FerClass::Sad),
            ("sadness", FerClass::Sad),
            ("surprise", FerClass::Surprise),
            ("surprised", FerClass::Surprise),
            ("neutral", FerClass::Neutral),
        ];
        let name = name.trim();
        SYNONYMS
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, class)| *class)
    }
}

/// An ordered set of emotion classes that a model predicts, each a FER2013 class.
///
/// Index `i` of a model's probability output is the class `classes[i]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmotionLabelSet {
    /// The classes, in output order.
    pub classes: [FerClass; EMOTION_CLASSES],
}

impl EmotionLabelSet {
    /// The product's default: angry, disgust, sad, happy, surprise (fear and neutral dropped).
    pub const DEFAULT: EmotionLabelSet = EmotionLabelSet {
        classes: [
            FerClass::Angry,
            FerClass::Disgust,
            FerClass::Sad,
            FerClass::Happy,
            FerClass::Surprise,
        ],
    };

    /// Output index of a FER2013 class, or `None` when the set leaves it out.
    pub fn index_of(&self, class: FerClass) -> Option<usize> {
        self.classes.iter().position(|known| *known == class)
    }

    /// Output index for a FER2013 `emotion` code, or `None` when unknown or left out.
    pub fn index_of_code(&self, code: u8) -> Option<usize> {
        FerClass::from_code(code).and_then(|class| self.index_of(class))
    }

    /// Name of output index `index`, or `None` past the end.
    pub fn name(&self, index: usize) -> Option<&'static str> {
        self.classes.get(index).map(|class| class.name())
    }

    /// Output index of a class name (case-insensitive, synonyms accepted).
    pub fn index_of_name(&self, name: &str) -> Option<usize> {
        FerClass::from_name(name).and_then(|class| self.index_of(class))
    }

    /// The set's names joined with `|`, as written in the `$EEHLO` sentence and model cards.
    pub fn names(&self) -> [&'static str; EMOTION_CLASSES] {
        self.classes.map(FerClass::name)
    }
}

impl Default for EmotionLabelSet {
    fn default() -> Self {
        EmotionLabelSet::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_set_order_matches_the_design() {
        let set = EmotionLabelSet::DEFAULT;
        assert_eq!(
            set.names(),
            ["angry", "disgust", "sad", "happy", "surprise"]
        );
    }

    #[test]
    fn fer_codes_map_onto_the_default_set() {
        let set = EmotionLabelSet::DEFAULT;
        let mapped: [Option<usize>; 8] =
            core::array::from_fn(|code| set.index_of_code(code as u8));
        assert_eq!(
            mapped,
            [
                Some(0),
                Some(1),
                None,
                Some(3),
                Some(2),
                Some(4),
                None,
                None
            ]
        );
    }

    #[test]
    fn class_names_match_case_insensitively_with_synonyms() {
        assert_eq!(FerClass::from_name("Anger"), Some(FerClass::Angry));
        assert_eq!(FerClass::from_name("SADNESS"), Some(FerClass::Sad));
        assert_eq!(FerClass::from_name(" happy "), Some(FerClass::Happy));
        assert_eq!(FerClass::from_name("contempt"), None);
    }

    #[test]
    fn codes_round_trip() {
        for class in FerClass::ALL {
            assert_eq!(FerClass::from_code(class.code()), Some(class));
        }
        assert_eq!(FerClass::from_code(7), None);
    }
}
