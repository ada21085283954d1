//! Contour lines of a sampled field by marching squares (Lorensen & Cline's marching cubes, 1987,
//! in two dimensions; see also Maple, "Geometric design and space planning using the marching
//! squares and marching cube algorithms", 2003): each cell of four samples is classified by which
//! corners lie at or above the level, the level's crossing on each cut edge is placed by linear
//! interpolation between the edge's two samples, and the crossings are joined inside the cell.
//!
//! A cell with exactly two cut edges has one segment. A cell with four (a *saddle*: the two
//! corners at or above the level are diagonal) is resolved by the average of its four samples,
//! the value of the bilinear interpolant at the cell centre: when the centre is at or above the
//! level, the high corners are joined through the cell and the segments cut off the low
//! corners; otherwise they cut off the high ones. Each crossing is computed once per edge, from
//! the edge's own two samples, so the cells on either side of an edge agree on it exactly and the
//! segments join into polylines by edge, not by comparing coordinates.
//!
//! Grid coordinates: sample (column `c`, row `r`) sits at `(c, r)`, `values[r * columns + c]`.
//! A sample that is not finite (NaN, ±∞) marks where the field is undefined: no cell touching it
//! has a line.

/// One contour line in grid coordinates: the vertices in order; a closed line does not repeat
/// its first vertex at the end.
#[derive(Clone, Debug, PartialEq)]
pub struct Polyline {
    /// The vertices `[x, y]` (x along columns, y along rows).
    pub points: Vec<[f64; 2]>,
    /// Whether the last vertex joins back to the first (a ring inside the grid).
    pub closed: bool,
}

/// The contour lines of one level.
#[derive(Clone, Debug, PartialEq)]
pub struct Isoline {
    /// The level traced.
    pub level: f64,
    /// Its lines, each a polyline of at least two vertices.
    pub lines: Vec<Polyline>,
}

/// The contour lines of the `columns × rows` field `values` (row-major) at each of `levels`, in
/// the order given (module doc for the method and coordinates). A level that is not finite, a
/// grid with fewer than two columns or rows, or `values` shorter than the grid gives no lines.
pub fn isolines(values: &[f64], columns: usize, rows: usize, levels: &[f64]) -> Vec<Isoline> {
    let tracer = Tracer::new(values, columns, rows);
    let mut scratch = Scratch::default();
    let mut result = Vec::with_capacity(levels.len());
    for &level in levels {
        let lines = match &tracer {
            Some(tracer) => tracer.trace(level, &mut scratch),
            None => Vec::new(),
        };
        result.push(Isoline { level, lines });
    }
    result
}

/// A segment inside one cell, between two cut edges (by edge index).
type Segment = [usize; 2];

/// The grid and its edge numbering: horizontal edges `(c, r)–(c + 1, r)` first, `r * (columns −
/// 1) + c`, then vertical edges `(c, r)–(c, r + 1)`, after them at `r * columns + c`.
struct Tracer<'a> {
    values: &'a [f64],
    columns: usize,
    rows: usize,
    horizontal: usize,
}

/// No segment at this end of an edge yet.
const NONE: usize = usize::MAX;

impl<'a> Tracer<'a> {
    fn new(values: &'a [f64], columns: usize, rows: usize) -> Option<Self> {
        let count = columns.checked_mul(rows)?;
        if columns < 2 || rows < 2 || values.len() < count {
            return None;
        }
        Some(Tracer {
            values,
            columns,
            rows,
            horizontal: (columns - 1) * rows,
        })
    }

    fn value(&self, column: usize, row: usize) -> f64 {
        self.values[row * self.columns + column]
    }

    fn horizontal_edge(&self, column: usize, row: usize) -> usize {
        row * (self.columns - 1) + column
    }

    fn vertical_edge(&self, column: usize, row: usize) -> usize {
        self.horizontal + row * self.columns + column
    }

    /// Where `level` crosses edge `edge` (which it cuts), by linear interpolation from the edge's
    /// first sample (left or top) to its second.
    fn crossing(&self, edge: usize, level: f64) -> [f64; 2] {
        let (start, end, [x, y], along_x) = if edge < self.horizontal {
            let (row, column) = (edge / (self.columns - 1), edge % (self.columns - 1));
            (
                self.value(column, row),
                self.value(column + 1, row),
                [column as f64, row as f64],
                true,
            )
        } else {
            let index = edge - self.horizontal;
            let (row, column) = (index / self.columns, index % self.columns);
            (
                self.value(column, row),
                self.value(column, row + 1),
                [column as f64, row as f64],
                false,
            )
        };
        // The edge is cut, so `start` and `end` lie on opposite sides and differ; the clamp only
        // guards against rounding (and an infinite difference of two huge finite samples).
        let t = ((level - start) / (end - start)).clamp(0.0, 1.0);
        let t = if t.is_nan() { 0.5 } else { t };
        if along_x {
            [x + t, y]
        } else {
            [x, y + t]
        }
    }

