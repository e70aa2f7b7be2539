//! Image files as the camera: one file, or every image of a folder in name order.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::source::{FrameSource, RawFrame};

use super::pixels::{CameraPixels, SensorImage, to_sensor_image};

/// File extensions the simulated camera reads (case-insensitive).
pub const IMAGE_EXTENSIONS: [&str; 3] = ["png", "jpg", "jpeg"];

/// Why the camera could not be set up, or one frame could not be captured.
#[derive(Debug, thiserror::Error)]
pub enum CameraError {
    /// The camera path does not exist or cannot be listed.
    #[error("cannot open camera {path}: {cause}")]
    Open {
        /// The file or folder given as the camera.
        path: PathBuf,
        /// The operating system's reason.
        cause: std::io::Error,
    },
    /// A folder without any image file.
    #[error("camera folder {path} holds no .png, .jpg or .jpeg image")]
    NoImages {
        /// The folder.
        path: PathBuf,
    },
    /// One image could not be read or decoded; the camera goes on with the next one.
    #[error("{file}: {reason}")]
    Decode {
        /// The image's file name.
        file: String,
        /// The decoder's reason.
        reason: String,
    },
}

/// How the simulated camera plays its images.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CameraOptions {
    /// Pixel format of the delivered frames.
    pub pixels: CameraPixels,
    /// Frames per second; 0 delivers each frame as soon as it is asked for.
    pub fps: f64,
    /// Stop after this many frames; `None` plays every image once (or forever with `looping`).
    pub frames: Option<u64>,
    /// Start over after the last image instead of ending.
    pub looping: bool,
}

/// A camera that plays image files, converting each to the configured pixel format.
#[derive(Debug)]
pub struct ImageCamera {
    files: Vec<PathBuf>,
    options: CameraOptions,
    next_file: usize,
    delivered: u64,
    next_due: Option<Instant>,
    current: SensorImage,
}

impl ImageCamera {
    /// A camera over `path`: an image file, or a folder whose images play in name order.
    pub fn open(path: &Path, options: CameraOptions) -> Result<ImageCamera, CameraError> {
        let files = image_files(path)?;
        tracing::info!(camera = %path.display(), images = files.len(), "camera opened");

        Ok(ImageCamera {
            files,
            options,
            next_file: 0,
            delivered: 0,
            next_due: None,
            current: SensorImage {
                width: 0,
                height: 0,
                data: Vec::new(),
            },
        })
    }

    /// The image files, in play order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The next file to play, or `None` when the camera has ended.
    fn next_path(&mut self) -> Option<PathBuf> {
        if self
            .options
            .frames
            .is_some_and(|limit| self.delivered >= limit)
        {
            return None;
        }
        if self.next_file >= self.files.len() {
            if !self.options.looping {
                return None;
            }
            self.next_file = 0;
        }

        let path = self.files.get(self.next_file).cloned();
        self.next_file += 1;
        self.delivered += 1;
        path
    }

    /// Sleeps until the next frame is due at the configured rate.
    fn wait_for_frame_time(&mut self) {
        if self.options.fps <= 0.0 || !self.options.fps.is_finite() {
            return;
        }

        let period = Duration::from_secs_f64(1.0 / self.options.fps);
        let now = Instant::now();
        let due = self.next_due.unwrap_or(now);
        if due > now {
            std::thread::sleep(due - now);
        }
        self.next_due = Some(due.max(now) + period);
    }
}

impl FrameSource for ImageCamera {
    type Error = CameraError;

    fn capture(&mut self) -> Result<Option<RawFrame<'_>>, CameraError> {
        let Some(path) = self.next_path() else {
            return Ok(None);
        };
        self.wait_for_frame_time();

        // Limitation: every capture decodes its image file again (a few microseconds for the
        // 48x48 samples), so with --fps 0 the frame rate includes decoding; a real sensor
        // delivers raw pixels.
        let image = image::open(&path).map_err(|error| CameraError::Decode {
            file: file_name(&path),
            reason: error.to_string(),
        })?;
        self.current = to_sensor_image(&image, self.options.pixels);

        Ok(Some(RawFrame {
            format: self.options.pixels.format(),
            width: self.current.width,
            height: self.current.height,
            data: &self.current.data,
        }))
    }
}

/// `path` itself when it is a file, else the folder's image files sorted by name.
fn image_files(path: &Path) -> Result<Vec<PathBuf>, CameraError> {
    let open_error = |cause| CameraError::Open {
        path: path.to_path_buf(),
        cause,
    };
    let metadata = std::fs::metadata(path).map_err(open_error)?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }

    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(open_error)? {
        let file = entry.map_err(open_error)?.path();
        if file.is_file() && has_image_extension(&file) {
            files.push(file);
        }
    }
    files.sort();

    if files.is_empty() {
        return Err(CameraError::NoImages {
            path: path.to_path_buf(),
        });
    }
    Ok(files)
}

/// Whether the file name ends in one of [`IMAGE_EXTENSIONS`].
fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            IMAGE_EXTENSIONS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(extension))
        })
}

/// The file's name for short messages, or the whole path when it has none.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::GrayImage;

    fn options(frames: Option<u64>, looping: bool) -> CameraOptions {
        CameraOptions {
            pixels: CameraPixels::Grey8,
            fps: 0.0,
            frames,
            looping,
        }
    }

    fn folder_with_images(names: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (index, name) in names.iter().enumerate() {
            let image = GrayImage::from_pixel(4, 3, image::Luma([index as u8 * 10]));
            image.save(dir.path().join(name)).unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), "not an image").unwrap();
        dir
    }

    fn first_bytes(camera: &mut ImageCamera, count: usize) -> Vec<Option<u8>> {
        (0..count)
            .map(|_| camera.capture().unwrap().map(|frame| frame.data[0]))
            .collect()
    }

    #[test]
    fn a_folder_plays_its_images_in_name_order_once() {
        let dir = folder_with_images(&["b.png", "a.PNG"]);
        let mut camera = ImageCamera::open(dir.path(), options(None, false)).unwrap();
        assert_eq!(camera.files().len(), 2);
        assert_eq!(first_bytes(&mut camera, 3), vec![Some(10), Some(0), None]);
    }

    #[test]
    fn looping_with_a_frame_limit_repeats_and_stops() {
        let dir = folder_with_images(&["a.png", "b.png"]);
        let mut camera = ImageCamera::open(dir.path(), options(Some(3), true)).unwrap();
        assert_eq!(
            first_bytes(&mut camera, 4),
            vec![Some(0), Some(10), Some(0), None]
        );
    }

    #[test]
    fn an_undecodable_image_is_a_frame_error_and_the_camera_goes_on() {
        let dir = folder_with_images(&["b.png"]);
        std::fs::write(dir.path().join("a.png"), b"\x89PNG broken").unwrap();
        let mut camera = ImageCamera::open(dir.path(), options(None, false)).unwrap();

        let error = camera.capture().unwrap_err();
        assert!(error.to_string().starts_with("a.png: "), "{error}");
        assert!(camera.capture().unwrap().is_some());
    }

    #[test]
    fn an_empty_folder_or_missing_path_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let error = ImageCamera::open(dir.path(), options(None, false)).unwrap_err();
        assert!(matches!(error, CameraError::NoImages { .. }));
        let missing = dir.path().join("nowhere");
        let error = ImageCamera::open(&missing, options(None, false)).unwrap_err();
        assert!(error.to_string().contains("nowhere"), "{error}");
    }
}
