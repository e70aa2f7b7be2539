//! The run-time values of the graph being lowered: each one a tensor of the blob, with the
//! element type and shape the engine will see, in the order they are defined.

use std::collections::HashMap;

use firmware::mcu::DataType;
use firmware::mcu::tensor::MAX_RANK;
use tract_onnx::pb::NodeProto;

use crate::onnx::{OnnxError, node_error};

/// Element type and shape of one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueType {
    /// The element type.
    pub data_type: DataType,
    /// The dimensions (at most [`MAX_RANK`]).
    pub shape: Vec<usize>,
}

impl ValueType {
    /// A value of `data_type` and `shape`.
    pub fn new(data_type: DataType, shape: Vec<usize>) -> ValueType {
        ValueType { data_type, shape }
    }

    /// Number of elements.
    pub fn elements(&self) -> usize {
        self.shape.iter().product()
    }

    /// `[channels, height, width]` of a `[1, C, H, W]` value.
    pub fn chw(&self) -> Option<[usize; 3]> {
        match self.shape[..] {
            [1, channels, height, width] => Some([channels, height, width]),
            _ => None,
        }
    }
}

/// The values defined so far: the model input, then each lowered op's output.
#[derive(Debug, Default)]
pub struct ValueTable {
    names: Vec<String>,
    types: Vec<ValueType>,
    by_name: HashMap<String, u32>,
}

impl ValueTable {
    /// Defines `name` as the next tensor; `node` is the node that writes it (for errors).
    pub fn define(
        &mut self,
        node: &NodeProto,
        name: &str,
        value: ValueType,
    ) -> Result<u32, OnnxError> {
        if value.shape.is_empty() || value.shape.len() > MAX_RANK {
            return Err(node_error(
                node,
                format!(
                    "its output `{name}` has rank {}; the MCU engine holds ranks 1 to {MAX_RANK}",
                    value.shape.len()
                ),
            ));
        }
        if value.shape.contains(&0) {
            return Err(node_error(node, format!("its output `{name}` is empty")));
        }
        if self.by_name.contains_key(name) {
            return Err(node_error(node, format!("`{name}` is written twice")));
        }

        let index = u32::try_from(self.names.len())
            .map_err(|_| node_error(node, "the graph has too many values"))?;
        self.names.push(name.to_string());
        self.types.push(value);
        self.by_name.insert(name.to_string(), index);
        Ok(index)
    }

    /// The tensor `name` that `node` reads, or an error when no earlier node writes it.
    pub fn read(&self, node: &NodeProto, name: &str) -> Result<(u32, &ValueType), OnnxError> {
        let index = self.index(name).ok_or_else(|| {
            node_error(
                node,
                format!("it reads `{name}`, which neither the model input nor an earlier node is"),
            )
        })?;
        Ok((index, &self.types[index as usize]))
    }

    /// The index of `name`, if defined.
    pub fn index(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }

    /// Whether `name` is a defined value.
    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Every value's type, in tensor order.
    pub fn types(&self) -> &[ValueType] {
        &self.types
    }

    /// The name of tensor `index`.
    pub fn name(&self, index: usize) -> Option<&str> {
        self.names.get(index).map(String::as_str)
    }
}