    /// Every segment of `level`, cell by cell, into `scratch.segments`.
    fn segments(&self, level: f64, scratch: &mut Scratch) {
        let Scratch { side, segments, .. } = scratch;
        segments.clear();
        // Each sample's side once: high (at or above the level), low, or undefined.
        side.clear();
        side.extend(self.values[..self.columns * self.rows].iter().map(|&v| {
            if !v.is_finite() {
                UNDEFINED
            } else {
                u8::from(v >= level)
            }
        }));
        let columns = self.columns;
        for row in 0..self.rows - 1 {
            for column in 0..columns - 1 {
                let i = row * columns + column;
                let corners = [
                    side[i],
                    side[i + 1],
                    side[i + columns + 1],
                    side[i + columns],
                ];
                // Most cells are wholly on one side, or touch an undefined sample.
                if (corners[0] | corners[1] | corners[2] | corners[3]) & UNDEFINED != 0
                    || corners.iter().all(|&c| c == corners[0])
                {
                    continue;
                }
                let [top_left, top_right, bottom_right, bottom_left] = corners;
                let top = self.horizontal_edge(column, row);
                let bottom = self.horizontal_edge(column, row + 1);
                let left = self.vertical_edge(column, row);
                let right = self.vertical_edge(column + 1, row);
                let mut cut = [NONE; 4];
                let mut count = 0;
                for (edge, a, b) in [
                    (top, top_left, top_right),
                    (right, top_right, bottom_right),
                    (bottom, bottom_right, bottom_left),
                    (left, bottom_left, top_left),
                ] {
                    if a != b {
                        cut[count] = edge;
                        count += 1;
                    }
                }
                if count == 2 {
                    segments.push([cut[0], cut[1]]);
                    continue;
                }
                // A saddle: the high corners are joined through the centre when it is high, so
                // the segments go around the low corners (and vice versa).
                let values = self.values;
                let centre =
                    (values[i] + values[i + 1] + values[i + columns + 1] + values[i + columns])
                        / 4.0;
                let top_left_high = top_left == 1;
                let centre_high = if centre.is_finite() {
                    centre >= level
                } else {
                    top_left_high
                };
                if top_left_high == centre_high {
                    segments.push([top, right]);
                    segments.push([bottom, left]);
                } else {
                    segments.push([left, top]);
                    segments.push([right, bottom]);
                }
            }
        }
    }

    /// The segments of `level` joined into polylines.
    fn trace(&self, level: f64, scratch: &mut Scratch) -> Vec<Polyline> {
        if !level.is_finite() {
            return Vec::new();
        }
        self.segments(level, scratch);
        let Scratch {
            segments,
            ends,
            used,
            ..
        } = scratch;
        if segments.is_empty() {
            return Vec::new();
        }
        // Each edge borders at most two cells, and a cell cuts an edge once: at most two
        // segments end on an edge.
        ends.resize(self.horizontal + self.columns * (self.rows - 1), [NONE; 2]);
        for (index, segment) in segments.iter().enumerate() {
            for &edge in segment {
                let slot = &mut ends[edge];
                if slot[0] == NONE {
                    slot[0] = index;
                } else {
                    slot[1] = index;
                }
            }
        }
        used.clear();
        used.resize(segments.len(), false);
        let mut lines = Vec::new();
        let (mut edges, mut backward) = (Vec::new(), Vec::new());
        for first in 0..segments.len() {
            if used[first] {
                continue;
            }
            used[first] = true;
            let [start, end] = segments[first];
            edges.clear();
            edges.push(start);
            edges.push(end);
            walk(segments, ends, used, first, &mut edges);
            // A ring walks back to its first edge, which it then holds twice.
            let closed = edges.len() > 2 && edges.last() == Some(&start);
            if closed {
                edges.pop();
            } else {
                // The chain's other half, from the first segment's start, goes before it.
                backward.clear();
                backward.push(start);
                walk(segments, ends, used, first, &mut backward);
                backward.reverse();
                backward.extend_from_slice(&edges[1..]);
                std::mem::swap(&mut edges, &mut backward);
            }
            let mut points = Vec::with_capacity(edges.len());
            for &edge in &edges {
                points.push(self.crossing(edge, level));
            }
            lines.push(Polyline { points, closed });
        }
        // Only the edges this level cut are reset for the next.
        for segment in segments.iter() {
            for &edge in segment {
                ends[edge] = [NONE; 2];
            }
        }
        lines
    }
}

