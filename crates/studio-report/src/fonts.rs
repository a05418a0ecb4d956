//! The fonts every format uses, shipped inside the program (DejaVu Sans, see
//! `fonts/LICENSE-DejaVu`): no system font is needed, and every machine lays out the same.

/// The family name the fonts declare.
pub const FAMILY: &str = "DejaVu Sans";
pub const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
pub const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
pub const ITALIC: &[u8] = include_bytes!("../fonts/DejaVuSans-Oblique.ttf");

/// All three, for renderers that take a list.
pub const ALL: [&[u8]; 3] = [REGULAR, BOLD, ITALIC];
