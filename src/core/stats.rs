//! Exact figures for the report: rounding done once, on whole numbers, and
//! the median and percentile of whole seconds. Floating point enters only in
//! the last step, so 8.525 h is 8.53 whichever way it was reached (a float
//! `(x * 100).round() / 100` gives 8.52 or 8.53 depending on how `x` was
//! computed).

/// `num / den` rounded half-up to `places` decimals: the nearest multiple of
/// 10^-places, a tie going to the larger one. `den` must be positive; a zero
/// `den` gives 0 rather than a panic.
pub fn round_half_up(num: i128, den: i128, places: u32) -> f64 {
    if den <= 0 {
        return 0.0;
    }
    let scale = 10i128.pow(places);
    // floor((2·num·scale + den) / (2·den)) is num·scale/den rounded half-up.
    let twice = 2 * num * scale + den;
    let q = twice.div_euclid(2 * den);
    q as f64 / scale as f64
}

/// A median kept exact: twice its value, since the median of an even count
/// is the mean of two whole numbers and may end in a half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Doubled(pub i64);

impl Doubled {
    /// The value in units of `unit` (3600 for hours of seconds), rounded
    /// half-up to `places` decimals.
    pub fn per(self, unit: i64, places: u32) -> f64 {
        round_half_up(i128::from(self.0), 2 * i128::from(unit), places)
    }
}

/// The middle value; for an even count, the mean of the two middle ones.
pub fn median(mut xs: Vec<i64>) -> Option<Doubled> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_unstable();
    let mid = xs.len() / 2;
    Some(Doubled(if xs.len() % 2 == 1 {
        2 * xs[mid]
    } else {
        xs[mid - 1] + xs[mid]
    }))
}

/// The `p`-th percentile by the nearest-rank method: the smallest value
/// with at least `p` percent of the values at or below it, which is always
/// one of the values (the value of rank ⌈p·n/100⌉ in ascending order).
pub fn nearest_rank(mut xs: Vec<i64>, p: u32) -> Option<i64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_unstable();
    let n = xs.len();
    let rank = (p as usize * n).div_ceil(100).clamp(1, n);
    Some(xs[rank - 1])
}

/// `part` of `all` in percent to one decimal, or `None` when `all` is 0.
pub fn pct(part: u32, all: u32) -> Option<f64> {
    (all > 0).then(|| round_half_up(i128::from(part) * 100, i128::from(all), 1))
}

/// The mean of scores to two decimals, or `None` without any.
pub fn average(scores: &[u8]) -> Option<f64> {
    (!scores.is_empty()).then(|| {
        let sum: i128 = scores.iter().map(|&s| i128::from(s)).sum();
        round_half_up(sum, scores.len() as i128, 2)
    })
}

/// Minutes as hours to two decimals.
pub fn hours_of_minutes(minutes: u64) -> f64 {
    round_half_up(i128::from(minutes), 60, 2)
}

/// Seconds as hours to two decimals.
pub fn hours_of_seconds(seconds: i64) -> f64 {
    round_half_up(i128::from(seconds), 3600, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_up_exactly() {
        // 8.525 h is 30 690 s; the float route gives 8.52.
        assert_eq!(round_half_up(30_690, 3600, 2), 8.53);
        // The float route this replaces: the mean of 2 s and 61 378 s in
        // hours is 8.524999…, which rounds to 8.52.
        let float = (2.0 / 3600.0 + 61_378.0 / 3600.0) / 2.0;
        assert_eq!((float * 100.0f64).round() / 100.0, 8.52);
        assert_eq!(median(vec![2, 61_378]).unwrap().per(3600, 2), 8.53);
        assert_eq!(round_half_up(1, 8, 2), 0.13);
        assert_eq!(round_half_up(1, 3, 1), 0.3);
        assert_eq!(round_half_up(2, 3, 2), 0.67);
        assert_eq!(round_half_up(5, 1, 0), 5.0);
        assert_eq!(round_half_up(-1, 2, 0), 0.0, "a tie goes up");
        assert_eq!(round_half_up(1, 0, 2), 0.0, "no panic on nothing");
    }

    #[test]
    fn a_median_of_whole_seconds_is_exact_whichever_way_it_is_reached() {
        // 8.525 h as one value, and as the mean of 8 h and 9.05 h.
        assert_eq!(median(vec![30_690]).unwrap().per(3600, 2), 8.53);
        assert_eq!(median(vec![28_800, 32_580]).unwrap().per(3600, 2), 8.53);
        assert_eq!(
            median(vec![32_580, 1, 28_800, 99_999])
                .unwrap()
                .per(3600, 2),
            8.53
        );
        assert_eq!(median(vec![3, 1, 2]), Some(Doubled(4)));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn the_percentile_is_the_nearest_rank() {
        let xs: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(xs.clone(), 90), Some(9));
        assert_eq!(nearest_rank(xs.clone(), 50), Some(5));
        assert_eq!(nearest_rank(xs.clone(), 100), Some(10));
        assert_eq!(nearest_rank(xs, 0), Some(1));
        // 90% of 3 values is 2.7: rank 3.
        assert_eq!(nearest_rank(vec![30, 10, 20], 90), Some(30));
        assert_eq!(nearest_rank(vec![7], 90), Some(7));
        assert_eq!(nearest_rank(vec![], 90), None);
    }

    #[test]
    fn shares_and_means_round_the_same_way() {
        assert_eq!(pct(2, 3), Some(66.7));
        assert_eq!(pct(1, 8), Some(12.5));
        assert_eq!(pct(1, 16), Some(6.3), "6.25 rounds up");
        assert_eq!(pct(0, 0), None);
        assert_eq!(average(&[5, 4, 1]), Some(3.33));
        assert_eq!(average(&[]), None);
        assert_eq!(hours_of_minutes(135), 2.25);
        assert_eq!(hours_of_seconds(30_690), 8.53);
    }
}