/// Buffers reused from one level to the next.
#[derive(Default)]
struct Scratch {
    /// Each sample's side of the level: 0 low, 1 high, [`UNDEFINED`].
    side: Vec<u8>,
    /// The level's segments.
    segments: Vec<Segment>,
    /// The (up to two) segments ending on each edge; all [`NONE`] between levels.
    ends: Vec<[usize; 2]>,
    /// Which segments a line has taken.
    used: Vec<bool>,
}

/// The side of a sample that is not finite.
const UNDEFINED: u8 = 2;

/// Follows the chain of segments from segment `from` out through the last edge of `chain`,
/// marking each segment used and appending the edges it reaches to `chain`.
fn walk(
    segments: &[Segment],
    ends: &[[usize; 2]],
    used: &mut [bool],
    from: usize,
    chain: &mut Vec<usize>,
) {
    let mut current = from;
    while let Some(&edge) = chain.last() {
        let [a, b] = ends[edge];
        let next = if a == current { b } else { a };
        if next == NONE || used[next] {
            return;
        }
        used[next] = true;
        let [p, q] = segments[next];
        chain.push(if p == edge { q } else { p });
        current = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// f = x² + y² sampled on an `n × n` grid over [−1, 1]², with the grid spacing.
    fn bowl(n: usize) -> (Vec<f64>, f64) {
        let h = 2.0 / (n - 1) as f64;
        let mut values = Vec::with_capacity(n * n);
        for r in 0..n {
            for c in 0..n {
                let (x, y) = (-1.0 + c as f64 * h, -1.0 + r as f64 * h);
                values.push(x * x + y * y);
            }
        }
        (values, h)
    }

    #[test]
    fn vertices_lie_on_their_level() {
        let n = 41;
        let (values, h) = bowl(n);
        let levels = [0.01, 0.1, 0.25, 0.5, 0.9, 1.5];
        let result = isolines(&values, n, n, &levels);
        assert_eq!(result.len(), levels.len());
        for isoline in &result {
            assert!(
                !isoline.lines.is_empty(),
                "level {} is traced",
                isoline.level
            );
            for line in &isoline.lines {
                for &[gx, gy] in &line.points {
                    let (x, y) = (-1.0 + gx * h, -1.0 + gy * h);
                    // Linear interpolation of f along an edge of length h misses the level by at
                    // most max|f''|·h²/8 = h²/4 (f'' = 2 along either axis).
                    let error = (x * x + y * y - isoline.level).abs();
                    assert!(
                        error <= h * h / 4.0 + 1e-12,
                        "level {}: vertex ({x}, {y}) is off by {error}",
                        isoline.level
                    );
                }
            }
        }
    }

    #[test]
    fn a_ring_inside_the_grid_comes_out_as_one_closed_line() {
        let n = 31;
        let (values, _) = bowl(n);
        let result = isolines(&values, n, n, &[0.3]);
        let lines = &result[0].lines;
        assert_eq!(lines.len(), 1, "one ring: {lines:?}");
        assert!(lines[0].closed);
        assert!(lines[0].points.len() > 20);
        // Consecutive vertices are neighbours (no jumps across the ring).
        let points = &lines[0].points;
        for (a, b) in points.iter().zip(points.iter().cycle().skip(1)) {
            assert!((a[0] - b[0]).abs() <= 1.0 && (a[1] - b[1]).abs() <= 1.0);
        }
        // A level crossing the grid's border gives open lines with both ends on the border.
        let result = isolines(&values, n, n, &[1.5]);
        assert!(!result[0].lines.is_empty());
        let on_border = |p: &[f64; 2]| {
            let m = (n - 1) as f64;
            p[0] == 0.0 || p[1] == 0.0 || p[0] == m || p[1] == m
        };
        for line in &result[0].lines {
            assert!(!line.closed);
            assert!(on_border(&line.points[0]));
            assert!(on_border(&line.points[line.points.len() - 1]));
        }
    }

    #[test]
    fn a_saddle_cell_is_resolved_by_its_centre() {
        // Corners 1 (top left), 0 (top right), 1 (bottom right), 0 (bottom left): centre 0.5.
        let values = [1.0, 0.0, 0.0, 1.0];
        let joined_high = isolines(&values, 2, 2, &[0.4]);
        let cut_high = isolines(&values, 2, 2, &[0.6]);
        for result in [&joined_high, &cut_high] {
            assert_eq!(result[0].lines.len(), 2);
        }
        // Centre high (0.5 ≥ 0.4): the lines go around the low corners (top right, bottom left).
        let around = |result: &[Isoline], corner: [f64; 2]| {
            result[0].lines.iter().any(|line| {
                line.points
                    .iter()
                    .all(|p| (p[0] - corner[0]).abs() < 1.0 && (p[1] - corner[1]).abs() < 1.0)
            })
        };
        assert!(around(&joined_high, [1.0, 0.0]) && around(&joined_high, [0.0, 1.0]));
        assert!(around(&cut_high, [0.0, 0.0]) && around(&cut_high, [1.0, 1.0]));
    }

    #[test]
    fn undefined_samples_have_no_lines_near_them() {
        let n = 21;
        let (mut values, _) = bowl(n);
        // Punch a hole at the centre and a NaN corner.
        for r in 8..13 {
            for c in 8..13 {
                values[r * n + c] = f64::NAN;
            }
        }
        values[0] = f64::INFINITY;
        let result = isolines(&values, n, n, &[0.02, 0.3, 2.0]);
        assert!(
            result[0].lines.is_empty(),
            "level 0.02 lies wholly inside the hole"
        );
        assert!(!result[1].lines.is_empty());
        for isoline in &result {
            for line in &isoline.lines {
                for p in &line.points {
                    assert!(p.iter().all(|v| v.is_finite()));
                    // The cells touching the hole span [7, 13]²; vertices may lie on its rim.
                    let in_hole = p[0] > 7.0 && p[0] < 13.0 && p[1] > 7.0 && p[1] < 13.0;
                    assert!(!in_hole, "{p:?} lies in a cell with an undefined corner");
                    assert!(
                        p[0] >= 1.0 || p[1] >= 1.0,
                        "nothing in the cell of the ∞ corner"
                    );
                }
            }
        }
        assert!(isolines(&[f64::NAN; 9], 3, 3, &[0.0])[0].lines.is_empty());
    }

    #[test]
    fn degenerate_grids_and_levels_give_nothing() {
        assert!(isolines(&[1.0], 1, 1, &[0.5])[0].lines.is_empty());
        assert!(isolines(&[1.0, 2.0, 3.0], 3, 1, &[1.5])[0].lines.is_empty());
        assert!(isolines(&[], 0, 0, &[0.5])[0].lines.is_empty());
        assert!(
            isolines(&[1.0, 2.0], 2, 2, &[1.5])[0].lines.is_empty(),
            "too few values"
        );
        assert!(isolines(&[1.0; 4], 2, 2, &[]).is_empty());
        let constant = [3.0; 25];
        for level in [2.0, 3.0, 4.0] {
            assert!(isolines(&constant, 5, 5, &[level])[0].lines.is_empty());
        }
        let (values, _) = bowl(5);
        for level in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(isolines(&values, 5, 5, &[level])[0].lines.is_empty());
        }
        assert!(isolines(&values, usize::MAX, 2, &[0.5])[0].lines.is_empty());
    }

    proptest! {
        #[test]
        fn any_grid_gives_lines_inside_it(
            (columns, rows, values) in (1usize..12, 1usize..12).prop_flat_map(|(c, r)| {
                let value = prop_oneof![
                    8 => -10.0..10.0f64,
                    1 => Just(f64::NAN),
                    1 => Just(f64::INFINITY),
                    1 => prop::sample::select(vec![-1.0, 0.0, 1.0]),
                ];
                (Just(c), Just(r), prop::collection::vec(value, c * r))
            }),
            levels in prop::collection::vec(
                prop_oneof![-11.0..11.0f64, Just(0.0), Just(1.0)],
                0..5,
            ),
        ) {
            let result = isolines(&values, columns, rows, &levels);
            prop_assert_eq!(result.len(), levels.len());
            for isoline in &result {
                for line in &isoline.lines {
                    prop_assert!(line.points.len() >= 2);
                    for p in &line.points {
                        prop_assert!(p[0] >= 0.0 && p[0] <= (columns - 1) as f64, "{:?}", p);
                        prop_assert!(p[1] >= 0.0 && p[1] <= (rows - 1) as f64, "{:?}", p);
                    }
                }
            }
        }
    }
}
