//! Initializer payloads: reading them as numbers and building new ones.

use tract_onnx::pb::TensorProto;
use tract_onnx::pb::tensor_proto::DataType;

use super::OnnxError;

/// Number of elements a tensor of these dimensions holds.
pub fn element_count(dims: &[i64]) -> usize {
    dims.iter().map(|&dim| dim.max(0) as usize).product()
}

/// The values of an f32 initializer, whether stored as `raw_data` or `float_data`.
pub fn float_values(tensor: &TensorProto) -> Result<Vec<f32>, OnnxError> {
    expect_type(tensor, DataType::Float)?;

    let values: Vec<f32> = if tensor.raw_data.is_empty() {
        tensor.float_data.clone()
    } else {
        little_endian_words::<4>(tensor)?
            .into_iter()
            .map(f32::from_le_bytes)
            .collect()
    };

    expect_count(tensor, values.len())?;
    Ok(values)
}

/// The values of an int64 initializer, whether stored as `raw_data` or `int64_data`.
pub fn int64_values(tensor: &TensorProto) -> Result<Vec<i64>, OnnxError> {
    expect_type(tensor, DataType::Int64)?;

    let values: Vec<i64> = if tensor.raw_data.is_empty() {
        tensor.int64_data.clone()
    } else {
        little_endian_words::<8>(tensor)?
            .into_iter()
            .map(i64::from_le_bytes)
            .collect()
    };

    expect_count(tensor, values.len())?;
    Ok(values)
}

/// The values of an int32 initializer, whether stored as `raw_data` or `int32_data`.
pub fn int32_values(tensor: &TensorProto) -> Result<Vec<i32>, OnnxError> {
    expect_type(tensor, DataType::Int32)?;

    let values: Vec<i32> = if tensor.raw_data.is_empty() {
        tensor.int32_data.clone()
    } else {
        little_endian_words::<4>(tensor)?
            .into_iter()
            .map(i32::from_le_bytes)
            .collect()
    };

    expect_count(tensor, values.len())?;
    Ok(values)
}

/// The values of an int8 initializer, whether stored as `raw_data` or `int32_data`.
pub fn int8_values(tensor: &TensorProto) -> Result<Vec<i8>, OnnxError> {
    expect_type(tensor, DataType::Int8)?;

    let values: Vec<i8> = if tensor.raw_data.is_empty() {
        tensor.int32_data.iter().map(|&value| value as i8).collect()
    } else {
        tensor.raw_data.iter().map(|&byte| byte as i8).collect()
    };

    expect_count(tensor, values.len())?;
    Ok(values)
}

/// An f32 initializer stored as little-endian `raw_data`.
pub fn float_tensor(name: impl Into<String>, dims: &[i64], values: &[f32]) -> TensorProto {
    let raw_data = values
        .iter()
        .flat_map(|value| value.to_le_bytes())
        .collect();
    raw_tensor(name, dims, DataType::Float, raw_data)
}

/// An int8 initializer stored as `raw_data`.
pub fn int8_tensor(name: impl Into<String>, dims: &[i64], values: &[i8]) -> TensorProto {
    let raw_data = values.iter().map(|&value| value as u8).collect();
    raw_tensor(name, dims, DataType::Int8, raw_data)
}

/// An int32 initializer stored as little-endian `raw_data`.
pub fn int32_tensor(name: impl Into<String>, dims: &[i64], values: &[i32]) -> TensorProto {
    let raw_data = values
        .iter()
        .flat_map(|value| value.to_le_bytes())
        .collect();
    raw_tensor(name, dims, DataType::Int32, raw_data)
}

/// An int64 initializer stored as little-endian `raw_data`.
pub fn int64_tensor(name: impl Into<String>, dims: &[i64], values: &[i64]) -> TensorProto {
    let raw_data = values
        .iter()
        .flat_map(|value| value.to_le_bytes())
        .collect();
    raw_tensor(name, dims, DataType::Int64, raw_data)
}

fn raw_tensor(
    name: impl Into<String>,
    dims: &[i64],
    data_type: DataType,
    raw_data: Vec<u8>,
) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: dims.to_vec(),
        data_type: data_type as i32,
        raw_data,
        ..TensorProto::default()
    }
}

fn expect_type(tensor: &TensorProto, expected: DataType) -> Result<(), OnnxError> {
    if tensor.data_type == expected as i32 {
        return Ok(());
    }
    let found = DataType::try_from(tensor.data_type).map_or_else(
        |_| format!("code {}", tensor.data_type),
        |found| format!("{found:?}"),
    );
    Err(OnnxError::Initializer {
        name: tensor.name.clone(),
        reason: format!("expected {expected:?} data, found {found}"),
    })
}

fn expect_count(tensor: &TensorProto, found: usize) -> Result<(), OnnxError> {
    let expected = element_count(&tensor.dims);
    if found == expected {
        return Ok(());
    }
    Err(OnnxError::Initializer {
        name: tensor.name.clone(),
        reason: format!(
            "dims {:?} need {expected} values, the payload has {found}",
            tensor.dims
        ),
    })
}

fn little_endian_words<const N: usize>(tensor: &TensorProto) -> Result<Vec<[u8; N]>, OnnxError> {
    let (words, rest) = tensor.raw_data.as_chunks::<N>();
    if !rest.is_empty() {
        return Err(OnnxError::Initializer {
            name: tensor.name.clone(),
            reason: format!(
                "raw_data is {} bytes, not a multiple of {N}",
                tensor.raw_data.len()
            ),
        });
    }
    Ok(words.to_vec())
}
