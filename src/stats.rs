//! Statistics used by reports and tools: Wilson score intervals, Pearson's
//! chi-square test of independence, and the log-likelihood keyness statistic (G2).
//! Pure functions, each pinned by hand-computed tests.

/// The two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `k` successes in `n` trials, as proportions (0..=1).
/// `None` when `n` is 0. At `k` = 0 the lower bound is exactly 0, and at `k` = `n` the
/// upper bound exactly 1: the formula gives them only up to round-off (2.8e-17 for 0 of
/// 7), which a workbook would store as written.
pub fn wilson(k: u64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let lower = if k == 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let upper = if k == n { 1.0 } else { (centre + half).min(1.0) };
    Some((lower, upper))
}

/// Result of a chi-square test of independence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChiSquare {
    /// Pearson's statistic.
    pub statistic: f64,
    /// Degrees of freedom (after dropping empty rows and columns).
    pub df: u32,
    /// Upper-tail p-value.
    pub p: f64,
    /// Smallest expected count in the table.
    pub min_expected: f64,
    /// Share of cells with an expected count below 5.
    pub low_expected_share: f64,
}

impl ChiSquare {
    /// Whether the usual rule of thumb for the approximation fails: any expected count
    /// below 1, or more than 20% of cells below 5 (Cochran).
    pub fn unreliable(&self) -> bool {
        self.min_expected < 1.0 || self.low_expected_share > 0.2
    }
}

/// Pearson's chi-square test of independence on a table of counts (rows x columns).
/// Rows and columns that are all zero are dropped; `None` if fewer than 2 remain in
/// either direction.
pub fn chi_square(table: &[Vec<u64>]) -> Option<ChiSquare> {
    let rows: Vec<&Vec<u64>> = table.iter().filter(|r| r.iter().any(|&c| c > 0)).collect();
    let ncols = table.first().map_or(0, Vec::len);
    let cols: Vec<usize> = (0..ncols).filter(|&j| rows.iter().any(|r| r[j] > 0)).collect();
    if rows.len() < 2 || cols.len() < 2 {
        return None;
    }
    let row_sums: Vec<f64> = rows.iter().map(|r| cols.iter().map(|&j| r[j] as f64).sum()).collect();
    let col_sums: Vec<f64> = cols.iter().map(|&j| rows.iter().map(|r| r[j] as f64).sum()).collect();
    let total: f64 = row_sums.iter().sum();
    let mut statistic = 0.0;
    let mut min_expected = f64::INFINITY;
    let mut low = 0usize;
    for (i, r) in rows.iter().enumerate() {
        for (jj, &j) in cols.iter().enumerate() {
            let e = row_sums[i] * col_sums[jj] / total;
            min_expected = min_expected.min(e);
            if e < 5.0 {
                low += 1;
            }
            let d = r[j] as f64 - e;
            statistic += d * d / e;
        }
    }
    let df = ((rows.len() - 1) * (cols.len() - 1)) as u32;
    Some(ChiSquare {
        statistic,
        df,
        p: chi_square_sf(statistic, df),
        min_expected,
        low_expected_share: low as f64 / (rows.len() * cols.len()) as f64,
    })
}

/// Upper tail of the chi-square distribution: P(X >= x) with `df` degrees of freedom.
pub fn chi_square_sf(x: f64, df: u32) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    gamma_q(df as f64 / 2.0, x / 2.0)
}

/// Regularised upper incomplete gamma function Q(a, x) (Numerical Recipes 6.2).
fn gamma_q(a: f64, x: f64) -> f64 {
    if x < a + 1.0 { 1.0 - gamma_p_series(a, x) } else { gamma_q_fraction(a, x) }
}

fn gamma_p_series(a: f64, x: f64) -> f64 {
    let mut sum = 1.0 / a;
    let mut term = sum;
    let mut ap = a;
    for _ in 0..1000 {
        ap += 1.0;
        term *= x / ap;
        sum += term;
        if term.abs() < sum.abs() * 1e-15 {
            break;
        }
    }
    (sum.ln() - x + a * x.ln() - ln_gamma(a)).exp()
}

