//! Exact score arithmetic. Points are kept as integer ten-thousandths so that sums and factors
//! (×0.6, ×0.2, 0.5 points) are exact; figures are rounded half away from zero to 2 decimals only
//! at the end (API.md, Aggregation).

use serde::{Serialize, Serializer};

/// Units per point: 4 decimals of working precision.
pub const UNIT: i64 = 10_000;

/// An exact amount of points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(pub i64);

impl Points {
    pub const ZERO: Points = Points(0);

    /// From a configured decimal (a rubric value such as 0.5 or 12): the nearest unit.
    pub fn from_f64(x: f64) -> Points {
        Points((x * UNIT as f64).round() as i64)
    }

    /// From hundredths (an expert's score as stored).
    pub fn from_hundredths(h: i64) -> Points {
        Points(h * (UNIT / 100))
    }

    /// Multiplies by a factor given as a decimal (×0.6), rounding to the nearest unit.
    pub fn times(self, factor: f64) -> Points {
        Points((self.0 as f64 * factor).round() as i64)
    }

    pub fn min(self, other: Points) -> Points {
        Points(self.0.min(other.0))
    }

    /// Rounded half away from zero to hundredths.
    pub fn to_hundredths(self) -> i64 {
        div_round_half_away(i128::from(self.0), i128::from(UNIT / 100)) as i64
    }

    /// The rounded figure as a number with at most 2 decimals (for JSON).
    pub fn to_f64_2dp(self) -> f64 {
        self.to_hundredths() as f64 / 100.0
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, o: Points) -> Points {
        Points(self.0 + o.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.to_f64_2dp())
    }
}

/// `n / d` rounded half away from zero (d > 0).
pub fn div_round_half_away(n: i128, d: i128) -> i128 {
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d {
        q + n.signum()
    } else {
        q
    }
}

/// Parses a JSON number with at most 2 decimals into hundredths; None if it has more decimals,
/// is not finite or is out of range.
pub fn hundredths_of(x: f64) -> Option<i64> {
    if !x.is_finite() || x.abs() > 1e9 {
        return None;
    }
    let h = (x * 100.0).round();
    // Accept only values that really have at most 2 decimals (allowing binary noise).
    ((x * 100.0 - h).abs() < 1e-6).then_some(h as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round_half_away(5, 10), 1);
        assert_eq!(div_round_half_away(-5, 10), -1);
        assert_eq!(div_round_half_away(4, 10), 0);
        assert_eq!(div_round_half_away(15, 10), 2);
        assert_eq!(Points(12_345).to_hundredths(), 123);
        assert_eq!(Points(12_350).to_hundredths(), 124);
        assert_eq!(Points::from_f64(0.5).times(0.6), Points(3_000));
    }

    #[test]
    fn expert_numbers_have_at_most_two_decimals() {
        assert_eq!(hundredths_of(12.5), Some(1250));
        assert_eq!(hundredths_of(0.29), Some(29));
        assert_eq!(hundredths_of(7.0), Some(700));
        assert_eq!(hundredths_of(1.234), None);
        assert_eq!(hundredths_of(f64::NAN), None);
    }

    proptest! {
        #[test]
        fn rounding_never_moves_more_than_half(n in -1_000_000i128..1_000_000, d in 1i128..1000) {
            let q = div_round_half_away(n, d);
            prop_assert!((q * d - n).abs() * 2 <= d);
        }
    }
}
