//! Charts drawn with plotters from a `Chart`'s data: SVG for the formats that take vectors
//! (HTML, PDF, PPTX fallbacks), PNG for those that take pictures (DOCX). Text is laid out
//! with the shipped fonts, never the system's.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use self::labels::{CategoryLabels, Legend};
use crate::{Brand, Chart, NativeKind, ReportError, Rgb, fonts};

mod labels;

/// Default size of a chart, in pixels (CSS px in HTML; 96 per inch elsewhere).
pub const WIDTH: u32 = 720;
pub const HEIGHT: u32 = 360;

/// The family the shipped fonts are registered under with plotters.
const FONT: &str = "sans-serif";

/// Space around the chart and for the value axis's labels, pixels.
const MARGIN: u32 = 14;
const Y_LABEL_AREA: u32 = 60;

/// The shipped fonts, registered with plotters once (they are constants, not state).
fn fonts_ready() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        let _ = register_font(FONT, FontStyle::Normal, fonts::REGULAR);
        let _ = register_font(FONT, FontStyle::Bold, fonts::BOLD);
    });
}

/// The chart as an SVG document of `width` × `height`.
pub fn svg(chart: &Chart, brand: &Brand, width: u32, height: u32) -> Result<String, ReportError> {
    fonts_ready();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(&root, chart, brand).map_err(|e| ReportError::render("chart", e))?;
        root.present().map_err(|e| ReportError::render("chart", format!("{e:?}")))?;
    }
    // plotters names the family it was asked for; say which font the text is in.
    Ok(out.replace("font-family=\"sans-serif\"", &format!("font-family=\"{}, sans-serif\"", fonts::FAMILY)))
}

/// The chart as a PNG of `width` × `height` pixels.
pub fn png(chart: &Chart, brand: &Brand, width: u32, height: u32) -> Result<Vec<u8>, ReportError> {
    fonts_ready();
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        draw(&root, chart, brand).map_err(|e| ReportError::render("chart", e))?;
        root.present().map_err(|e| ReportError::render("chart", format!("{e:?}")))?;
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| ReportError::render("chart", e))?;
    writer.write_image_data(&rgb).map_err(|e| ReportError::render("chart", e))?;
    writer.finish().map_err(|e| ReportError::render("chart", e))?;
    Ok(bytes)
}

fn colour(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn axis_value(v: f64, percent: bool) -> String {
    if percent {
        format!("{:.0}%", v * 100.0)
    } else if v.abs() >= 1000.0 || v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// The top of the value axis: a little above the largest value, 1 at most for shares.
fn value_top(chart: &Chart) -> f64 {
    let max = chart.series.iter().flat_map(|s| s.values.iter().flatten()).fold(0.0f64, |a, b| a.max(*b));
    let top = if max <= 0.0 { 1.0 } else { max * 1.1 };
    if chart.percent { top.min(1.0).max(max) } else { top }
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart, brand: &Brand) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("{e:?}");
    root.fill(&WHITE).map_err(e)?;
    let legend = Legend::new(chart, f64::from(root.dim_in_pixel().0.saturating_sub(2 * MARGIN + Y_LABEL_AREA)));
    let (legend_area, root) = match &legend {
        Some(l) => {
            let (above, rest) = root.split_vertically(l.height() + MARGIN / 2);
            (Some(above), rest)
        }
        None => (None, root.clone()),
    };
    let root = &root;
    let n = chart.categories.len().max(1);
    let top = value_top(chart);
    let text = colour(brand.text);
    let label_style = (FONT, 13).into_font().color(&text);
    let bars = chart.kind.native() == NativeKind::Bar;
    let (x0, x1) = if bars { (-0.5, n as f64 - 0.5) } else { (0.0, (n - 1).max(1) as f64) };
    // Bar charts label their columns themselves, wrapped to a column's width (the axis's own
    // labels would run into each other when the names are long); line charts keep plotters'
    // numbered ticks.
    let plot_width = f64::from(root.dim_in_pixel().0.saturating_sub(2 * MARGIN + Y_LABEL_AREA));
    let key_room = f64::from(root.dim_in_pixel().1) * 0.4;
    let labels =
        bars.then(|| CategoryLabels::fit(&chart.categories, plot_width / n as f64 * 0.92, plot_width, key_room));
    let desc = if chart.x_label.trim().is_empty() { 0 } else { 22 };
    let x_area = labels.as_ref().map_or(44, |l| l.height() + desc + 4);
    let mut ctx = ChartBuilder::on(root)
        .margin(MARGIN)
        .x_label_area_size(x_area)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x0..x1, 0.0..top)
        .map_err(e)?;
    let categories = &chart.categories;
    let x_format = |x: &f64| {
        let i = x.round();
        if bars || (x - i).abs() > 1e-6 || i < 0.0 {
            String::new()
        } else {
            categories.get(i as usize).cloned().unwrap_or_default()
        }
    };
    let y_format = |y: &f64| axis_value(*y, chart.percent);
    ctx.configure_mesh()
        .x_labels(n.min(12))
        .y_labels(6)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .label_style(label_style.clone())
        .axis_desc_style(label_style)
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(230, 230, 230))
        .axis_style(RGBColor(160, 160, 160))
        .draw()
        .map_err(e)?;
    if let (Some(legend), Some(area)) = (&legend, &legend_area) {
        let (left, _) = ctx.backend_coord(&(x0, 0.0));
        legend.draw(area, left, &text)?;
    }
    if let Some(labels) = &labels {
        // The chart's coordinates are the backend's; the area under the legend starts lower.
        let (base_x, base_y) = root.get_base_pixel();
        let (left, axis) = ctx.backend_coord(&(x0, 0.0));
        let columns: Vec<i32> = (0..n).map(|i| ctx.backend_coord(&(i as f64, 0.0)).0 - base_x).collect();
        labels.draw(root, &columns, (left - base_x, axis - base_y), &text)?;
    }
    match chart.kind.native() {
        NativeKind::Line => draw_lines(&mut ctx, chart).map_err(e),
        NativeKind::Bar => draw_bars(&mut ctx, chart).map_err(e),
    }
}

