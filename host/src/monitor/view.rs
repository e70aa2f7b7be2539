//! The monitor's text: one line per event worth showing, and the final summary.

use super::StopReason;
use super::session::{EmotionReadout, MonitorEvent, SessionCounts};

/// Characters of a rejected line shown before it is cut.
const BAD_LINE_SHOWN: usize = 90;

/// The live-view line of `event`; keypoint lines are counted but not shown.
pub fn event_line(event: &MonitorEvent) -> Option<String> {
    match event {
        MonitorEvent::Hello(hello) => Some(format!(
            "device: firmware {}, model {}, labels {}",
            hello.firmware,
            hello.model,
            hello.labels.names().join("|")
        )),
        MonitorEvent::Emotion(readout) => Some(emotion_line(readout)),
        MonitorEvent::Keypoints(_) => None,
        MonitorEvent::DeviceError(error) => Some(format!(
            "#{:<6} device error {}: {}",
            error.seq,
            error.code.wire_name(),
            error.text
        )),
        MonitorEvent::BadLine { reason, text } => {
            let shown: String = text.chars().take(BAD_LINE_SHOWN).collect();
            let cut = if text.chars().count() > BAD_LINE_SHOWN {
                "..."
            } else {
                ""
            };
            Some(format!("bad line ({reason}): {shown}{cut}"))
        }
    }
}

/// `#seq  live <label> <p>  smoothed <label> <confidence>%  <infer> ms  <rate> fps`.
fn emotion_line(readout: &EmotionReadout) -> String {
    let sentence = &readout.sentence;
    let live = match readout.live() {
        Some((label, probability)) => format!("{label:<8} {probability:.2}"),
        None => "-".to_string(),
    };
    let rate = match readout.frames_per_second {
        Some(rate) => format!("{rate:5.1} fps"),
        None => "    - fps".to_string(),
    };

    format!(
        "#{:<6} live {live}  smoothed {:<9} {:>3}%  {:>4} ms  {rate}",
        sentence.seq,
        readout.smoothed(),
        sentence.confidence.get(),
        sentence.infer_ms,
    )
}

/// The closing summary: good and bad lines, sentences by kind, dropped bytes, frame rate.
pub fn summary(counts: &SessionCounts, reason: StopReason) -> String {
    let rate = match counts.frames_per_second {
        Some(rate) => format!("{rate:.1} fps"),
        None => "- fps".to_string(),
    };
    let reason = match reason {
        StopReason::SourceEnded => "source ended",
        StopReason::MaxLines => "max lines read",
        StopReason::IdleTimeout => "idle timeout",
    };

    format!(
        "summary: lines ok {}, bad {}; HLO {}, EMO {}, KPT {}, ERR {}; dropped bytes {} \
         (overlong runs {}); {rate}; stopped: {reason}",
        counts.ok,
        counts.bad,
        counts.hello,
        counts.emotion,
        counts.keypoints,
        counts.errors,
        counts.dropped_bytes,
        counts.overlong_runs,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_every_counter() {
        let counts = SessionCounts {
            ok: 21,
            bad: 2,
            emotion: 10,
            keypoints: 10,
            hello: 1,
            dropped_bytes: 37,
            ..Default::default()
        };
        let text = summary(&counts, StopReason::SourceEnded);
        assert!(
            text.starts_with("summary: lines ok 21, bad 2; HLO 1, EMO 10, KPT 10, ERR 0;"),
            "{text}"
        );
        assert!(
            text.contains("dropped bytes 37") && text.ends_with("stopped: source ended"),
            "{text}"
        );
    }
}