fn gamma_q_fraction(a: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / tiny;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..1000 {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < tiny {
            d = tiny;
        }
        c = b + an / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    (-x + a * x.ln() - ln_gamma(a)).exp() * h
}

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Log-likelihood keyness (G2, Dunning 1993; Rayson and Garside 2000) of a word
/// occurring `a` times in a target corpus of `c` words and `b` times in a reference
/// corpus of `d` words. Positive when over-represented in the target, negative when
/// under-represented.
pub fn log_likelihood(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (a, b, c, d) = (a as f64, b as f64, c as f64, d as f64);
    if c == 0.0 || d == 0.0 {
        return 0.0;
    }
    let e1 = c * (a + b) / (c + d);
    let e2 = d * (a + b) / (c + d);
    let term = |o: f64, e: f64| if o > 0.0 && e > 0.0 { o * (o / e).ln() } else { 0.0 };
    let g2 = 2.0 * (term(a, e1) + term(b, e2));
    if a / c >= b / d { g2 } else { -g2 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() < tol, "{a} != {b}");
    }

    #[test]
    fn wilson_interval_hand_computed() {
        // 26 of 132: p = 0.19697; Wilson 95%: (0.1381, 0.2731) (computed by hand from the formula)
        let (lo, hi) = wilson(26, 132, Z95).unwrap();
        close(lo, 0.1381, 0.0005);
        close(hi, 0.2731, 0.0005);
        // edge cases: 0 of n starts at 0, n of n ends at 1
        assert_eq!(wilson(0, 10, Z95).unwrap().0, 0.0);
        close(wilson(10, 10, Z95).unwrap().1, 1.0, 1e-12);
        // Exactly 0 and 1 at the ends, not round-off (0 of 7 gave 2.8e-17): found by a tester.
        for n in 1..200 {
            assert_eq!(wilson(0, n, Z95).unwrap().0, 0.0, "0 of {n}");
            assert_eq!(wilson(n, n, Z95).unwrap().1, 1.0, "{n} of {n}");
        }
        assert_eq!(wilson(0, 0, Z95), None);
    }

    #[test]
    fn chi_square_hand_computed() {
        // [[10, 20], [30, 40]]: expected [[12, 18], [28, 42]];
        // X2 = 4/12 + 4/18 + 4/28 + 4/42 = 0.79365; df 1; p = 0.3730
        let c = chi_square(&[vec![10, 20], vec![30, 40]]).unwrap();
        close(c.statistic, 0.793_650_8, 1e-6);
        assert_eq!(c.df, 1);
        close(c.p, 0.3730, 0.0005);
        assert!(!c.unreliable());
    }

    #[test]
    fn chi_square_survival_function() {
        // Table values: P(X2 >= 3.841) = 0.05 at df 1; P(X2 >= 5.991) = 0.05 at df 2;
        // P(X2 >= 11.07) = 0.05 at df 5.
        close(chi_square_sf(3.841_459, 1), 0.05, 1e-5);
        close(chi_square_sf(5.991_465, 2), 0.05, 1e-5);
        close(chi_square_sf(11.070_50, 5), 0.05, 1e-5);
        close(chi_square_sf(0.0, 3), 1.0, 1e-12);
    }

    #[test]
    fn chi_square_drops_empty_rows_and_flags_small_tables() {
        let c = chi_square(&[vec![3, 1, 0], vec![0, 0, 0], vec![1, 4, 0]]).unwrap();
        assert_eq!(c.df, 1);
        assert!(c.unreliable());
        assert!(chi_square(&[vec![5, 5], vec![0, 0]]).is_none());
    }

    #[test]
    fn log_likelihood_hand_computed() {
        // a=10 of c=1000, b=5 of d=2000: E1 = 1000*15/3000 = 5, E2 = 10;
        // G2 = 2*(10 ln 2 + 5 ln 0.5) = 10 ln 2 = 6.9315
        close(log_likelihood(10, 5, 1000, 2000), 10.0 * 2f64.ln(), 1e-9);
        assert!(log_likelihood(1, 50, 1000, 1000) < 0.0);
        assert_eq!(log_likelihood(0, 0, 10, 10), 0.0);
    }
}
