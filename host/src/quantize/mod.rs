//! Post-training static int8 quantisation of float ONNX models.
//!
//! Weights get symmetric per-output-channel int8 scales; activations get asymmetric
//! per-tensor int8 scales calibrated by running the float graph in tract. The result uses
//! QOperator ops, which tract runs on int8 kernels.

mod calibrate;
mod calibration_data;
mod compare;
mod params;
mod rewrite;

pub use calibrate::{ActivationRanges, CalibrationMethod, ValueRange, calibrate};
pub use calibration_data::calibration_inputs;
pub use compare::{Agreement, OutputAgreement, compare_models};
pub use params::{ActivationQuant, ChannelWeights, quantize_bias, quantize_weights};
pub use rewrite::{RewriteReport, rewrite_to_qoperator};

use tract_onnx::pb::ModelProto;

use crate::onnx::OnnxError;

/// Calibrates `float` on `inputs` with `method` and returns its int8 QOperator version.
pub fn quantize_model(
    float: &ModelProto,
    inputs: &[Vec<f32>],
    method: CalibrationMethod,
) -> Result<(ModelProto, RewriteReport), OnnxError> {
    if inputs.is_empty() {
        return Err(OnnxError::Invalid {
            origin: "calibration".to_string(),
            reason: "no calibration inputs were given".to_string(),
        });
    }

    let ranges = calibrate(float, inputs, method)?;
    let (int8, report) = rewrite_to_qoperator(float, &ranges)?;

    tracing::info!(
        samples = inputs.len(),
        method = ?method,
        fused_relus = report.fused_relus,
        ops = ?report.op_counts,
        "model quantised to int8"
    );
    Ok((int8, report))
}
