//! Rewriting a float graph as QOperator int8 ops (QLinearConv, QLinearMatMul, QuantizeLinear,
//! DequantizeLinear).
//!
//! Values flow as int8 where an op can take them that way: convolutions and matrix products
//! run on int8 kernels, a ReLU that is a convolution's only reader is folded into the
//! convolution's output range (zero point -128, so saturation is the ReLU), and max pooling and
//! reshapes pass int8 through unchanged. Every other op runs in float between a
//! DequantizeLinear and, where an int8 op reads its result, a QuantizeLinear. Graph outputs and
//! Softmax always stay float.

use std::collections::{BTreeMap, HashMap, HashSet};

use tract_onnx::pb::{GraphProto, ModelProto, NodeProto, TensorProto};

use super::calibrate::{ActivationRanges, ValueRange};
use super::params::{ActivationQuant, quantize_bias, quantize_weights};
use crate::onnx::{
    OnnxError, consumers, float_tensor, float_values, graph, initializer, int8_tensor,
    int32_tensor, is_graph_output, node, node_error, prune_unused_initializers,
};

/// Weights above this size are re-packed by tract on every run.
const TRACT_REPACK_BYTES: usize = 4 << 20;

/// Ops that move int8 codes without changing them, so they keep their input's scale.
const CODE_PRESERVING_OPS: [&str; 6] = [
    "MaxPool",
    "Reshape",
    "Flatten",
    "Squeeze",
    "Unsqueeze",
    "Transpose",
];

/// What the rewrite did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RewriteReport {
    /// Op types of the int8 graph and how many of each it has.
    pub op_counts: BTreeMap<String, usize>,
    /// ReLUs folded into a convolution's output range.
    pub fused_relus: usize,
    /// Quantised weights over 4 MiB, which tract re-packs on every run.
    pub large_weights: Vec<String>,
}

/// The int8 QOperator version of a float graph whose activation ranges were calibrated.
pub fn rewrite_to_qoperator(
    float: &ModelProto,
    ranges: &ActivationRanges,
) -> Result<(ModelProto, RewriteReport), OnnxError> {
    let source = graph(float, "float model")?;
    let mut rewriter = Rewriter::new(source, ranges);

    for index in 0..source.node.len() {
        rewriter.rewrite_node(index)?;
    }
    for output in &source.output {
        rewriter.require_float(&output.name)?;
    }

    let mut int8_graph = GraphProto {
        name: source.name.clone(),
        input: source.input.clone(),
        output: source.output.clone(),
        node: rewriter.nodes,
        initializer: rewriter.initializers,
        ..GraphProto::default()
    };
    prune_unused_initializers(&mut int8_graph);

    let mut report = rewriter.report;
    for node in &int8_graph.node {
        *report.op_counts.entry(node.op_type.clone()).or_default() += 1;
    }
    let model = ModelProto {
        graph: Some(int8_graph),
        ..float.clone()
    };
    Ok((model, report))
}

/// An int8 version of a value: its codes and the initializers holding its scale and zero point.
#[derive(Debug, Clone)]
struct QuantValue {
    codes: String,
    scale: String,
    zero_point: String,
    params: ActivationQuant,
}

struct Rewriter<'a> {
    source: &'a GraphProto,
    ranges: &'a ActivationRanges,
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
    copied_initializers: HashSet<String>,
    float_values: HashSet<String>,
    quantized: HashMap<String, QuantValue>,
    fused: HashSet<usize>,
    report: RewriteReport,
}

