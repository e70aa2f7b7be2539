//! Decoded images turned into the bytes a camera sensor would deliver.

use image::DynamicImage;
use shared::frame::{PixelFormat, bt601_luma};

/// The pixel format the simulated camera delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CameraPixels {
    /// 8-bit grey, one byte per pixel.
    Grey8,
    /// RGB 5-6-5 little-endian, two bytes per pixel (colour is lost to 5/6/5 bits).
    Rgb565,
    /// YUV 4:2:2 packed `Y0 U Y1 V`; an odd-width image loses its last column.
    Yuyv,
}

impl CameraPixels {
    /// The protocol-independent frame format this produces.
    pub fn format(self) -> PixelFormat {
        match self {
            CameraPixels::Grey8 => PixelFormat::Grey8,
            CameraPixels::Rgb565 => PixelFormat::Rgb565Le,
            CameraPixels::Yuyv => PixelFormat::Yuyv422,
        }
    }
}

/// A frame's size and bytes in the chosen format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensorImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Pixels, row-major, in the chosen format.
    pub data: Vec<u8>,
}

/// Converts `image` to what a sensor in `pixels` format would send.
pub fn to_sensor_image(image: &DynamicImage, pixels: CameraPixels) -> SensorImage {
    match pixels {
        CameraPixels::Grey8 => grey8(image),
        CameraPixels::Rgb565 => rgb565_le(image),
        CameraPixels::Yuyv => yuyv422(image),
    }
}

/// One BT.601 luma byte per pixel, the weights the device uses for colour frames.
fn grey8(image: &DynamicImage) -> SensorImage {
    let rgb = image.to_rgb8();
    let (width, height) = (rgb.width() as usize, rgb.height() as usize);
    let data = rgb
        .pixels()
        .map(|pixel| luma(pixel.0.map(u32::from)))
        .collect();
    SensorImage {
        width,
        height,
        data,
    }
}

/// RGB 5-6-5, low byte first.
fn rgb565_le(image: &DynamicImage) -> SensorImage {
    let rgb = image.to_rgb8();
    let (width, height) = (rgb.width() as usize, rgb.height() as usize);
    let data = rgb
        .pixels()
        .flat_map(|pixel| {
            let [red, green, blue] = pixel.0.map(u16::from);
            let packed = ((red >> 3) << 11) | ((green >> 2) << 5) | (blue >> 3);
            packed.to_le_bytes()
        })
        .collect();
    SensorImage {
        width,
        height,
        data,
    }
}

/// YUYV 4:2:2 with BT.601 luma and the pair's mean chroma, over an even width.
fn yuyv422(image: &DynamicImage) -> SensorImage {
    let rgb = image.to_rgb8();
    let width = (rgb.width() as usize) & !1;
    let height = rgb.height() as usize;
    let mut data = Vec::with_capacity(width * height * 2);

    for row in rgb.rows() {
        let pixels: Vec<[u8; 3]> = row.take(width).map(|pixel| pixel.0).collect();
        for pair in pixels.chunks_exact(2) {
            let [left, right] = [pair[0], pair[1]].map(|[r, g, b]| [r, g, b].map(u32::from));
            let (u, v) = chroma(left, right);
            data.extend_from_slice(&[luma(left), u, luma(right), v]);
        }
    }
    SensorImage {
        width,
        height,
        data,
    }
}

/// BT.601 luma of widened RGB.
fn luma([red, green, blue]: [u32; 3]) -> u8 {
    bt601_luma(red, green, blue)
}

/// BT.601 Cb, Cr (offset 128) of the mean of two pixels.
fn chroma(left: [u32; 3], right: [u32; 3]) -> (u8, u8) {
    let mean = |channel: usize| (left[channel] + right[channel]) as f32 / 2.0;
    let [red, green, blue] = [0, 1, 2].map(mean);
    let cb = 128.0 - 0.168_736 * red - 0.331_264 * green + 0.5 * blue;
    let cr = 128.0 + 0.5 * red - 0.418_688 * green - 0.081_312 * blue;
    (
        cb.round().clamp(0.0, 255.0) as u8,
        cr.round().clamp(0.0, 255.0) as u8,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, RgbImage};
    use shared::frame::Frame;

    fn grey_image(width: u32, height: u32) -> DynamicImage {
        let pixels = (0..width * height)
            .map(|index| (index * 37 % 256) as u8)
            .collect();
        DynamicImage::ImageLuma8(GrayImage::from_raw(width, height, pixels).unwrap())
    }

    #[test]
    fn every_format_makes_a_valid_frame_of_the_same_grey() {
        let image = grey_image(6, 4);
        let grey = to_sensor_image(&image, CameraPixels::Grey8);
        for pixels in [CameraPixels::Rgb565, CameraPixels::Yuyv] {
            let sensor = to_sensor_image(&image, pixels);
            let frame =
                Frame::new(pixels.format(), sensor.width, sensor.height, &sensor.data).unwrap();
            for (index, &expected) in grey.data.iter().enumerate() {
                let got = frame.grey_at(index % 6, index / 6);
                // RGB 5-6-5 keeps 5 bits of red and blue: a grey level moves by at most 7.
                assert!(
                    got.abs_diff(expected) <= 7,
                    "{pixels:?} {index}: {got} vs {expected}"
                );
            }
        }
    }

    #[test]
    fn rgb565_packs_primaries_low_byte_first() {
        let image = RgbImage::from_raw(2, 1, vec![255, 0, 0, 0, 0, 255]).unwrap();
        let sensor = to_sensor_image(&DynamicImage::ImageRgb8(image), CameraPixels::Rgb565);
        assert_eq!(sensor.data, vec![0x00, 0xf8, 0x1f, 0x00]);
    }

    #[test]
    fn yuyv_drops_the_odd_last_column() {
        let sensor = to_sensor_image(&grey_image(5, 2), CameraPixels::Yuyv);
        assert_eq!((sensor.width, sensor.height, sensor.data.len()), (4, 2, 16));
        assert_eq!(sensor.data[1], 128);
    }
}
