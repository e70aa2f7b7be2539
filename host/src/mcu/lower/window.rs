//! The sliding window of a convolution or pool, read from the node's attributes.

use firmware::mcu::Window;
use tract_onnx::pb::NodeProto;

use crate::onnx::{OnnxError, attribute, int_or, ints_or_empty, node_error};

/// The 2-D window of `node`: `kernel_shape` (or `kernel` when the node has none, as a
/// convolution takes it from its weights), `strides`, `dilations` and `pads`, with the
/// ONNX defaults. Refuses `auto_pad` other than NOTSET or VALID, `ceil_mode` 1 and windows
/// that are not 2-D.
pub fn window_of(node: &NodeProto, kernel: Option<[usize; 2]>) -> Result<Window, OnnxError> {
    check_auto_pad(node)?;
    if int_or(node, "ceil_mode", 0) != 0 {
        return Err(node_error(
            node,
            "has ceil_mode 1; the MCU engine rounds window counts down",
        ));
    }

    let declared = ints_or_empty(node, "kernel_shape");
    let kernel = match (declared.is_empty(), kernel) {
        (true, Some(kernel)) => kernel,
        (true, None) => return Err(node_error(node, "has no kernel_shape")),
        (false, from_weights) => {
            let declared = pair(node, "kernel_shape", &declared, 1)?;
            if from_weights.is_some_and(|kernel| kernel != declared) {
                return Err(node_error(
                    node,
                    "its kernel_shape differs from its weights",
                ));
            }
            declared
        }
    };

    let strides = pair(node, "strides", &ints_or_empty(node, "strides"), 1)?;
    let dilations = pair(node, "dilations", &ints_or_empty(node, "dilations"), 1)?;
    let pads = pads(node)?;
    Ok(Window {
        kernel,
        strides,
        dilations,
        pads,
    })
}

/// Two positive values of attribute `name` (`default` each when absent).
fn pair(
    node: &NodeProto,
    name: &str,
    values: &[i64],
    default: usize,
) -> Result<[usize; 2], OnnxError> {
    match values[..] {
        [] => Ok([default; 2]),
        [first, second] if first > 0 && second > 0 => Ok([first as usize, second as usize]),
        _ => Err(node_error(
            node,
            format!("its {name} {values:?} is not two positive values (a 2-D window)"),
        )),
    }
}

/// The four pads (top, left, bottom, right), zeros when absent.
fn pads(node: &NodeProto) -> Result<[usize; 4], OnnxError> {
    let values = ints_or_empty(node, "pads");
    match values[..] {
        [] => Ok([0; 4]),
        [top, left, bottom, right] if values.iter().all(|&pad| pad >= 0) => {
            Ok([top as usize, left as usize, bottom as usize, right as usize])
        }
        _ => Err(node_error(
            node,
            format!("its pads {values:?} are not four values of 0 or more"),
        )),
    }
}

/// Accepts `auto_pad` absent, NOTSET or VALID (explicit pads, or none).
fn check_auto_pad(node: &NodeProto) -> Result<(), OnnxError> {
    let Some(auto_pad) = attribute(node, "auto_pad") else {
        return Ok(());
    };
    match auto_pad.s.as_slice() {
        b"" | b"NOTSET" | b"VALID" => Ok(()),
        other => Err(node_error(
            node,
            format!(
                "has auto_pad {}; the MCU converter needs explicit pads",
                String::from_utf8_lossy(other)
            ),
        )),
    }
}
