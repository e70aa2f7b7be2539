//! Device log macros: `defmt` with the `defmt` feature, nothing without it.
//!
//! The arguments are still type-checked without the feature, so a log line cannot rot.

/// Logs an event worth knowing in normal operation.
macro_rules! device_info {
    ($($arg:tt)*) => {{
        #[cfg(feature = "defmt")]
        defmt::info!($($arg)*);
    }};
}

/// Logs a fault the device recovered from.
macro_rules! device_warn {
    ($($arg:tt)*) => {{
        #[cfg(feature = "defmt")]
        defmt::warn!($($arg)*);
    }};
}
