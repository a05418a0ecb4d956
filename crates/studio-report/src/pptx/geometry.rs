//! Where things go on a 16:9 slide (13.33 × 7.5 in), shared by the master, the layouts and the
//! slides so a slide's title sits exactly on its layout's placeholder.

use super::shapes::Rect;
use crate::Logo;

pub(super) const SLIDE_CX: i64 = 12_192_000;
pub(super) const SLIDE_CY: i64 = 6_858_000;
/// The slide's width in inches.
pub(super) const SLIDE_W: f64 = SLIDE_CX as f64 / 914_400.0;
pub(super) const MARGIN: f64 = 0.6;
/// Width of the content between the margins.
pub(super) const CONTENT_W: f64 = SLIDE_W - 2.0 * MARGIN;

/// A content slide's title, leaving room for the logo on its right.
pub(super) const TITLE: Rect = rect(MARGIN, 0.3, 10.2, 0.9);
/// The short accent rule under the title.
pub(super) const RULE: Rect = rect(MARGIN + 0.05, 1.22, 1.2, 0.05);
/// "Appendix" over the title of an appendix slide.
pub(super) const KICKER: Rect = rect(MARGIN, 0.05, 6.0, 0.3);
/// The content area of a content slide, top and bottom (inches).
pub(super) const CONTENT_TOP: f64 = 1.45;
pub(super) const CONTENT_BOTTOM: f64 = 6.9;
pub(super) const FOOTER_Y: f64 = 7.05;
/// The box the logo fits in, top right, on content slides and on the title slide.
pub(super) const CONTENT_LOGO: Rect = rect(SLIDE_W - MARGIN - 1.9, 0.4, 1.9, 0.6);
pub(super) const TITLE_LOGO: Rect = rect(SLIDE_W - MARGIN - 2.8, 0.5, 2.8, 1.1);

/// The title slide: the band on the left, title, subtitle, notice, provenance.
pub(super) const BAND: Rect = rect(0.0, 0.0, 0.3, 7.5);
pub(super) const TITLE_SLIDE_TITLE: Rect = rect(0.9, 1.8, 11.6, 1.9);
pub(super) const SUBTITLE: Rect = rect(0.9, 3.8, 11.6, 0.7);
pub(super) const NOTICE: Rect = rect(0.9, 4.75, 11.6, 0.7);
pub(super) const PROVENANCE: Rect = rect(0.9, 6.6, 11.6, 0.4);

const fn rect(x: f64, y: f64, w: f64, h: f64) -> Rect {
    Rect { x: (x * 914_400.0) as i64, y: (y * 914_400.0) as i64, w: (w * 914_400.0) as i64, h: (h * 914_400.0) as i64 }
}

/// The logo scaled to fit `frame` with its aspect ratio kept, against the frame's top right.
pub(super) fn logo_rect(logo: &Logo, frame: Rect) -> Rect {
    let (w, h) = (f64::from(logo.width.max(1)), f64::from(logo.height.max(1)));
    let scale = (frame.w as f64 / w).min(frame.h as f64 / h);
    let (cx, cy) = ((w * scale).round() as i64, (h * scale).round() as i64);
    Rect { x: frame.x + frame.w - cx, y: frame.y, w: cx, h: cy }
}