impl<'a> Rewriter<'a> {
    fn new(source: &'a GraphProto, ranges: &'a ActivationRanges) -> Rewriter<'a> {
        let float_values = source
            .input
            .iter()
            .map(|input| input.name.clone())
            .collect();
        Rewriter {
            source,
            ranges,
            nodes: Vec::new(),
            initializers: Vec::new(),
            copied_initializers: HashSet::new(),
            float_values,
            quantized: HashMap::new(),
            fused: HashSet::new(),
            report: RewriteReport::default(),
        }
    }

    fn rewrite_node(&mut self, index: usize) -> Result<(), OnnxError> {
        if self.fused.contains(&index) {
            return Ok(());
        }
        let source = self.source;
        let node = &source.node[index];

        if node.op_type == "Conv" && self.has_constant_inputs(node, &[1, 2]) {
            self.conv(index)
        } else if node.op_type == "MatMul" && self.matrix_weight(node).is_some() {
            self.matmul(index)
        } else if CODE_PRESERVING_OPS.contains(&node.op_type.as_str())
            && self.quantized.contains_key(&node.input[0])
            && node.output.len() == 1
        {
            self.code_preserving(index)
        } else {
            self.float_node(index)
        }
    }

    /// Whether the inputs at `slots` (those present) are initializers.
    fn has_constant_inputs(&self, node: &NodeProto, slots: &[usize]) -> bool {
        slots
            .iter()
            .filter_map(|&slot| node.input.get(slot).filter(|name| !name.is_empty()))
            .all(|name| initializer(self.source, name).is_some())
    }

    /// The constant 2-D right operand of a MatMul.
    fn matrix_weight(&self, node: &NodeProto) -> Option<&'a TensorProto> {
        let weight = initializer(self.source, node.input.get(1)?)?;
        (weight.dims.len() == 2 && initializer(self.source, &node.input[0]).is_none())
            .then_some(weight)
    }

    fn conv(&mut self, index: usize) -> Result<(), OnnxError> {
        let source = self.source;
        let conv = &source.node[index];
        let input = self.require_quant(&conv.input[0])?;
        let output = match self.fusable_relu(index) {
            Some(relu) => {
                self.fused.insert(relu);
                self.report.fused_relus += 1;
                self.source.node[relu].output[0].clone()
            }
            None => conv.output[0].clone(),
        };

        let weight = self.constant(&conv.input[1])?;
        let channels = weight.dims.first().copied().unwrap_or(0).max(1) as usize;
        let values = float_values(weight)?;
        let per_channel = values.len() / channels;
        let quantized = quantize_weights(&values, channels, |flat| flat / per_channel);
        let bias = match conv.input.get(2).filter(|name| !name.is_empty()) {
            Some(name) => float_values(self.constant(name)?)?,
            None => vec![0.0; channels],
        };
        let bias_codes = quantize_bias(&bias, input.params.scale, &quantized.scales);

        let prefix = format!("{output}_qconv");
        let weight_names =
            self.add_channel_weights(&prefix, &weight.dims, &quantized.codes, &quantized.scales);
        let bias_name = format!("{prefix}_bias");
        self.initializers
            .push(int32_tensor(&bias_name, &[channels as i64], &bias_codes));
        let result = self.new_quant_value(&output)?;

        let inputs = [
            input.codes.as_str(),
            &input.scale,
            &input.zero_point,
            &weight_names[0],
            &weight_names[1],
            &weight_names[2],
            &result.scale,
            &result.zero_point,
            &bias_name,
        ];
        let attributes = conv.attribute.clone();
        self.nodes.push(node(
            "QLinearConv",
            prefix,
            &inputs,
            &[&result.codes],
            attributes,
        ));
        self.quantized.insert(output, result);
        Ok(())
    }

    /// The Relu that is the only reader of a Conv output that is not a graph output.
    fn fusable_relu(&self, conv: usize) -> Option<usize> {
        let output = &self.source.node[conv].output[0];
        let [reader] = consumers(self.source, output)[..] else {
            return None;
        };
        (self.source.node[reader].op_type == "Relu" && !is_graph_output(self.source, output))
            .then_some(reader)
    }

    fn matmul(&mut self, index: usize) -> Result<(), OnnxError> {
        let source = self.source;
        let matmul = &source.node[index];
        let Some(weight) = self.matrix_weight(matmul) else {
            return Err(node_error(matmul, "its weight is not a constant matrix"));
        };
        let input = self.require_quant(&matmul.input[0])?;
        let output = matmul.output[0].clone();

        let columns = weight.dims[1].max(1) as usize;
        let quantized = quantize_weights(&float_values(weight)?, columns, |flat| flat % columns);

        let prefix = format!("{output}_qmatmul");
        let weight_names =
            self.add_channel_weights(&prefix, &weight.dims, &quantized.codes, &quantized.scales);
        let result = self.new_quant_value(&output)?;

        let inputs = [
            input.codes.as_str(),
            &input.scale,
            &input.zero_point,
            &weight_names[0],
            &weight_names[1],
            &weight_names[2],
            &result.scale,
            &result.zero_point,
        ];
        self.nodes.push(node(
            "QLinearMatMul",
            prefix,
            &inputs,
            &[&result.codes],
            Vec::new(),
        ));
        self.quantized.insert(output, result);
        Ok(())
    }

    /// Adds int8 weight codes with per-channel scales and zero zero points; returns the three
    /// initializer names.
    fn add_channel_weights(
        &mut self,
        prefix: &str,
        dims: &[i64],
        codes: &[i8],
        scales: &[f32],
    ) -> [String; 3] {
        if codes.len() > TRACT_REPACK_BYTES {
            // Limitation: tract re-packs constant int8 weights larger than 4 MiB on every run
            // instead of once at load time, so such layers (the reference keypoint head's
            // dense layers) cost a copy per inference.
            tracing::warn!(
                weight = prefix,
                bytes = codes.len(),
                "weight re-packed every run"
            );
            self.report.large_weights.push(prefix.to_string());
        }
        let names = [
            format!("{prefix}_weight"),
            format!("{prefix}_weight_scale"),
            format!("{prefix}_weight_zero_point"),
        ];
        let channels = [scales.len() as i64];
        self.initializers.push(int8_tensor(&names[0], dims, codes));
        self.initializers
            .push(float_tensor(&names[1], &channels, scales));
        self.initializers
            .push(int8_tensor(&names[2], &channels, &vec![0; scales.len()]));
        names
    }

    fn code_preserving(&mut self, index: usize) -> Result<(), OnnxError> {
        let source = self.source;
        let op = &source.node[index];
        let Some(input) = self.quantized.get(&op.input[0]).cloned() else {
            return Err(node_error(op, "its input has no int8 version"));
        };
        let output = op.output[0].clone();
        let codes = format!("{output}_int8");

        let mut rewritten = op.clone();
        rewritten.input[0] = input.codes.clone();
        for name in rewritten
            .input
            .iter()
            .skip(1)
            .filter(|name| !name.is_empty())
        {
            if initializer(self.source, name).is_none() {
                return Err(node_error(op, format!("input `{name}` is not a constant")));
            }
        }
        for name in op.input.iter().skip(1).filter(|name| !name.is_empty()) {
            self.copy_initializer(name)?;
        }
        rewritten.output = vec![codes.clone()];
        self.nodes.push(rewritten);
        self.quantized.insert(output, QuantValue { codes, ..input });
        Ok(())
    }

    fn float_node(&mut self, index: usize) -> Result<(), OnnxError> {
        let source = self.source;
        let op = &source.node[index];
        for name in op.input.iter().filter(|name| !name.is_empty()) {
            if initializer(self.source, name).is_some() {
                self.copy_initializer(name)?;
            } else {
                self.require_float(name)?;
            }
        }
        self.nodes.push(op.clone());
        self.float_values.extend(op.output.iter().cloned());
        Ok(())
    }

    /// Makes the float value `name` available, dequantising its int8 version if need be.
    fn require_float(&mut self, name: &str) -> Result<(), OnnxError> {
        if self.float_values.contains(name) || initializer(self.source, name).is_some() {
            return Ok(());
        }
        let Some(quant) = self.quantized.get(name).cloned() else {
            return Err(OnnxError::Missing {
                kind: "value",
                name: name.to_string(),
            });
        };
        let inputs = [quant.codes.as_str(), &quant.scale, &quant.zero_point];
        let name_of_node = format!("{name}_dequantize");
        self.nodes.push(node(
            "DequantizeLinear",
            name_of_node,
            &inputs,
            &[name],
            Vec::new(),
        ));
        self.float_values.insert(name.to_string());
        Ok(())
    }

    /// Makes an int8 version of value `name` available, quantising its float version with its
    /// calibrated range if need be.
    fn require_quant(&mut self, name: &str) -> Result<QuantValue, OnnxError> {
        if let Some(quant) = self.quantized.get(name) {
            return Ok(quant.clone());
        }
        self.require_float(name)?;

        let quant = self.new_quant_value(name)?;
        let inputs = [name, quant.scale.as_str(), &quant.zero_point];
        let name_of_node = format!("{name}_quantize");
        self.nodes.push(node(
            "QuantizeLinear",
            name_of_node,
            &inputs,
            &[&quant.codes],
            Vec::new(),
        ));
        self.quantized.insert(name.to_string(), quant.clone());
        Ok(quant)
    }

    /// Names and scale/zero-point initializers for the int8 version of `name`.
    fn new_quant_value(&mut self, name: &str) -> Result<QuantValue, OnnxError> {
        let params = ActivationQuant::from_range(self.range(name)?);
        let quant = QuantValue {
            codes: format!("{name}_int8"),
            scale: format!("{name}_scale"),
            zero_point: format!("{name}_zero_point"),
            params,
        };
        self.initializers
            .push(float_tensor(&quant.scale, &[], &[params.scale]));
        self.initializers
            .push(int8_tensor(&quant.zero_point, &[], &[params.zero_point]));
        Ok(quant)
    }

    fn range(&self, name: &str) -> Result<ValueRange, OnnxError> {
        self.ranges
            .get(name)
            .copied()
            .ok_or_else(|| OnnxError::Missing {
                kind: "calibrated range",
                name: name.to_string(),
            })
    }

    fn constant(&self, name: &str) -> Result<&'a TensorProto, OnnxError> {
        initializer(self.source, name).ok_or_else(|| OnnxError::Missing {
            kind: "initializer",
            name: name.to_string(),
        })
    }

    fn copy_initializer(&mut self, name: &str) -> Result<(), OnnxError> {
        if self.copied_initializers.insert(name.to_string()) {
            let tensor = self.constant(name)?.clone();
            self.initializers.push(tensor);
        }
        Ok(())
    }
}