type Ctx<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

/// Indexes of faint series paired with the next faint series of the same colour.
fn bands(chart: &Chart) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut open: Option<usize> = None;
    for (i, s) in chart.series.iter().enumerate().filter(|(_, s)| s.faint) {
        match open {
            Some(j) if chart.series[j].color == s.color => {
                pairs.push((j, i));
                open = None;
            }
            _ => open = Some(i),
        }
    }
    pairs
}

fn draw_lines<DB: DrawingBackend>(
    ctx: &mut Ctx<'_, DB>,
    chart: &Chart,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    for (low, high) in bands(chart) {
        let (a, b) = (&chart.series[low], &chart.series[high]);
        let upper: Vec<(f64, f64)> =
            b.values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i as f64, v))).collect();
        let lower: Vec<(f64, f64)> =
            a.values.iter().enumerate().rev().filter_map(|(i, v)| v.map(|v| (i as f64, v))).collect();
        let outline: Vec<(f64, f64)> = upper.into_iter().chain(lower).collect();
        ctx.draw_series(std::iter::once(Polygon::new(outline, colour(a.color).mix(0.18))))?;
    }
    for s in &chart.series {
        let c = colour(s.color);
        let points = s.values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i as f64, v)));
        if s.points {
            ctx.draw_series(points.map(|p| Circle::new(p, 3, c.filled())))?;
        } else if s.faint {
            ctx.draw_series(LineSeries::new(points, c.mix(0.5).stroke_width(1)))?;
        } else {
            ctx.draw_series(LineSeries::new(points, c.stroke_width(2)))?;
        }
    }
    Ok(())
}

fn draw_bars<DB: DrawingBackend>(
    ctx: &mut Ctx<'_, DB>,
    chart: &Chart,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let main: Vec<&crate::Series> = chart.series.iter().filter(|s| !s.faint).collect();
    let width = 0.8 / main.len().max(1) as f64;
    let offset = |k: usize| -0.4 + width * k as f64;
    for (k, s) in main.iter().enumerate() {
        let c = colour(s.color);
        ctx.draw_series(s.values.iter().enumerate().filter_map(|(i, v)| {
            let left = i as f64 + offset(k) + width * 0.08;
            // A bar of 0 has no height to draw (and an SVG rectangle of height 0 is invalid).
            v.filter(|v| *v != 0.0).map(|v| Rectangle::new([(left, 0.0), (left + width * 0.84, v)], c.filled()))
        }))?;
    }
    // Interval whiskers: a pair of faint series of the main series' colour.
    for (low, high) in bands(chart) {
        let (a, b) = (&chart.series[low], &chart.series[high]);
        let k = main.iter().position(|m| m.color == a.color).unwrap_or(0);
        for (i, (lo, hi)) in a.values.iter().zip(&b.values).enumerate() {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                let x = i as f64 + offset(k) + width / 2.0;
                let style = RGBColor(40, 40, 40).stroke_width(2);
                ctx.draw_series(std::iter::once(PathElement::new(vec![(x, *lo), (x, *hi)], style)))?;
                for y in [*lo, *hi] {
                    let w = width * 0.2;
                    ctx.draw_series(std::iter::once(PathElement::new(vec![(x - w, y), (x + w, y)], style)))?;
                }
            }
        }
    }
    Ok(())
}
